/**
 * The notifications area at work in one app: the bus listener that drains the trigger-written
 * sources right after each write, the mail worker and the scheduler — started by
 * {@link NotificationsService.start} (src/server.ts, through `createApp`) and stopped on
 * shutdown; in tests nothing runs by itself and {@link NotificationsService.tick} does one
 * round at the moment the test chooses.
 */
import { engineOf, postgresUrlOf, type Db } from '../../db/connection';
import type { Config } from '../config';
import type { AreaDeps } from '../http/types';
import { drainSources, type NotifyContext } from './fanout';
import { hasPendingSources } from './queries';
import { notificationJobs, Scheduler } from './scheduler';
import { MailThread, type MailThreadDatabase } from './mail-thread';
import { MailWorker, smtpTransport, type Composer, type DeliveryReport, type MailTransport } from './worker';

export type { Composer } from './worker';

export interface NotificationsOptions {
  /** The mail transport; by default SMTP from `SMTP_URL`/`MAIL_FROM`, none (e-mail off) when unset. */
  transport?: MailTransport | null;
  /** Start the worker's and scheduler's timers (the server does; tests do not). */
  timers?: boolean;
  /** How often the worker looks for due mail and left-over sources. */
  workerIntervalMs?: number;
  /**
   * Send mail and build digests in a thread of their own (mail-thread.ts) rather than in the
   * app's. By default when the timers run, SMTP is configured from the environment (no
   * transport given) and the thread can open the database itself (see {@link threadDatabase}).
   */
  mailThread?: boolean;
}

/** The mail thread's nice value: below the pages, which keep the cores when both want them. */
const MAIL_THREAD_NICE = 10;

/**
 * What the mail thread opens for itself: on SQLite the app's file (none for `:memory:`, which
 * another connection cannot share); on PostgreSQL the database's URL, so the thread opens a
 * small pool of its own. Without one, the mail is sent from the app's own thread: the same
 * code, only the place changes.
 */
function threadDatabase(db: Db, config: Config): MailThreadDatabase | null {
  if (engineOf(db) === 'pg') {
    const url = postgresUrlOf(db);
    return url ? { engine: 'pg', url } : null;
  }
  return config.databasePath === ':memory:' ? null : { engine: 'sqlite', path: config.databasePath, synchronous: config.databaseSynchronous };
}

export class NotificationsService {
  readonly ctx: NotifyContext;
  readonly worker: MailWorker | null;
  /** The mail thread, when mail is sent there (then `worker` is null in this thread). */
  readonly thread: MailThread | null;
  readonly scheduler: Scheduler;
  private readonly transport: MailTransport | null;
  private interval: ReturnType<typeof setInterval> | null = null;
  private delivering: Promise<unknown> | null = null;
  /** The drain in flight (see {@link drain}), and whether sources came while it ran. */
  private draining: Promise<number> | null = null;
  private drainAgain = false;
  /** The bus listener's rounds in flight (see {@link settled}). */
  private readonly listening = new Set<Promise<void>>();
  private stopped = false;

  constructor(
    private readonly deps: AreaDeps,
    compose: Composer,
    private readonly options: NotificationsOptions = {},
  ) {
    const { config } = deps;
    const configured = Boolean(config.smtpUrl && config.mailFrom);
    const database = threadDatabase(deps.db, config);
    const threaded = (options.mailThread ?? options.timers ?? false) && options.transport === undefined && configured && database !== null;
    this.thread = threaded ? new MailThread({ database: database!, origin: config.origin, smtpUrl: config.smtpUrl, mailFrom: config.mailFrom, nice: MAIL_THREAD_NICE }, deps.log) : null;
    this.transport = threaded ? null : options.transport !== undefined ? options.transport : configured ? smtpTransport(config.smtpUrl, config.mailFrom) : null;
    this.ctx = { db: deps.db, mailEnabled: threaded || this.transport !== null, mailDomain: new URL(config.origin).hostname || 'localhost' };
    this.worker = this.transport ? new MailWorker({ db: deps.db, transport: this.transport, compose, clock: deps.clock, log: deps.log }) : null;
    const digests = this.thread ? (now: number) => this.thread!.buildDigests(now) : undefined;
    this.scheduler = new Scheduler(this.ctx, notificationJobs(this.ctx, digests), deps.clock, deps.log);
    // Right after each write the bus hears of, turn its sources into notifications (the
    // triggers already listed them in the write's own transaction; see fanout.ts). In the
    // process that wrote ('once'): the others' sources are theirs to drain. The listener's
    // work is asynchronous: it logs its own failure (a source left behind is drained by the
    // next round), and returns its promise for a bus that waits.
    deps.events.subscribe('*', () => this.afterWrite(), 'once');
  }

  get mailEnabled(): boolean {
    return this.ctx.mailEnabled;
  }

  private afterWrite(): Promise<void> {
    const round = (async () => {
      try {
        if (!(await hasPendingSources(this.deps.db))) return;
        await this.drain();
        if (this.interval !== null) this.kick();
      } catch (error) {
        this.deps.log?.({ level: 'error', message: `notification sources: ${(error as Error).message}` });
      }
    })();
    this.listening.add(round);
    void round.finally(() => this.listening.delete(round));
    return round;
  }

  /**
   * Waits until the bus listener has turned the sources of the writes heard so far into
   * notifications (tests ask before they look; `stop` before it returns).
   */
  async settled(): Promise<void> {
    while (this.listening.size > 0) await Promise.all(this.listening);
  }

  /**
   * Turns the pending sources into notifications (fanout.ts). One drain at a time: asked while
   * one runs, it runs once more after it, and the answer covers both.
   */
  drain(): Promise<number> {
    if (this.draining) {
      this.drainAgain = true;
      return this.draining;
    }
    const run = async () => {
      let handled = 0;
      try {
        do {
          this.drainAgain = false;
          handled += await drainSources(this.ctx, this.deps.clock());
        } while (this.drainAgain);
      } finally {
        // In the same step as the last look at `drainAgain`: a later ask starts a new drain.
        this.draining = null;
      }
      return handled;
    };
    this.draining = run();
    return this.draining;
  }

  /** Sends what is due (one round at a time). */
  deliver(): Promise<DeliveryReport | null> {
    const worker = this.thread ?? this.worker;
    if (!worker) return Promise.resolve(null);
    const round = (this.delivering ?? Promise.resolve()).then(() => (this.thread ? this.thread.deliver() : this.worker!.deliverDue()));
    this.delivering = round.catch(() => null);
    return round;
  }

  /** One round of everything, at the clock's now: sources, due jobs, due mail. */
  async tick(): Promise<{ jobs: string[]; delivery: DeliveryReport | null }> {
    await this.drain();
    const jobs = await this.scheduler.runDue(this.deps.clock());
    const delivery = await this.deliver();
    return { jobs, delivery };
  }

  private kick(): void {
    setImmediate(() => {
      if (!this.stopped) void this.deliver().catch((error) => this.deps.log?.({ level: 'error', message: `notification mail: ${(error as Error).message}` }));
    });
  }

  start(): void {
    if (this.interval !== null || this.stopped) return;
    this.scheduler.start();
    this.interval = setInterval(() => {
      if (this.stopped) return;
      void this.drain().catch((error) => this.deps.log?.({ level: 'error', message: `notification sources: ${(error as Error).message}` }));
      // croner's timers run the jobs on time; asking here too means a job whose last run was
      // set back (an operator, a restore, a clock jump) is caught up within seconds, once.
      void this.scheduler.runDueLogged();
      this.kick();
    }, this.options.workerIntervalMs ?? 5000);
    this.interval.unref();
    this.kick();
  }

  /** Stops the timers and waits for the sources heard to be drained and a mail being sent to be marked, then closes the transport. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.interval !== null) clearInterval(this.interval);
    this.interval = null;
    this.scheduler.stop();
    this.worker?.stop();
    await this.settled();
    await Promise.all([this.delivering, this.draining?.catch(() => null), this.thread?.stop().catch((error: Error) => this.deps.log?.({ level: 'error', message: `notification mail thread: ${error.message}` }))]);
    this.transport?.close?.();
  }
}
