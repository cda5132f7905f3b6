/**
 * The domain events across app processes on one database: every event published here is
 * delivered at once to this process's listeners (as {@link InProcessEventBus} does), then
 * appended to an {@link EventLog} that every process follows. Each process reads the log in
 * order, a few times a second (or when told to: {@link CrossProcessEventBus.poll} is the
 * wake-up hint a PostgreSQL `LISTEN` can call), and hands the events of the OTHER processes to
 * its own `'every-process'` listeners — its page cache, its chapters' comment rows, its live
 * streams. `'once'` listeners (the audit log, the search index, notifications) have already
 * run in the process that published, so each of them runs once in the whole site.
 *
 * Each process keeps its place in the log in memory, starting at the log's end when it starts
 * (a new process has nothing cached to retire), so it delivers each event once. Rows older than
 * {@link CrossProcessOptions.keepMs} are pruned by whoever follows.
 *
 * @example
 * const events = new CrossProcessEventBus(databaseEventLog(db), { clock: Date.now });
 * await events.start();
 * onShutdown(() => events.stop());
 */
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { InProcessEventBus, type DomainEvent, type DomainEventType, type EventBus, type EventOf, type Listener, type ListenerScope } from './index';

export interface LoggedEvent {
  id: number;
  origin: string;
  event: DomainEvent;
}

/**
 * The log the processes share; the engine-specific piece (`databaseEventLog`,
 * src/events/event-log.ts). Its one promise beyond storage: a reader asking for the rows after
 * `id` never later finds a row with a smaller id appear — ids become visible in order. SQLite
 * gives that for free (one writer at a time, ids assigned in commit order); on PostgreSQL,
 * where sequence values are taken before commit, appends must be serialised (e.g. a
 * transaction-level advisory lock) or readers must wait out gaps.
 */
export interface EventLog {
  append(origin: string, event: DomainEvent, now: number): Promise<void>;
  /** Up to `limit` rows with ids above `id`, in id order. */
  after(id: number, limit: number): Promise<LoggedEvent[]>;
  /** The largest id in the log (0 when empty). */
  lastId(): Promise<number>;
  /** Deletes the rows created before `before`. */
  prune(before: number): Promise<void>;
}

export interface CrossProcessOptions {
  clock: () => number;
  /** This process's name in the log; a fresh one (host, pid, random) by default. */
  origin?: string;
  /** How often the log is read (ms). */
  pollMs?: number;
  /** How long rows stay in the log (ms); a process away longer than this misses events. */
  keepMs?: number;
  onListenerError?: (error: unknown, event: DomainEvent) => void;
  /** Hears a failure to append or read the log (the write the event reports has happened). */
  onLogError?: (error: unknown) => void;
  /**
   * A stamp that moves whenever the database may hold a row this process has not read
   * (`changeStamp`, db/connection.ts). While it stands, {@link CrossProcessEventBus.poll} skips
   * the read: every request asks, and most find nothing new.
   */
  stamp?: () => string;
}

const BATCH = 500;
const PRUNE_EVERY_MS = 60_000;

export class CrossProcessEventBus implements EventBus {
  readonly origin: string;
  private readonly local: InProcessEventBus;
  private cursor = 0;
  /** The read in progress: the timer and the requests share it rather than read twice. */
  private reading: Promise<number> | null = null;
  private timer: ReturnType<typeof setInterval> | null = null;
  private prunedAt = Number.NEGATIVE_INFINITY;
  /** The stamp read before the last read of the log. */
  private readAt: string | undefined;

  constructor(
    private readonly log: EventLog,
    private readonly options: CrossProcessOptions,
  ) {
    this.origin = options.origin ?? `${hostname()}:${process.pid}:${randomBytes(6).toString('base64url')}`;
    this.local = new InProcessEventBus(options.onListenerError);
  }

  /** Delivers to this process's listeners (all of them), then appends the event for the others. */
  async publish(event: DomainEvent): Promise<void> {
    await this.local.publish(event);
    await this.guard(() => this.log.append(this.origin, event, this.options.clock()));
  }

  subscribe<T extends DomainEventType>(type: T, listener: Listener<EventOf<T>>, scope: ListenerScope): () => void;
  subscribe(type: '*', listener: Listener, scope: ListenerScope): () => void;
  subscribe(type: string, listener: Listener<never>, scope: ListenerScope): () => void {
    return this.local.subscribe(type as '*', listener as Listener, scope);
  }

  async catchUp(): Promise<void> {
    await this.poll();
  }

  /**
   * Reads the log past this process's place and delivers the other processes' events, in
   * order; resolves to how many were delivered. Runs on the timer; call it to be told sooner.
   * While one read is under way, a second call shares it (and a stamp unchanged since the last
   * read skips the read), so each event is delivered once.
   */
  poll(): Promise<number> {
    if (this.reading) return this.reading;
    if (this.options.stamp && this.options.stamp() === this.readAt && this.options.clock() - this.prunedAt < PRUNE_EVERY_MS) return Promise.resolve(0);
    this.reading = this.read().finally(() => (this.reading = null));
    return this.reading;
  }

  private async read(): Promise<number> {
    let delivered = 0;
    // Read before the log, so a commit landing after the read moves it for the next poll.
    const stamp = this.options.stamp?.();
    if (stamp === undefined || stamp !== this.readAt) {
      this.readAt = stamp;
      for (;;) {
        const rows = await this.guard(() => this.log.after(this.cursor, BATCH));
        if (!rows) {
          this.readAt = undefined; // read again next time
          break;
        }
        for (const row of rows) {
          this.cursor = row.id;
          if (row.origin === this.origin) continue;
          await this.local.deliverFromElsewhere(row.event);
          delivered += 1;
        }
        if (rows.length < BATCH) break;
      }
    }
    const now = this.options.clock();
    if (now - this.prunedAt >= PRUNE_EVERY_MS) {
      this.prunedAt = now;
      await this.guard(() => this.log.prune(now - (this.options.keepMs ?? 10 * 60_000)));
    }
    return delivered;
  }

  /**
   * Takes this process's place at the log's end (a new process has nothing cached to retire),
   * then follows the log on a timer (unref'd: it never keeps the process alive).
   */
  async start(): Promise<void> {
    if (this.timer) return;
    this.cursor = (await this.guard(() => this.log.lastId())) ?? 0;
    this.timer = setInterval(() => void this.poll(), this.options.pollMs ?? 150);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private async guard<T>(work: () => Promise<T>): Promise<T | undefined> {
    try {
      return await work();
    } catch (error) {
      this.options.onLogError?.(error);
      return undefined;
    }
  }
}
