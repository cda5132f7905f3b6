import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { sql } from 'drizzle-orm';
import { users } from './auth';
import { clubs } from './clubs';

/**
 * What happened, written by triggers (migration `notifications`) in the SAME transaction as the
 * write that caused it — a comment, a reaction, a membership, an invitation used, a poll
 * created or closed, a moderation log entry — whichever code wrote it. The notifications area
 * turns each row into notifications (and their mails) in one transaction and deletes it, so
 * every source is fanned out exactly once, even after a crash. See docs/notifications.md.
 */
export const notificationSources = sqliteTable('notification_sources', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  /** 'comment' | 'reaction' | 'member' | 'invitation' | 'poll' | 'poll_closed' | 'moderation' */
  kind: text('kind').notNull(),
  /** The comment, poll, invitation, log entry or user it is about. */
  subjectId: integer('subject_id').notNull(),
  actorId: integer('actor_id'),
  clubId: integer('club_id'),
  createdAt: integer('created_at').notNull(),
});

export const NOTIFICATION_KINDS = [
  'reply',
  'mention',
  'reactions',
  'poll_opened',
  'poll_closing',
  'poll_results',
  'chapter_opened',
  'moderated',
  'member_joined',
  'invitation_accepted',
  'meeting_soon',
  'meeting_changed',
] as const;

/** The ids and facts a notification is drawn from at display or send time; never text. */
export type NotificationFacts = Record<string, number | number[] | string | null>;

/**
 * One notification for one reader. It keeps ids and facts only: what it says is decided when it
 * is shown or sent (the spoiler gate, the poll-results rule). `groupKey` gathers (reactions to
 * one comment) while unread. `mailStatus`: 'none' (no mail), 'instant' (a mail row was made),
 * 'digest' (waits for the reader's digest), 'digested' (went out in `mailId`).
 */
export const notifications = sqliteTable(
  'notifications',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    recipientId: integer('recipient_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    clubId: integer('club_id').references(() => clubs.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: NOTIFICATION_KINDS }).notNull(),
    facts: text('facts', { mode: 'json' }).$type<NotificationFacts>().notNull(),
    groupKey: text('group_key'),
    /** Shown in the app (false when the reader turned in-app notifications off for the club). */
    inApp: integer('in_app', { mode: 'boolean' }).notNull().default(true),
    mailStatus: text('mail_status', { enum: ['none', 'instant', 'digest', 'digested'] }).notNull().default('none'),
    mailId: integer('mail_id'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
    readAt: integer('read_at'),
  },
  (t) => [
    index('notifications_recipient_idx').on(t.recipientId, t.readAt, t.updatedAt),
    index('notifications_digest_idx').on(t.mailStatus, t.recipientId),
    index('notifications_mail_idx').on(t.mailId),
    uniqueIndex('notifications_group_unread_idx').on(t.recipientId, t.groupKey).where(sql`group_key is not null and read_at is null`),
  ],
);

/**
 * A reader's choices: `clubId` 0 is "all clubs" (the default for every club), a club's own row
 * overrides it. No row: in the app on, e-mail off.
 */
export const notificationPreferences = sqliteTable(
  'notification_preferences',
  {
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    clubId: integer('club_id').notNull(),
    inApp: integer('in_app', { mode: 'boolean' }).notNull(),
    email: text('email', { enum: ['instant', 'daily', 'weekly', 'never'] }).notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.clubId] })],
);

/**
 * The mail outbox. A row is made in the same transaction as its notification (at once) or the
 * digest that gathers them (`periodKey`, unique per reader and kind, so a digest is built once).
 * The worker claims a row ('claimed', with `leaseUntil`), renders it, marks it 'sending' right
 * before the SMTP transaction and 'sent' after: a 'claimed' row whose lease ran out never reached
 * the server and is tried again; a 'sending' one may have, and is set 'unconfirmed' instead of
 * being sent twice. `messageId` is fixed when the row is made.
 */
export const notificationMails = sqliteTable(
  'notification_mails',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    recipientId: integer('recipient_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: ['instant', 'daily', 'weekly'] }).notNull(),
    notificationId: integer('notification_id'),
    clubId: integer('club_id'),
    periodKey: text('period_key'),
    state: text('state', { enum: ['pending', 'claimed', 'sending', 'sent', 'failed', 'unconfirmed', 'dropped'] }).notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: integer('next_attempt_at').notNull(),
    leaseUntil: integer('lease_until'),
    claimToken: text('claim_token'),
    messageId: text('message_id').notNull(),
    createdAt: integer('created_at').notNull(),
    sentAt: integer('sent_at'),
    lastError: text('last_error'),
  },
  (t) => [index('notification_mails_due_idx').on(t.state, t.nextAttemptAt), uniqueIndex('notification_mails_period_idx').on(t.recipientId, t.kind, t.periodKey)],
);

/** Small state of the area: the unsubscribe signing key, each scheduled job's last run. */
export const notificationState = sqliteTable('notification_state', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
});

export type NotificationRow = typeof notifications.$inferSelect;
export type NotificationMailRow = typeof notificationMails.$inferSelect;

/** Where a reader's notification e-mails go (set on the preferences page). */
export const notificationAddresses = sqliteTable('notification_addresses', {
  userId: integer('user_id')
    .primaryKey()
    .references(() => users.id, { onDelete: 'cascade' }),
  email: text('email').notNull(),
  updatedAt: integer('updated_at').notNull(),
});
