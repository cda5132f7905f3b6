/** The plain data the notifications area's views draw, and the area's small vocabularies. */
import type { NOTIFICATION_KINDS } from '../../db/schema';

export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];
export const EMAIL_MODES = ['instant', 'daily', 'weekly', 'never'] as const;
export type EmailMode = (typeof EMAIL_MODES)[number];

/** A reader's choice for one club (or, club 0, for all clubs). */
export interface Preference {
  inApp: boolean;
  email: EmailMode;
}

/** Nothing chosen yet: in the app on, e-mail off until the reader turns it on. */
export const DEFAULT_PREFERENCE: Preference = { inApp: true, email: 'never' };

/** One notification as a reader may see it now (decided at display or send time). */
export interface NotificationView {
  id: number;
  /** Already translated, already through the spoiler gate and the poll-results rule. */
  text: string;
  /** A short quote of the comment when the reader may read it; null otherwise. */
  excerpt: string | null;
  /** Where it leads (a path inside the app). */
  href: string;
  clubName: string | null;
  timeLabel: string;
  timeIso: string;
  unread: boolean;
  kind: NotificationKind;
}

export interface PreferencesView {
  emailAvailable: boolean;
  address: string;
  timeZone: string;
  all: Preference;
  clubs: { id: number; name: string; own: Preference | null }[];
  saved: boolean;
}

/** A mail ready for the transport (the sender is the transport's). */
export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  html: string;
  messageId: string;
  headers: Record<string, string>;
}
