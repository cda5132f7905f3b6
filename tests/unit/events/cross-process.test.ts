import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { changeStamp, openDatabase, lightWriter, type OpenedDatabase } from '../../../db/connection';
import { sharedEvents } from '../../../db/schema';
import { CrossProcessEventBus, databaseEventLog, InProcessEventBus, type DomainEvent } from '../../../src/events';

const joined = (userId: number): DomainEvent => ({ type: 'member.joined', actorId: userId, clubId: 3, userId, via: 'public' });

/**
 * Two "processes": two connections to one file, each with its bus (reading the log when its stamp moved) and a clock the test moves.
 * SQLite's: the stamp that skips reads is SQLite's `data_version`, moved by the other connection's commits.
 */
function twoProcesses() {
  const dir = mkdtempSync(join(tmpdir(), 'marginalia-events-'));
  const clock = { now: Date.UTC(2026, 10, 1) };
  const opened: OpenedDatabase[] = [openDatabase(join(dir, 'test.db')), openDatabase(join(dir, 'test.db'))];
  const reads = opened.map(() => 0);
  const buses = opened.map((o, i) => {
    const log = databaseEventLog(o.db, lightWriter(o.db));
    const counted = { ...log, after: (id: number, limit: number) => (reads[i]!++, log.after(id, limit)) };
    return new CrossProcessEventBus(counted, { clock: () => clock.now, origin: `p${i}`, stamp: changeStamp(o.db) });
  });
  const heard = buses.map(() => ({ everywhere: [] as string[], once: [] as string[] }));
  buses.forEach((bus, i) => {
    bus.subscribe('*', (event) => void heard[i]!.everywhere.push(`${event.type}:${event.actorId}`), 'every-process');
    bus.subscribe('member.joined', (event) => void heard[i]!.once.push(`${event.type}:${event.actorId}`), 'once');
  });
  cleanups.push(() => {
    for (const o of opened) o.sqlite.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return { buses, heard, clock, reads, db: opened[0]!.db };
}

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()!();
});

describe('the cross-process event bus', () => {
  it("delivers this process's events at once to all its listeners, and the others' to its every-process listeners only, in order, once", async () => {
    const { buses, heard } = twoProcesses();
    const [a, b] = buses as [CrossProcessEventBus, CrossProcessEventBus];
    await a.publish(joined(1));
    await b.publish(joined(2));
    await a.publish({ type: 'poll.voted', actorId: 3, clubId: 3, pollId: 9, withdrawn: false });
    expect(heard[0]).toEqual({ everywhere: ['member.joined:1', 'poll.voted:3'], once: ['member.joined:1'] });
    expect(heard[1]).toEqual({ everywhere: ['member.joined:2'], once: ['member.joined:2'] });

    expect(await b.poll()).toBe(2);
    expect(await a.poll()).toBe(1);
    expect(await b.poll()).toBe(0);
    expect(await a.poll()).toBe(0);
    // 'once' listeners ran once in the whole site; every process's memory heard everything, each event once.
    expect(heard[0]).toEqual({ everywhere: ['member.joined:1', 'poll.voted:3', 'member.joined:2'], once: ['member.joined:1'] });
    expect(heard[1]).toEqual({ everywhere: ['member.joined:2', 'member.joined:1', 'poll.voted:3'], once: ['member.joined:2'] });
  });

  it('reads the log only when the database changed since its last read', async () => {
    const { buses, reads } = twoProcesses();
    const [a, b] = buses as [CrossProcessEventBus, CrossProcessEventBus];
    await b.poll();
    const before = reads[1]!;
    expect(await b.poll()).toBe(0);
    expect(await b.poll()).toBe(0);
    expect(reads[1]).toBe(before); // nothing written anywhere: no read
    await a.publish(joined(7));
    expect(await b.poll()).toBe(1); // another connection committed: read, and found it
    expect(reads[1]).toBe(before + 1);
  });

  it('two polls at once share one read, so each event is delivered once', async () => {
    const { buses, heard, reads } = twoProcesses();
    const [a, b] = buses as [CrossProcessEventBus, CrossProcessEventBus];
    await a.publish(joined(1));
    const before = reads[1]!;
    expect(await Promise.all([b.poll(), b.poll()])).toEqual([1, 1]);
    expect(reads[1]).toBe(before + 1);
    expect(heard[1]!.everywhere).toEqual(['member.joined:1']);
  });

  it('a process that starts later begins at the end of the log', async () => {
    const { buses, db, clock } = twoProcesses();
    await buses[0]!.publish(joined(1));
    const late = new CrossProcessEventBus(databaseEventLog(db), { clock: () => clock.now, origin: 'late' });
    const heard: DomainEvent[] = [];
    late.subscribe('*', (event) => void heard.push(event), 'every-process');
    await late.start();
    late.stop();
    expect(await late.poll()).toBe(0);
    await buses[0]!.publish(joined(4));
    expect(await late.poll()).toBe(1);
    expect(heard).toEqual([joined(4)]);
  });

  it('delivers long backlogs whole, and prunes rows older than it keeps them', async () => {
    const { buses, heard, clock, db } = twoProcesses();
    for (let i = 0; i < 1200; i++) await buses[0]!.publish(joined(i));
    expect(await buses[1]!.poll()).toBe(1200);
    expect(heard[1]!.everywhere.at(-1)).toBe('member.joined:1199');
    clock.now += 11 * 60_000;
    await buses[0]!.publish(joined(5000));
    await buses[1]!.poll();
    expect(await db.select().from(sharedEvents)).toHaveLength(1);
  });

  it('the in-process bus hands events from elsewhere to every-process listeners only', async () => {
    const bus = new InProcessEventBus();
    const heard: string[] = [];
    bus.subscribe('*', () => void heard.push('every-process'), 'every-process');
    bus.subscribe('*', () => void heard.push('once'), 'once');
    await bus.deliverFromElsewhere(joined(1));
    expect(heard).toEqual(['every-process']);
  });
});
