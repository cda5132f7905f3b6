/**
 * Scheduled work done once across app processes: before a process runs a job's tick, it claims
 * the tick with one insert (`job_claims`, db/schema/shared.ts; primary key job + tick). The
 * process whose insert lands runs it; the others find the row and skip. Portable SQL
 * (`insert … on conflict do update … where … returning`), so PostgreSQL runs the same.
 *
 * Claim inside the job's own transaction when the job is one transaction: the claim then
 * commits with the work, or rolls back with it. A job that is not (the digests batch their own
 * transactions) claims with a lease and marks the claim done when it finishes; a claim left
 * unfinished past its lease (a process that died mid-run) may be taken by the next process.
 *
 * @example
 * await transaction(db, async (tx) => {
 *   if (!(await claimTick(tx, 'polls', tick, owner, now))) return;
 *   await runPolls(tx, from, now);
 *   await finishClaim(tx, 'polls', tick, now);
 * });
 */
import { and, eq, isNull, lt, lte, sql } from 'drizzle-orm';
import type { Db } from './connection';
import { jobClaims } from './schema';

/** A claim not marked done within this is presumed abandoned (its process died mid-run). */
export const DEFAULT_LEASE_MS = 15 * 60_000;

/** True when this caller now holds the claim on `job`'s `tick` (for `leaseMs`), false when someone else has it or ran it. */
export async function claimTick(db: Db, job: string, tick: number, owner: string, now: number, leaseMs = DEFAULT_LEASE_MS): Promise<boolean> {
  const [claimed] = await db
    .insert(jobClaims)
    .values({ job, tick, owner, claimedAt: now, leaseUntil: now + leaseMs })
    .onConflictDoUpdate({
      target: [jobClaims.job, jobClaims.tick],
      set: { owner: sql`excluded.owner`, claimedAt: sql`excluded.claimed_at`, leaseUntil: sql`excluded.lease_until` },
      setWhere: and(isNull(jobClaims.doneAt), lte(jobClaims.leaseUntil, sql`excluded.claimed_at`)),
    })
    .returning({ owner: jobClaims.owner });
  return claimed?.owner === owner;
}

export async function finishClaim(db: Db, job: string, tick: number, now: number): Promise<void> {
  await db
    .update(jobClaims)
    .set({ doneAt: now })
    .where(and(eq(jobClaims.job, job), eq(jobClaims.tick, tick)));
}

/** Forgets claims made before `before` (their ticks are long past every job's last run). */
export async function pruneClaims(db: Db, before: number): Promise<void> {
  await db.delete(jobClaims).where(lt(jobClaims.claimedAt, before));
}
