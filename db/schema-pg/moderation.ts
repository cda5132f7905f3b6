/** PostgreSQL mirror of db/schema/moderation.ts (what each column means is written there). */
import { index, integer, jsonb, pgTable, primaryKey, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { millis } from './columns';
import { FLAG_REASONS } from '../schema/moderation';
import { comments } from './annotations';
import { users } from './auth';
import { clubs } from './clubs';

export const commentFlags = pgTable(
  'comment_flags',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    clubId: integer('club_id')
      .notNull()
      .references(() => clubs.id, { onDelete: 'cascade' }),
    commentId: integer('comment_id')
      .notNull()
      .references(() => comments.id, { onDelete: 'cascade' }),
    flaggerId: integer('flagger_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    reason: text('reason', { enum: FLAG_REASONS }).notNull(),
    note: text('note').notNull().default(''),
    createdAt: millis('created_at').notNull(),
    resolvedAt: millis('resolved_at'),
  },
  (t) => [uniqueIndex('comment_flags_one_per_member_idx').on(t.commentId, t.flaggerId), index('comment_flags_club_idx').on(t.clubId, t.resolvedAt)],
);

export const moderationLog = pgTable(
  'moderation_log',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    clubId: integer('club_id').references(() => clubs.id, { onDelete: 'cascade' }),
    actorId: integer('actor_id').references(() => users.id, { onDelete: 'set null' }),
    action: text('action').notNull(),
    targetUserId: integer('target_user_id').references(() => users.id, { onDelete: 'set null' }),
    subjectId: integer('subject_id'),
    detail: jsonb('detail').$type<Record<string, string | number | null>>().notNull(),
    reason: text('reason').notNull().default(''),
    createdAt: millis('created_at').notNull(),
  },
  (t) => [index('moderation_log_club_idx').on(t.clubId, t.createdAt), index('moderation_log_target_idx').on(t.targetUserId, t.createdAt)],
);

export const clubMutes = pgTable(
  'club_mutes',
  {
    clubId: integer('club_id')
      .notNull()
      .references(() => clubs.id, { onDelete: 'cascade' }),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    until: millis('until').notNull(),
    reason: text('reason').notNull(),
    createdBy: integer('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: millis('created_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.clubId, t.userId] })],
);

export const clubBans = pgTable(
  'club_bans',
  {
    clubId: integer('club_id')
      .notNull()
      .references(() => clubs.id, { onDelete: 'cascade' }),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    reason: text('reason').notNull(),
    createdBy: integer('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: millis('created_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.clubId, t.userId] })],
);

export const clubModerationSettings = pgTable('club_moderation_settings', {
  clubId: integer('club_id')
    .primaryKey()
    .references(() => clubs.id, { onDelete: 'cascade' }),
  slowModeSeconds: integer('slow_mode_seconds').notNull().default(0),
  flagThreshold: integer('flag_threshold').notNull().default(3),
});

