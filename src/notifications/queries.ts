/** SQL of the notifications area: one query per scope, no decisions. */
import { and, asc, desc, eq, inArray, isNull, lte, sql } from 'drizzle-orm';
import { first, idsParameter, prepared, type Db } from '../../db/connection';
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

export async function pendingSources(db: Db, limit: number) {
  return db.select().from(notificationSources).orderBy(asc(notificationSources.id)).limit(limit);
}

export async function deleteSources(db: Db, ids: number[]): Promise<void> {
  if (ids.length) await db.delete(notificationSources).where(inArray(notificationSources.id, ids));
}

export async function hasPendingSources(db: Db): Promise<boolean> {
  const found = await prepared(db, 'notify-has-sources', (db) => db.select({ id: notificationSources.id }).from(notificationSources).limit(1).prepare()).execute();
  return found.length > 0;
}

// ---------------------------------------------------------------- what the sources are about

const commentFactsQuery = (db: Db) =>
  prepared(db, 'notify-comment-facts', (db) =>
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
  );

export type CommentFactsRow = Awaited<ReturnType<ReturnType<typeof commentFactsQuery>['execute']>>[number];

export async function commentFacts(db: Db, commentId: number): Promise<CommentFactsRow | undefined> {
  return first(await commentFactsQuery(db).execute({ commentId }));
}

export async function commentAuthor(db: Db, commentId: number): Promise<number | null> {
  const found = await prepared(db, 'notify-comment-author', (db) => db.select({ authorId: comments.authorId }).from(comments).where(eq(comments.id, p('commentId'))).prepare()).execute({ commentId });
  return first(found)?.authorId ?? null;
}

/** Members of the club among these lower-cased usernames. */
export async function membersNamed(db: Db, clubId: number, usernameKeys: string[]): Promise<number[]> {
  if (usernameKeys.length === 0) return [];
  const found = await db
    .select({ id: users.id })
    .from(users)
    .innerJoin(memberships, and(eq(memberships.userId, users.id), eq(memberships.clubId, clubId)))
    .where(inArray(users.usernameKey, usernameKeys));
  return found.map((row) => row.id);
}

export function clubMembers(db: Db, clubId: number): Promise<{ userId: number; role: 'owner' | 'moderator' | 'member' }[]> {
  return prepared(db, 'notify-club-members', (db) => db.select({ userId: memberships.userId, role: memberships.role }).from(memberships).where(eq(memberships.clubId, p('clubId'))).prepare()).execute({ clubId });
}

export async function isMemberOf(db: Db, clubId: number, userId: number): Promise<boolean> {
  const found = await prepared(db, 'notify-is-member', (db) =>
    db
      .select({ userId: memberships.userId })
      .from(memberships)
      .where(and(eq(memberships.clubId, p('clubId')), eq(memberships.userId, p('userId'))))
      .prepare(),
  ).execute({ clubId, userId });
  return found.length > 0;
}

export async function invitationCreator(db: Db, invitationId: number): Promise<number | null> {
  return first(await db.select({ createdBy: invitations.createdBy }).from(invitations).where(eq(invitations.id, invitationId)))?.createdBy ?? null;
}

export async function pollRow(db: Db, pollId: number) {
  return first(await db.select().from(polls).where(eq(polls.id, pollId)));
}

export async function votersOf(db: Db, pollId: number): Promise<Set<number>> {
  const voters = await db.select({ userId: pollVotes.userId }).from(pollVotes).where(eq(pollVotes.pollId, pollId));
  return new Set(voters.map((row) => row.userId));
}

export async function logEntry(db: Db, logId: number) {
  return first(await db.select().from(moderationLog).where(eq(moderationLog.id, logId)));
}

export type UserBasics = { id: number; username: string; displayName: string; locale: string | null; timeZone: string | null };

/** A list of ids as one JSON parameter named `name` (see idsParameter). */
const idList = (db: Db, name: string) => idsParameter(db, p(name));

export async function userBasics(db: Db, userIds: number[]): Promise<Map<number, UserBasics>> {
  if (userIds.length === 0) return new Map();
  const found: UserBasics[] = await prepared(db, 'notify-user-basics', (db) =>
    db
      .select({ id: users.id, username: users.username, displayName: users.displayName, locale: users.locale, timeZone: users.timeZone })
      .from(users)
      .where(inArray(users.id, idList(db, 'ids')))
      .prepare(),
  ).execute({ ids: JSON.stringify(userIds) });
  return new Map(found.map((row) => [row.id, row]));
}

// ---------------------------------------------------------------- preferences

/** Every preference row of a reader: club 0 is "all clubs". */
export async function preferenceRows(db: Db, userId: number): Promise<Map<number, Preference>> {
  const found = await prepared(db, 'notify-preferences', (db) => db.select().from(notificationPreferences).where(eq(notificationPreferences.userId, p('userId'))).prepare()).execute({ userId });
  return new Map(found.map((row) => [row.clubId, { inApp: row.inApp, email: row.email }]));
}

export async function savePreference(db: Db, userId: number, clubId: number, preference: Preference, now: number): Promise<void> {
  await db
    .insert(notificationPreferences)
    .values({ userId, clubId, inApp: preference.inApp, email: preference.email, updatedAt: now })
    .onConflictDoUpdate({ target: [notificationPreferences.userId, notificationPreferences.clubId], set: { inApp: preference.inApp, email: preference.email, updatedAt: now } });
}

export async function deletePreference(db: Db, userId: number, clubId: number): Promise<void> {
  await db.delete(notificationPreferences).where(and(eq(notificationPreferences.userId, userId), eq(notificationPreferences.clubId, clubId)));
}

/** Turns e-mail off for a reader in one club (or, clubId 0, everywhere). Call it in a transaction. */
export async function stopEmail(db: Db, userId: number, clubId: number, now: number): Promise<void> {
  const rows = await preferenceRows(db, userId);
  if (clubId === 0) {
    for (const [club, preference] of rows) if (club !== 0) await savePreference(db, userId, club, { ...preference, email: 'never' }, now);
  }
  const current = rows.get(clubId) ?? rows.get(0) ?? { inApp: true, email: 'never' as EmailMode };
  await savePreference(db, userId, clubId, { ...current, email: 'never' }, now);
}

/** The clubs a reader is a member of, by name. */
export async function clubsOf(db: Db, userId: number): Promise<{ id: number; name: string }[]> {
  return db
    .select({ id: clubs.id, name: clubs.name })
    .from(memberships)
    .innerJoin(clubs, eq(clubs.id, memberships.clubId))
    .where(eq(memberships.userId, userId))
    .orderBy(asc(clubs.name));
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

export async function insertNotification(db: Db, row: NewNotification): Promise<number> {
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
  const [inserted] = await insert.execute({ ...row, groupKey: row.groupKey ?? null });
  return inserted!.id;
}

export async function unreadInGroup(db: Db, recipientId: number, groupKey: string): Promise<NotificationRow | undefined> {
  const found = await prepared(db, 'notify-unread-in-group', (db) =>
    db
      .select()
      .from(notifications)
      .where(and(eq(notifications.recipientId, p('recipientId')), eq(notifications.groupKey, p('groupKey')), isNull(notifications.readAt)))
      .prepare(),
  ).execute({ recipientId, groupKey });
  return first(found);
}

export async function updateGrouped(db: Db, id: number, facts: NotificationFacts, now: number): Promise<void> {
  await db.update(notifications).set({ facts, updatedAt: now }).where(eq(notifications.id, id));
}

export async function unreadCount(db: Db, userId: number): Promise<number> {
  const found = await prepared(db, 'notify-unread-count', (db) =>
    db
      .select({ n: sql<number>`count(*)`.mapWith(Number) })
      .from(notifications)
      .where(and(eq(notifications.recipientId, p('userId')), isNull(notifications.readAt), eq(notifications.inApp, true)))
      .prepare(),
  ).execute({ userId });
  return first(found)?.n ?? 0;
}

export async function listForRecipient(db: Db, userId: number, limit: number): Promise<NotificationRow[]> {
  return db
    .select()
    .from(notifications)
    .where(and(eq(notifications.recipientId, userId), eq(notifications.inApp, true)))
    .orderBy(desc(notifications.updatedAt), desc(notifications.id))
    .limit(limit);
}

export async function notificationById(db: Db, id: number): Promise<NotificationRow | undefined> {
  return first(await db.select().from(notifications).where(eq(notifications.id, id)));
}

/** True when it was unread (and is now read). */
export async function markRead(db: Db, userId: number, id: number, now: number): Promise<boolean> {
  const changed = await db
    .update(notifications)
    .set({ readAt: now })
    .where(and(eq(notifications.id, id), eq(notifications.recipientId, userId), isNull(notifications.readAt)))
    .returning({ id: notifications.id });
  return changed.length > 0;
}

/** How many were unread (and are now read). */
export async function markAllRead(db: Db, userId: number, now: number): Promise<number> {
  const changed = await db
    .update(notifications)
    .set({ readAt: now })
    .where(and(eq(notifications.recipientId, userId), isNull(notifications.readAt)))
    .returning({ id: notifications.id });
  return changed.length;
}

/** Notifications waiting for a reader's digest, made at or before `cutoff`. */
export function waitingForDigest(db: Db, recipientId: number, cutoff: number): Promise<NotificationRow[]> {
  return prepared(db, 'notify-waiting-for-digest', (db) =>
    db
      .select()
      .from(notifications)
      .where(and(eq(notifications.recipientId, p('recipientId')), eq(notifications.mailStatus, 'digest'), lte(notifications.createdAt, p('cutoff'))))
      .orderBy(asc(notifications.createdAt), asc(notifications.id))
      .prepare(),
  ).execute({ recipientId, cutoff });
}

/** Readers with notifications waiting for a digest. */
export async function recipientsWaitingForDigest(db: Db): Promise<number[]> {
  const found = await db.selectDistinct({ id: notifications.recipientId }).from(notifications).where(eq(notifications.mailStatus, 'digest'));
  return found.map((row) => row.id);
}

export async function markDigested(db: Db, ids: number[], mailId: number): Promise<void> {
  if (ids.length === 0) return;
  await prepared(db, 'notify-mark-digested', (db) =>
    db
      .update(notifications)
      .set({ mailStatus: 'digested', mailId: sql`${p('mailId')}` })
      .where(inArray(notifications.id, idList(db, 'ids')))
      .prepare(),
  ).execute({ ids: JSON.stringify(ids), mailId });
}

export async function markNotMailed(db: Db, ids: number[]): Promise<void> {
  if (ids.length === 0) return;
  await prepared(db, 'notify-mark-not-mailed', (db) => db.update(notifications).set({ mailStatus: 'none' }).where(inArray(notifications.id, idList(db, 'ids'))).prepare()).execute({ ids: JSON.stringify(ids) });
}

export function notificationsOfMail(db: Db, mailId: number): Promise<NotificationRow[]> {
  return prepared(db, 'notify-of-mail', (db) => db.select().from(notifications).where(eq(notifications.mailId, p('mailId'))).orderBy(asc(notifications.createdAt), asc(notifications.id)).prepare()).execute({ mailId });
}

// ---------------------------------------------------------------- the mail outbox

/** The new mail's id, or null when the row exists already (a digest made once per period). */
export async function insertMail(
  db: Db,
  row: { recipientId: number; kind: 'instant' | 'daily' | 'weekly'; notificationId: number | null; clubId: number | null; periodKey: string | null; messageId: string; now: number },
): Promise<number | null> {
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
  return first(await insert.execute(row))?.id ?? null;
}

export async function setMailOfNotification(db: Db, notificationId: number, mailId: number): Promise<void> {
  await db.update(notifications).set({ mailId }).where(eq(notifications.id, notificationId));
}

export async function hasDigest(db: Db, recipientId: number, kind: 'daily' | 'weekly', periodKey: string): Promise<boolean> {
  const found = await db
    .select({ id: notificationMails.id })
    .from(notificationMails)
    .where(and(eq(notificationMails.recipientId, recipientId), eq(notificationMails.kind, kind), eq(notificationMails.periodKey, periodKey)))
    .limit(1);
  return found.length > 0;
}

export async function mailById(db: Db, id: number) {
  return first(await db.select().from(notificationMails).where(eq(notificationMails.id, id)));
}

export async function mailsOf(db: Db, recipientId: number) {
  return db.select().from(notificationMails).where(eq(notificationMails.recipientId, recipientId)).orderBy(asc(notificationMails.id));
}

// ---------------------------------------------------------------- small state

export async function stateValue(db: Db, key: string): Promise<string | undefined> {
  return first(await db.select({ value: notificationState.value }).from(notificationState).where(eq(notificationState.key, key)))?.value;
}

export async function setStateValue(db: Db, key: string, value: string): Promise<void> {
  await db.insert(notificationState).values({ key, value }).onConflictDoUpdate({ target: notificationState.key, set: { value } });
}

export async function setStateValueIfAbsent(db: Db, key: string, value: string): Promise<void> {
  await db.insert(notificationState).values({ key, value }).onConflictDoNothing();
}

// ---------------------------------------------------------------- addresses

export async function addressOf(db: Db, userId: number): Promise<string | null> {
  const found = await prepared(db, 'notify-address', (db) => db.select({ email: notificationAddresses.email }).from(notificationAddresses).where(eq(notificationAddresses.userId, p('userId'))).prepare()).execute({ userId });
  return first(found)?.email ?? null;
}

export async function saveAddress(db: Db, userId: number, email: string | null, now: number): Promise<void> {
  if (email === null) await db.delete(notificationAddresses).where(eq(notificationAddresses.userId, userId));
  else await db.insert(notificationAddresses).values({ userId, email, updatedAt: now }).onConflictDoUpdate({ target: notificationAddresses.userId, set: { email, updatedAt: now } });
}
