/**
 * The streams open in this process, and the recent events of each club.
 *
 * A stream is one chapter page kept open by one reader ({@link LiveStream}); the hub knows
 * them by club, counts them by reader (the per-member cap) and in all (the process cap), writes
 * a heartbeat to each every {@link HEARTBEAT_MS}, and drops one whose client stops reading
 * (more than {@link MAX_BACKLOG} messages waiting) so that it cannot hold memory or others.
 *
 * Every relevant domain event gets an id, `<epoch>-<n>-<time>`, monotonic in this process
 * (the epoch changes with each start, so an id from before a restart is never mistaken for a
 * current one; the time, base 36 ms, says when), and goes into its club's ring buffer of the
 * last {@link REPLAY_EVENTS} events (ids and facts, never HTML). A reconnecting stream says the
 * last id it saw (`Last-Event-ID`); {@link LiveHub.since} gives back exactly the events after
 * it, or `{ tooOld, at }` when they are no longer all in the buffer (the stream then asks the
 * database what changed on its chapter since `at`: a catch-up query, not a redraw).
 */
import type { DomainEvent } from '../events';
import type { LiveMessage, StreamPlace, StreamViewer } from './types';

export const HEARTBEAT_MS = 15_000;
export const REPLAY_EVENTS = 512;
export const MAX_BACKLOG = 64;

export interface LiveStream extends StreamPlace {
  readonly id: number;
  readonly viewer: StreamViewer;
  /** Streams with the same key see exactly the same page, so they share one render. */
  readonly groupKey: string;
  /** Queues one message; drops the stream when its client has stopped reading. */
  send(message: LiveMessage): void;
  /** Ends the stream (the client reconnects, or falls back to the page as it is). */
  close(): void;
}

export interface RecordedEvent {
  id: string;
  seq: number;
  event: DomainEvent;
}

export type Admission = 'ok' | 'member-cap' | 'process-cap';

export class LiveHub {
  readonly epoch = Date.now().toString(36);
  private seq = 0;
  private nextStreamId = 1;
  private readonly byClub = new Map<number, Set<LiveStream>>();
  private readonly perUser = new Map<number, number>();
  private readonly buffers = new Map<number, RecordedEvent[]>();
  private total = 0;
  private heartbeat: ReturnType<typeof setInterval> | null = null;
  private closing = false;
  /** Told when a chapter's set of streams changes (presence). */
  onPlaceChanged: (place: StreamPlace) => void = () => {};

  constructor(private readonly limits: { perMember: number; max: number }) {}

  /** May this reader open one more stream? (Signed-out visitors count only against the process.) */
  admit(userId: number | null): Admission {
    if (this.closing || this.total >= this.limits.max) return 'process-cap';
    if (userId !== null && (this.perUser.get(userId) ?? 0) >= this.limits.perMember) return 'member-cap';
    return 'ok';
  }

  newStreamId(): number {
    return this.nextStreamId++;
  }

  add(stream: LiveStream): void {
    let set = this.byClub.get(stream.clubId);
    if (!set) this.byClub.set(stream.clubId, (set = new Set()));
    set.add(stream);
    this.total += 1;
    const userId = stream.viewer.user?.id;
    if (userId !== undefined) this.perUser.set(userId, (this.perUser.get(userId) ?? 0) + 1);
    if (!this.heartbeat) {
      this.heartbeat = setInterval(() => this.beat(), HEARTBEAT_MS);
      this.heartbeat.unref();
    }
    this.onPlaceChanged(stream);
  }

  remove(stream: LiveStream): void {
    const set = this.byClub.get(stream.clubId);
    if (!set?.delete(stream)) return;
    if (set.size === 0) this.byClub.delete(stream.clubId);
    this.total -= 1;
    const userId = stream.viewer.user?.id;
    if (userId !== undefined) {
      const left = (this.perUser.get(userId) ?? 1) - 1;
      if (left === 0) this.perUser.delete(userId);
      else this.perUser.set(userId, left);
    }
    if (this.total === 0 && this.heartbeat) {
      clearInterval(this.heartbeat);
      this.heartbeat = null;
    }
    if (!this.closing) this.onPlaceChanged(stream);
  }

  streamsOf(clubId: number): readonly LiveStream[] {
    return [...(this.byClub.get(clubId) ?? [])];
  }

  streamsAt(place: StreamPlace): LiveStream[] {
    return this.streamsOf(place.clubId).filter((s) => s.readingId === place.readingId && s.chapterId === place.chapterId);
  }

  get size(): number {
    return this.total;
  }

  /** The id the next page should start from: events after it are news to that page. */
  currentId(now: number): string {
    return `${this.epoch}-${this.seq}-${now.toString(36)}`;
  }

  get currentSeq(): number {
    return this.seq;
  }

  /** Gives the event its id and keeps it in its club's replay buffer. */
  record(clubId: number, event: DomainEvent, now: number): RecordedEvent {
    const seq = ++this.seq;
    const recorded = { id: `${this.epoch}-${seq}-${now.toString(36)}`, seq, event };
    let buffer = this.buffers.get(clubId);
    if (!buffer) this.buffers.set(clubId, (buffer = []));
    buffer.push(recorded);
    if (buffer.length > REPLAY_EVENTS) buffer.splice(0, buffer.length - REPLAY_EVENTS);
    return recorded;
  }

  /**
   * The club's events after `lastId`, oldest first; `tooOld` when some of them have left the
   * buffer or the id is from another start of the process, with the time the id carries
   * (`null` when it is not one of our ids at all).
   */
  since(clubId: number, lastId: string): RecordedEvent[] | { tooOld: true; at: number | null } {
    const match = /^([0-9a-z]+)-(\d+)-([0-9a-z]+)$/.exec(lastId);
    if (!match) return { tooOld: true, at: null };
    const at = Number.parseInt(match[3]!, 36);
    const tooOld = { tooOld: true as const, at: Number.isSafeInteger(at) ? at : null };
    if (match[1] !== this.epoch) return tooOld;
    const lastSeq = Number(match[2]);
    if (lastSeq > this.seq) return tooOld;
    const buffer = this.buffers.get(clubId) ?? [];
    const newer = buffer.filter((entry) => entry.seq > lastSeq);
    // The buffer holds every event of the club since its first entry: when the first one we
    // hold is newer than lastSeq, events in between may have been dropped.
    const oldest = buffer[0];
    if (oldest && oldest.seq > lastSeq + 1 && buffer.length >= REPLAY_EVENTS) return tooOld;
    return newer;
  }

  private beat(): void {
    for (const set of this.byClub.values()) for (const stream of set) stream.send(HEARTBEAT);
  }

  /** Ends every stream (shutdown) and refuses new ones. */
  closeAll(): void {
    this.closing = true;
    for (const set of [...this.byClub.values()]) for (const stream of [...set]) stream.close();
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = null;
  }
}

/** One message in the text/event-stream format (a heartbeat is a comment line). */
export function formatMessage(message: LiveMessage): string {
  if (message.heartbeat) return ': heartbeat\n\n';
  let text = '';
  if (message.event) text += `event: ${message.event}\n`;
  for (const line of message.data.split(/\r\n|\r|\n/)) text += `data: ${line}\n`;
  if (message.id) text += `id: ${message.id}\n`;
  return `${text}\n`;
}

/** The heartbeat: the same bytes for every stream, encoded once. */
const HEARTBEAT: LiveMessage = { data: '', heartbeat: true, bytes: new TextEncoder().encode(formatMessage({ data: '', heartbeat: true })) };
