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
import type { SSEStreamingApi } from 'hono/streaming';
import type { DomainEvent, DomainEventType } from '../events';
import type { AreaDeps } from '../http/types';
import { translator, type Locale } from '../i18n';
import { presenceFragment } from './club-pages';
import { formatMessage, LiveHub, MAX_BACKLOG, type LiveStream, type RecordedEvent } from './hub';
import { namedMembers } from './queries';
import { changeFor, EVERYTHING, renderGroups, type PageChange } from './render';
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
]);

const PRESENCE_DELAY_MS = 100;

interface OpenStream extends LiveStream {
  /** The newest event this stream has been sent (or has seen on the page it came from). */
  lastSeq: number;
}

export class LiveService {
  readonly hub: LiveHub;
  private readonly presenceDue = new Map<string, StreamPlace>();
  private presenceTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly deps: AreaDeps) {
    this.hub = new LiveHub({ perMember: deps.config.liveStreamsPerMember, max: deps.config.liveStreamsMax });
    this.hub.onPlaceChanged = (place) => this.presenceChanged(place);
    deps.events.subscribe('*', (event) => this.heard(event));
    deps.onShutdown?.(() => this.hub.closeAll());
  }

  /**
   * Runs one stream until it ends: registers it, replays what it missed since `lastId` (the
   * `Last-Event-ID` of a reconnection, or the id the page was drawn at), and waits.
   */
  async run(sse: SSEStreamingApi, place: StreamPlace, viewer: StreamViewer, lastId: string | null): Promise<void> {
    let done!: () => void;
    const ended = new Promise<void>((resolve) => (done = resolve));
    let pending = 0;
    let closed = false;
    const stream: OpenStream = {
      ...place,
      id: this.hub.newStreamId(),
      viewer,
      groupKey: `${viewer.user?.id ?? 'visitor'}|${viewer.locale}|${viewer.timeZone ?? ''}`,
      lastSeq: 0,
      send: (message: LiveMessage) => {
        if (closed) return;
        if (pending >= MAX_BACKLOG) {
          // A client that stopped reading: drop it rather than hold its backlog (it
          // reconnects with its Last-Event-ID and catches up).
          closed = true;
          sse.abort();
          done();
          return;
        }
        pending += 1;
        void sse.write(formatMessage(message)).then(() => (pending -= 1));
      },
      close: () => {
        if (closed) return;
        closed = true;
        void sse.close();
        done();
      },
    };
    sse.onAbort(() => {
      closed = true;
      done();
    });
    this.hub.add(stream);
    try {
      stream.send({ data: '', event: 'live:open' });
      this.replay(stream, lastId);
      await ended;
    } finally {
      this.hub.remove(stream);
    }
  }

  private replay(stream: OpenStream, lastId: string | null): void {
    const current = this.hub.currentId();
    const currentSeq = Number(current.split('-')[1]);
    if (lastId === null) {
      stream.lastSeq = currentSeq;
      return;
    }
    const missed = this.hub.since(stream.clubId, lastId);
    if (missed === 'too-old') {
      // Older than what we keep: redraw every part of the page once.
      stream.lastSeq = currentSeq;
      this.deliver([[stream]], stream, EVERYTHING, current);
      return;
    }
    for (const entry of missed) {
      stream.lastSeq = entry.seq;
      const change = changeFor(entry.event, stream);
      if (change) this.deliver([[stream]], stream, change, entry.id);
    }
    stream.lastSeq = Math.max(stream.lastSeq, currentSeq);
  }

  private heard(event: DomainEvent): void {
    if (event.clubId === null) return;
    if (event.type === 'member.left') {
      for (const stream of this.hub.streamsOf(event.clubId)) if (stream.viewer.user?.id === event.userId) stream.close();
      return;
    }
    if (!SHOWN.has(event.type)) return;
    const recorded = this.hub.record(event.clubId, event);
    if (this.hub.streamsOf(event.clubId).length === 0) return;
    setImmediate(() => {
      try {
        this.fanOut(event.clubId!, recorded);
      } catch (error) {
        this.deps.log?.({ level: 'error', message: `live: ${(error as Error).message}`, stack: (error as Error).stack });
      }
    });
  }

  /** Draws one event for every stream it concerns, once per group of identical readers. */
  private fanOut(clubId: number, recorded: RecordedEvent): void {
    const buckets = new Map<string, { place: StreamPlace; change: PageChange; groups: Map<string, OpenStream[]> }>();
    for (const stream of this.hub.streamsOf(clubId) as OpenStream[]) {
      if (stream.lastSeq >= recorded.seq) continue;
      stream.lastSeq = recorded.seq;
      const change = changeFor(recorded.event, stream);
      if (!change) continue;
      const key = `${stream.readingId}:${stream.chapterId}:${JSON.stringify(change)}`;
      let bucket = buckets.get(key);
      if (!bucket) buckets.set(key, (bucket = { place: stream, change, groups: new Map() }));
      const group = bucket.groups.get(stream.groupKey);
      if (group) group.push(stream);
      else bucket.groups.set(stream.groupKey, [stream]);
    }
    for (const bucket of buckets.values()) this.deliver([...bucket.groups.values()], bucket.place, bucket.change, recorded.id);
  }

  private deliver(groups: readonly (readonly LiveStream[])[], place: StreamPlace, change: PageChange, id: string): void {
    const renders = renderGroups(this.deps, place, groups, change, this.deps.clock());
    groups.forEach((streams, index) => {
      const render = renders[index];
      for (const stream of streams) {
        if (!render) {
          // The reader may no longer see this chapter (left, removed, chapter moved later).
          stream.close();
          continue;
        }
        if (change.threadsOf !== null) stream.send({ event: 'live:threads', data: String(change.threadsOf) });
        stream.send({ data: render.html, id });
      }
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
    const byLocale = new Map<Locale, string>();
    for (const stream of streams) {
      const locale = stream.viewer.locale;
      let html = byLocale.get(locale);
      if (html === undefined) byLocale.set(locale, (html = presenceFragment(translator(locale), presence)));
      stream.send({ data: html });
    }
  }
}

