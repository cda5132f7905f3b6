import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { comments } from './annotations';
import { users } from './auth';
import { clubs } from './clubs';

export const FLAG_REASONS = ['spoiler', 'off_topic', 'rude', 'spam', 'other'] as const;
export type FlagReason = (typeof FLAG_REASONS)[number];

/**
 * A member's flag on a comment: one per member per comment (the unique index). A moderator's
 * "keep" or any other decision resolves the open flags (`resolvedAt`), so they leave the queue
 * and no longer count towards the threshold; the member still cannot flag the same comment twice.
 */
export const commentFlags = sqliteTable(
  'comment_flags',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
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
    /** The flagger's words ("other" requires them). Never shown to the comment's author. */
    note: text('note').notNull().default(''),
    createdAt: integer('created_at').notNull(),
    resolvedAt: integer('resolved_at'),
  },
  (t) => [uniqueIndex('comment_flags_one_per_member_idx').on(t.commentId, t.flaggerId), index('comment_flags_club_idx').on(t.clubId, t.resolvedAt)],
);

/**
 * The audit log: every moderator, owner and admin action, once. `clubId` null for site
 * administration. `targetUserId` is whose content or membership it concerned (the author of a
 * hidden comment, the muted member); `subjectId` the comment, poll or reading; `detail` small
 * facts (a role, an end time, seconds) as JSON; `reason` the moderator's words.
 */
export const moderationLog = sqliteTable(
  'moderation_log',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    clubId: integer('club_id').references(() => clubs.id, { onDelete: 'cascade' }),
    actorId: integer('actor_id').references(() => users.id, { onDelete: 'set null' }),
    action: text('action').notNull(),
    targetUserId: integer('target_user_id').references(() => users.id, { onDelete: 'set null' }),
    subjectId: integer('subject_id'),
    detail: text('detail', { mode: 'json' }).$type<Record<string, string | number | null>>().notNull(),
    reason: text('reason').notNull().default(''),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [index('moderation_log_club_idx').on(t.clubId, t.createdAt), index('moderation_log_target_idx').on(t.targetUserId, t.createdAt)],
);

/** A member muted in a club until `until`: they read, they do not post, react or vote. */
export const clubMutes = sqliteTable(
  'club_mutes',
  {
    clubId: integer('club_id')
      .notNull()
      .references(() => clubs.id, { onDelete: 'cascade' }),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    until: integer('until').notNull(),
    reason: text('reason').notNull(),
    createdBy: integer('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.clubId, t.userId] })],
);

/** A reader removed and banned from a club: no invitation or public join lets them back in. */
export const clubBans = sqliteTable(
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
    createdAt: integer('created_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.clubId, t.userId] })],
);

/** A club's moderation settings; no row means the defaults (no slow mode, threshold 3). */
export const clubModerationSettings = sqliteTable('club_moderation_settings', {
  clubId: integer('club_id')
    .primaryKey()
    .references(() => clubs.id, { onDelete: 'cascade' }),
  /** 0 = off; otherwise one comment per member per N seconds. */
  slowModeSeconds: integer('slow_mode_seconds').notNull().default(0),
  /** Flags from this many different members hide a comment until a moderator looks. */
  flagThreshold: integer('flag_threshold').notNull().default(3),
});

export type CommentFlag = typeof commentFlags.$inferSelect;
export type ModerationLogRow = typeof moderationLog.$inferSelect;
