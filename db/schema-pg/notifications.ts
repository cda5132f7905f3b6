/** PostgreSQL mirror of db/schema/notifications.ts (what each column means is written there). */
import { sql } from 'drizzle-orm';
import { boolean, index, integer, jsonb, pgTable, primaryKey, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { millis } from './columns';
import { NOTIFICATION_KINDS, type NotificationFacts } from '../schema/notifications';
import { users } from './auth';
import { clubs } from './clubs';

export const notificationSources = pgTable('notification_sources', {
  id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
  kind: text('kind').notNull(),
  subjectId: integer('subject_id').notNull(),
  actorId: integer('actor_id'),
  clubId: integer('club_id'),
  createdAt: millis('created_at').notNull(),
});

export const notifications = pgTable(
  'notifications',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    recipientId: integer('recipient_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    clubId: integer('club_id').references(() => clubs.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: NOTIFICATION_KINDS }).notNull(),
    facts: jsonb('facts').$type<NotificationFacts>().notNull(),
    groupKey: text('group_key'),
    inApp: boolean('in_app').notNull().default(true),
    mailStatus: text('mail_status', { enum: ['none', 'instant', 'digest', 'digested'] }).notNull().default('none'),
    mailId: integer('mail_id'),
    createdAt: millis('created_at').notNull(),
    updatedAt: millis('updated_at').notNull(),
    readAt: millis('read_at'),
  },
  (t) => [
    index('notifications_recipient_idx').on(t.recipientId, t.readAt, t.updatedAt),
    index('notifications_digest_idx').on(t.mailStatus, t.recipientId),
    index('notifications_mail_idx').on(t.mailId),
    uniqueIndex('notifications_group_unread_idx').on(t.recipientId, t.groupKey).where(sql`group_key is not null and read_at is null`),
  ],
);

export const notificationPreferences = pgTable(
  'notification_preferences',
  {
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    clubId: integer('club_id').notNull(),
    inApp: boolean('in_app').notNull(),
    email: text('email', { enum: ['instant', 'daily', 'weekly', 'never'] }).notNull(),
    updatedAt: millis('updated_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.clubId] })],
);

export const notificationMails = pgTable(
  'notification_mails',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    recipientId: integer('recipient_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: ['instant', 'daily', 'weekly'] }).notNull(),
    notificationId: integer('notification_id'),
    clubId: integer('club_id'),
    periodKey: text('period_key'),
    state: text('state', { enum: ['pending', 'claimed', 'sending', 'sent', 'failed', 'unconfirmed', 'dropped'] }).notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: millis('next_attempt_at').notNull(),
    leaseUntil: millis('lease_until'),
    claimToken: text('claim_token'),
    messageId: text('message_id').notNull(),
    createdAt: millis('created_at').notNull(),
    sentAt: millis('sent_at'),
    lastError: text('last_error'),
  },
  (t) => [index('notification_mails_due_idx').on(t.state, t.nextAttemptAt), uniqueIndex('notification_mails_period_idx').on(t.recipientId, t.kind, t.periodKey)],
);

export const notificationState = pgTable('notification_state', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
});

export const notificationAddresses = pgTable('notification_addresses', {
  userId: integer('user_id')
    .primaryKey()
    .references(() => users.id, { onDelete: 'cascade' }),
  email: text('email').notNull(),
  updatedAt: millis('updated_at').notNull(),
});
