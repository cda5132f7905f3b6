import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { inTransaction, openDatabase, lightWriter, type OpenedDatabase } from '../../../db/connection';
import { claimTick, finishClaim, pruneClaims } from '../../../db/job-claims';
import { jobClaims, sharedSecrets } from '../../../db/schema';

const T0 = Date.UTC(2026, 10, 1);
const opened: OpenedDatabase[] = [];
const dirs: string[] = [];
afterEach(() => {
  while (opened.length) opened.pop()!.sqlite.close();
  while (dirs.length) rmSync(dirs.pop()!, { recursive: true, force: true });
});

function onFile(): [OpenedDatabase, OpenedDatabase] {
  const dir = mkdtempSync(join(tmpdir(), 'marginalia-shared-'));
  dirs.push(dir);
  const pair: [OpenedDatabase, OpenedDatabase] = [openDatabase(join(dir, 'test.db')), openDatabase(join(dir, 'test.db'))];
  opened.push(...pair);
  return pair;
}

describe('job claims', () => {
  it('one of two processes claims a tick; a finished claim is never taken again', () => {
    const [a, b] = onFile();
    expect(claimTick(a.db, 'polls', T0, 'a', T0)).toBe(true);
    expect(claimTick(b.db, 'polls', T0, 'b', T0 + 1)).toBe(false);
    // The next tick is a new claim.
    expect(claimTick(b.db, 'polls', T0 + 300_000, 'b', T0 + 300_000)).toBe(true);
    finishClaim(a.db, 'polls', T0, T0 + 5);
    expect(claimTick(b.db, 'polls', T0, 'b', T0 + 86_400_000)).toBe(false);
  });

  it('a claim whose lease ran out unfinished (its process died) may be taken over; one within its lease may not', () => {
    const [a, b] = onFile();
    expect(claimTick(a.db, 'digests', T0, 'a', T0, 60_000)).toBe(true);
    expect(claimTick(b.db, 'digests', T0, 'b', T0 + 59_999, 60_000)).toBe(false);
    expect(claimTick(b.db, 'digests', T0, 'b', T0 + 60_000, 60_000)).toBe(true);
    expect(claimTick(a.db, 'digests', T0, 'a', T0 + 60_001, 60_000)).toBe(false);
    expect(a.db.select().from(jobClaims).all()).toEqual([expect.objectContaining({ owner: 'b', leaseUntil: T0 + 120_000 })]);
  });

  it('a claim made inside a transaction rolls back with it', () => {
    const [a] = onFile();
    expect(() =>
      inTransaction(a.sqlite, () => {
        claimTick(a.db, 'chapter-openings', T0, 'a', T0);
        throw new Error('the job failed');
      }),
    ).toThrow('the job failed');
    expect(claimTick(a.db, 'chapter-openings', T0, 'a', T0 + 1)).toBe(true);
    pruneClaims(a.db, T0 + 2);
    expect(a.db.select().from(jobClaims).all()).toHaveLength(0);
  });
});

describe('the light writer', () => {
  it('commits one write with synchronous=NORMAL and puts FULL back; inside a transaction the write joins it as it is', () => {
    const [a] = onFile();
    const write = lightWriter(a);
    const mode = () => a.sqlite.pragma('synchronous', { simple: true });
    expect(mode()).toBe(2);
    expect(write(() => mode())).toBe(1);
    write((db) => db.insert(sharedSecrets).values({ name: 'k', value: 'v', createdAt: T0 }).run());
    expect(mode()).toBe(2);
    expect(() =>
      write(() => {
        throw new Error('refused');
      }),
    ).toThrow('refused');
    expect(mode()).toBe(2);
    expect(() =>
      inTransaction(a.sqlite, () => {
        expect(write(() => mode())).toBe(2);
        write((db) => db.insert(sharedSecrets).values({ name: 'in-transaction', value: 'v', createdAt: T0 }).run());
        throw new Error('rolled back');
      }),
    ).toThrow('rolled back');
    expect(a.db.select({ name: sharedSecrets.name }).from(sharedSecrets).all()).toEqual([{ name: 'k' }]);
  });

  it('leaves a connection already at NORMAL alone', () => {
    const dir = mkdtempSync(join(tmpdir(), 'marginalia-shared-'));
    dirs.push(dir);
    const normal = openDatabase(join(dir, 'test.db'), { synchronous: 'normal' });
    opened.push(normal);
    expect(lightWriter(normal)(() => normal.sqlite.pragma('synchronous', { simple: true }))).toBe(1);
  });
});
