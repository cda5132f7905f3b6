/**
 * The mail outbox's thread: the worker (worker.ts) and the digests' building (digests.ts) run
 * here, in a `worker_threads` thread with its own database connection, so that rendering mails,
 * nodemailer's work and the commits' waits for the disk never hold the event loop that serves
 * pages. On SQLite the thread opens the same file (`openDatabase`); on PostgreSQL it opens its
 * own small pool on the same database (`openPostgresEngine`), when it is given the URL. The thread lowers its own scheduling priority (Linux's nice is per thread), so when
 * the cores are busy the pages are served first and the mail takes what is left.
 *
 * The same code runs in the app's own thread in tests and wherever no thread is started
 * (service.ts decides); only the place changes, never what is sent or when it is marked.
 * The main thread asks with {@link ToThread} messages and gets one {@link FromThread} answer
 * for each (and log lines).
 */
import { setPriority } from 'node:os';
import * as workerThreads from 'node:worker_threads';
import { parentPort, workerData } from 'node:worker_threads';
import { openDatabase, type Db, type Synchronous } from '../../db/connection';
import { buildDueDigests } from './digests';
import { composeMail } from './routes/mail';
import { MailWorker, smtpTransport, type DeliveryReport } from './worker';

/** The database the thread opens for itself: the app's SQLite file, or its PostgreSQL URL. */
export type MailThreadDatabase = { engine: 'sqlite'; path: string; synchronous: Synchronous } | { engine: 'pg'; url: string };

export interface MailThreadData {
  database: MailThreadDatabase;
  origin: string;
  smtpUrl: string;
  mailFrom: string;
  /** The thread's nice value (0 = the pages' own priority, 19 = the lowest). */
  nice: number;
}

export type ToThread = { id: number; type: 'deliver' } | { id: number; type: 'digests'; now: number } | { id: number; type: 'stop' };
export type FromThread = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: string } | { type: 'log'; line: Record<string, unknown> };

if (parentPort && (workerData as { marginaliaMailThread?: boolean } | null)?.marginaliaMailThread) {
  const port = parentPort;
  const data = workerData as MailThreadData;
  try {
    setPriority(data.nice);
  } catch {
    // Not allowed here (a container without the capability to renice): run at the same priority.
  }
  const database = openThreadDatabase(data.database);
  const transport = smtpTransport(data.smtpUrl, data.mailFrom);
  const log = (line: Record<string, unknown>) => port.postMessage({ type: 'log', line } satisfies FromThread);
  const started = database.then(({ db }) => ({
    worker: new MailWorker({ db, transport, compose: (tx, row, now) => composeMail(tx, data.origin, row, now), clock: Date.now, log }),
    ctx: { db, mailEnabled: true, mailDomain: new URL(data.origin).hostname || 'localhost' },
  }));
  // A database that could not be opened is said in the answer to each message.
  void started.catch(() => null);
  let delivering: Promise<unknown> = Promise.resolve();
  const answer = (id: number, work: () => Promise<unknown>) =>
    started.then(work).then(
      (value) => port.postMessage({ id, ok: true, value } satisfies FromThread),
      (error: unknown) => port.postMessage({ id, ok: false, error: (error as Error)?.message ?? String(error) } satisfies FromThread),
    );
  port.on('message', (message: ToThread) => {
    if (message.type === 'deliver') {
      // One round at a time, as in the app's thread (service.ts).
      const round = delivering.then(() => started).then(({ worker }) => worker.deliverDue());
      delivering = round.catch(() => null);
      void answer(message.id, () => round);
    } else if (message.type === 'digests') {
      void answer(message.id, async () => buildDueDigests((await started).ctx, message.now));
    } else {
      void answer(message.id, async () => {
        (await started).worker.stop();
        await delivering;
        transport.close?.();
        await (await database).close();
        return null;
      });
    }
  });
}

/** The thread's own connection: synchronous to open on SQLite, a pool of two on PostgreSQL. */
async function openThreadDatabase(database: MailThreadDatabase): Promise<{ db: Db; close: () => Promise<void> }> {
  if (database.engine === 'pg') {
    const { openPostgresEngine } = await import('../../db/connection-pg');
    return openPostgresEngine(database.url, { migrate: false, max: 2 });
  }
  const { db, sqlite } = openDatabase(database.path, { migrate: false, synchronous: database.synchronous });
  return {
    db,
    close: async () => {
      sqlite.close();
    },
  };
}

/** The main thread's handle on the mail thread: the same rounds as a MailWorker, asked by message. */
export class MailThread {
  private worker: workerThreads.Worker | null = null;
  private next = 1;
  private readonly waiting = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();

  constructor(
    private readonly data: MailThreadData,
    private readonly log?: (line: Record<string, unknown>) => void,
  ) {}

  deliver(): Promise<DeliveryReport> {
    return this.ask({ type: 'deliver' }) as Promise<DeliveryReport>;
  }

  buildDigests(now: number): Promise<number> {
    return this.ask({ type: 'digests', now }) as Promise<number>;
  }

  /** Lets the mail in flight be marked, closes the thread's SMTP pool and database, ends it. */
  async stop(): Promise<void> {
    if (!this.worker) return;
    const worker = this.worker;
    try {
      await this.ask({ type: 'stop' });
    } finally {
      this.worker = null;
      await worker.terminate();
    }
  }

  private ask(message: { type: 'deliver' } | { type: 'digests'; now: number } | { type: 'stop' }): Promise<unknown> {
    const worker = this.started();
    const id = this.next++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      worker.postMessage({ ...message, id } as ToThread);
    });
  }

  /** The thread, started on first use (and again after it died: the outbox's leases make that safe). */
  private started(): workerThreads.Worker {
    if (this.worker) return this.worker;
    const { Worker } = workerThreads;
    const worker = new Worker(new URL('./mail-thread-boot.mjs', import.meta.url), { workerData: { ...this.data, marginaliaMailThread: true } });
    worker.on('message', (message: FromThread) => {
      if ('type' in message) return this.log?.(message.line);
      const waiter = this.waiting.get(message.id);
      this.waiting.delete(message.id);
      if (message.ok) waiter?.resolve(message.value);
      else waiter?.reject(new Error(message.error));
    });
    const died = (error: Error) => {
      if (this.worker === worker) this.worker = null;
      for (const waiter of this.waiting.values()) waiter.reject(error);
      this.waiting.clear();
    };
    worker.on('error', (error) => {
      this.log?.({ level: 'error', message: `notification mail thread: ${error.message}` });
      died(error);
    });
    worker.on('exit', (code) => died(new Error(`the notification mail thread stopped (exit code ${code})`)));
    this.worker = worker;
    return worker;
  }
}
