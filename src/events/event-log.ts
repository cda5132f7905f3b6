/**
 * The shared event log in the database (`shared_events`, db/schema/shared.ts), through drizzle
 * with portable SQL. On SQLite ids become visible in order (one writer at a time), which is what
 * {@link EventLog} asks; see there for PostgreSQL.
 */
import { desc, gt, lt, sql } from 'drizzle-orm';
import { prepared, type Db, type LightWrite } from '../../db/connection';
import { sharedEvents } from '../../db/schema';
import type { DomainEvent } from './index';
import type { EventLog } from './shared';

const p = (name: string) => sql.placeholder(name);

/** Appends and prunes through `write` (the app passes `lightWriter`, db/connection.ts). */
export function databaseEventLog(db: Db, write: LightWrite = (work) => work(db)): EventLog {
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
    append: (origin, event, now) => void write((db) => append(db).run({ origin, payload: JSON.stringify(event), now })),
    after: (id, limit) => after.all({ id, limit }).map((row) => ({ id: row.id, origin: row.origin, event: JSON.parse(row.payload) as DomainEvent })),
    lastId: () => last.get()?.id ?? 0,
    prune: (before) => void write((db) => prune(db).run({ before })),
  };
}
