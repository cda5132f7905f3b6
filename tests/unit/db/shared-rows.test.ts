import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { lightWriter, openDatabase, transaction, type OpenedDatabase } from '../../../db/connection';
import { claimTick, finishClaim, pruneClaims } from '../../../db/job-claims';
import { jobClaims, sharedSecrets } from '../../../db/schema';

const T0 = Date.UTC(2026, 10, 1);
const opened: OpenedDatabase[] = [];
const dirs: string[] = [];
afterEach(() => {
  while (opened.length) opened.pop()!.sqlite.close();
  while (dirs.length) rmSync(dirs.pop()!, { recursive: true, force: true });
});

/** Two connections to one SQLite file: two "processes" (these tests are SQLite's: the light writer's pragma, two connections). */
function onFile(): [OpenedDatabase, OpenedDatabase] {
  const dir = mkdtempSync(join(tmpdir(), 'marginalia-shared-'));
  dirs.push(dir);
  const pair: [OpenedDatabase, OpenedDatabase] = [openDatabase(join(dir, 'test.db')), openDatabase(join(dir, 'test.db'))];
  opened.push(...pair);
  return pair;
}

describe('job claims', () => {
  it('one of two processes claims a tick; a finished claim is never taken again', async () => {
    const [a, b] = onFile();
    expect(await claimTick(a.db, 'polls', T0, 'a', T0)).toBe(true);
    expect(await claimTick(b.db, 'polls', T0, 'b', T0 + 1)).toBe(false);
    // The next tick is a new claim.
    expect(await claimTick(b.db, 'polls', T0 + 300_000, 'b', T0 + 300_000)).toBe(true);
    await finishClaim(a.db, 'polls', T0, T0 + 5);
    expect(await claimTick(b.db, 'polls', T0, 'b', T0 + 86_400_000)).toBe(false);
  });

  it('a claim whose lease ran out unfinished (its process died) may be taken over; one within its lease may not', async () => {
    const [a, b] = onFile();
    expect(await claimTick(a.db, 'digests', T0, 'a', T0, 60_000)).toBe(true);
    expect(await claimTick(b.db, 'digests', T0, 'b', T0 + 59_999, 60_000)).toBe(false);
    expect(await claimTick(b.db, 'digests', T0, 'b', T0 + 60_000, 60_000)).toBe(true);
    expect(await claimTick(a.db, 'digests', T0, 'a', T0 + 60_001, 60_000)).toBe(false);
    expect(await a.db.select().from(jobClaims)).toEqual([expect.objectContaining({ owner: 'b', leaseUntil: T0 + 120_000 })]);
  });

  it('a claim made inside a transaction rolls back with it', async () => {
    const [a] = onFile();
    await expect(
      transaction(a.db, async (tx) => {
        expect(await claimTick(tx, 'chapter-openings', T0, 'a', T0)).toBe(true);
        throw new Error('the job failed');
      }),
    ).rejects.toThrow('the job failed');
    expect(await claimTick(a.db, 'chapter-openings', T0, 'a', T0 + 1)).toBe(true);
    await pruneClaims(a.db, T0 + 2);
    expect(await a.db.select().from(jobClaims)).toHaveLength(0);
  });
});

describe('the light writer', () => {
  it('commits one write with synchronous=NORMAL and puts FULL back; inside a transaction the write joins it as it is', async () => {
    const [a] = onFile();
    const write = lightWriter(a.db);
    const mode = () => a.sqlite.pragma('synchronous', { simple: true });
    expect(mode()).toBe(2);
    expect(await write(async () => mode())).toBe(1);
    await write((db) => db.insert(sharedSecrets).values({ name: 'k', value: 'v', createdAt: T0 }));
    expect(mode()).toBe(2);
    await expect(
      write(async () => {
        throw new Error('refused');
      }),
    ).rejects.toThrow('refused');
    expect(mode()).toBe(2);
    await expect(
      transaction(a.db, async (tx) => {
        const joined = lightWriter(tx);
        expect(await joined(async () => mode())).toBe(2);
        await joined((db) => db.insert(sharedSecrets).values({ name: 'in-transaction', value: 'v', createdAt: T0 }));
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect(await a.db.select({ name: sharedSecrets.name }).from(sharedSecrets)).toEqual([{ name: 'k' }]);
  });

  it('leaves a connection already at NORMAL alone', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'marginalia-shared-'));
    dirs.push(dir);
    const normal = openDatabase(join(dir, 'test.db'), { synchronous: 'normal' });
    opened.push(normal);
    expect(await lightWriter(normal.db)(async () => normal.sqlite.pragma('synchronous', { simple: true }))).toBe(1);
    expect(normal.sqlite.pragma('synchronous', { simple: true })).toBe(1);
  });
});
