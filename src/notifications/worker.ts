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
import { inTransaction, type Db, type Sqlite } from '../../db/connection';
import { notificationMails, type NotificationMailRow } from '../../db/schema';
import type { OutgoingMail } from './types';

export interface MailTransport {
  /** Resolves once the server accepted the mail; rejects when it did not. */
  send(mail: OutgoingMail): Promise<void>;
  close?(): void;
}

export interface MailWorkerOptions {
  db: Db;
  sqlite: Sqlite;
  transport: MailTransport;
  compose: (row: NotificationMailRow, now: number) => OutgoingMail | null;
  clock: () => number;
  log?: (line: Record<string, unknown>) => void;
  /** How long a claim holds before another worker may look at the row again. */
  leaseMs?: number;
  batch?: number;
  concurrency?: number;
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

export class MailWorker {
  private readonly leaseMs: number;
  private readonly batch: number;
  private readonly concurrency: number;

  constructor(private readonly options: MailWorkerOptions) {
    this.leaseMs = options.leaseMs ?? 5 * 60_000;
    this.batch = options.batch ?? 100;
    this.concurrency = options.concurrency ?? 16;
  }

  /**
   * Sends what is due now until nothing is due: claimed rows go out in groups of
   * `concurrency`, each group rendered, marked `sending` in ONE transaction, sent in parallel,
   * and marked in one more (two commits per group instead of two per mail: each commit waits
   * for the disk). A crash mid-group leaves at most that group `sending`, and so `unconfirmed`.
   */
  async deliverDue(): Promise<DeliveryReport> {
    const report: DeliveryReport = { sent: 0, retried: 0, failed: 0, dropped: 0, recovered: 0, unconfirmed: 0 };
    this.recoverExpired(report);
    for (;;) {
      const claimed = this.claim();
      if (claimed.length === 0) return report;
      for (let start = 0; start < claimed.length; start += this.concurrency) {
        await this.deliverGroup(claimed.slice(start, start + this.concurrency), report);
      }
    }
  }

  /** Rows whose lease ran out: back to pending if they never reached the server, else unconfirmed. */
  private recoverExpired(report: DeliveryReport): void {
    const { db, clock, log } = this.options;
    const now = clock();
    report.recovered += db
      .update(notificationMails)
      .set({ state: 'pending', claimToken: null, leaseUntil: null })
      .where(and(eq(notificationMails.state, 'claimed'), lte(notificationMails.leaseUntil, now)))
      .run().changes;
    const lost = db
      .update(notificationMails)
      .set({ state: 'unconfirmed', lastError: 'the worker stopped between sending and marking it sent' })
      .where(and(eq(notificationMails.state, 'sending'), lte(notificationMails.leaseUntil, now)))
      .returning({ id: notificationMails.id, messageId: notificationMails.messageId })
      .all();
    report.unconfirmed += lost.length;
    for (const mail of lost) log?.({ level: 'warning', message: `notification mail ${mail.id} ${mail.messageId} may have been sent before a crash; not sending it again` });
  }

  private claim(): { row: NotificationMailRow; token: string }[] {
    const { db, clock } = this.options;
    const now = clock();
    const token = randomBytes(9).toString('base64url');
    const due = db
      .select({ id: notificationMails.id })
      .from(notificationMails)
      .where(and(eq(notificationMails.state, 'pending'), lte(notificationMails.nextAttemptAt, now)))
      .orderBy(asc(notificationMails.nextAttemptAt), asc(notificationMails.id))
      .limit(this.batch)
      .all()
      .map((r) => r.id);
    if (due.length === 0) return [];
    // One conditional UPDATE: a row another worker claimed meanwhile is no longer 'pending'.
    const rows = db
      .update(notificationMails)
      .set({ state: 'claimed', claimToken: token, leaseUntil: now + this.leaseMs })
      .where(and(inArray(notificationMails.id, due), eq(notificationMails.state, 'pending')))
      .returning()
      .all();
    return rows.map((row) => ({ row, token }));
  }

  private async deliverGroup(group: { row: NotificationMailRow; token: string }[], report: DeliveryReport): Promise<void> {
    const { db, sqlite, clock, compose, transport, log } = this.options;
    const mine = (row: NotificationMailRow, token: string) => and(eq(notificationMails.id, row.id), eq(notificationMails.claimToken, token));
    const ready: { row: NotificationMailRow; token: string; mail: OutgoingMail }[] = [];
    const failedToRender: { row: NotificationMailRow; token: string; error: unknown }[] = [];
    // Rendering is decided now (present.ts), then `sending` is committed for the whole group.
    inTransaction(sqlite, () => {
      for (const { row, token } of group) {
        let mail: OutgoingMail | null;
        try {
          mail = compose(row, clock());
        } catch (error) {
          failedToRender.push({ row, token, error });
          continue;
        }
        if (!mail) {
          db.update(notificationMails).set({ state: 'dropped' }).where(mine(row, token)).run();
          report.dropped++;
          continue;
        }
        const started = db
          .update(notificationMails)
          .set({ state: 'sending', leaseUntil: clock() + this.leaseMs, attempts: sql`${notificationMails.attempts} + 1` })
          .where(and(mine(row, token), eq(notificationMails.state, 'claimed')))
          .run().changes;
        if (started > 0) ready.push({ row, token, mail }); // else the lease ran out and the row moved on without us
      }
    });
    for (const { row, token, error } of failedToRender) this.retryLater(row, token, error, report);
    const outcomes = await Promise.all(
      ready.map(async (item) => {
        try {
          await transport.send(item.mail);
          return { ...item, error: null as unknown };
        } catch (error) {
          return { ...item, error };
        }
      }),
    );
    inTransaction(sqlite, () => {
      for (const outcome of outcomes) {
        if (outcome.error !== null) {
          this.retryLater(outcome.row, outcome.token, outcome.error, report);
          continue;
        }
        db.update(notificationMails)
          .set({ state: 'sent', sentAt: clock(), lastError: null })
          .where(and(mine(outcome.row, outcome.token), inArray(notificationMails.state, ['sending', 'unconfirmed'])))
          .run();
        report.sent++;
      }
    });
    if (outcomes.length) log?.({ level: 'info', message: `notification mails sent: ${outcomes.filter((o) => o.error === null).length} of ${outcomes.length}` });
  }

  private retryLater(row: NotificationMailRow, token: string, error: unknown, report: DeliveryReport): void {
    const { db, clock, log } = this.options;
    const attempts = (db.select({ attempts: notificationMails.attempts }).from(notificationMails).where(eq(notificationMails.id, row.id)).get()?.attempts ?? row.attempts) || 1;
    const delay = RETRY_DELAYS_MS[attempts - 1];
    const message = (error as Error)?.message ?? String(error);
    const mine = and(eq(notificationMails.id, row.id), eq(notificationMails.claimToken, token));
    if (delay === undefined) {
      db.update(notificationMails).set({ state: 'failed', lastError: message }).where(mine).run();
      report.failed++;
      log?.({ level: 'error', message: `notification mail ${row.id} failed after ${attempts} attempts: ${message}` });
    } else {
      db.update(notificationMails)
        .set({ state: 'pending', claimToken: null, leaseUntil: null, nextAttemptAt: clock() + delay, lastError: message, attempts })
        .where(mine)
        .run();
      report.retried++;
      log?.({ level: 'warning', message: `notification mail ${row.id} not sent (${message}); trying again in ${Math.round(delay / 1000)} s` });
    }
  }
}

/** SMTP through nodemailer: `SMTP_URL` (smtp:// or smtps://, user and password in it), `MAIL_FROM`. */
export function smtpTransport(url: string, from: string): MailTransport {
  const transporter = nodemailer.createTransport(url);
  return {
    async send(mail) {
      await transporter.sendMail({ from, to: mail.to, subject: mail.subject, text: mail.text, html: mail.html, messageId: mail.messageId, headers: mail.headers });
    },
    close() {
      transporter.close();
    },
  };
}
