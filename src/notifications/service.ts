/**
 * The notifications area at work in one app: the bus listener that drains the trigger-written
 * sources right after each write, the mail worker and the scheduler — started by
 * {@link NotificationsService.start} (src/server.ts, through `createApp`) and stopped on
 * shutdown; in tests nothing runs by itself and {@link NotificationsService.tick} does one
 * round at the moment the test chooses.
 */
import type { NotificationMailRow } from '../../db/schema';
import type { AreaDeps } from '../http/types';
import { drainSources, type NotifyContext } from './fanout';
import { hasPendingSources } from './queries';
import { notificationJobs, Scheduler } from './scheduler';
import type { OutgoingMail } from './types';
import { MailThread } from './mail-thread';
import { MailWorker, smtpTransport, type DeliveryReport, type MailTransport } from './worker';

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
   * transport given) and the database is a file.
   */
  mailThread?: boolean;
}

/** The mail thread's nice value: below the pages, which keep the cores when both want them. */
const MAIL_THREAD_NICE = 10;

export type Composer = (row: NotificationMailRow, now: number) => OutgoingMail | null;

export class NotificationsService {
  readonly ctx: NotifyContext;
  readonly worker: MailWorker | null;
  /** The mail thread, when mail is sent there (then `worker` is null in this thread). */
  readonly thread: MailThread | null;
  readonly scheduler: Scheduler;
  private readonly transport: MailTransport | null;
  private interval: ReturnType<typeof setInterval> | null = null;
  private delivering: Promise<unknown> | null = null;
  private stopped = false;

  constructor(
    private readonly deps: AreaDeps,
    compose: Composer,
    private readonly options: NotificationsOptions = {},
  ) {
    const { config } = deps;
    const configured = Boolean(config.smtpUrl && config.mailFrom);
    const threaded = (options.mailThread ?? options.timers ?? false) && options.transport === undefined && configured && config.databasePath !== ':memory:';
    this.thread = threaded
      ? new MailThread({ databasePath: config.databasePath, synchronous: config.databaseSynchronous, origin: config.origin, smtpUrl: config.smtpUrl, mailFrom: config.mailFrom, nice: MAIL_THREAD_NICE }, deps.log)
      : null;
    this.transport = threaded ? null : options.transport !== undefined ? options.transport : configured ? smtpTransport(config.smtpUrl, config.mailFrom) : null;
    this.ctx = { db: deps.db, mailEnabled: threaded || this.transport !== null, mailDomain: new URL(config.origin).hostname || 'localhost' };
    this.worker = this.transport ? new MailWorker({ db: deps.db, sqlite: deps.sqlite, transport: this.transport, compose, clock: deps.clock, log: deps.log }) : null;
    const digests = this.thread ? (now: number) => this.thread!.buildDigests(now) : undefined;
    this.scheduler = new Scheduler(deps.sqlite, this.ctx, notificationJobs(this.ctx, deps.sqlite, digests), deps.clock, deps.log);
    // Right after each write the bus hears of, turn its sources into notifications (the
    // triggers already listed them in the write's own transaction; see fanout.ts). In the
    // process that wrote ('once'): the others' sources are theirs to drain.
    deps.events.subscribe(
      '*',
      () => {
        if (!hasPendingSources(deps.db)) return;
        this.drain();
        if (this.interval !== null) this.kick();
      },
      'once',
    );
  }

  get mailEnabled(): boolean {
    return this.ctx.mailEnabled;
  }

  drain(): number {
    return drainSources(this.ctx, this.deps.sqlite, this.deps.clock());
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
    this.drain();
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
      try {
        this.drain();
        // croner's timers run the jobs on time; asking here too means a job whose last run was
        // set back (an operator, a restore, a clock jump) is caught up within seconds, once.
        void this.scheduler.runDue();
      } catch (error) {
        this.deps.log?.({ level: 'error', message: `notification sources: ${(error as Error).message}` });
      }
      this.kick();
    }, this.options.workerIntervalMs ?? 5000);
    this.interval.unref();
    this.kick();
  }

  /** Stops the timers and waits for a mail being sent to be marked, then closes the transport. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.interval !== null) clearInterval(this.interval);
    this.interval = null;
    this.scheduler.stop();
    this.worker?.stop();
    await Promise.all([this.delivering, this.thread?.stop().catch((error: Error) => this.deps.log?.({ level: 'error', message: `notification mail thread: ${error.message}` }))]);
    this.transport?.close?.();
  }
}
