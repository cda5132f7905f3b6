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
import type { Db, Sqlite } from '../../db/connection';
import { inTransaction } from '../../db/connection';
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

/** A reader's preference in a club: the club's own, else "all clubs", else the default. */
export function preferenceFor(db: Db, userId: number, clubId: number | null): Preference {
  return preferenceIn(preferenceRows(db, userId), clubId);
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
 * transaction of what caused it; other areas (and `src/app.tsx`) use it to add kinds.
 * Returns the notification's id, or null when the reader wants neither in-app nor e-mail.
 *
 * @example
 * inTransaction(sqlite, () => {
 *   saveMeeting(db, meeting);
 *   for (const member of members) notify(ctx, { recipientId: member, clubId, kind: 'chapter_opened', facts: { readingId, chapterId } }, now);
 * });
 */
export function notify(ctx: NotifyContext, input: NotifyInput, now: number): number | null {
  const preference = preferenceFor(ctx.db, input.recipientId, input.clubId);
  if (input.groupKey) {
    const existing = unreadInGroup(ctx.db, input.recipientId, input.groupKey);
    if (existing) {
      updateGrouped(ctx.db, existing.id, mergeFacts(existing.facts, input.facts), now);
      return existing.id;
    }
  }
  const mailMode = ctx.mailEnabled ? preference.email : 'never';
  const mailStatus = mailMode === 'never' ? 'none' : mailMode === 'instant' ? (DIGEST_ONLY.has(input.kind) ? 'none' : 'instant') : 'digest';
  if (!preference.inApp && mailStatus === 'none') return null;
  const id = insertNotification(ctx.db, {
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
    const mailId = insertMail(ctx.db, { recipientId: input.recipientId, kind: 'instant', notificationId: id, clubId: input.clubId, periodKey: null, messageId: newMessageId(ctx.mailDomain), now });
    if (mailId !== null) setMailOfNotification(ctx.db, id, mailId);
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

type Source = ReturnType<typeof pendingSources>[number];

/**
 * Turns pending sources into notifications, a batch at a time, each batch in one transaction.
 * Returns how many sources were handled. Sources about something already gone (a deleted
 * comment) are dropped with nothing written.
 */
export function drainSources(ctx: NotifyContext, sqlite: Sqlite, now: number, batch = 200): number {
  let handled = 0;
  for (;;) {
    const done = inTransaction(sqlite, () => {
      const sources = pendingSources(ctx.db, batch);
      // A join through an invitation tells the inviter; moderators who are that inviter hear once.
      const invitedBy = new Map<string, number>();
      for (const source of sources) {
        if (source.kind === 'invitation' && source.actorId !== null) {
          const inviter = invitationCreator(ctx.db, source.subjectId);
          if (inviter !== null) invitedBy.set(`${source.clubId}:${source.actorId}`, inviter);
        }
      }
      for (const source of sources) fanOut(ctx, source, now, invitedBy);
      deleteSources(
        ctx.db,
        sources.map((s) => s.id),
      );
      return sources.length;
    });
    handled += done;
    if (done < batch) return handled;
  }
}

function fanOut(ctx: NotifyContext, source: Source, now: number, invitedBy: Map<string, number>): void {
  const { db } = ctx;
  switch (source.kind) {
    case 'comment': {
      const comment = commentFacts(db, source.subjectId);
      if (!comment || comment.visibility !== 'club' || comment.deletedAt !== null) return;
      const facts = { commentId: comment.id, rootId: comment.rootId ?? comment.id, actorId: comment.authorId };
      const told = new Set<number>([comment.authorId]);
      if (comment.parentId !== null) {
        const parentAuthor = commentAuthor(db, comment.parentId);
        if (parentAuthor !== null && !told.has(parentAuthor) && isMemberOf(db, comment.clubId, parentAuthor)) {
          notify(ctx, { recipientId: parentAuthor, clubId: comment.clubId, kind: 'reply', facts }, now);
          told.add(parentAuthor);
        }
      }
      for (const recipientId of membersNamed(db, comment.clubId, extractMentions(comment.body))) {
        if (told.has(recipientId)) continue;
        notify(ctx, { recipientId, clubId: comment.clubId, kind: 'mention', facts }, now);
        told.add(recipientId);
      }
      return;
    }
    case 'reaction': {
      const comment = commentFacts(db, source.subjectId);
      if (!comment || source.actorId === null || comment.authorId === source.actorId || comment.deletedAt !== null) return;
      if (!isMemberOf(db, comment.clubId, comment.authorId)) return;
      notify(ctx, { recipientId: comment.authorId, clubId: comment.clubId, kind: 'reactions', facts: { commentId: comment.id, rootId: comment.rootId ?? comment.id, actorIds: [source.actorId] }, groupKey: `reactions:${comment.id}` }, now);
      return;
    }
    case 'member': {
      if (source.clubId === null) return;
      const inviter = invitedBy.get(`${source.clubId}:${source.subjectId}`);
      for (const member of clubMembers(db, source.clubId)) {
        if (member.role === 'member' || member.userId === source.subjectId || member.userId === inviter) continue;
        notify(ctx, { recipientId: member.userId, clubId: source.clubId, kind: 'member_joined', facts: { userId: source.subjectId } }, now);
      }
      return;
    }
    case 'invitation': {
      if (source.clubId === null || source.actorId === null) return;
      const inviter = invitedBy.get(`${source.clubId}:${source.actorId}`);
      if (inviter === undefined || inviter === source.actorId || !isMemberOf(db, source.clubId, inviter)) return;
      notify(ctx, { recipientId: inviter, clubId: source.clubId, kind: 'invitation_accepted', facts: { userId: source.actorId, invitationId: source.subjectId } }, now);
      return;
    }
    case 'poll': {
      const poll = pollRow(db, source.subjectId);
      // A poll that opens later is announced by the scheduler at its opening time.
      if (!poll || (poll.opensAt !== null && poll.opensAt > now)) return;
      pollOpened(ctx, poll.id, poll.clubId, poll.createdBy, now);
      return;
    }
    case 'poll_closed':
      pollResultsOpened(ctx, source.subjectId, now);
      return;
    case 'moderation': {
      const entry = logEntry(db, source.subjectId);
      if (!entry || entry.targetUserId === null || entry.clubId === null || entry.targetUserId === entry.actorId) return;
      notify(ctx, { recipientId: entry.targetUserId, clubId: entry.clubId, kind: 'moderated', facts: { logId: entry.id, commentId: entry.subjectId } }, now);
      return;
    }
    default:
      return;
  }
}

/** Every member but the one who made it hears that a poll opened. */
export function pollOpened(ctx: NotifyContext, pollId: number, clubId: number, creatorId: number | null, now: number): void {
  for (const member of clubMembers(ctx.db, clubId)) {
    if (member.userId === creatorId) continue;
    notify(ctx, { recipientId: member.userId, clubId, kind: 'poll_opened', facts: { pollId } }, now);
  }
}

/**
 * A poll has closed: members who now see results they could not see while it was open hear of
 * it. Decided by the polls area's rule, asked twice (as it is now, and as if still open).
 */
export function pollResultsOpened(ctx: NotifyContext, pollId: number, now: number): void {
  const poll = pollRow(ctx.db, pollId);
  if (!poll) return;
  const voters = votersOf(ctx.db, poll.id);
  const state: PollState = { resultsVisibility: poll.resultsVisibility, opensAt: poll.opensAt, closesAt: poll.closesAt, closedAt: poll.closedAt, chapterLastPosition: null };
  const whileOpen: PollState = { ...state, closesAt: null, closedAt: null };
  for (const member of clubMembers(ctx.db, poll.clubId)) {
    const viewer = { isMember: true, canSeeClub: true, isModerator: member.role !== 'member', hasVoted: voters.has(member.userId), progressPosition: 0 };
    // after_chapter polls depend on progress, not on closing: nothing new to say when they close.
    if (poll.resultsVisibility === 'after_chapter' && !viewer.isModerator) continue;
    if (pollResultsVisibleTo(state, viewer, now) && !pollResultsVisibleTo(whileOpen, viewer, now)) {
      notify(ctx, { recipientId: member.userId, clubId: poll.clubId, kind: 'poll_results', facts: { pollId: poll.id } }, now);
    }
  }
}
