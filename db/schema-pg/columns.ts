/**
 * The column types the PostgreSQL schema adds to drizzle's pg-core, chosen so that every row
 * has the same TypeScript type on both engines (one set of queries for both; see
 * docs/postgres.md, "Type mapping").
 */
import { bigint, customType } from 'drizzle-orm/pg-core';

/**
 * A time, as everywhere in the schema: integer milliseconds since the epoch (a JavaScript
 * number). `bigint` because milliseconds passed `integer`'s 2^31 in January 1970; read back as a
 * number (exact up to 2^53, the year 287,396).
 */
export function millis(name: string) {
  return bigint(name, { mode: 'number' });
}

/** Bytes (`bytea`), a Node `Buffer` both ways, like SQLite's `blob({ mode: 'buffer' })`. */
export const bytea = customType<{ data: Buffer; driverData: Buffer }>({
  dataType: () => 'bytea',
});
