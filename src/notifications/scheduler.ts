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
import type { Sqlite } from '../../db/connection';
import { inTransaction } from '../../db/connection';
import { claimTick, finishClaim, pruneClaims } from '../../db/job-claims';
import { hostname } from 'node:os';
import { meetingRsvps, meetings, polls, readings, scheduleEntries } from '../../db/schema';
import { buildDueDigests } from './digests';
import { notify, pollOpened, pollResultsOpened, type NotifyContext } from './fanout';
import { clubMembers, setStateValue, stateValue, votersOf } from './queries';

const DAY_MS = 86_400_000;

export interface Job {
  name: string;
  pattern: string;
  run: (from: number, to: number) => void | Promise<void>;
}

/** `digests`: where the digests are built (the mail thread's, when mail is sent there); in this thread by default. */
export function notificationJobs(ctx: NotifyContext, sqlite: Sqlite, digests: (now: number) => Promise<unknown> = (now) => buildDueDigests(ctx, sqlite, now)): Job[] {
  const { db } = ctx;
  return [
    {
      name: 'chapter-openings',
      pattern: '*/5 * * * *',
      run: (from, to) => {
        const opened = db
          .select({ readingId: scheduleEntries.readingId, chapterId: scheduleEntries.chapterId, clubId: readings.clubId })
          .from(scheduleEntries)
          .innerJoin(readings, eq(readings.id, scheduleEntries.readingId))
          .where(and(gt(scheduleEntries.opensAt, from), lte(scheduleEntries.opensAt, to), isNull(readings.endedAt)))
          .all();
        for (const entry of opened) {
          for (const member of clubMembers(db, entry.clubId)) {
            notify(ctx, { recipientId: member.userId, clubId: entry.clubId, kind: 'chapter_opened', facts: { readingId: entry.readingId, chapterId: entry.chapterId } }, to);
          }
        }
      },
    },
    {
      name: 'polls',
      pattern: '*/5 * * * *',
      run: (from, to) => {
        for (const poll of db.select().from(polls).where(and(isNotNull(polls.opensAt), gt(polls.opensAt, from), lte(polls.opensAt, to))).all()) {
          if (poll.closedAt === null) pollOpened(ctx, poll.id, poll.clubId, poll.createdBy, to);
        }
        // Closing within a day: the reminder goes out once, when the day-before mark passes.
        const closing = db
          .select()
          .from(polls)
          .where(and(isNull(polls.closedAt), isNotNull(polls.closesAt), gt(polls.closesAt, to), gt(polls.closesAt, from + DAY_MS), lte(polls.closesAt, to + DAY_MS)))
          .all();
        for (const poll of closing) {
          if (poll.opensAt !== null && poll.opensAt > to) continue;
          const voters = votersOf(db, poll.id);
          for (const member of clubMembers(db, poll.clubId)) {
            if (!voters.has(member.userId)) notify(ctx, { recipientId: member.userId, clubId: poll.clubId, kind: 'poll_closing', facts: { pollId: poll.id } }, to);
          }
        }
        const closedByDate = db.select({ id: polls.id }).from(polls).where(and(isNull(polls.closedAt), gt(polls.closesAt, from), lte(polls.closesAt, to))).all();
        for (const poll of closedByDate) pollResultsOpened(ctx, poll.id, to);
      },
    },
    {
      name: 'meetings',
      pattern: '*/5 * * * *',
      run: (from, to) => {
        // The reminder goes out once, when the day-before mark passes (as for closing polls).
        const soon = db
          .select({ id: meetings.id, clubId: meetings.clubId })
          .from(meetings)
          .where(and(isNotNull(meetings.startsAt), isNull(meetings.cancelledAt), gt(meetings.startsAt, to), gt(meetings.startsAt, from + DAY_MS), lte(meetings.startsAt, to + DAY_MS)))
          .all();
        for (const meeting of soon) {
          const notGoing = new Set(
            db
              .select({ userId: meetingRsvps.userId })
              .from(meetingRsvps)
              .where(and(eq(meetingRsvps.meetingId, meeting.id), eq(meetingRsvps.answer, 'not_going')))
              .all()
              .map((r) => r.userId),
          );
          for (const member of clubMembers(db, meeting.clubId)) {
            if (!notGoing.has(member.userId)) notify(ctx, { recipientId: member.userId, clubId: meeting.clubId, kind: 'meeting_soon', facts: { meetingId: meeting.id } }, to);
          }
        }
      },
    },
    {
      name: 'digests',
      pattern: '5 * * * *',
      run: async (_from, to) => {
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
    private readonly sqlite: Sqlite,
    private readonly ctx: NotifyContext,
    private readonly jobs: Job[],
    private readonly clock: () => number,
    private readonly log?: (line: Record<string, unknown>) => void,
  ) {}

  /** When the job last ran; a job that never ran starts from now (no notifications for the past). */
  lastRun(job: Job, now: number): number {
    const stored = stateValue(this.ctx.db, lastRunKey(job.name));
    if (stored === undefined) {
      setStateValue(this.ctx.db, lastRunKey(job.name), String(now));
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
      const last = this.lastRun(job, now);
      const next = new Cron(job.pattern, { timezone: 'UTC', paused: true }).nextRun(new Date(last));
      if (next && next.getTime() <= now && (await this.runJob(job, next.getTime(), now))) ran.push(job.name);
    }
    if (now - this.prunedAt >= DAY_MS) {
      this.prunedAt = now;
      pruneClaims(this.ctx.db, now - CLAIMS_KEPT_MS);
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
        if (!claimTick(db, job.name, tick, this.owner, to, DIGEST_LEASE_MS)) return false;
        await job.run(this.lastRun(job, to), to);
        inTransaction(this.sqlite, () => {
          setStateValue(db, lastRunKey(job.name), String(to));
          finishClaim(db, job.name, tick, to);
        });
        return true;
      }
      return inTransaction(this.sqlite, () => {
        if (!claimTick(db, job.name, tick, this.owner, to)) return false;
        void job.run(this.lastRun(job, to), to);
        setStateValue(db, lastRunKey(job.name), String(to));
        finishClaim(db, job.name, tick, to);
        return true;
      });
    } catch (error) {
      this.log?.({ level: 'error', message: `notification job ${job.name} failed: ${(error as Error).message}` });
      return false;
    } finally {
      this.running.delete(job.name);
    }
  }

  /** Starts the timers (croner) and catches up at once. */
  start(): void {
    void this.runDue();
    for (const job of this.jobs) {
      this.crons.push(
        new Cron(job.pattern, { timezone: 'UTC', protect: true, unref: true }, () => {
          void this.runDue();
        }),
      );
    }
  }

  stop(): void {
    for (const cron of this.crons) cron.stop();
    this.crons = [];
  }
}


