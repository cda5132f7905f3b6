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
 *
 * Drawing reads the database, so it takes turns: everything that writes to the streams of one
 * club (a batch of events, a new stream's replay, a presence line) runs in that club's queue,
 * one job after the other ({@link LiveService.inTurn}), so the messages of a stream go out in
 * the order of the events even when one drawing takes longer than the next. A job that fails
 * is logged and the queue goes on (a listener's failure never becomes an unhandled rejection).
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
import { addAttendee, addAttendees, addMoment, chapterChangesSince, namedMembers, pollPlace, runningMeeting } from './queries';
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
  /**
   * Its replay has been sent (`live:open` first, then what it missed): until then the drawing
   * of new events leaves it alone, and its replay, when its turn comes, covers them.
   */
  ready: boolean;
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
  /** Events heard and not yet drawn, per club (taken whole when the club's drawing job starts). */
  private readonly queued = new Map<number, RecordedEvent[]>();
  /** The end of each club's queue of jobs (see the file comment); absent when it is idle. */
  private readonly turns = new Map<number, Promise<void>>();

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
   * `Last-Event-ID` of a reconnection, or the id the page was drawn at; without one, since now),
   * and waits.
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
      progress: viewer.user ? await progressOf(this.deps.db, place.readingId, viewer.user.id) : 0,
      ready: false,
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
    // What it has seen: up to `lastId`, or everything before this moment.
    const seen = lastId ?? this.hub.currentId(this.deps.clock());
    this.hub.add(stream);
    void this.inTurn(stream.clubId, async () => {
      await this.attend(stream);
      stream.send({ data: '', event: 'live:open' });
      await this.replay(stream, seen);
    });
    try {
      await ended;
    } finally {
      this.hub.remove(stream);
    }
  }

  /** A just-started meeting: everyone who has its chapter open now has come (one statement for all). */
  async meetingStarted(meetingId: number, place: StreamPlace): Promise<void> {
    const userIds = this.hub.streamsAt(place).flatMap((stream) => (stream.viewer.user ? [stream.viewer.user.id] : []));
    await addAttendees(this.deps.db, meetingId, userIds, this.deps.clock());
  }

  /** A member opening the running meeting's chapter has come (visitors and non-members do not count). A failure is logged, the stream goes on. */
  private async attend(stream: LiveStream): Promise<void> {
    const userId = stream.viewer.user?.id;
    if (userId === undefined) return;
    try {
      const meeting = await runningMeeting(this.deps.db, stream.clubId);
      if (!meeting || meeting.readingId !== stream.readingId || meeting.chapterId !== stream.chapterId) return;
      const access = await loadClubAccess(this.deps.db, stream.clubId, stream.viewer.user);
      if (access?.isMember) await addAttendee(this.deps.db, meeting.id, userId, this.deps.clock());
    } catch (error) {
      this.failed(error);
    }
  }

  /** A poll of the meeting's chapter opened or voted in while the meeting runs: part of its record. */
  private async pollDuringMeeting(clubId: number, pollId: number): Promise<void> {
    const meeting = await runningMeeting(this.deps.db, clubId);
    if (!meeting) return;
    const place = await pollPlace(this.deps.db, pollId);
    if (place && place.readingId === meeting.readingId && place.chapterId === meeting.chapterId) await addMoment(this.deps.db, meeting.id, 'poll', pollId, this.deps.clock());
  }

  /** A chapter's paragraphs, kept while the chapter has streams to redraw. */
  async paragraphsOf(chapterId: number): Promise<readonly Paragraph[]> {
    return this.paragraphs.get(chapterId) ?? this.paragraphs.set(chapterId, await listParagraphs(this.deps.db, chapterId));
  }

  /** The paragraphs' places in a chapter (kept: a book's text never changes once imported). */
  async layoutOf(chapterId: number): Promise<ChapterLayout> {
    let layout = this.layouts.get(chapterId);
    if (!layout) {
      const chapter = await getChapterById(this.deps.db, chapterId);
      layout = {
        lastPosition: chapter?.lastPosition ?? 0,
        paragraphs: (await this.paragraphsOf(chapterId)).filter((p) => p.kind !== 'heading').map((p) => ({ id: p.id, position: p.position })),
      };
      if (this.layouts.size > 256) this.layouts.clear();
      this.layouts.set(chapterId, layout);
    }
    return layout;
  }

  /**
   * Sends a new stream what it missed after `seen` (an event id), up to now, and makes it ready
   * for the drawing of what comes next. Runs in the club's turn, so nothing is drawn for the
   * club meanwhile: what is recorded after this starts is drawn by a later job.
   */
  private async replay(stream: OpenStream, seen: string): Promise<void> {
    const now = this.deps.clock();
    const currentSeq = this.hub.currentSeq;
    const currentId = this.hub.currentId(now);
    const missed = this.hub.since(stream.clubId, seen);
    stream.lastSeq = currentSeq;
    stream.ready = true;
    if (!Array.isArray(missed)) {
      // Older than what we keep (or from before a restart): ask the database what changed on
      // this chapter since the id's time, and draw only that.
      if (missed.at === null) return;
      const changed = await chapterChangesSince(this.deps.db, stream.readingId, stream.chapterId, missed.at);
      if (changed.paragraphIds.length === 0 && !changed.chapter && !changed.polls) return;
      const change: PageChange = {
        annotations: changed.paragraphIds.length > 0 || changed.chapter ? { paragraphIds: changed.paragraphIds, discussion: changed.chapter, reveal: true } : null,
        polls: changed.polls,
        threadsOf: null,
      };
      await this.deliver([[stream]], stream, change, [currentId], changed.paragraphIds);
      return;
    }
    if (missed.length === 0) return;
    const layout = await this.layoutOf(stream.chapterId);
    for (const entry of missed) {
      const change = this.changeOn(entry.event, stream, layout);
      if (change) await this.deliver([[stream]], stream, change, [entry.id], change.threadsOf === null ? [] : [change.threadsOf]);
    }
  }

  /** What `event` changes on this stream's page; keeps the stream's idea of the reader's progress up to date. */
  private changeOn(event: DomainEvent, stream: OpenStream, layout: ChapterLayout): PageChange | null {
    const change = changeFor(event, stream, layout);
    if (event.type === 'progress.moved' && event.readingId === stream.readingId && event.userId === stream.viewer.user?.id) stream.progress = event.position;
    return change;
  }

  /**
   * Runs `job` after the club's earlier jobs (see the file comment). Never rejects: a failure
   * is logged, and the next job runs.
   */
  private inTurn(clubId: number, job: () => Promise<void>): Promise<void> {
    const turn = (this.turns.get(clubId) ?? Promise.resolve()).then(job).catch((error: unknown) => this.failed(error));
    this.turns.set(clubId, turn);
    void turn.then(() => {
      if (this.turns.get(clubId) === turn) this.turns.delete(clubId);
    });
    return turn;
  }

  private failed(error: unknown): void {
    const failure = error instanceof Error ? error : new Error(String(error));
    this.deps.log?.({ level: 'error', message: `live: ${failure.message}`, stack: failure.stack });
  }

  /**
   * Hears one event of the bus. What it writes (a poll in a running meeting's record) is done
   * before it returns, so the request that published the event answers after it; the drawing
   * comes just after (`setImmediate`). Failures are logged here, never thrown at the bus.
   */
  private async heard(event: DomainEvent): Promise<void> {
    if (event.clubId === null) return;
    const polled = event.type === 'poll.opened' || event.type === 'poll.voted' || event.type === 'poll.closed';
    const writing = polled ? this.pollDuringMeeting(event.clubId, event.pollId).catch((error: unknown) => this.failed(error)) : undefined;
    this.note(event, event.clubId);
    await writing;
  }

  /** What the event does to this process's streams, at once: closes, presence, its id and place in the replay buffer, and its drawing (soon). */
  private note(event: DomainEvent, clubId: number): void {
    if (event.type === 'member.left') {
      for (const stream of this.hub.streamsOf(clubId)) if (stream.viewer.user?.id === event.userId) stream.close();
      return;
    }
    if (event.type === 'club.changed' && event.what === 'progress_visibility') {
      for (const stream of this.hub.streamsOf(clubId)) this.presenceChanged(stream);
      return;
    }
    if (!SHOWN.has(event.type)) return;
    const recorded = this.hub.record(clubId, event, this.deps.clock());
    if (this.hub.streamsOf(clubId).length === 0) return;
    // Events heard before the club's next drawing starts are drawn together: under load (a
    // render takes longer than the gap between posts) one render covers several events.
    const queue = this.queued.get(clubId);
    if (queue) {
      queue.push(recorded);
      return;
    }
    this.queued.set(clubId, [recorded]);
    setImmediate(() => {
      void this.inTurn(clubId, () => {
        const batch = this.queued.get(clubId) ?? [];
        this.queued.delete(clubId);
        return this.fanOut(clubId, batch);
      });
    });
  }

  /**
   * Draws a batch of events for every stream they concern: per stream, the union of what the
   * events change; then once per group of streams whose readers see the same page. Each event
   * a stream is concerned by gets its own message id, in order; the swaps travel with the
   * last of them (the earlier ones are id-only messages, which only move the browser's
   * Last-Event-ID), so a reconnection never replays an event twice nor skips one.
   */
  private async fanOut(clubId: number, batch: readonly RecordedEvent[]): Promise<void> {
    const streams = (this.hub.streamsOf(clubId) as OpenStream[]).filter((stream) => stream.ready);
    const layouts = new Map<number, ChapterLayout>();
    for (const chapterId of new Set(streams.map((stream) => stream.chapterId))) layouts.set(chapterId, await this.layoutOf(chapterId));
    const buckets = new Map<string, { place: StreamPlace; change: PageChange; ids: string[]; threads: number[]; groups: Map<string, OpenStream[]> }>();
    for (const stream of streams) {
      let merged: PageChange | null = null;
      const ids: string[] = [];
      const threads = new Set<number>();
      for (const recorded of batch) {
        if (stream.lastSeq >= recorded.seq) continue;
        stream.lastSeq = recorded.seq;
        const change = this.changeOn(recorded.event, stream, layouts.get(stream.chapterId)!);
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
    // Each stream is in one bucket: the buckets may be drawn side by side.
    await Promise.all([...buckets.values()].map((bucket) => this.deliver([...bucket.groups.values()], bucket.place, bucket.change, bucket.ids, bucket.threads)));
  }

  /** Renders `change` once per group and writes the same bytes to every stream of the group. */
  private async deliver(groups: readonly (readonly LiveStream[])[], place: StreamPlace, change: PageChange, ids: readonly string[], threads: readonly number[] = []): Promise<void> {
    const paragraphs = change.annotations ? await this.paragraphsOf(place.chapterId) : [];
    const renders = await renderGroups(this.deps, place, groups, change, this.deps.clock(), paragraphs);
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
      for (const at of due) void this.inTurn(at.clubId, () => this.sendPresence(at));
    }, PRESENCE_DELAY_MS);
    this.presenceTimer.unref();
  }

  /** "4 reading this chapter now": distinct readers (each visitor's stream counts as one). */
  private async sendPresence(place: StreamPlace): Promise<void> {
    const streams = this.hub.streamsAt(place);
    if (streams.length === 0) return;
    const userIds = new Set<number>();
    let visitors = 0;
    for (const stream of streams) {
      const id = stream.viewer.user?.id;
      if (id === undefined) visitors += 1;
      else userIds.add(id);
    }
    const presence = { count: userIds.size + visitors, names: await namedMembers(this.deps.db, place.clubId, [...userIds]) };
    // One message per language, encoded once for all its streams (those still waiting for their
    // replay get the line later: opening a stream asks for the presence to be sent again).
    const byLocale = new Map<Locale, LiveMessage>();
    for (const stream of this.hub.streamsAt(place) as OpenStream[]) {
      if (!stream.ready) continue;
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
