/**
 * The mail outbox worker: sends each row of `notification_mails` once.
 *
 * Exactly once, as far as a mail can be: a row goes `pending` → `claimed` (a lease, so two
 * workers or two processes never take the same row: the claim is a conditional UPDATE) →
 * `sending` (committed right BEFORE the SMTP transaction starts) → `sent` (committed right
 * after the server accepted it). A crash leaves one of two states behind:
 * - `claimed` with its lease run out: the mail never reached the server (nothing is sent
 *   before `sending` is committed), so it goes back to `pending` and is tried again;
 * - `sending` with its lease run out: the server may have accepted it and we died before
 *   marking it. It is set `unconfirmed` and NOT sent again (logged for the operator). Sending
 *   again would risk the duplicate the reader would see; the stable `Message-ID` fixed when
 *   the row was made lets a mail system drop a copy should an operator resend one by hand.
 * When the server refuses (nodemailer rejects: a 4xx/5xx reply, a refused connection), the
 * mail was not accepted, and it is retried with backoff (1 min, 5 min, 30 min, 2 h, 12 h),
 * then `failed`.
 *
 * Rendering happens between `claimed` and `sending`, at send time, so what a mail says is
 * decided then (present.ts). A row with nothing left to say (the reader left the club, turned
 * e-mail off, removed their address) is `dropped`.
 */
import { randomBytes } from 'node:crypto';
import nodemailer from 'nodemailer';
import { and, asc, eq, inArray, lte, sql } from 'drizzle-orm';
import { first, prepared, transaction, type Db } from '../../db/connection';
import { notificationMails, type NotificationMailRow } from '../../db/schema';
import type { OutgoingMail } from './types';
import { readyUnsubscribeKey } from './unsubscribe';

export interface MailTransport {
  /** Resolves once the server accepted the mail; rejects when it did not. */
  send(mail: OutgoingMail): Promise<void>;
  close?(): void;
  /** How many mails it takes in flight at once (the worker's default otherwise). */
  concurrency?: number;
}

/** The mail for an outbox row as it should read now (null: nothing left to say), read through `db` (the turn's transaction). */
export type Composer = (db: Db, row: NotificationMailRow, now: number) => Promise<OutgoingMail | null>;

export interface MailWorkerOptions {
  db: Db;
  transport: MailTransport;
  compose: Composer;
  clock: () => number;
  log?: (line: Record<string, unknown>) => void;
  /** How long a claim holds before another worker may look at the row again. */
  leaseMs?: number;
  batch?: number;
  /** Mails handed to the transport at once (a pooled transport queues what its connections cannot take yet). */
  concurrency?: number;
  /** How long one rendering transaction may take before the rest waits for the next turn. */
  sliceMs?: number;
}

export const RETRY_DELAYS_MS = [60_000, 5 * 60_000, 30 * 60_000, 2 * 3600_000, 12 * 3600_000];

export interface DeliveryReport {
  sent: number;
  retried: number;
  failed: number;
  dropped: number;
  recovered: number;
  unconfirmed: number;
}

type Claimed = { row: NotificationMailRow; token: string };
type Ready = Claimed & { mail: OutgoingMail };
type Outcome = Ready & { error: unknown };
type LogLine = Record<string, unknown>;

const noDeliveries = (): DeliveryReport => ({ sent: 0, retried: 0, failed: 0, dropped: 0, recovered: 0, unconfirmed: 0 });

function addTo(report: DeliveryReport, more: DeliveryReport): void {
  for (const key of Object.keys(report) as (keyof DeliveryReport)[]) report[key] += more[key];
}

/** How long one rendering transaction may hold the event loop (and SQLite's write lock). */
export const RENDER_SLICE_MS = 4;

const p = (name: string) => sql.placeholder(name);

export class MailWorker {
  private readonly leaseMs: number;
  private readonly batch: number;
  private readonly concurrency: number;
  private readonly sliceMs: number;
  private stopping = false;

  constructor(private readonly options: MailWorkerOptions) {
    this.leaseMs = options.leaseMs ?? 5 * 60_000;
    this.batch = options.batch ?? 100;
    this.concurrency = options.concurrency ?? options.transport.concurrency ?? 16;
    this.sliceMs = options.sliceMs ?? RENDER_SLICE_MS;
  }

  /** Claims nothing more; `deliverDue` marks what is in flight, hands back what it claimed, and returns. */
  stop(): void {
    this.stopping = true;
  }

  /**
   * Sends what is due now until nothing is due, keeping up to `concurrency` mails in flight.
   * Each turn is ONE transaction, kept within `sliceMs`: it marks the mails the server has
   * answered since the last turn (`sent`, or a retry), then renders the next few and commits
   * them `sending` — and only after that commit are they handed to the transport. A turn
   * starts once half the slots are free, so each commit covers several mails (each commit
   * waits for the disk) and the loop yields to the event loop between turns. A crash leaves
   * at most the mails in flight `sending`, and so `unconfirmed`.
   */
  async deliverDue(): Promise<DeliveryReport> {
    const report = noDeliveries();
    await readyUnsubscribeKey(this.options.db);
    await this.recoverExpired(report);
    const queue: Claimed[] = [];
    const inFlight = new Set<Promise<void>>();
    const answered: Outcome[] = [];
    const lowWater = Math.max(1, Math.floor(this.concurrency / 2));
    let exhausted = false;
    for (;;) {
      if (this.stopping && queue.length > 0) await this.release(queue.splice(0));
      if (queue.length === 0 && !exhausted && !this.stopping) {
        const claimed = await this.claim();
        if (claimed.length === 0) exhausted = true;
        queue.push(...claimed);
      }
      const room = queue.length > 0 && inFlight.size < lowWater ? this.concurrency - inFlight.size : 0;
      if (room > 0 || answered.length >= lowWater || (answered.length > 0 && inFlight.size === 0)) {
        for (const item of await this.turn(answered.splice(0), queue, room, report)) {
          const sending: Promise<void> = this.options.transport.send(item.mail).then(
            () => void answered.push({ ...item, error: null }),
            (error: unknown) => void answered.push({ ...item, error: error ?? new Error('refused') }),
          );
          inFlight.add(sending);
          void sending.finally(() => inFlight.delete(sending));
        }
      }
      if (inFlight.size === 0 && answered.length === 0 && queue.length === 0 && (exhausted || this.stopping)) return report;
      if (queue.length > 0 && inFlight.size < lowWater) await new Promise((resolve) => setImmediate(resolve));
      else if (inFlight.size > 0) await Promise.race(inFlight);
    }
  }

  /** Rows whose lease ran out: back to pending if they never reached the server, else unconfirmed. */
  private async recoverExpired(report: DeliveryReport): Promise<void> {
    const { db, clock, log } = this.options;
    const now = clock();
    const recovered = await db
      .update(notificationMails)
      .set({ state: 'pending', claimToken: null, leaseUntil: null })
      .where(and(eq(notificationMails.state, 'claimed'), lte(notificationMails.leaseUntil, now)))
      .returning({ id: notificationMails.id });
    report.recovered += recovered.length;
    const lost = await db
      .update(notificationMails)
      .set({ state: 'unconfirmed', lastError: 'the worker stopped between sending and marking it sent' })
      .where(and(eq(notificationMails.state, 'sending'), lte(notificationMails.leaseUntil, now)))
      .returning({ id: notificationMails.id, messageId: notificationMails.messageId });
    report.unconfirmed += lost.length;
    for (const mail of lost) log?.({ level: 'warning', message: `notification mail ${mail.id} ${mail.messageId} may have been sent before a crash; not sending it again` });
  }

  private async claim(): Promise<Claimed[]> {
    const { db, clock } = this.options;
    const now = clock();
    const token = randomBytes(9).toString('base64url');
    const due = await db
      .select({ id: notificationMails.id })
      .from(notificationMails)
      .where(and(eq(notificationMails.state, 'pending'), lte(notificationMails.nextAttemptAt, now)))
      .orderBy(asc(notificationMails.nextAttemptAt), asc(notificationMails.id))
      .limit(this.batch);
    if (due.length === 0) return [];
    const ids = due.map((r) => r.id);
    // One conditional UPDATE: a row another worker claimed meanwhile is no longer 'pending'.
    const rows = await db
      .update(notificationMails)
      .set({ state: 'claimed', claimToken: token, leaseUntil: now + this.leaseMs })
      .where(and(inArray(notificationMails.id, ids), eq(notificationMails.state, 'pending')))
      .returning();
    // In the order they were due (UPDATE … RETURNING promises no order).
    rows.sort((a, b) => a.nextAttemptAt - b.nextAttemptAt || a.id - b.id);
    return rows.map((row) => ({ row, token }));
  }

  /** Claimed rows not rendered when the worker stops: back to pending (nothing reached the server). */
  private async release(rows: Claimed[]): Promise<void> {
    await transaction(this.options.db, async (tx) => {
      for (const { row, token } of rows) {
        await tx
          .update(notificationMails)
          .set({ state: 'pending', claimToken: null, leaseUntil: null })
          .where(and(eq(notificationMails.id, row.id), eq(notificationMails.claimToken, token), eq(notificationMails.state, 'claimed')));
      }
    });
  }

  /**
   * One transaction: marks what the server answered, then renders up to `room` mails from the
   * queue (decided now, present.ts) while the slice lasts, and marks them `sending`. Returns
   * the mails to hand to the transport once this has committed. The body only reads the queue
   * and counts on its own (PostgreSQL may run it again): the queue, the report and the log
   * move once it has committed.
   */
  private async turn(answered: Outcome[], queue: Claimed[], room: number, report: DeliveryReport): Promise<Ready[]> {
    const { db, clock, compose, log } = this.options;
    const done = await transaction(db, async (tx) => {
      const markSent = prepared(tx, 'mail-worker-sent', (tx) =>
        tx
          .update(notificationMails)
          .set({ state: 'sent', sentAt: sql`${p('now')}`, lastError: null })
          .where(and(eq(notificationMails.id, p('id')), eq(notificationMails.claimToken, p('token')), inArray(notificationMails.state, ['sending', 'unconfirmed'])))
          .prepare(),
      );
      const markSending = prepared(tx, 'mail-worker-sending', (tx) =>
        tx
          .update(notificationMails)
          .set({ state: 'sending', leaseUntil: sql`${p('leaseUntil')}`, attempts: sql`${notificationMails.attempts} + 1` })
          .where(and(eq(notificationMails.id, p('id')), eq(notificationMails.claimToken, p('token')), eq(notificationMails.state, 'claimed')))
          .returning({ id: notificationMails.id })
          .prepare(),
      );
      const markDropped = prepared(tx, 'mail-worker-dropped', (tx) =>
        tx
          .update(notificationMails)
          .set({ state: 'dropped' })
          .where(and(eq(notificationMails.id, p('id')), eq(notificationMails.claimToken, p('token'))))
          .prepare(),
      );
      const counted = noDeliveries();
      const lines: LogLine[] = [];
      const ready: Ready[] = [];
      const started = performance.now();
      let sent = 0;
      for (const outcome of answered) {
        if (outcome.error !== null) {
          await this.retryLater(tx, outcome.row, outcome.token, outcome.error, counted, lines);
          continue;
        }
        await markSent.execute({ id: outcome.row.id, token: outcome.token, now: clock() });
        counted.sent++;
        sent++;
      }
      if (answered.length) lines.push({ level: 'info', message: `notification mails sent: ${sent} of ${answered.length}` });
      let taken = 0;
      while (ready.length < room && taken < queue.length && (ready.length === 0 || performance.now() - started < this.sliceMs)) {
        const { row, token } = queue[taken++]!;
        let mail: OutgoingMail | null;
        try {
          mail = await compose(tx, row, clock());
        } catch (error) {
          await this.retryLater(tx, row, token, error, counted, lines);
          continue;
        }
        if (!mail) {
          await markDropped.execute({ id: row.id, token });
          counted.dropped++;
          continue;
        }
        // Else the lease ran out and the row moved on without us.
        const marked = await markSending.execute({ id: row.id, token, leaseUntil: clock() + this.leaseMs });
        if (marked.length > 0) ready.push({ row, token, mail });
      }
      return { ready, taken, counted, lines };
    });
    queue.splice(0, done.taken);
    addTo(report, done.counted);
    for (const line of done.lines) log?.(line);
    return done.ready;
  }

  private async retryLater(tx: Db, row: NotificationMailRow, token: string, error: unknown, counted: DeliveryReport, lines: LogLine[]): Promise<void> {
    const { clock } = this.options;
    const current = first(await tx.select({ attempts: notificationMails.attempts }).from(notificationMails).where(eq(notificationMails.id, row.id)));
    const attempts = (current?.attempts ?? row.attempts) || 1;
    const delay = RETRY_DELAYS_MS[attempts - 1];
    const message = (error as Error)?.message ?? String(error);
    const mine = and(eq(notificationMails.id, row.id), eq(notificationMails.claimToken, token));
    if (delay === undefined) {
      await tx.update(notificationMails).set({ state: 'failed', lastError: message }).where(mine);
      counted.failed++;
      lines.push({ level: 'error', message: `notification mail ${row.id} failed after ${attempts} attempts: ${message}` });
    } else {
      await tx
        .update(notificationMails)
        .set({ state: 'pending', claimToken: null, leaseUntil: null, nextAttemptAt: clock() + delay, lastError: message, attempts })
        .where(mine);
      counted.retried++;
      lines.push({ level: 'warning', message: `notification mail ${row.id} not sent (${message}); trying again in ${Math.round(delay / 1000)} s` });
    }
  }
}

/**
 * SMTP through nodemailer: `SMTP_URL` (smtp:// or smtps://, user and password in it, and any of
 * nodemailer's URL options), `MAIL_FROM`. The connections are pooled unless the URL says
 * `pool=false` (a connection, greeting and handshake per mail otherwise), and the worker keeps
 * four mails per pooled connection in flight (`maxConnections`, nodemailer's default 5), so a
 * connection that finishes one finds the next already waiting.
 */
export function smtpTransport(url: string, from: string, idleMs = 250): MailTransport {
  const pooled = !/[?&]pool=(false|0|no)(&|$)/i.test(url);
  const withPool = /[?&]pool=/i.test(url) ? url : `${url}${url.includes('?') ? '&' : '?'}pool=true`;
  const connections = pooled ? Number(/[?&]maxConnections=(\d+)/.exec(url)?.[1] ?? 5) : 1;
  // The pool is opened for a burst of mail and closed once idle: connections are not held
  // open between the worker's rounds (an SMTP server drops idle clients anyway).
  let transporter: ReturnType<typeof nodemailer.createTransport> | null = null;
  let busy = 0;
  let idle: ReturnType<typeof setTimeout> | undefined;
  const closeNow = () => {
    clearTimeout(idle);
    transporter?.close();
    transporter = null;
  };
  return {
    concurrency: Math.max(8, 4 * connections),
    async send(mail) {
      clearTimeout(idle);
      transporter ??= nodemailer.createTransport(withPool);
      busy++;
      try {
        await transporter.sendMail({ from, to: mail.to, subject: mail.subject, text: mail.text, html: mail.html, messageId: mail.messageId, headers: mail.headers });
      } finally {
        if (--busy === 0) idle = setTimeout(closeNow, idleMs).unref();
      }
    },
    close: closeNow,
  };
}
