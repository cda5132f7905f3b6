/**
 * The PostgreSQL schema (db/schema-pg) mirrors the SQLite schema (db/schema) table for table,
 * column for column, so one set of queries can serve both engines (docs/postgres.md): the same
 * column names and JavaScript types, nullability, defaults, primary keys, unique columns,
 * indexes (with their uniqueness and partial conditions) and foreign keys with their actions.
 * Adding a column, an index or a table to one schema only fails here (and the row types, checked
 * by `tsc`, fail the type check).
 */
import { Column, getTableName, is, SQL, StringChunk, type InferInsertModel, type InferSelectModel } from 'drizzle-orm';
import { getTableConfig as getPgTableConfig, index as pgIndex, integer as pgInteger, pgTable, text as pgText, type PgColumn, type PgTable } from 'drizzle-orm/pg-core';
import {
  getTableConfig as getSqliteTableConfig,
  index as sqliteIndex,
  integer,
  sqliteTable,
  text,
  uniqueIndex as sqliteUniqueIndex,
  type SQLiteColumn,
  type SQLiteTable,
} from 'drizzle-orm/sqlite-core';
import { describe, expect, it } from 'vitest';
import type * as sqliteSchema from '../../../db/schema';
import type * as pgSchema from '../../../db/schema-pg';
import { millis } from '../../../db/schema-pg/columns';
import { pgTables, sqliteTables } from '../../helpers/schema-tables';

// ---- The row types: the same on both engines (a compile-time check, run by `tsc --noEmit`). ----
// Rows read are identical. Rows written have the same properties and types; only which are
// optional may differ: SQLite lets an `integer` primary key without autoIncrement be left out
// (it is the rowid, numbered like an id), PostgreSQL rightly requires it (calendar_feeds.user_id,
// club_moderation_settings.club_id, notification_addresses.user_id; the app always gives it).
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true : false;
type SqliteSchema = typeof sqliteSchema;
type PgSchema = typeof pgSchema;
type TableKey = { [K in keyof SqliteSchema]: SqliteSchema[K] extends SQLiteTable ? K : never }[keyof SqliteSchema];
type RowTypeMismatch = {
  [K in TableKey]: K extends keyof PgSchema
    ? PgSchema[K] extends PgTable
      ? Equal<InferSelectModel<SqliteSchema[K]>, InferSelectModel<PgSchema[K]>> extends true
        ? Equal<Required<InferInsertModel<SqliteSchema[K]>>, Required<InferInsertModel<PgSchema[K]>>> extends true
          ? never
          : K
        : K
      : K
    : K;
}[TableKey];
/** Names the tables whose select or insert types differ between the engines, when any do. */
const rowTypesMatch: [RowTypeMismatch] extends [never] ? true : { tablesWithDifferentRowTypes: RowTypeMismatch } = true;

// ---- The database shape: compared at run time through getTableConfig. ----

/** The text of a partial index's condition (written as a plain `sql` string in both schemas). */
/**
 * A partial index's condition as text: columns by name, and a boolean compared with `true` /
 * `false` (PostgreSQL) read as SQLite's integer `1` / `0`.
 */
function sqlText(value: SQL | undefined): string | null {
  if (!value) return null;
  return value.queryChunks
    .map((chunk) => (is(chunk, StringChunk) ? chunk.value.join('') : is(chunk, Column) ? `"${chunk.name}"` : String(chunk)))
    .join('')
    .replace(/= true\b/g, '= 1')
    .replace(/= false\b/g, '= 0')
    .trim();
}

/** Which JavaScript type a column's values have, and so which PostgreSQL types may hold them. */
function sqliteKind(column: SQLiteColumn): string {
  if (column.columnType === 'SQLiteInteger' || column.columnType === 'SQLiteTimestamp') return 'integer';
  if (column.columnType === 'SQLiteReal') return 'float';
  return column.dataType; // string, boolean, json, buffer
}

function pgKind(column: PgColumn): string {
  if (column.columnType === 'PgInteger' || column.columnType === 'PgBigInt53') return 'integer';
  if (column.columnType === 'PgDoublePrecision') return 'float';
  if (column.columnType === 'PgCustomColumn' && column.getSQLType() === 'bytea') return 'buffer';
  if (column.columnType === 'PgJsonb' || column.columnType === 'PgJson') return 'json';
  if (column.columnType === 'PgText') return 'string';
  if (column.columnType === 'PgBoolean') return 'boolean';
  return `unmapped ${column.columnType}`;
}

/** Columns holding a time (integer milliseconds): `bigint` in PostgreSQL, since 2^31 ms is 1970. */
const TIME_COLUMN = /(_at|^until|^lease_until|^at)$/;

function columnShape(kind: string, column: SQLiteColumn | PgColumn, autoIncrement: boolean) {
  return {
    kind,
    notNull: column.notNull,
    primary: column.primary,
    unique: column.isUnique,
    default: column.default instanceof SQL ? sqlText(column.default) : (column.default ?? null),
    enumValues: column.enumValues ?? null,
    autoIncrement,
  };
}

interface Shape {
  columns: Record<string, ReturnType<typeof columnShape>>;
  primaryKeys: string[][];
  indexes: Record<string, { columns: string[]; unique: boolean; where: string | null }>;
  foreignKeys: Record<string, { to: string; onDelete: string; onUpdate: string }>;
}

function columnNames(columns: readonly unknown[]): string[] {
  return columns.map((column) => (column as { name: string }).name);
}

/** Keys, indexes and foreign keys: read the same way from either engine's table config. */
type KeyConfig = Pick<ReturnType<typeof getSqliteTableConfig>, 'primaryKeys' | 'indexes' | 'foreignKeys'> | Pick<ReturnType<typeof getPgTableConfig>, 'primaryKeys' | 'indexes' | 'foreignKeys'>;

function keysShape(config: KeyConfig): Omit<Shape, 'columns'> {
  return {
    primaryKeys: config.primaryKeys.map((key) => columnNames(key.columns)),
    indexes: Object.fromEntries(
      config.indexes.map((index) => [index.config.name, { columns: columnNames(index.config.columns), unique: index.config.unique, where: sqlText(index.config.where) }]),
    ),
    foreignKeys: Object.fromEntries(
      config.foreignKeys.map((key) => {
        const reference = key.reference();
        return [
          columnNames(reference.columns).join(','),
          { to: `${getTableName(reference.foreignTable)}(${columnNames(reference.foreignColumns).join(',')})`, onDelete: key.onDelete ?? 'no action', onUpdate: key.onUpdate ?? 'no action' },
        ];
      }),
    ),
  };
}

function sqliteShape(table: SQLiteTable): Shape {
  const config = getSqliteTableConfig(table);
  return {
    columns: Object.fromEntries(
      config.columns.map((column) => [column.name, columnShape(sqliteKind(column), column, (column as { autoIncrement?: boolean }).autoIncrement === true)]),
    ),
    ...keysShape(config),
  };
}

function pgShape(table: PgTable): Shape {
  const config = getPgTableConfig(table);
  return {
    columns: Object.fromEntries(config.columns.map((column) => [column.name, columnShape(pgKind(column), column, column.generatedIdentity?.type === 'byDefault')])),
    ...keysShape(config),
  };
}

const pgByName = new Map(pgTables.map((table) => [getTableName(table), table]));

describe('the PostgreSQL schema mirrors the SQLite schema', () => {
  it('has the same row types (checked by tsc)', () => {
    expect(rowTypesMatch).toBe(true);
  });

  it('has the same tables', () => {
    expect(sqliteTables.length).toBeGreaterThan(40);
    expect(pgTables.map((table) => getTableName(table)).sort()).toEqual(sqliteTables.map((table) => getTableName(table)).sort());
  });

  for (const table of sqliteTables) {
    const name = getTableName(table);
    it(`${name}: the same columns, keys, indexes and foreign keys`, () => {
      const pgTable = pgByName.get(name);
      expect(pgTable, `db/schema-pg has no table ${name}`).toBeDefined();
      expect(pgShape(pgTable!)).toEqual(sqliteShape(table));
    });
  }

  it('keeps every time column a bigint (milliseconds do not fit in integer)', () => {
    for (const table of pgTables) {
      for (const column of getPgTableConfig(table).columns) {
        if (TIME_COLUMN.test(column.name)) expect(`${getTableName(table)}.${column.name} ${column.columnType}`).toBe(`${getTableName(table)}.${column.name} PgBigInt53`);
      }
    }
  });

  it('tells a column added to one schema only, a changed default, nullability, index or cascade', () => {
    const owners = sqliteTable('owners', { id: integer('id').primaryKey({ autoIncrement: true }) });
    const pgOwners = pgTable('owners', { id: pgInteger('id').primaryKey().generatedByDefaultAsIdentity() });
    const sqliteProbe = (extra: { nickname?: boolean; step?: number; nullableName?: boolean; unique?: boolean; setNull?: boolean } = {}) =>
      sqliteTable(
        'probe',
        {
          id: integer('id').primaryKey({ autoIncrement: true }),
          ownerId: integer('owner_id').references(() => owners.id, { onDelete: extra.setNull ? 'set null' : 'cascade' }),
          name: extra.nullableName ? text('name') : text('name').notNull(),
          step: integer('step').notNull().default(extra.step ?? 0),
          createdAt: integer('created_at').notNull(),
          ...(extra.nickname ? { nickname: text('nickname') } : {}),
        },
        (t) => [(extra.unique ? sqliteUniqueIndex : sqliteIndex)('probe_name_idx').on(t.name)],
      );
    const pgProbe = pgTable(
      'probe',
      {
        id: pgInteger('id').primaryKey().generatedByDefaultAsIdentity(),
        ownerId: pgInteger('owner_id').references(() => pgOwners.id, { onDelete: 'cascade' }),
        name: pgText('name').notNull(),
        step: pgInteger('step').notNull().default(0),
        createdAt: millis('created_at').notNull(),
      },
      (t) => [pgIndex('probe_name_idx').on(t.name)],
    );
    expect(pgShape(pgProbe)).toEqual(sqliteShape(sqliteProbe()));
    for (const change of [{ nickname: true }, { step: 1 }, { nullableName: true }, { unique: true }, { setNull: true }]) {
      expect(pgShape(pgProbe), JSON.stringify(change)).not.toEqual(sqliteShape(sqliteProbe(change)));
    }
  });
});
