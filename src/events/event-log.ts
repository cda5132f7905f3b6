/**
 * The shared event log in the database (`shared_events`, db/schema/shared.ts), through drizzle
 * with portable SQL. {@link EventLog} asks that ids become visible in order: on SQLite they do
 * (one writer at a time); on PostgreSQL each append holds a transaction-level advisory lock, so
 * appends commit one after another in id order.
 */
import { desc, gt, lt, sql } from 'drizzle-orm';
import { engineOf, execute, first, lightWriter, prepared, transaction, type Db, type LightWrite } from '../../db/connection';
import { sharedEvents } from '../../db/schema';
import type { DomainEvent } from './index';
import type { EventLog } from './shared';

const p = (name: string) => sql.placeholder(name);

/** The PostgreSQL channel appends are announced on (`NOTIFY`), so other processes read the log at once. */
export const EVENTS_CHANNEL = 'marginalia_events';

/** PostgreSQL's advisory lock key for appends ("mgevents" in 8 bytes, as a signed bigint's text). */
const APPEND_LOCK = '7874585045462148211';

/** Appends and prunes through `write` (the app passes `lightWriter`, db/connection.ts). */
export function databaseEventLog(db: Db, write: LightWrite = lightWriter(db)): EventLog {
  const append = (db: Db) => prepared(db, 'events-append', (db) => db.insert(sharedEvents).values({ origin: p('origin'), payload: p('payload'), createdAt: p('now') }).prepare());
  const after = prepared(db, 'events-after', (db) =>
    db
      .select({ id: sharedEvents.id, origin: sharedEvents.origin, payload: sharedEvents.payload })
      .from(sharedEvents)
      .where(gt(sharedEvents.id, p('id')))
      .orderBy(sharedEvents.id)
      .limit(p('limit'))
      .prepare(),
  );
  const last = prepared(db, 'events-last', (db) => db.select({ id: sharedEvents.id }).from(sharedEvents).orderBy(desc(sharedEvents.id)).limit(1).prepare());
  const prune = (db: Db) => prepared(db, 'events-prune', (db) => db.delete(sharedEvents).where(lt(sharedEvents.createdAt, p('before'))).prepare());
  return {
    append: async (origin, event, now) => {
      const row = { origin, payload: JSON.stringify(event), now };
      if (engineOf(db) === 'sqlite') await write((db) => append(db).execute(row));
      else
        await transaction(db, async (tx) => {
          // Sequence values are drawn before commit: one append at a time, so ids commit in order.
          await execute(tx, sql`select pg_advisory_xact_lock(${APPEND_LOCK})`);
          await append(tx).execute(row);
          // Delivered to every listening process when this commits (their wake-up: db/connection-pg.ts `listen`).
          await execute(tx, sql`select pg_notify(${EVENTS_CHANNEL}, '')`);
        });
    },
    after: async (id, limit) =>
      (await after.execute({ id, limit })).map((row) => ({ id: row.id, origin: row.origin, event: JSON.parse(row.payload) as DomainEvent })),
    lastId: async () => first(await last.execute())?.id ?? 0,
    prune: async (before) => {
      await write((db) => prune(db).execute({ before }));
    },
  };
}
