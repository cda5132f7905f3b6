/**
 * The area's scheduled jobs, on `croner` patterns, in the app process:
 * - `chapter-openings` (every 5 minutes): chapters whose scheduled opening passed since the last run;
 * - `polls` (every 5 minutes): polls that opened at their time, that close within a day (to
 *   members who have not voted), and that closed by their date;
 * - `meetings` (every 5 minutes): a club meeting starting within a day, to every member who
 *   has not said they are not going (club life's meetings, `src/clublife`);
 * - `digests` (hourly, at :05): the digests that are due (digests.ts).
 *
 * Each job works on the window (last run, now], and writes its notifications and its new
 * last-run mark in ONE transaction, so a run's work is done exactly once. The last runs are
 * kept in the database (`notification_state`), so a server that was down catches up with one
 * run per job at start (its window covers the downtime), not one per missed tick.
 *
 * Several app processes on one database each run these timers; each job's due tick (the first
 * after its last run) is claimed in the database first (`claimTick`, db/job-claims.ts), so one
 * process runs it and the others skip it — catch-up after downtime included. A transactional
 * job claims inside its transaction; the digests claim with a lease.
 *
 * Tests do not start timers: they call {@link Scheduler.runDue} with the moment they choose.
 */
import { Cron } from 'croner';
import { and, eq, gt, isNotNull, isNull, lte } from 'drizzle-orm';
import { transaction, type Db } from '../../db/connection';
import { claimTick, finishClaim, pruneClaims } from '../../db/job-claims';
import { hostname } from 'node:os';
import { meetingRsvps, meetings, polls, readings, scheduleEntries } from '../../db/schema';
import { buildDueDigests } from './digests';
import { notify, pollOpened, pollResultsOpened, withDb, type NotifyContext } from './fanout';
import { clubMembers, setStateValue, stateValue, votersOf } from './queries';

const DAY_MS = 86_400_000;

export interface Job {
  name: string;
  pattern: string;
  /**
   * The work of the window (from, to]. `db` is the handle to use: the job's transaction for a
   * transactional job, the outer handle for the digests (which batch their own transactions).
   */
  run: (db: Db, from: number, to: number) => Promise<void>;
}

/** `digests`: where the digests are built (the mail thread's, when mail is sent there); in this thread by default. */
export function notificationJobs(ctx: NotifyContext, digests: (now: number) => Promise<unknown> = (now) => buildDueDigests(ctx, now)): Job[] {
  return [
    {
      name: 'chapter-openings',
      pattern: '*/5 * * * *',
      run: async (db, from, to) => {
        const inTx = withDb(ctx, db);
        const opened = await db
          .select({ readingId: scheduleEntries.readingId, chapterId: scheduleEntries.chapterId, clubId: readings.clubId })
          .from(scheduleEntries)
          .innerJoin(readings, eq(readings.id, scheduleEntries.readingId))
          .where(and(gt(scheduleEntries.opensAt, from), lte(scheduleEntries.opensAt, to), isNull(readings.endedAt)));
        for (const entry of opened) {
          for (const member of await clubMembers(db, entry.clubId)) {
            await notify(inTx, { recipientId: member.userId, clubId: entry.clubId, kind: 'chapter_opened', facts: { readingId: entry.readingId, chapterId: entry.chapterId } }, to);
          }
        }
      },
    },
    {
      name: 'polls',
      pattern: '*/5 * * * *',
      run: async (db, from, to) => {
        const inTx = withDb(ctx, db);
        for (const poll of await db.select().from(polls).where(and(isNotNull(polls.opensAt), gt(polls.opensAt, from), lte(polls.opensAt, to)))) {
          if (poll.closedAt === null) await pollOpened(inTx, poll.id, poll.clubId, poll.createdBy, to);
        }
        // Closing within a day: the reminder goes out once, when the day-before mark passes.
        const closing = await db
          .select()
          .from(polls)
          .where(and(isNull(polls.closedAt), isNotNull(polls.closesAt), gt(polls.closesAt, to), gt(polls.closesAt, from + DAY_MS), lte(polls.closesAt, to + DAY_MS)));
        for (const poll of closing) {
          if (poll.opensAt !== null && poll.opensAt > to) continue;
          const voters = await votersOf(db, poll.id);
          for (const member of await clubMembers(db, poll.clubId)) {
            if (!voters.has(member.userId)) await notify(inTx, { recipientId: member.userId, clubId: poll.clubId, kind: 'poll_closing', facts: { pollId: poll.id } }, to);
          }
        }
        const closedByDate = await db.select({ id: polls.id }).from(polls).where(and(isNull(polls.closedAt), gt(polls.closesAt, from), lte(polls.closesAt, to)));
        for (const poll of closedByDate) await pollResultsOpened(inTx, poll.id, to);
      },
    },
    {
      name: 'meetings',
      pattern: '*/5 * * * *',
      run: async (db, from, to) => {
        const inTx = withDb(ctx, db);
        // The reminder goes out once, when the day-before mark passes (as for closing polls).
        const soon = await db
          .select({ id: meetings.id, clubId: meetings.clubId })
          .from(meetings)
          .where(and(isNotNull(meetings.startsAt), isNull(meetings.cancelledAt), gt(meetings.startsAt, to), gt(meetings.startsAt, from + DAY_MS), lte(meetings.startsAt, to + DAY_MS)));
        for (const meeting of soon) {
          const answers = await db
            .select({ userId: meetingRsvps.userId })
            .from(meetingRsvps)
            .where(and(eq(meetingRsvps.meetingId, meeting.id), eq(meetingRsvps.answer, 'not_going')));
          const notGoing = new Set(answers.map((r) => r.userId));
          for (const member of await clubMembers(db, meeting.clubId)) {
            if (!notGoing.has(member.userId)) await notify(inTx, { recipientId: member.userId, clubId: meeting.clubId, kind: 'meeting_soon', facts: { meetingId: meeting.id } }, to);
          }
        }
      },
    },
    {
      name: 'digests',
      pattern: '5 * * * *',
      run: async (_db, _from, to) => {
        await digests(to);
      },
    },
  ];
}

const lastRunKey = (job: string) => `job:${job}:last_run`;
/** How long a digest run holds its claim before another process may take it over. */
const DIGEST_LEASE_MS = 30 * 60_000;
const CLAIMS_KEPT_MS = 7 * DAY_MS;

export class Scheduler {
  private crons: Cron[] = [];
  private running = new Set<string>();
  /** This process's name on its claims. */
  private readonly owner = `${hostname()}:${process.pid}:${Math.random().toString(36).slice(2, 8)}`;
  private prunedAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly ctx: NotifyContext,
    private readonly jobs: Job[],
    private readonly clock: () => number,
    private readonly log?: (line: Record<string, unknown>) => void,
  ) {}

  /** When the job last ran, read through `db`; a job that never ran starts from now (no notifications for the past). */
  async lastRun(db: Db, job: Job, now: number): Promise<number> {
    const stored = await stateValue(db, lastRunKey(job.name));
    if (stored === undefined) {
      await setStateValue(db, lastRunKey(job.name), String(now));
      return now;
    }
    return Number(stored);
  }

  /**
   * Runs every job with a tick due between its last run and `now` — once, whatever the number
   * of ticks missed. Returns the names of the jobs that ran.
   */
  async runDue(now: number = this.clock()): Promise<string[]> {
    const ran: string[] = [];
    for (const job of this.jobs) {
      const last = await this.lastRun(this.ctx.db, job, now);
      const next = new Cron(job.pattern, { timezone: 'UTC', paused: true }).nextRun(new Date(last));
      if (next && next.getTime() <= now && (await this.runJob(job, next.getTime(), now))) ran.push(job.name);
    }
    if (now - this.prunedAt >= DAY_MS) {
      this.prunedAt = now;
      await pruneClaims(this.ctx.db, now - CLAIMS_KEPT_MS);
    }
    return ran;
  }

  /**
   * Runs `job` for its due `tick` up to `to`, when this process claims the tick; the window
   * starts at the last run as read under the claim. True when it ran here.
   */
  private async runJob(job: Job, tick: number, to: number): Promise<boolean> {
    if (this.running.has(job.name)) return false;
    this.running.add(job.name);
    const { db } = this.ctx;
    try {
      if (job.name === 'digests') {
        // Digests batch their own transactions (digests.ts) and are idempotent per period.
        if (!(await claimTick(db, job.name, tick, this.owner, to, DIGEST_LEASE_MS))) return false;
        await job.run(db, await this.lastRun(db, job, to), to);
        await transaction(db, async (tx) => {
          await setStateValue(tx, lastRunKey(job.name), String(to));
          await finishClaim(tx, job.name, tick, to);
        });
        return true;
      }
      return await transaction(db, async (tx) => {
        if (!(await claimTick(tx, job.name, tick, this.owner, to))) return false;
        await job.run(tx, await this.lastRun(tx, job, to), to);
        await setStateValue(tx, lastRunKey(job.name), String(to));
        await finishClaim(tx, job.name, tick, to);
        return true;
      });
    } catch (error) {
      this.log?.({ level: 'error', message: `notification job ${job.name} failed: ${(error as Error).message}` });
      return false;
    } finally {
      this.running.delete(job.name);
    }
  }

  /** Runs what is due now, logging (never throwing) a failure: for timers. */
  async runDueLogged(): Promise<void> {
    try {
      await this.runDue();
    } catch (error) {
      this.log?.({ level: 'error', message: `notification jobs: ${(error as Error).message}` });
    }
  }

  /** Starts the timers (croner) and catches up at once. */
  start(): void {
    void this.runDueLogged();
    for (const job of this.jobs) {
      this.crons.push(
        new Cron(job.pattern, { timezone: 'UTC', protect: true, unref: true }, () => {
          void this.runDueLogged();
        }),
      );
    }
  }

  stop(): void {
    for (const cron of this.crons) cron.stop();
    this.crons = [];
  }
}


