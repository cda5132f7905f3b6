/**
 * The audit log as a listener: each moderator, owner and admin action is published once by the
 * area that did it, and {@link auditEntryFor} turns that one event into one log row, so "every
 * action recorded exactly once" follows from "one publish per action". Pure; `recordAudit`
 * is the subscriber `src/app.tsx` registers.
 */
import type { Db } from '../../db/connection';
import type { DomainEvent, EventBus } from '../events';
import { insertLogEntry, type NewLogEntry } from './queries';

/** The log row an event makes, or null when the event is not a moderation action. */
export function auditEntryFor(event: DomainEvent, now: number): NewLogEntry | null {
  const base = { clubId: event.clubId, actorId: event.actorId, createdAt: now, detail: {}, reason: '' };
  switch (event.type) {
    case 'comment.moderated':
      return { ...base, action: event.moderation, targetUserId: event.authorId, subjectId: event.commentId, reason: event.reason };
    case 'comment.flag_hidden':
      return { ...base, action: 'flag_hidden', targetUserId: event.authorId, subjectId: event.commentId, detail: { flags: event.flagCount } };
    case 'comment.restored':
      return { ...base, action: 'restored', targetUserId: event.authorId, subjectId: event.commentId, reason: event.reason };
    case 'comment.flags_cleared':
      return { ...base, action: 'kept', targetUserId: event.authorId, subjectId: event.commentId, reason: event.reason };
    case 'member.warned':
      return { ...base, action: 'warned', targetUserId: event.userId, subjectId: event.commentId, reason: event.reason };
    case 'member.muted':
      return { ...base, action: event.until === null ? 'unmuted' : 'muted', targetUserId: event.userId, detail: { until: event.until }, reason: event.reason };
    case 'member.banned':
      return { ...base, action: event.banned ? 'banned' : 'unbanned', targetUserId: event.userId, reason: event.reason };
    case 'member.left':
      return event.removed ? { ...base, action: 'removed_member', targetUserId: event.userId } : null;
    case 'club.changed':
      if (event.what === 'role') return { ...base, action: 'role_changed', targetUserId: event.targetUserId ?? null, detail: { role: event.role ?? null } };
      if (event.what === 'owner') return { ...base, action: 'ownership_transferred', targetUserId: event.targetUserId ?? null };
      return null;
    case 'chapters.scheduled':
      return { ...base, action: 'schedule_changed', subjectId: event.readingId, detail: { chapters: event.chapterIds.length } };
    case 'reading.started':
      return { ...base, action: 'edition_changed', subjectId: event.readingId, detail: { edition: event.editionId } };
    case 'reading.edition_changed':
      return { ...base, action: 'edition_changed', subjectId: event.readingId, detail: { edition: event.editionId, from: event.fromEditionId, exact: event.exact, fuzzy: event.fuzzy, orphaned: event.orphaned } };
    case 'poll.closed':
      return { ...base, action: 'poll_closed', subjectId: event.pollId };
    case 'poll.deleted':
      return { ...base, action: 'poll_deleted', subjectId: event.pollId };
    case 'club.moderation_changed':
      return { ...base, action: 'settings_changed', detail: { slowModeSeconds: event.slowModeSeconds, flagThreshold: event.flagThreshold } };
    case 'account.suspended':
      return { ...base, clubId: null, action: event.suspended ? 'suspended' : 'unsuspended', targetUserId: event.userId, reason: event.reason };
    case 'book.removed':
      return { ...base, clubId: null, action: 'book_removed', subjectId: event.bookId, detail: { title: event.title } };
    default:
      return null;
  }
}

/** Subscribes the audit log to the bus. */
export function recordAudit(db: Db, events: EventBus, clock: () => number): () => void {
  // Written once for the whole site: by the process where the event happened.
  return events.subscribe(
    '*',
    async (event) => {
      const entry = auditEntryFor(event, clock());
      // A failure is reported by the bus (it catches what a listener rejects with).
      if (entry) await insertLogEntry(db, entry);
    },
    'once',
  );
}
