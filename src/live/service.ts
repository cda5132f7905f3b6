/**
 * The live area at work: it listens to the bus, draws what each event changed for each open
 * stream (./render.ts), replays what a reconnecting stream missed, and keeps every chapter's
 * presence line current.
 *
 * Drawing happens just after the event (`setImmediate`), not inside the request that caused
 * it, so a post is answered without waiting for its readers. Every stream remembers the last
 * event it was sent; an event is never sent twice to a stream and none is skipped: a stream
 * that opens while an event is being drawn gets it from the replay or from the drawing,
 * whichever comes first.
 */
import type { DomainEvent, DomainEventType } from '../events';
import type { AreaDeps } from '../http/types';
import { getChapterById, listParagraphs } from '../books';
import type { Paragraph } from '../../db/schema';
import { LruCache } from '../lib/lru-cache';
import { loadClubAccess, progressOf } from '../clubs';
import { translator, type Locale } from '../i18n';
import { presenceFragment } from './club-pages';
import { formatMessage, LiveHub, MAX_BACKLOG, type LiveStream, type RecordedEvent } from './hub';
import { addAttendee, addMoment, chapterChangesSince, namedMembers, pollPlace, runningMeeting } from './queries';
import type { StreamSink } from './sink';
import { changeFor, mergeChanges, renderGroups, type ChapterLayout, type PageChange } from './render';
import type { LiveMessage, StreamPlace, StreamViewer } from './types';

/** The events a chapter page can show; the others get no id and no place in the buffer. */
const SHOWN: ReadonlySet<DomainEventType> = new Set<DomainEventType>([
  'comment.posted',
  'comment.edited',
  'comment.deleted',
  'comment.moderated',
  'reaction.toggled',
  'spoilers.revealed',
  'poll.opened',
  'poll.changed',
  'poll.closed',
  'poll.deleted',
  'poll.voted',
  'progress.moved',
  'club.changed',
  'meeting.started',
  'meeting.spotlighted',
  'meeting.ended',
]);

const PRESENCE_DELAY_MS = 100;

interface OpenStream extends LiveStream {
  /** The newest event this stream has been sent (or has seen on the page it came from). */
  lastSeq: number;
  /** The reader's progress as this stream last drew it (what a move opens is drawn from here). */
  progress: number;
}

export class LiveService {
  readonly hub: LiveHub;
  private readonly presenceDue = new Map<string, StreamPlace>();
  private presenceTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly layouts = new Map<number, ChapterLayout>();
  /**
   * The paragraphs of chapters with open streams, for the redraws (a book's text never changes
   * once imported): re-reading a 500-paragraph chapter's rows, text and all, was a third of each
   * redraw. Bounded by count and by bytes (a quarter of `TEXT_CACHE_MB`).
   */
  private readonly paragraphs: LruCache<number, readonly Paragraph[]>;
  private readonly queued = new Map<number, RecordedEvent[]>();

  constructor(private readonly deps: AreaDeps) {
    this.paragraphs = new LruCache(64, {
      maxBytes: (deps.config.textCacheMb * 1024 * 1024) / 4,
      sizeOf: (list) => list.reduce((bytes, paragraph) => bytes + 200 + paragraph.text.length * 2, 0),
    });
    this.hub = new LiveHub({ perMember: deps.config.liveStreamsPerMember, max: deps.config.liveStreamsMax });
    this.hub.onPlaceChanged = (place) => this.presenceChanged(place);
    deps.events.subscribe('*', (event) => this.heard(event), 'every-process');
    deps.onShutdown?.(() => this.hub.closeAll());
  }

  /**
   * Runs one stream until it ends: registers it, replays what it missed since `lastId` (the
   * `Last-Event-ID` of a reconnection, or the id the page was drawn at), and waits.
   */
  async run(sink: StreamSink, place: StreamPlace, viewer: StreamViewer, lastId: string | null): Promise<void> {
    let done!: () => void;
    const ended = new Promise<void>((resolve) => (done = resolve));
    let pending = 0;
    let closed = false;
    // One callback for every write of this stream (no closure per message).
    const written = () => {
      pending -= 1;
    };
    const stream: OpenStream = {
      ...place,
      id: this.hub.newStreamId(),
      viewer,
      groupKey: `${viewer.user?.id ?? 'visitor'}|${viewer.locale}|${viewer.timeZone ?? ''}`,
      lastSeq: 0,
      progress: viewer.user ? progressOf(this.deps.db, place.readingId, viewer.user.id) : 0,
      send: (message: LiveMessage) => {
        if (closed) return;
        if (pending >= MAX_BACKLOG) {
          // A client that stopped reading: drop it rather than hold its backlog (it
          // reconnects with its Last-Event-ID and catches up).
          closed = true;
          sink.abort();
          done();
          return;
        }
        pending += 1;
        sink.write(message.bytes ?? formatMessage(message), written);
      },
      close: () => {
        if (closed) return;
        closed = true;
        sink.close();
        done();
      },
    };
    sink.onGone(() => {
      closed = true;
      done();
    });
    this.hub.add(stream);
    this.attend(stream);
    try {
      stream.send({ data: '', event: 'live:open' });
      this.replay(stream, lastId);
      await ended;
    } finally {
      this.hub.remove(stream);
    }
  }

  /** A just-started meeting: everyone who has its chapter open now has come. */
  meetingStarted(meetingId: number, place: StreamPlace): void {
    const now = this.deps.clock();
    for (const stream of this.hub.streamsAt(place)) if (stream.viewer.user) addAttendee(this.deps.db, meetingId, stream.viewer.user.id, now);
  }

  /** A member opening the running meeting's chapter has come (visitors and non-members do not count). */
  private attend(stream: LiveStream): void {
    const userId = stream.viewer.user?.id;
    if (userId === undefined) return;
    const meeting = runningMeeting(this.deps.db, stream.clubId);
    if (!meeting || meeting.readingId !== stream.readingId || meeting.chapterId !== stream.chapterId) return;
    const access = loadClubAccess(this.deps.db, stream.clubId, stream.viewer.user);
    if (access?.isMember) addAttendee(this.deps.db, meeting.id, userId, this.deps.clock());
  }

  /** A poll of the meeting's chapter opened or voted in while the meeting runs: part of its record. */
  private pollDuringMeeting(clubId: number, pollId: number): void {
    const meeting = runningMeeting(this.deps.db, clubId);
    if (!meeting) return;
    const place = pollPlace(this.deps.db, pollId);
    if (place && place.readingId === meeting.readingId && place.chapterId === meeting.chapterId) addMoment(this.deps.db, meeting.id, 'poll', pollId, this.deps.clock());
  }

  /** The paragraphs' places in a chapter (kept: a book's text never changes once imported). */
  /** A chapter's paragraphs, kept while the chapter has streams to redraw. */
  paragraphsOf(chapterId: number): readonly Paragraph[] {
    return this.paragraphs.get(chapterId) ?? this.paragraphs.set(chapterId, listParagraphs(this.deps.db, chapterId));
  }

  layoutOf(chapterId: number): ChapterLayout {
    let layout = this.layouts.get(chapterId);
    if (!layout) {
      const chapter = getChapterById(this.deps.db, chapterId);
      layout = {
        lastPosition: chapter?.lastPosition ?? 0,
        paragraphs: this.paragraphsOf(chapterId)
          .filter((p) => p.kind !== 'heading')
          .map((p) => ({ id: p.id, position: p.position })),
      };
      if (this.layouts.size > 256) this.layouts.clear();
      this.layouts.set(chapterId, layout);
    }
    return layout;
  }

  private replay(stream: OpenStream, lastId: string | null): void {
    const now = this.deps.clock();
    const currentSeq = this.hub.currentSeq;
    if (lastId === null) {
      stream.lastSeq = currentSeq;
      return;
    }
    const missed = this.hub.since(stream.clubId, lastId);
    if (!Array.isArray(missed)) {
      // Older than what we keep (or from before a restart): ask the database what changed on
      // this chapter since the id's time, and draw only that.
      stream.lastSeq = currentSeq;
      if (missed.at === null) return;
      const changed = chapterChangesSince(this.deps.db, stream.readingId, stream.chapterId, missed.at);
      if (changed.paragraphIds.length === 0 && !changed.chapter && !changed.polls) return;
      const change: PageChange = {
        annotations: changed.paragraphIds.length > 0 || changed.chapter ? { paragraphIds: changed.paragraphIds, discussion: changed.chapter, reveal: true } : null,
        polls: changed.polls,
        threadsOf: null,
      };
      this.deliver([[stream]], stream, change, [this.hub.currentId(now)], changed.paragraphIds);
      return;
    }
    for (const entry of missed) {
      stream.lastSeq = entry.seq;
      const change = this.changeOn(entry.event, stream);
      if (change) this.deliver([[stream]], stream, change, [entry.id], change.threadsOf === null ? [] : [change.threadsOf]);
    }
    stream.lastSeq = Math.max(stream.lastSeq, currentSeq);
  }

  /** What `event` changes on this stream's page; keeps the stream's idea of the reader's progress up to date. */
  private changeOn(event: DomainEvent, stream: OpenStream): PageChange | null {
    const change = changeFor(event, stream, this.layoutOf(stream.chapterId));
    if (event.type === 'progress.moved' && event.readingId === stream.readingId && event.userId === stream.viewer.user?.id) stream.progress = event.position;
    return change;
  }

  private heard(event: DomainEvent): void {
    if (event.clubId === null) return;
    if (event.type === 'member.left') {
      for (const stream of this.hub.streamsOf(event.clubId)) if (stream.viewer.user?.id === event.userId) stream.close();
      return;
    }
    if (event.type === 'club.changed' && event.what === 'progress_visibility') {
      for (const stream of this.hub.streamsOf(event.clubId)) this.presenceChanged(stream);
      return;
    }
    if (event.type === 'poll.opened' || event.type === 'poll.voted' || event.type === 'poll.closed') this.pollDuringMeeting(event.clubId, event.pollId);
    if (!SHOWN.has(event.type)) return;
    const recorded = this.hub.record(event.clubId, event, this.deps.clock());
    if (this.hub.streamsOf(event.clubId).length === 0) return;
    // Events heard before the next turn of the loop are drawn together: under load (a render
    // takes longer than the gap between posts) one render covers several events.
    const queue = this.queued.get(event.clubId);
    if (queue) {
      queue.push(recorded);
      return;
    }
    this.queued.set(event.clubId, [recorded]);
    setImmediate(() => {
      const batch = this.queued.get(event.clubId!) ?? [];
      this.queued.delete(event.clubId!);
      try {
        this.fanOut(event.clubId!, batch);
      } catch (error) {
        this.deps.log?.({ level: 'error', message: `live: ${(error as Error).message}`, stack: (error as Error).stack });
      }
    });
  }

  /**
   * Draws a batch of events for every stream they concern: per stream, the union of what the
   * events change; then once per group of streams whose readers see the same page. Each event
   * a stream is concerned by gets its own message id, in order; the swaps travel with the
   * last of them (the earlier ones are id-only messages, which only move the browser's
   * Last-Event-ID), so a reconnection never replays an event twice nor skips one.
   */
  private fanOut(clubId: number, batch: readonly RecordedEvent[]): void {
    const buckets = new Map<string, { place: StreamPlace; change: PageChange; ids: string[]; threads: number[]; groups: Map<string, OpenStream[]> }>();
    for (const stream of this.hub.streamsOf(clubId) as OpenStream[]) {
      let merged: PageChange | null = null;
      const ids: string[] = [];
      const threads = new Set<number>();
      for (const recorded of batch) {
        if (stream.lastSeq >= recorded.seq) continue;
        stream.lastSeq = recorded.seq;
        const change = this.changeOn(recorded.event, stream);
        if (!change) continue;
        ids.push(recorded.id);
        if (change.threadsOf !== null) threads.add(change.threadsOf);
        merged = merged ? mergeChanges(merged, change) : change;
      }
      if (!merged) continue;
      const key = `${stream.readingId}:${stream.chapterId}:${JSON.stringify(merged)}:${ids.join(',')}:${[...threads].join(',')}`;
      let bucket = buckets.get(key);
      if (!bucket) buckets.set(key, (bucket = { place: stream, change: merged, ids, threads: [...threads], groups: new Map() }));
      const group = bucket.groups.get(stream.groupKey);
      if (group) group.push(stream);
      else bucket.groups.set(stream.groupKey, [stream]);
    }
    for (const bucket of buckets.values()) this.deliver([...bucket.groups.values()], bucket.place, bucket.change, bucket.ids, bucket.threads);
  }

  /** Renders `change` once per group and writes the same bytes to every stream of the group. */
  private deliver(groups: readonly (readonly LiveStream[])[], place: StreamPlace, change: PageChange, ids: readonly string[], threads: readonly number[] = []): void {
    const renders = renderGroups(this.deps, place, groups, change, this.deps.clock(), change.annotations ? this.paragraphsOf(place.chapterId) : []);
    const encoder = new TextEncoder();
    let head = '';
    for (const paragraphId of threads) head += formatMessage({ event: 'live:threads', data: String(paragraphId) });
    for (const id of ids.slice(0, -1)) head += `id: ${id}\n\n`;
    const byHtml = new Map<string, Uint8Array>();
    groups.forEach((streams, index) => {
      const render = renders[index];
      if (!render) {
        // The reader may no longer see this chapter (left, removed, chapter moved later).
        for (const stream of streams) stream.close();
        return;
      }
      let bytes = byHtml.get(render.html);
      if (!bytes) byHtml.set(render.html, (bytes = encoder.encode(head + formatMessage({ data: render.html, id: ids.at(-1) }))));
      for (const stream of streams) stream.send({ data: '', bytes });
    });
  }

  private presenceChanged(place: StreamPlace): void {
    this.presenceDue.set(`${place.clubId}:${place.readingId}:${place.chapterId}`, { clubId: place.clubId, readingId: place.readingId, chapterId: place.chapterId });
    if (this.presenceTimer) return;
    this.presenceTimer = setTimeout(() => {
      this.presenceTimer = null;
      const due = [...this.presenceDue.values()];
      this.presenceDue.clear();
      for (const at of due) this.sendPresence(at);
    }, PRESENCE_DELAY_MS);
    this.presenceTimer.unref();
  }

  /** "4 reading this chapter now": distinct readers (each visitor's stream counts as one). */
  private sendPresence(place: StreamPlace): void {
    const streams = this.hub.streamsAt(place);
    if (streams.length === 0) return;
    const userIds = new Set<number>();
    let visitors = 0;
    for (const stream of streams) {
      const id = stream.viewer.user?.id;
      if (id === undefined) visitors += 1;
      else userIds.add(id);
    }
    const presence = { count: userIds.size + visitors, names: namedMembers(this.deps.db, place.clubId, [...userIds]) };
    // One message per language, encoded once for all its streams.
    const byLocale = new Map<Locale, LiveMessage>();
    for (const stream of streams) {
      const locale = stream.viewer.locale;
      let message = byLocale.get(locale);
      if (message === undefined) {
        const data = presenceFragment(translator(locale), presence);
        byLocale.set(locale, (message = { data, bytes: new TextEncoder().encode(formatMessage({ data })) }));
      }
      stream.send(message);
    }
  }
}

