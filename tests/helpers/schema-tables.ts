/** Every table of each engine's Drizzle schema (db/schema for SQLite, db/schema-pg for PostgreSQL). */
import { is } from 'drizzle-orm';
import { PgTable } from 'drizzle-orm/pg-core';
import { SQLiteTable } from 'drizzle-orm/sqlite-core';
import * as sqliteSchema from '../../db/schema';
import * as pgSchema from '../../db/schema-pg';

export const sqliteTables: SQLiteTable[] = Object.values(sqliteSchema as Record<string, unknown>).filter((value): value is SQLiteTable =>
  is(value, SQLiteTable),
);

export const pgTables: PgTable[] = Object.values(pgSchema as Record<string, unknown>).filter((value): value is PgTable => is(value, PgTable));
