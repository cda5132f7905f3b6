/** SQL of the notifications area: one query per scope, no decisions. */
import { and, asc, desc, eq, inArray, isNull, lte, sql } from 'drizzle-orm';
import { prepared, type Db } from '../../db/connection';
import {
  clubs,
  comments,
  invitations,
  memberships,
  moderationLog,
  notificationAddresses,
  notificationMails,
  notificationPreferences,
  notifications,
  notificationSources,
  notificationState,
  pollVotes,
  polls,
  users,
  type NotificationFacts,
  type NotificationRow,
} from '../../db/schema';
import type { EmailMode, NotificationKind, Preference } from './types';

const p = (name: string) => sql.placeholder(name);

// ---------------------------------------------------------------- sources (written by triggers)

export function pendingSources(db: Db, limit: number) {
  return db.select().from(notificationSources).orderBy(asc(notificationSources.id)).limit(limit).all();
}

export function deleteSources(db: Db, ids: number[]): void {
  if (ids.length) db.delete(notificationSources).where(inArray(notificationSources.id, ids)).run();
}

export function hasPendingSources(db: Db): boolean {
  return prepared(db, 'notify-has-sources', (db) => db.select({ id: notificationSources.id }).from(notificationSources).limit(1).prepare()).get() !== undefined;
}

// ---------------------------------------------------------------- what the sources are about

export function commentFacts(db: Db, commentId: number) {
  return prepared(db, 'notify-comment-facts', (db) =>
    db
    .select({
      id: comments.id,
      clubId: comments.clubId,
      readingId: comments.readingId,
      chapterId: comments.chapterId,
      paragraphId: comments.paragraphId,
      parentId: comments.parentId,
      rootId: comments.rootId,
      authorId: comments.authorId,
      anchorPosition: comments.anchorPosition,
      visibility: comments.visibility,
      body: comments.body,
      deletedAt: comments.deletedAt,
      moderation: comments.moderation,
    })
    .from(comments)
    .where(eq(comments.id, p('commentId')))
    .prepare(),
  ).get({ commentId });
}

export type CommentFactsRow = NonNullable<ReturnType<typeof commentFacts>>;

export function commentAuthor(db: Db, commentId: number): number | null {
  return prepared(db, 'notify-comment-author', (db) => db.select({ authorId: comments.authorId }).from(comments).where(eq(comments.id, p('commentId'))).prepare()).get({ commentId })?.authorId ?? null;
}

/** Members of the club among these lower-cased usernames. */
export function membersNamed(db: Db, clubId: number, usernameKeys: string[]): number[] {
  if (usernameKeys.length === 0) return [];
  return db
    .select({ id: users.id })
    .from(users)
    .innerJoin(memberships, and(eq(memberships.userId, users.id), eq(memberships.clubId, clubId)))
    .where(inArray(users.usernameKey, usernameKeys))
    .all()
    .map((row) => row.id);
}

export function clubMembers(db: Db, clubId: number): { userId: number; role: 'owner' | 'moderator' | 'member' }[] {
  return prepared(db, 'notify-club-members', (db) => db.select({ userId: memberships.userId, role: memberships.role }).from(memberships).where(eq(memberships.clubId, p('clubId'))).prepare()).all({ clubId });
}

export function isMemberOf(db: Db, clubId: number, userId: number): boolean {
  return (
    prepared(db, 'notify-is-member', (db) =>
      db
        .select({ userId: memberships.userId })
        .from(memberships)
        .where(and(eq(memberships.clubId, p('clubId')), eq(memberships.userId, p('userId'))))
        .prepare(),
    ).get({ clubId, userId }) !== undefined
  );
}

export function invitationCreator(db: Db, invitationId: number): number | null {
  return db.select({ createdBy: invitations.createdBy }).from(invitations).where(eq(invitations.id, invitationId)).get()?.createdBy ?? null;
}

export function pollRow(db: Db, pollId: number) {
  return db.select().from(polls).where(eq(polls.id, pollId)).get();
}

export function votersOf(db: Db, pollId: number): Set<number> {
  return new Set(db.select({ userId: pollVotes.userId }).from(pollVotes).where(eq(pollVotes.pollId, pollId)).all().map((row) => row.userId));
}

export function logEntry(db: Db, logId: number) {
  return db.select().from(moderationLog).where(eq(moderationLog.id, logId)).get();
}

export type UserBasics = { id: number; username: string; displayName: string; locale: string | null; timeZone: string | null };

/** `(select value from json_each(:name))`: a list of ids as ONE parameter, so the statement is prepared once whatever the list's length. */
const idList = (name: string) => sql`(select value from json_each(${p(name)}))`;

export function userBasics(db: Db, userIds: number[]): Map<number, UserBasics> {
  if (userIds.length === 0) return new Map();
  const rows: UserBasics[] = prepared(db, 'notify-user-basics', (db) =>
    db
      .select({ id: users.id, username: users.username, displayName: users.displayName, locale: users.locale, timeZone: users.timeZone })
      .from(users)
      .where(inArray(users.id, idList('ids')))
      .prepare(),
  ).all({ ids: JSON.stringify(userIds) });
  return new Map(rows.map((row) => [row.id, row]));
}

// ---------------------------------------------------------------- preferences

/** Every preference row of a reader: club 0 is "all clubs". */
export function preferenceRows(db: Db, userId: number): Map<number, Preference> {
  const rows = prepared(db, 'notify-preferences', (db) => db.select().from(notificationPreferences).where(eq(notificationPreferences.userId, p('userId'))).prepare()).all({ userId });
  return new Map(rows.map((row) => [row.clubId, { inApp: row.inApp, email: row.email }]));
}

export function savePreference(db: Db, userId: number, clubId: number, preference: Preference, now: number): void {
  db.insert(notificationPreferences)
    .values({ userId, clubId, inApp: preference.inApp, email: preference.email, updatedAt: now })
    .onConflictDoUpdate({ target: [notificationPreferences.userId, notificationPreferences.clubId], set: { inApp: preference.inApp, email: preference.email, updatedAt: now } })
    .run();
}

export function deletePreference(db: Db, userId: number, clubId: number): void {
  db.delete(notificationPreferences).where(and(eq(notificationPreferences.userId, userId), eq(notificationPreferences.clubId, clubId))).run();
}

/** Turns e-mail off for a reader in one club (or, clubId 0, everywhere). */
export function stopEmail(db: Db, userId: number, clubId: number, now: number): void {
  const rows = preferenceRows(db, userId);
  if (clubId === 0) {
    for (const [club, preference] of rows) if (club !== 0) savePreference(db, userId, club, { ...preference, email: 'never' }, now);
  }
  const current = rows.get(clubId) ?? rows.get(0) ?? { inApp: true, email: 'never' as EmailMode };
  savePreference(db, userId, clubId, { ...current, email: 'never' }, now);
}

/** The clubs a reader is a member of, by name. */
export function clubsOf(db: Db, userId: number): { id: number; name: string }[] {
  return db
    .select({ id: clubs.id, name: clubs.name })
    .from(memberships)
    .innerJoin(clubs, eq(clubs.id, memberships.clubId))
    .where(eq(memberships.userId, userId))
    .orderBy(asc(clubs.name))
    .all();
}

// ---------------------------------------------------------------- notifications

export interface NewNotification {
  recipientId: number;
  clubId: number | null;
  kind: NotificationKind;
  facts: NotificationFacts;
  groupKey?: string | null;
  inApp: boolean;
  mailStatus: 'none' | 'instant' | 'digest';
  createdAt: number;
}

export function insertNotification(db: Db, row: NewNotification): number {
  const insert = prepared(db, 'notify-insert', (db) =>
    db
      .insert(notifications)
      .values({
        recipientId: p('recipientId'),
        clubId: p('clubId'),
        kind: p('kind'),
        facts: p('facts'),
        groupKey: p('groupKey'),
        inApp: p('inApp'),
        mailStatus: p('mailStatus'),
        createdAt: p('createdAt'),
        updatedAt: p('createdAt'),
      })
      .returning({ id: notifications.id })
      .prepare(),
  );
  return insert.get({ ...row, groupKey: row.groupKey ?? null })!.id;
}

export function unreadInGroup(db: Db, recipientId: number, groupKey: string): NotificationRow | undefined {
  return prepared(db, 'notify-unread-in-group', (db) =>
    db
      .select()
      .from(notifications)
      .where(and(eq(notifications.recipientId, p('recipientId')), eq(notifications.groupKey, p('groupKey')), isNull(notifications.readAt)))
      .prepare(),
  ).get({ recipientId, groupKey });
}

export function updateGrouped(db: Db, id: number, facts: NotificationFacts, now: number): void {
  db.update(notifications).set({ facts, updatedAt: now }).where(eq(notifications.id, id)).run();
}

export function unreadCount(db: Db, userId: number): number {
  return (
    prepared(db, 'notify-unread-count', (db) =>
      db
        .select({ n: sql<number>`count(*)` })
        .from(notifications)
        .where(and(eq(notifications.recipientId, p('userId')), isNull(notifications.readAt), eq(notifications.inApp, true)))
        .prepare(),
    ).get({ userId })?.n ?? 0
  );
}

export function listForRecipient(db: Db, userId: number, limit: number): NotificationRow[] {
  return db
    .select()
    .from(notifications)
    .where(and(eq(notifications.recipientId, userId), eq(notifications.inApp, true)))
    .orderBy(desc(notifications.updatedAt), desc(notifications.id))
    .limit(limit)
    .all();
}

export function notificationById(db: Db, id: number): NotificationRow | undefined {
  return db.select().from(notifications).where(eq(notifications.id, id)).get();
}

export function markRead(db: Db, userId: number, id: number, now: number): boolean {
  return db
    .update(notifications)
    .set({ readAt: now })
    .where(and(eq(notifications.id, id), eq(notifications.recipientId, userId), isNull(notifications.readAt)))
    .run().changes > 0;
}

export function markAllRead(db: Db, userId: number, now: number): number {
  return db.update(notifications).set({ readAt: now }).where(and(eq(notifications.recipientId, userId), isNull(notifications.readAt))).run().changes;
}

/** Notifications waiting for a reader's digest, made at or before `cutoff`. */
export function waitingForDigest(db: Db, recipientId: number, cutoff: number): NotificationRow[] {
  return prepared(db, 'notify-waiting-for-digest', (db) =>
    db
      .select()
      .from(notifications)
      .where(and(eq(notifications.recipientId, p('recipientId')), eq(notifications.mailStatus, 'digest'), lte(notifications.createdAt, p('cutoff'))))
      .orderBy(asc(notifications.createdAt))
      .prepare(),
  ).all({ recipientId, cutoff });
}

/** Readers with notifications waiting for a digest. */
export function recipientsWaitingForDigest(db: Db): number[] {
  return db
    .selectDistinct({ id: notifications.recipientId })
    .from(notifications)
    .where(eq(notifications.mailStatus, 'digest'))
    .all()
    .map((row) => row.id);
}

export function markDigested(db: Db, ids: number[], mailId: number): void {
  if (ids.length === 0) return;
  prepared(db, 'notify-mark-digested', (db) =>
    db
      .update(notifications)
      .set({ mailStatus: 'digested', mailId: sql`${p('mailId')}` })
      .where(inArray(notifications.id, idList('ids')))
      .prepare(),
  ).run({ ids: JSON.stringify(ids), mailId });
}

export function markNotMailed(db: Db, ids: number[]): void {
  if (ids.length === 0) return;
  prepared(db, 'notify-mark-not-mailed', (db) => db.update(notifications).set({ mailStatus: 'none' }).where(inArray(notifications.id, idList('ids'))).prepare()).run({ ids: JSON.stringify(ids) });
}

export function notificationsOfMail(db: Db, mailId: number): NotificationRow[] {
  return prepared(db, 'notify-of-mail', (db) => db.select().from(notifications).where(eq(notifications.mailId, p('mailId'))).orderBy(asc(notifications.createdAt)).prepare()).all({ mailId });
}

// ---------------------------------------------------------------- the mail outbox

export function insertMail(
  db: Db,
  row: { recipientId: number; kind: 'instant' | 'daily' | 'weekly'; notificationId: number | null; clubId: number | null; periodKey: string | null; messageId: string; now: number },
): number | null {
  const insert = prepared(db, 'notify-insert-mail', (db) =>
    db
      .insert(notificationMails)
      .values({
        recipientId: p('recipientId'),
        kind: p('kind'),
        notificationId: p('notificationId'),
        clubId: p('clubId'),
        periodKey: p('periodKey'),
        messageId: p('messageId'),
        nextAttemptAt: p('now'),
        createdAt: p('now'),
      })
      .onConflictDoNothing()
      .returning({ id: notificationMails.id })
      .prepare(),
  );
  return insert.get(row)?.id ?? null;
}

export function setMailOfNotification(db: Db, notificationId: number, mailId: number): void {
  db.update(notifications).set({ mailId }).where(eq(notifications.id, notificationId)).run();
}

export function hasDigest(db: Db, recipientId: number, kind: 'daily' | 'weekly', periodKey: string): boolean {
  return (
    db
      .select({ id: notificationMails.id })
      .from(notificationMails)
      .where(and(eq(notificationMails.recipientId, recipientId), eq(notificationMails.kind, kind), eq(notificationMails.periodKey, periodKey)))
      .get() !== undefined
  );
}

export function mailById(db: Db, id: number) {
  return db.select().from(notificationMails).where(eq(notificationMails.id, id)).get();
}

export function mailsOf(db: Db, recipientId: number) {
  return db.select().from(notificationMails).where(eq(notificationMails.recipientId, recipientId)).orderBy(asc(notificationMails.id)).all();
}

// ---------------------------------------------------------------- small state

export function stateValue(db: Db, key: string): string | undefined {
  return db.select({ value: notificationState.value }).from(notificationState).where(eq(notificationState.key, key)).get()?.value;
}

export function setStateValue(db: Db, key: string, value: string): void {
  db.insert(notificationState).values({ key, value }).onConflictDoUpdate({ target: notificationState.key, set: { value } }).run();
}

export function setStateValueIfAbsent(db: Db, key: string, value: string): void {
  db.insert(notificationState).values({ key, value }).onConflictDoNothing().run();
}

// ---------------------------------------------------------------- addresses

export function addressOf(db: Db, userId: number): string | null {
  return prepared(db, 'notify-address', (db) => db.select({ email: notificationAddresses.email }).from(notificationAddresses).where(eq(notificationAddresses.userId, p('userId'))).prepare()).get({ userId })?.email ?? null;
}

export function saveAddress(db: Db, userId: number, email: string | null, now: number): void {
  if (email === null) db.delete(notificationAddresses).where(eq(notificationAddresses.userId, userId)).run();
  else db.insert(notificationAddresses).values({ userId, email, updatedAt: now }).onConflictDoUpdate({ target: notificationAddresses.userId, set: { email, updatedAt: now } }).run();
}
