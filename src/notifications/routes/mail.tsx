/**
 * Composing a mail from its outbox row, at send time: the recipient's language and time zone,
 * what each notification says decided now (present.ts: the gate, the poll-results rule), HTML
 * and plain text, and the RFC 8058 one-click unsubscribe headers.
 */
import type { Db } from '../../../db/connection';
import type { NotificationMailRow } from '../../../db/schema';
import { NotificationMail } from '../../../views/notifications/mail';
import { isLocale, translator, type Locale } from '../../i18n';
import { viewerTimeZone } from '../../i18n/zoned-time';
import { renderDocument } from '../../http/page';
import { presentNotifications } from '../present';
import { notificationById, notificationsOfMail, userBasics, addressOf } from '../queries';
import type { OutgoingMail } from '../types';
import { UNSUBSCRIBE_PATH, unsubscribeToken } from '../unsubscribe';


export const PREFERENCES_PATH = '/notifications/preferences';

/** The mail for `row` as it should read now, or null when there is nothing left to say. */
export async function composeMail(db: Db, origin: string, row: NotificationMailRow, now: number): Promise<OutgoingMail | null> {
  const user = (await userBasics(db, [row.recipientId])).get(row.recipientId);
  const to = await addressOf(db, row.recipientId);
  if (!user || !to) return null;
  const locale: Locale = isLocale(user.locale) ? user.locale : 'en';
  const t = translator(locale);
  const recipient = { id: user.id, t, locale, timeZone: viewerTimeZone(user.timeZone) };
  const rows = row.kind === 'instant' ? [await notificationById(db, row.notificationId ?? -1)].filter((n) => n !== undefined) : await notificationsOfMail(db, row.id);
  const views = await presentNotifications(db, recipient, rows, now);
  if (views.length === 0) return null;
  const app = t('app.name');
  const items = views.map((view) => ({ ...view, url: `${origin}${view.href}` }));
  const unsubscribeClub = row.kind === 'instant' ? (row.clubId ?? 0) : 0;
  const unsubscribeUrl = `${origin}${UNSUBSCRIBE_PATH}?token=${await unsubscribeToken(db, user.id, unsubscribeClub)}`;
  const settingsUrl = `${origin}${PREFERENCES_PATH}`;
  const title = row.kind === 'instant' ? items[0]!.text : t(row.kind === 'daily' ? 'notifications.mail.digest.daily' : 'notifications.mail.digest.weekly', { app });
  const subject = row.kind === 'instant' ? t('notifications.mail.subject', { app, text: items[0]!.text }) : title;
  const intro = row.kind === 'instant' ? null : t('notifications.mail.digest.intro', { count: items.length });
  const why = t('notifications.mail.why', { app });
  const openLabel = t('notifications.mail.open', { app });

  const text = [
    title,
    '',
    ...(intro ? [intro, ''] : []),
    ...items.flatMap((item) => [`- ${item.text}${item.clubName ? ` · ${item.clubName}` : ''}`, ...(item.excerpt ? [`  “${item.excerpt}”`] : []), `  ${item.url}`, `  ${item.timeLabel}`, '']),
    '--',
    why,
    `${t('notifications.mail.settings')}: ${settingsUrl}`,
    `${t('notifications.mail.unsubscribe')}: ${unsubscribeUrl}`,
    '',
  ].join('\n');
  const html = renderDocument(
    <NotificationMail
      lang={locale}
      title={title}
      intro={intro}
      items={items}
      openLabel={openLabel}
      why={why}
      settingsLabel={t('notifications.mail.settings')}
      settingsUrl={settingsUrl}
      unsubscribeLabel={t('notifications.mail.unsubscribe')}
      unsubscribeUrl={unsubscribeUrl}
    />,
  );
  return {
    to,
    subject,
    text,
    html,
    messageId: row.messageId,
    headers: { 'List-Unsubscribe': `<${unsubscribeUrl}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
  };
}
