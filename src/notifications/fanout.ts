/**
 * From what happened to who hears of it.
 *
 * The triggers of migration `notifications` list every notifying write in
 * `notification_sources` inside that write's own transaction. {@link drainSources} takes a batch
 * of them and, in ONE transaction, writes the notifications (and, for readers who chose "at
 * once", their mail rows) and deletes the sources — so a source is turned into notifications
 * exactly once, whether the drain runs right after the write (the bus listener) or after a
 * crash (the worker's tick). The scheduled kinds (a chapter opening, a poll opening at its
 * time, closing soon, closed by its date) are written by the scheduler's jobs, each in one
 * transaction with the job's last-run mark (see scheduler.ts).
 *
 * Only ids and facts are stored; what a notification says is decided when it is shown or sent.
 */
import { randomBytes } from 'node:crypto';
import { transaction, type Db } from '../../db/connection';
import type { NotificationFacts } from '../../db/schema';
import { extractMentions } from '../annotations';
import { pollResultsVisibleTo, type PollState } from '../polls';
import {
  clubMembers,
  commentAuthor,
  commentFacts,
  deleteSources,
  insertMail,
  insertNotification,
  invitationCreator,
  isMemberOf,
  logEntry,
  membersNamed,
  pendingSources,
  pollRow,
  preferenceRows,
  setMailOfNotification,
  unreadInGroup,
  updateGrouped,
  votersOf,
} from './queries';
import { DEFAULT_PREFERENCE, type NotificationKind, type Preference } from './types';

/** What writing notifications needs to know. */
export interface NotifyContext {
  /** The handle to write with: inside a transaction, the transaction's (see {@link withDb}). */
  db: Db;
  /** Whether e-mail is configured (SMTP_URL and MAIL_FROM); without it no mail rows are made. */
  mailEnabled: boolean;
  /** The host part of Message-IDs. */
  mailDomain: string;
}

export interface NotifyInput {
  recipientId: number;
  clubId: number | null;
  kind: NotificationKind;
  facts: NotificationFacts;
  /** Gathers notifications while unread (reactions to one comment): the facts are merged. */
  groupKey?: string;
}

/** The same context writing through `db` (a transaction's handle). */
export function withDb(ctx: NotifyContext, db: Db): NotifyContext {
  return db === ctx.db ? ctx : { ...ctx, db };
}

/** A reader's preference in a club: the club's own, else "all clubs", else the default. */
export async function preferenceFor(db: Db, userId: number, clubId: number | null): Promise<Preference> {
  return preferenceIn(await preferenceRows(db, userId), clubId);
}

/** The same, from a reader's preference rows already read (club 0 is "all clubs"). */
export function preferenceIn(rows: ReadonlyMap<number, Preference>, clubId: number | null): Preference {
  return (clubId !== null ? rows.get(clubId) : undefined) ?? rows.get(0) ?? DEFAULT_PREFERENCE;
}

/** Kinds that never send a mail of their own (they are gathered, and wait for a digest). */
const DIGEST_ONLY: ReadonlySet<NotificationKind> = new Set(['reactions']);

export function newMessageId(domain: string): string {
  return `<${randomBytes(12).toString('hex')}@${domain}>`;
}

/**
 * Writes one notification (and its mail, when the reader chose "at once"). Call it inside the
 * transaction of what caused it, with a context on that transaction's handle; other areas
 * (and `src/app.tsx`) use it to add kinds. Returns the notification's id, or null when the
 * reader wants neither in-app nor e-mail.
 *
 * @example
 * await transaction(db, async (tx) => {
 *   await saveMeeting(tx, meeting);
 *   for (const member of members) await notify(withDb(ctx, tx), { recipientId: member, clubId, kind: 'chapter_opened', facts: { readingId, chapterId } }, now);
 * });
 */
export async function notify(ctx: NotifyContext, input: NotifyInput, now: number): Promise<number | null> {
  const preference = await preferenceFor(ctx.db, input.recipientId, input.clubId);
  if (input.groupKey) {
    const existing = await unreadInGroup(ctx.db, input.recipientId, input.groupKey);
    if (existing) {
      await updateGrouped(ctx.db, existing.id, mergeFacts(existing.facts, input.facts), now);
      return existing.id;
    }
  }
  const mailMode = ctx.mailEnabled ? preference.email : 'never';
  const mailStatus = mailMode === 'never' ? 'none' : mailMode === 'instant' ? (DIGEST_ONLY.has(input.kind) ? 'none' : 'instant') : 'digest';
  if (!preference.inApp && mailStatus === 'none') return null;
  const id = await insertNotification(ctx.db, {
    recipientId: input.recipientId,
    clubId: input.clubId,
    kind: input.kind,
    facts: input.facts,
    groupKey: input.groupKey ?? null,
    inApp: preference.inApp,
    mailStatus,
    createdAt: now,
  });
  if (mailStatus === 'instant') {
    const mailId = await insertMail(ctx.db, { recipientId: input.recipientId, kind: 'instant', notificationId: id, clubId: input.clubId, periodKey: null, messageId: newMessageId(ctx.mailDomain), now });
    if (mailId !== null) await setMailOfNotification(ctx.db, id, mailId);
  }
  return id;
}

/** Arrays of ids are joined (without repeats); other facts take the newer value. */
function mergeFacts(old: NotificationFacts, added: NotificationFacts): NotificationFacts {
  const merged: NotificationFacts = { ...old };
  for (const [key, value] of Object.entries(added)) {
    const before = old[key];
    merged[key] = Array.isArray(before) && Array.isArray(value) ? [...new Set([...before, ...value])] : value;
  }
  return merged;
}

type Source = Awaited<ReturnType<typeof pendingSources>>[number];

/**
 * Turns pending sources into notifications, a batch at a time, each batch in one transaction.
 * Returns how many sources were handled. Sources about something already gone (a deleted
 * comment) are dropped with nothing written.
 */
export async function drainSources(ctx: NotifyContext, now: number, batch = 200): Promise<number> {
  let handled = 0;
  for (;;) {
    const done = await transaction(ctx.db, async (tx) => {
      const inTx = withDb(ctx, tx);
      const sources = await pendingSources(tx, batch);
      // A join through an invitation tells the inviter; moderators who are that inviter hear once.
      const invitedBy = new Map<string, number>();
      for (const source of sources) {
        if (source.kind === 'invitation' && source.actorId !== null) {
          const inviter = await invitationCreator(tx, source.subjectId);
          if (inviter !== null) invitedBy.set(`${source.clubId}:${source.actorId}`, inviter);
        }
      }
      for (const source of sources) await fanOut(inTx, source, now, invitedBy);
      await deleteSources(
        tx,
        sources.map((s) => s.id),
      );
      return sources.length;
    });
    handled += done;
    if (done < batch) return handled;
  }
}

async function fanOut(ctx: NotifyContext, source: Source, now: number, invitedBy: Map<string, number>): Promise<void> {
  const { db } = ctx;
  switch (source.kind) {
    case 'comment': {
      const comment = await commentFacts(db, source.subjectId);
      if (!comment || comment.visibility !== 'club' || comment.deletedAt !== null) return;
      const facts = { commentId: comment.id, rootId: comment.rootId ?? comment.id, actorId: comment.authorId };
      const told = new Set<number>([comment.authorId]);
      if (comment.parentId !== null) {
        const parentAuthor = await commentAuthor(db, comment.parentId);
        if (parentAuthor !== null && !told.has(parentAuthor) && (await isMemberOf(db, comment.clubId, parentAuthor))) {
          await notify(ctx, { recipientId: parentAuthor, clubId: comment.clubId, kind: 'reply', facts }, now);
          told.add(parentAuthor);
        }
      }
      for (const recipientId of await membersNamed(db, comment.clubId, extractMentions(comment.body))) {
        if (told.has(recipientId)) continue;
        await notify(ctx, { recipientId, clubId: comment.clubId, kind: 'mention', facts }, now);
        told.add(recipientId);
      }
      return;
    }
    case 'reaction': {
      const comment = await commentFacts(db, source.subjectId);
      if (!comment || source.actorId === null || comment.authorId === source.actorId || comment.deletedAt !== null) return;
      if (!(await isMemberOf(db, comment.clubId, comment.authorId))) return;
      await notify(ctx, { recipientId: comment.authorId, clubId: comment.clubId, kind: 'reactions', facts: { commentId: comment.id, rootId: comment.rootId ?? comment.id, actorIds: [source.actorId] }, groupKey: `reactions:${comment.id}` }, now);
      return;
    }
    case 'member': {
      if (source.clubId === null) return;
      const inviter = invitedBy.get(`${source.clubId}:${source.subjectId}`);
      for (const member of await clubMembers(db, source.clubId)) {
        if (member.role === 'member' || member.userId === source.subjectId || member.userId === inviter) continue;
        await notify(ctx, { recipientId: member.userId, clubId: source.clubId, kind: 'member_joined', facts: { userId: source.subjectId } }, now);
      }
      return;
    }
    case 'invitation': {
      if (source.clubId === null || source.actorId === null) return;
      const inviter = invitedBy.get(`${source.clubId}:${source.actorId}`);
      if (inviter === undefined || inviter === source.actorId || !(await isMemberOf(db, source.clubId, inviter))) return;
      await notify(ctx, { recipientId: inviter, clubId: source.clubId, kind: 'invitation_accepted', facts: { userId: source.actorId, invitationId: source.subjectId } }, now);
      return;
    }
    case 'poll': {
      const poll = await pollRow(db, source.subjectId);
      // A poll that opens later is announced by the scheduler at its opening time.
      if (!poll || (poll.opensAt !== null && poll.opensAt > now)) return;
      await pollOpened(ctx, poll.id, poll.clubId, poll.createdBy, now);
      return;
    }
    case 'poll_closed':
      await pollResultsOpened(ctx, source.subjectId, now);
      return;
    case 'moderation': {
      const entry = await logEntry(db, source.subjectId);
      if (!entry || entry.targetUserId === null || entry.clubId === null || entry.targetUserId === entry.actorId) return;
      await notify(ctx, { recipientId: entry.targetUserId, clubId: entry.clubId, kind: 'moderated', facts: { logId: entry.id, commentId: entry.subjectId } }, now);
      return;
    }
    default:
      return;
  }
}

/** Every member but the one who made it hears that a poll opened. */
export async function pollOpened(ctx: NotifyContext, pollId: number, clubId: number, creatorId: number | null, now: number): Promise<void> {
  for (const member of await clubMembers(ctx.db, clubId)) {
    if (member.userId === creatorId) continue;
    await notify(ctx, { recipientId: member.userId, clubId, kind: 'poll_opened', facts: { pollId } }, now);
  }
}

/**
 * A poll has closed: members who now see results they could not see while it was open hear of
 * it. Decided by the polls area's rule, asked twice (as it is now, and as if still open).
 */
export async function pollResultsOpened(ctx: NotifyContext, pollId: number, now: number): Promise<void> {
  const poll = await pollRow(ctx.db, pollId);
  if (!poll) return;
  const voters = await votersOf(ctx.db, poll.id);
  const state: PollState = { resultsVisibility: poll.resultsVisibility, opensAt: poll.opensAt, closesAt: poll.closesAt, closedAt: poll.closedAt, chapterLastPosition: null };
  const whileOpen: PollState = { ...state, closesAt: null, closedAt: null };
  for (const member of await clubMembers(ctx.db, poll.clubId)) {
    const viewer = { isMember: true, canSeeClub: true, isModerator: member.role !== 'member', hasVoted: voters.has(member.userId), progressPosition: 0 };
    // after_chapter polls depend on progress, not on closing: nothing new to say when they close.
    if (poll.resultsVisibility === 'after_chapter' && !viewer.isModerator) continue;
    if (pollResultsVisibleTo(state, viewer, now) && !pollResultsVisibleTo(whileOpen, viewer, now)) {
      await notify(ctx, { recipientId: member.userId, clubId: poll.clubId, kind: 'poll_results', facts: { pollId: poll.id } }, now);
    }
  }
}
