/**
 * The SQLite engine under the one async database API (db/connection.ts): transactions that span
 * awaits (all or nothing, savepoints when nested, the outer handle kept out while one is open),
 * raw SQL through `rows`/`execute`, prepared queries per handle, the change stamp and the light
 * writer. These are SQLite's own mechanics (the gate, the pragma, `data_version`), so the tests
 * open SQLite files directly.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DrizzleQueryError, eq, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/sqlite-core';
import { afterEach, describe, expect, it } from 'vitest';
import {
  changeStamp,
  closeDatabase,
  engineOf,
  execute,
  first,
  lightWriter,
  openDatabase,
  prepared,
  rows,
  sqliteConnectionOf,
  transaction,
  type Db,
  type OpenedDatabase,
} from '../../../db/connection';
import { sharedSecrets } from '../../../db/schema';

const T0 = Date.UTC(2026, 10, 1);
const opened: OpenedDatabase[] = [];
const dirs: string[] = [];
afterEach(() => {
  while (opened.length) opened.pop()!.sqlite.close();
  while (dirs.length) rmSync(dirs.pop()!, { recursive: true, force: true });
});

/** A fresh database file (and, asked for, a second connection to it: another process). */
function onFile(connections = 1): OpenedDatabase[] {
  const dir = mkdtempSync(join(tmpdir(), 'marginalia-connection-'));
  dirs.push(dir);
  const all = Array.from({ length: connections }, () => openDatabase(join(dir, 'test.db')));
  opened.push(...all);
  return all;
}

const secret = (name: string) => ({ name, value: `value of ${name}`, createdAt: T0 });
const names = async (db: Db) => (await db.select({ name: sharedSecrets.name }).from(sharedSecrets).orderBy(sharedSecrets.name)).map((row) => row.name);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('transaction', () => {
  it('writes everything the work wrote when it returns, and gives back what it returned', async () => {
    const [{ db }] = onFile() as [OpenedDatabase];
    const result = await transaction(db, async (tx) => {
      await tx.insert(sharedSecrets).values(secret('a'));
      await sleep(1); // a transaction spans awaits
      await tx.insert(sharedSecrets).values(secret('b'));
      return 'done';
    });
    expect(result).toBe('done');
    expect(await names(db)).toEqual(['a', 'b']);
  });

  it('writes none of it when the work throws, even after awaits, and passes the error on', async () => {
    const [{ db, sqlite }] = onFile() as [OpenedDatabase];
    await expect(
      transaction(db, async (tx) => {
        await tx.insert(sharedSecrets).values(secret('a'));
        await sleep(1);
        await tx.update(sharedSecrets).set({ value: 'changed' }).where(eq(sharedSecrets.name, 'a'));
        throw new Error('the work failed');
      }),
    ).rejects.toThrow('the work failed');
    expect(await names(db)).toEqual([]);
    expect(sqlite.inTransaction).toBe(false);
    // The connection is free again: the next transaction runs and commits.
    await transaction(db, async (tx) => {
      await tx.insert(sharedSecrets).values(secret('c'));
    });
    expect(await names(db)).toEqual(['c']);
  });

  it('rolls back when a statement inside fails (a constraint), leaving the earlier writes out too', async () => {
    const [{ db }] = onFile() as [OpenedDatabase];
    await db.insert(sharedSecrets).values(secret('taken'));
    await expect(
      transaction(db, async (tx) => {
        await tx.insert(sharedSecrets).values(secret('new'));
        await tx.insert(sharedSecrets).values(secret('taken'));
      }),
    ).rejects.toThrow();
    expect(await names(db)).toEqual(['taken']);
  });

  it('keeps the outer handle out while it is open: an outer query waits, and does not land inside it', async () => {
    const [{ db }] = onFile() as [OpenedDatabase];
    const order: string[] = [];
    let outerDone = false;
    const work = transaction(db, async (tx) => {
      await tx.insert(sharedSecrets).values(secret('inside'));
      order.push('inside written');
      await sleep(20); // meanwhile another request writes through the outer handle
      expect(outerDone).toBe(false);
      order.push('transaction fails');
      throw new Error('rolled back');
    });
    // Started while the transaction awaits its timer.
    await sleep(1);
    const outer = db
      .insert(sharedSecrets)
      .values(secret('outside'))
      .then(() => {
        outerDone = true;
        order.push('outside written');
      });
    // Raw SQL on the outer handle waits as well: run inside, these would find the transaction's row.
    const read = rows<{ name: string }>(db, sql`select name from shared_secrets where name = ${'inside'}`).then((answer) => {
      order.push(`outer read found ${answer.length}`);
    });
    const changed = execute(db, sql`delete from shared_secrets where name = ${'inside'}`).then((n) => {
      order.push(`outer delete changed ${n}`);
    });
    await expect(work).rejects.toThrow('rolled back');
    await Promise.all([outer, read, changed]);
    // The outer write survived the rollback: it ran after the transaction, outside it.
    expect(order.slice(0, 2)).toEqual(['inside written', 'transaction fails']);
    expect(order.slice(2).sort()).toEqual(['outer delete changed 0', 'outer read found 0', 'outside written']);
    expect(await names(db)).toEqual(['outside']);
  });

  it('runs two transactions on one connection one after the other, never interleaved', async () => {
    const [{ db }] = onFile() as [OpenedDatabase];
    const order: string[] = [];
    const run = (name: string) =>
      transaction(db, async (tx) => {
        order.push(`${name} begins`);
        await tx.insert(sharedSecrets).values(secret(name));
        await sleep(5);
        order.push(`${name} ends`);
      });
    await Promise.all([run('first'), run('second')]);
    expect(order).toEqual(['first begins', 'first ends', 'second begins', 'second ends']);
    expect(await names(db)).toEqual(['first', 'second']);
  });

  it('nested, is a savepoint: a failure inside, caught by the outer work, undoes only the inner part', async () => {
    const [{ db }] = onFile() as [OpenedDatabase];
    await transaction(db, async (tx) => {
      await tx.insert(sharedSecrets).values(secret('outer'));
      await expect(
        transaction(tx, async (inner) => {
          await inner.insert(sharedSecrets).values(secret('inner, failed'));
          throw new Error('inner failed');
        }),
      ).rejects.toThrow('inner failed');
      const kept = await transaction(tx, async (inner) => {
        await inner.insert(sharedSecrets).values(secret('inner, kept'));
        return 'kept';
      });
      expect(kept).toBe('kept');
      await tx.insert(sharedSecrets).values(secret('outer, after'));
    });
    expect(await names(db)).toEqual(['inner, kept', 'outer', 'outer, after']);
  });

  it('nested, commits nothing of its own: when the outer work fails, the inner writes go with it', async () => {
    const [{ db }] = onFile() as [OpenedDatabase];
    await expect(
      transaction(db, async (tx) => {
        await transaction(tx, async (inner) => {
          await inner.insert(sharedSecrets).values(secret('inner'));
          await transaction(inner, async (innermost) => {
            await innermost.insert(sharedSecrets).values(secret('innermost'));
          });
        });
        throw new Error('outer failed');
      }),
    ).rejects.toThrow('outer failed');
    expect(await names(db)).toEqual([]);
  });
});

describe('rows and execute', () => {
  it('rows gives the rows of raw SQL as objects keyed by column name, with bound values', async () => {
    const [{ db }] = onFile() as [OpenedDatabase];
    await db.insert(sharedSecrets).values([secret('a'), secret('b'), secret('c')]);
    const answer = await rows<{ name: string; created: number }>(db, sql`select name, created_at as created from shared_secrets where name <> ${'b'} order by name`);
    expect(answer).toEqual([
      { name: 'a', created: T0 },
      { name: 'c', created: T0 },
    ]);
    expect(await rows(db, sql`select name from shared_secrets where name = ${'nobody'}`)).toEqual([]);
    // A write with RETURNING answers its rows too.
    expect(await rows(db, sql`insert into shared_secrets (name, value, created_at) values (${'d'}, ${'v'}, ${T0}) returning name`)).toEqual([{ name: 'd' }]);
  });

  it('execute gives the number of rows a statement changed', async () => {
    const [{ db }] = onFile() as [OpenedDatabase];
    await db.insert(sharedSecrets).values([secret('a'), secret('b'), secret('c')]);
    expect(await execute(db, sql`update shared_secrets set value = ${'new'} where name in (${'a'}, ${'b'})`)).toBe(2);
    expect(await execute(db, sql`delete from shared_secrets where name = ${'nobody'}`)).toBe(0);
    expect(await execute(db, sql`delete from shared_secrets`)).toBe(3);
  });

  it('both run inside a transaction on its handle, and roll back with it', async () => {
    const [{ db }] = onFile() as [OpenedDatabase];
    await expect(
      transaction(db, async (tx) => {
        expect(await execute(tx, sql`insert into shared_secrets (name, value, created_at) values (${'a'}, ${'v'}, ${T0})`)).toBe(1);
        expect(await rows(tx, sql`select name from shared_secrets`)).toEqual([{ name: 'a' }]);
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect(await rows(db, sql`select name from shared_secrets`)).toEqual([]);
  });

  it('awaited builders give rows, `.returning()` the written rows, and first() the first or undefined', async () => {
    const [{ db }] = onFile() as [OpenedDatabase];
    const [written] = await db.insert(sharedSecrets).values(secret('a')).returning();
    expect(written).toEqual(secret('a'));
    expect(await db.update(sharedSecrets).set({ value: 'b' }).where(eq(sharedSecrets.name, 'a')).returning({ name: sharedSecrets.name })).toEqual([{ name: 'a' }]);
    expect(await db.delete(sharedSecrets).where(eq(sharedSecrets.name, 'nobody')).returning({ name: sharedSecrets.name })).toEqual([]);
    expect(first(await db.select().from(sharedSecrets).limit(1))).toEqual({ ...secret('a'), value: 'b' });
    expect(first(await db.select().from(sharedSecrets).where(eq(sharedSecrets.name, 'nobody')).limit(1))).toBeUndefined();
  });
});

describe('the session under the handles (db/sqlite-session.ts)', () => {
  it('maps joined rows as Drizzle does: a left join that found nothing gives null for the joined table', async () => {
    const [{ db }] = onFile() as [OpenedDatabase];
    await db.insert(sharedSecrets).values([secret('a'), secret('b')]);
    const other = alias(sharedSecrets, 'other');
    const joined = await db
      .select({ name: sharedSecrets.name, other })
      .from(sharedSecrets)
      .leftJoin(other, eq(other.value, sql`'value of ' || ${sharedSecrets.name} || ${'-missing'}`))
      .orderBy(sharedSecrets.name);
    expect(joined).toEqual([
      { name: 'a', other: null },
      { name: 'b', other: null },
    ]);
    const found = await db.select({ name: sharedSecrets.name, other }).from(sharedSecrets).innerJoin(other, eq(other.name, sharedSecrets.name)).where(eq(sharedSecrets.name, 'b'));
    expect(found).toEqual([{ name: 'b', other: secret('b') }]);
    expect(await db.$count(sharedSecrets)).toBe(2);
  });

  it('gives raw SQL objects keyed by column and the builder its mapped rows, for the same SQL text, in any order', async () => {
    const [{ db }] = onFile() as [OpenedDatabase];
    await db.insert(sharedSecrets).values(secret('a'));
    const builder = () => db.select().from(sharedSecrets);
    const text = builder().toSQL().sql;
    for (let round = 0; round < 2; round++) {
      expect(await rows(db, sql.raw(text))).toEqual([{ name: 'a', value: 'value of a', created_at: T0 }]);
      expect(await builder()).toEqual([secret('a')]);
    }
  });

  it('keeps a prepared query answering after its statement has left the statement cache', async () => {
    const [{ db }] = onFile() as [OpenedDatabase];
    await db.insert(sharedSecrets).values(secret('a'));
    const byName = db.select({ value: sharedSecrets.value }).from(sharedSecrets).where(eq(sharedSecrets.name, sql.placeholder('name'))).prepare();
    // More distinct statements than the cache keeps (500 per row shape).
    for (let n = 0; n < 510; n++) await db.select({ n: sql<number>`${sql.raw(String(n))}` }).from(sharedSecrets);
    expect(await byName.execute({ name: 'a' })).toEqual([{ value: 'value of a' }]);
  });

  it('rejects (never throws) a failed statement, with SQLite\'s error as the cause', async () => {
    const [{ db }] = onFile() as [OpenedDatabase];
    await db.insert(sharedSecrets).values(secret('a'));
    let pending: Promise<unknown> | undefined;
    expect(() => {
      pending = db.insert(sharedSecrets).values(secret('a')).then(
        () => 'written',
        (error: unknown) => error,
      );
    }).not.toThrow();
    const error = (await pending) as DrizzleQueryError;
    expect(error).toBeInstanceOf(DrizzleQueryError);
    expect((error.cause as { code?: string }).code).toBe('SQLITE_CONSTRAINT_PRIMARYKEY');
    await expect(rows(db, sql`select * from no_such_table`)).rejects.toThrow(/no such table/);
  });

  it("refuses Drizzle's own transaction: every transaction goes through transaction()", async () => {
    const [{ db }] = onFile() as [OpenedDatabase];
    expect(() => db.transaction(async () => {})).toThrow(/transaction\(\) from db\/connection/);
  });
});

describe('the handles', () => {
  it('say their engine, and lead to the SQLite connection under them', async () => {
    const [{ db, sqlite }] = onFile() as [OpenedDatabase];
    expect(engineOf(db)).toBe('sqlite');
    expect(sqliteConnectionOf(db)).toBe(sqlite);
    await transaction(db, async (tx) => {
      expect(engineOf(tx)).toBe('sqlite');
      expect(sqliteConnectionOf(tx)).toBe(sqlite);
    });
    expect(() => engineOf({} as Db)).toThrow(/not opened by openDatabase or openPostgres/);
  });

  it('prepared keeps one query per handle and name, and runs it with placeholders', async () => {
    const [{ db }] = onFile() as [OpenedDatabase];
    await db.insert(sharedSecrets).values([secret('a'), secret('b')]);
    let built = 0;
    const byName = (handle: Db) =>
      prepared(handle, 'test-secret-by-name', (handle) => {
        built += 1;
        return handle.select({ value: sharedSecrets.value }).from(sharedSecrets).where(eq(sharedSecrets.name, sql.placeholder('name'))).prepare();
      });
    expect(byName(db)).toBe(byName(db));
    expect(built).toBe(1);
    expect(await byName(db).execute({ name: 'b' })).toEqual([{ value: 'value of b' }]);
    expect(await byName(db).execute({ name: 'nobody' })).toEqual([]);
    await transaction(db, async (tx) => {
      expect(byName(tx)).not.toBe(byName(db));
      expect(await byName(tx).execute({ name: 'a' })).toEqual([{ value: 'value of a' }]);
    });
    expect(built).toBe(2);
  });

  it('closeDatabase closes the connection', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'marginalia-connection-'));
    dirs.push(dir);
    const { db, sqlite } = openDatabase(join(dir, 'test.db'));
    await closeDatabase(db);
    expect(sqlite.open).toBe(false);
  });
});

describe('changeStamp', () => {
  it("stands while nothing is written, and moves on this connection's writes and on another connection's commits", async () => {
    const [a, b] = onFile(2) as [OpenedDatabase, OpenedDatabase];
    const stamp = changeStamp(a.db);
    const before = stamp();
    await a.db.select().from(sharedSecrets);
    expect(stamp()).toBe(before);
    await a.db.insert(sharedSecrets).values(secret('mine'));
    const afterMine = stamp();
    expect(afterMine).not.toBe(before);
    await b.db.insert(sharedSecrets).values(secret('theirs'));
    expect(stamp()).not.toBe(afterMine);
  });
});

describe('lightWriter', () => {
  const mode = (o: OpenedDatabase) => o.sqlite.pragma('synchronous', { simple: true });

  it('commits its write with synchronous=NORMAL and puts FULL back afterwards, also when the write fails', async () => {
    const [a] = onFile() as [OpenedDatabase];
    const write = lightWriter(a.db);
    expect(mode(a)).toBe(2); // FULL
    const during = await write(async (db) => {
      await db.insert(sharedSecrets).values(secret('light'));
      return mode(a);
    });
    expect(during).toBe(1); // NORMAL
    expect(mode(a)).toBe(2);
    expect(await names(a.db)).toEqual(['light']);
    await expect(
      write(async (db) => {
        await db.insert(sharedSecrets).values(secret('light')); // taken: a constraint error
      }),
    ).rejects.toThrow();
    expect(mode(a)).toBe(2);
  });

  it('holds the connection meanwhile: an outer write waits until FULL is back', async () => {
    const [a] = onFile() as [OpenedDatabase];
    const seen: string[] = [];
    const light = lightWriter(a.db)(async (db) => {
      await db.insert(sharedSecrets).values(secret('light'));
      await sleep(10);
      seen.push('light done');
    });
    await sleep(1);
    const outer = a.db
      .insert(sharedSecrets)
      .values(secret('outer'))
      .then(() => seen.push(`outer written at synchronous=${mode(a)}`));
    await Promise.all([light, outer]);
    expect(seen).toEqual(['light done', 'outer written at synchronous=2']);
    expect(await names(a.db)).toEqual(['light', 'outer']);
  });

  it('inside a transaction, joins it as it is (FULL, and rolled back with it)', async () => {
    const [a] = onFile() as [OpenedDatabase];
    await expect(
      transaction(a.db, async (tx) => {
        const during = await lightWriter(tx)(async (db) => {
          await db.insert(sharedSecrets).values(secret('in transaction'));
          return mode(a);
        });
        expect(during).toBe(2);
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect(await names(a.db)).toEqual([]);
    expect(mode(a)).toBe(2);
  });
});
