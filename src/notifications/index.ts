/**
 * The notifications area's public face: `createNotifications` (its routes, its service — the
 * bus listener, mail worker and scheduler — and the bell's count), {@link notify} for other
 * areas to add kinds inside their own transactions, and the plain data its views draw.
 */
export { createNotifications, type Notifications } from './routes';
export { notify, type NotifyContext, type NotifyInput } from './fanout';
export { UNSUBSCRIBE_PATH } from './unsubscribe';
export type { NotificationsOptions } from './service';
export type { MailTransport } from './worker';
export { EMAIL_MODES, DEFAULT_PREFERENCE, type EmailMode, type NotificationKind, type NotificationView, type OutgoingMail, type Preference, type PreferencesView } from './types';
