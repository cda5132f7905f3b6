/**
 * Domain events: what happened, said once by the area that did it, heard by whoever cares
 * (the page cache today; the live stream, notifications and the search index next).
 *
 * An event carries ids and the facts a listener needs to decide visibility for its own
 * viewers through the same gate as every page (a comment's anchor position and visibility,
 * its author) — never rendered HTML, never a translated string — so the same event can later
 * cross processes. Every event names the `actorId` (the reader who did it, null for the
 * system) and `clubId` when it happened in a club.
 *
 * Areas publish right after their write has committed (`await transaction(…)` has returned),
 * and await the publishing: {@link InProcessEventBus} runs the listeners one after another, each
 * awaited (those that keep memory current first, then those that write), so the request answers once the page cache, the search
 * index and the live streams have heard it, and two events reach a listener in the order they
 * were published. A listener that throws (or rejects) is reported and does not undo the change
 * or stop the other listeners. {@link CrossProcessEventBus}
 * (`./shared.ts`) also hands every event to the other app processes on the same database.
 *
 * With several processes, every listener says which of two jobs it does ({@link ListenerScope}):
 * - `'every-process'`: it keeps this process's own memory current (the page cache, the
 *   chapters' comment rows, the live streams), so it hears every event, wherever it happened;
 * - `'once'`: it writes to the database (the audit log, the search index, notifications), so
 *   it hears only the events of its own process: across the site it runs once per event.
 * Events of this process reach both kinds as they are published; another process's reach
 * the `'every-process'` listeners here a moment later, in order, each once.
 *
 * @example
 * const bus = new InProcessEventBus();
 * bus.subscribe('comment.posted', async (event) => index(event.commentId), 'once');
 * bus.subscribe('*', (event) => cache.noteChange(event.clubId), 'every-process');
 * await bus.publish({ type: 'comment.posted', actorId: 7, clubId: 3, commentId: 41, … });
 */

interface EventBase {
  /** The reader who caused it (null: the system). */
  actorId: number | null;
  /** The club it happened in, when it happened in one. */
  clubId: number | null;
}

/** Where a comment sits and who may see it: what a listener needs to run the spoiler gate. */
interface CommentFacts {
  clubId: number;
  readingId: number;
  chapterId: number;
  paragraphId: number | null;
  commentId: number;
  rootId: number;
  authorId: number;
  anchorPosition: number;
  visibility: 'club' | 'private';
}

export type DomainEvent =
  // ---- annotations
  | (EventBase & CommentFacts & { type: 'comment.posted'; parentId: number | null })
  | (EventBase & CommentFacts & { type: 'comment.edited' })
  | (EventBase & CommentFacts & { type: 'comment.deleted' })
  | (EventBase & CommentFacts & { type: 'comment.moderated'; moderation: 'hidden' | 'removed'; reason: string })
  // ---- moderation (flags, the queue's decisions, mutes, bans, settings, site administration)
  | (EventBase & CommentFacts & { type: 'comment.flagged'; flagCount: number })
  | (EventBase & CommentFacts & { type: 'comment.flag_hidden'; flagCount: number })
  | (EventBase & CommentFacts & { type: 'comment.restored'; reason: string })
  | (EventBase & CommentFacts & { type: 'comment.flags_cleared'; reason: string })
  | (EventBase & { type: 'member.warned'; clubId: number; userId: number; commentId: number | null; reason: string })
  | (EventBase & { type: 'member.muted'; clubId: number; userId: number; until: number | null; reason: string })
  | (EventBase & { type: 'member.banned'; clubId: number; userId: number; banned: boolean; reason: string })
  | (EventBase & { type: 'club.moderation_changed'; clubId: number; slowModeSeconds: number; flagThreshold: number })
  | (EventBase & { type: 'account.suspended'; userId: number; suspended: boolean; reason: string })
  | (EventBase & { type: 'account.deleted'; userId: number })
  | (EventBase & { type: 'book.removed'; bookId: number; title: string })
  | (EventBase & { type: 'reaction.toggled'; clubId: number; readingId: number; chapterId: number; paragraphId: number | null; commentId: number; reaction: string; on: boolean })
  | (EventBase & { type: 'spoilers.revealed'; clubId: number; readingId: number; chapterId: number; revealed: boolean })
  // ---- polls
  | (EventBase & { type: 'poll.opened'; clubId: number; pollId: number; readingId: number | null; chapterId: number | null; opensAt: number | null })
  | (EventBase & { type: 'poll.changed'; clubId: number; pollId: number })
  | (EventBase & { type: 'poll.closed'; clubId: number; pollId: number })
  | (EventBase & { type: 'poll.deleted'; clubId: number; pollId: number })
  | (EventBase & { type: 'poll.voted'; clubId: number; pollId: number; withdrawn: boolean })
  // ---- clubs
  | (EventBase & { type: 'club.created'; clubId: number })
  | (EventBase & { type: 'club.changed'; clubId: number; what: 'role' | 'owner' | 'invitations' | 'progress_visibility'; targetUserId?: number; role?: 'owner' | 'moderator' | 'member' })
  | (EventBase & { type: 'member.joined'; clubId: number; userId: number; via: 'public' | 'invitation' })
  | (EventBase & { type: 'member.left'; clubId: number; userId: number; removed: boolean })
  | (EventBase & { type: 'reading.started'; clubId: number; readingId: number; editionId: number })
  | (EventBase & { type: 'reading.edition_changed'; clubId: number; readingId: number; fromEditionId: number; editionId: number; exact: number; fuzzy: number; orphaned: number })
  | (EventBase & { type: 'comment.reanchored'; clubId: number; readingId: number; commentId: number; how: 'confirmed' | 'manual' | 'left_on_chapter' })
  | (EventBase & { type: 'chapters.scheduled'; clubId: number; readingId: number; chapterIds: number[] })
  | (EventBase & { type: 'progress.moved'; clubId: number; readingId: number; userId: number; position: number })
  // ---- club life (next book, meetings, questions, shelf)
  | (EventBase & { type: 'nominations.opened'; clubId: number; pickId: number })
  | (EventBase & { type: 'book.nominated'; clubId: number; pickId: number; nominationId: number; merged: boolean })
  | (EventBase & { type: 'book_vote.opened'; clubId: number; pickId: number; endsAt: number })
  | (EventBase & { type: 'book_vote.voted'; clubId: number; pickId: number })
  | (EventBase & { type: 'book_vote.closed'; clubId: number; pickId: number })
  | (EventBase & { type: 'meeting.proposed'; clubId: number; meetingId: number })
  /** A meeting has its time (fixed when proposed, or chosen among candidates): what a reminder listens to. */
  | (EventBase & { type: 'meeting.scheduled'; clubId: number; meetingId: number; startsAt: number; rescheduled: boolean })
  | (EventBase & { type: 'meeting.answered'; clubId: number; meetingId: number })
  /** A moderator changed a meeting's details (a new time is `meeting.scheduled` with `rescheduled: true` as well); `sequence` is its new ICS SEQUENCE. */
  | (EventBase & { type: 'meeting.edited'; clubId: number; meetingId: number; sequence: number })
  /** Cancelled (it stays visible, RSVP closed) or restored by a moderator. */
  | (EventBase & { type: 'meeting.cancelled'; clubId: number; meetingId: number; startsAt: number | null })
  | (EventBase & { type: 'meeting.restored'; clubId: number; meetingId: number; startsAt: number | null })
  /** Anchored at the chapter's end (`anchorPosition`): a listener gates it like a chapter comment. */
  | (EventBase & { type: 'question.added'; clubId: number; readingId: number; chapterId: number; questionId: number; anchorPosition: number })
  | (EventBase & { type: 'question.answered'; clubId: number; readingId: number; chapterId: number; questionId: number; answerId: number; parentId: number | null; anchorPosition: number })
  | (EventBase & { type: 'shelf.marked'; clubId: number; readingId: number })
  // ---- live: meetings (src/live)
  | (EventBase & { type: 'meeting.started'; clubId: number; meetingId: number; readingId: number; chapterId: number })
  | (EventBase & { type: 'meeting.spotlighted'; clubId: number; meetingId: number; kind: 'paragraph' | 'thread'; targetId: number })
  | (EventBase & { type: 'meeting.ended'; clubId: number; meetingId: number })
  // ---- the reader's own settings (they show on every page they load)
  | (EventBase & { type: 'reader.settings_changed'; userId: number; what: 'profile' | 'locale' | 'font' | 'password' })
  // ---- books
  | (EventBase & { type: 'book.imported'; editionId: number })
  // ---- notifications (a reader read theirs: the bell on their cached pages changes)
  | (EventBase & { type: 'notifications.read'; userId: number });

export type DomainEventType = DomainEvent['type'];
export type EventOf<T extends DomainEventType> = Extract<DomainEvent, { type: T }>;
export type Listener<E extends DomainEvent = DomainEvent> = (event: E) => void | Promise<void>;

/**
 * Where a listener runs when several app processes share the database (see the file comment):
 * in `'every-process'` (it keeps process memory current) or `'once'` for the whole site (it
 * writes, and hears only the events published in its own process).
 */
export type ListenerScope = 'every-process' | 'once';

/** What areas publish on and listeners subscribe to; {@link CrossProcessEventBus} implements it too. */
export interface EventBus {
  /** Resolves when this process's listeners have all heard it (never rejects: their failures are reported). */
  publish(event: DomainEvent): Promise<void>;
  /** Listen to one type of event, or to every event with `'*'`, in `scope`. Returns the unsubscribe. */
  subscribe<T extends DomainEventType>(type: T, listener: Listener<EventOf<T>>, scope: ListenerScope): () => void;
  subscribe(type: '*', listener: Listener, scope: ListenerScope): () => void;
  /**
   * Hears now what other processes published that this one has not heard yet (the
   * cross-process bus; nothing to do in one process). `createApp` calls it as each request
   * starts, so a reader whose comment was posted through another process a moment ago finds it
   * on the next page, whichever process draws it.
   */
  catchUp?(): Promise<void>;
}

interface Subscription {
  listener: Listener;
  scope: ListenerScope;
}

/** Delivery inside this process, each listener awaited before the next (order: {@link InProcessEventBus.deliver}). */
export class InProcessEventBus implements EventBus {
  private readonly listeners = new Map<string, Set<Subscription>>();

  /** `onListenerError` hears what a listener threw (the change itself has already happened). */
  constructor(private readonly onListenerError: (error: unknown, event: DomainEvent) => void = () => {}) {}

  /** An event of this process: every listener hears it. */
  publish(event: DomainEvent): Promise<void> {
    return this.deliver(event, false);
  }

  /** An event another process published (and its own listeners heard): only the `'every-process'` listeners hear it here. */
  deliverFromElsewhere(event: DomainEvent): Promise<void> {
    return this.deliver(event, true);
  }

  subscribe<T extends DomainEventType>(type: T, listener: Listener<EventOf<T>>, scope: ListenerScope): () => void;
  subscribe(type: '*', listener: Listener, scope: ListenerScope): () => void;
  subscribe(type: string, listener: Listener<never>, scope: ListenerScope): () => void {
    let set = this.listeners.get(type);
    if (!set) this.listeners.set(type, (set = new Set()));
    const subscription: Subscription = { listener: listener as Listener, scope };
    set.add(subscription);
    return () => set.delete(subscription);
  }

  /**
   * The `'every-process'` listeners first (memory: the page cache, the chapters' comment rows,
   * the live streams), then the `'once'` ones (database writes: the search index, the audit
   * log, notifications), each kind in subscription order. Memory is current before anything
   * waits on a write, so a page drawn meanwhile is never kept from before the change.
   */
  private async deliver(event: DomainEvent, fromElsewhere: boolean): Promise<void> {
    for (const scope of fromElsewhere ? (['every-process'] as const) : (['every-process', 'once'] as const)) {
      for (const key of [event.type, '*']) {
        for (const subscription of this.listeners.get(key) ?? []) {
          if (subscription.scope !== scope) continue;
          try {
            await subscription.listener(event);
          } catch (error) {
            this.onListenerError(error, event);
          }
        }
      }
    }
  }
}

export { CrossProcessEventBus, type CrossProcessOptions, type EventLog, type LoggedEvent } from './shared';
export { databaseEventLog, EVENTS_CHANNEL } from './event-log';
