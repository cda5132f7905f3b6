/**
 * Drizzle's asynchronous SQLite API run straight on better-sqlite3: the session under every
 * SQLite {@link Db} handle (db/connection.ts).
 *
 * Drizzle's own async SQLite drivers (`sqlite-proxy`, libsql) hand each query to a callback and
 * await it through four or five `async` functions; on a synchronous driver those promises are
 * the whole cost of being asynchronous (and more than it looks wherever something in the process
 * has turned on Node 20's promise hooks, as `hono/jsx`'s AsyncLocalStorage did before
 * patches/hono+4.13.19.patch).
 * This session runs the statement at once, when the query is awaited, and answers with one
 * settled promise. A query on the outer handle while a transaction is open waits for it to end
 * (the connection's gate), as before.
 *
 * Statements are kept prepared by their SQL text in two caches, one per row shape (arrays for
 * Drizzle's mapped selects, objects for raw SQL through `rows()`), so neither ever switches a
 * statement's mode; a prepared query ({@link prepared}) keeps its statement.
 */
import type Database from 'better-sqlite3';
import { createTableRelationsHelpers, DrizzleQueryError, entityKind, extractTablesRelationalConfig, fillPlaceholders, type ExtractTablesWithRelations, type Query } from 'drizzle-orm';
import { BaseSQLiteDatabase, SQLiteAsyncDialect, SQLitePreparedQuery, SQLiteSession, type PreparedQueryConfig, type SelectedFieldsOrdered, type SQLiteExecuteMethod } from 'drizzle-orm/sqlite-core';
import * as drizzleUtils from 'drizzle-orm/utils';

/**
 * Drizzle's own mapping of a row of values to its selected fields, as its drivers use it (not in
 * its declared types: marked internal). Its tests in tests/unit/db/connection.test.ts.
 */
const mapResultRow = (drizzleUtils as unknown as { mapResultRow: (fields: SelectedFieldsOrdered, row: unknown[], joinsNotNullableMap: Record<string, boolean> | undefined) => unknown }).mapResultRow;

type Statement = Database.Statement<unknown[], unknown>;

/** What the session asks of the connection it runs on. */
export interface SessionConnection {
  /** Settles when the open transaction ends; null when none is open. */
  readonly open: Promise<void> | null;
}

/**
 * Runs `work` at once, or, while `gate` is closed (a transaction is open), once it opens again:
 * one settled promise either way. A null gate (a transaction's own handle) never waits.
 */
export function whenOpen<T>(gate: SessionConnection | null, work: () => T): Promise<T> {
  if (gate?.open) return afterGate(gate, work);
  try {
    return Promise.resolve(work());
  } catch (error) {
    return Promise.reject(error);
  }
}

async function afterGate<T>(gate: SessionConnection, work: () => T): Promise<T> {
  while (gate.open) await gate.open;
  return work();
}

/**
 * Statements by SQL text, each in one row shape for good; at most `limit` per shape. Drizzle
 * would prepare every query anew, and compiling the same SQL again on every request was the
 * largest single cost of a comment post (measured: about a third of it).
 */
export class StatementCache {
  private readonly arrays = new Map<string, Statement>();
  private readonly objects = new Map<string, Statement>();

  constructor(
    private readonly sqlite: Database.Database,
    private readonly limit = 500,
  ) {}

  /** A statement whose rows are arrays (Drizzle maps them to its fields). */
  arrayRows(source: string): Statement {
    return this.take(this.arrays, source, true);
  }

  /** A statement whose rows are objects keyed by column name. */
  objectRows(source: string): Statement {
    return this.take(this.objects, source, false);
  }

  private take(statements: Map<string, Statement>, source: string, raw: boolean): Statement {
    let statement = statements.get(source);
    if (statement) return statement;
    statement = this.sqlite.prepare(source) as Statement;
    if (raw && statement.reader) statement.raw(true);
    // Oldest first out: a Map keeps insertion order.
    if (statements.size >= this.limit) statements.delete(statements.keys().next().value!);
    statements.set(source, statement);
    return statement;
  }
}

/** The Drizzle handles on one connection, and what raw SQL on it needs. */
export interface DirectDatabases {
  /** The outer handle (a `BaseSQLiteDatabase`, typed by the caller's schema): its queries wait while `connection.open`. */
  outer: object;
  /** The open transaction's handle: its queries go straight through. */
  tx: object;
  dialect: SQLiteAsyncDialect;
  statements: StatementCache;
}

/** Drizzle's async API over `sqlite` and the tables of `schema`, gated by `connection`. */
export function directDatabases(sqlite: Database.Database, connection: SessionConnection, schema: Record<string, unknown>): DirectDatabases {
  const dialect = new SQLiteAsyncDialect();
  const statements = new StatementCache(sqlite);
  const tables = extractTablesRelationalConfig(schema, createTableRelationsHelpers);
  const relational = { fullSchema: schema, schema: tables.tables, tableNamesMap: tables.tableNamesMap };
  const handle = (gate: SessionConnection | null) => new BaseSQLiteDatabase('async', dialect, new DirectSession(dialect, statements, gate), relational);
  return { outer: handle(connection), tx: handle(null), dialect, statements };
}

class DirectSession extends SQLiteSession<'async', Database.RunResult, Record<string, unknown>, ExtractTablesWithRelations<Record<string, unknown>>> {
  static override readonly [entityKind]: string = 'MarginaliaDirectSession';

  constructor(
    dialect: SQLiteAsyncDialect,
    private readonly statements: StatementCache,
    private readonly gate: SessionConnection | null,
  ) {
    super(dialect);
  }

  prepareQuery<T extends Omit<PreparedQueryConfig, 'run'>>(
    query: Query,
    fields: SelectedFieldsOrdered | undefined,
    executeMethod: SQLiteExecuteMethod,
    _isResponseInArrayMode: boolean,
    customResultMapper?: (rows: unknown[][]) => unknown,
  ): DirectPreparedQuery<T & { type: 'async'; run: Database.RunResult }> {
    const shaped = fields !== undefined || customResultMapper !== undefined;
    const statement = shaped ? this.statements.arrayRows(query.sql) : this.statements.objectRows(query.sql);
    return new DirectPreparedQuery(statement, this.statements, query, this.gate, fields, executeMethod, shaped, customResultMapper);
  }

  override transaction(): never {
    throw new Error('Use transaction() from db/connection: it holds the connection for the whole transaction');
  }
}

class DirectPreparedQuery<T extends PreparedQueryConfig> extends SQLitePreparedQuery<T> {
  static override readonly [entityKind]: string = 'MarginaliaDirectPreparedQuery';

  constructor(
    private readonly statement: Statement,
    private readonly statements: StatementCache,
    query: Query,
    private readonly gate: SessionConnection | null,
    private readonly fields: SelectedFieldsOrdered | undefined,
    executeMethod: SQLiteExecuteMethod,
    private readonly shaped: boolean,
    private readonly customResultMapper?: (rows: unknown[][]) => unknown,
  ) {
    super('async', executeMethod, query);
  }

  /** Which joined tables' columns may be all null (set by Drizzle's select builder; internal to it). */
  private get notNullable(): Record<string, boolean> | undefined {
    return (this as unknown as { joinsNotNullableMap?: Record<string, boolean> }).joinsNotNullableMap;
  }

  /** Runs `work` now (or once the open transaction ends, on the outer handle); a failure as Drizzle reports one. */
  private now<R>(params: unknown[], work: (params: unknown[]) => R): Promise<R> {
    return whenOpen(this.gate, () => {
      try {
        return work(params);
      } catch (error) {
        throw new DrizzleQueryError(this.query.sql, params, error as Error);
      }
    });
  }

  private params(placeholderValues: Record<string, unknown> | undefined): unknown[] {
    return placeholderValues === undefined && this.query.params.length === 0 ? this.query.params : fillPlaceholders(this.query.params, placeholderValues ?? {});
  }

  run(placeholderValues?: Record<string, unknown>): Promise<T['run']> {
    return this.now(this.params(placeholderValues), (params) => this.statement.run(...params));
  }

  all(placeholderValues?: Record<string, unknown>): Promise<T['all']> {
    return this.now(this.params(placeholderValues), (params) => {
      // A write without RETURNING asked for rows (as Drizzle's builders may): it runs, and has none.
      if (!this.statement.reader) {
        this.statement.run(...params);
        return [];
      }
      const rows = this.statement.all(...params) as unknown[][];
      if (!this.shaped) return rows;
      if (this.customResultMapper) return this.customResultMapper(rows);
      return rows.map((row) => mapResultRow(this.fields!, row, this.notNullable));
    });
  }

  get(placeholderValues?: Record<string, unknown>): Promise<T['get']> {
    return this.now(this.params(placeholderValues), (params) => {
      if (!this.statement.reader) {
        this.statement.run(...params);
        return undefined;
      }
      const row = this.statement.get(...params) as unknown[] | undefined;
      if (!this.shaped || row === undefined) return row;
      if (this.customResultMapper) return this.customResultMapper([row]);
      return mapResultRow(this.fields!, row, this.notNullable);
    });
  }

  values(placeholderValues?: Record<string, unknown>): Promise<T['values']> {
    return this.now(this.params(placeholderValues), (params) => {
      if (!this.statement.reader) {
        this.statement.run(...params);
        return [];
      }
      // Arrays whatever this query's shape: `values()` is asked of Drizzle's `$count` and of no area.
      return (this.shaped ? this.statement : this.statements.arrayRows(this.query.sql)).all(...params);
    });
  }

  isResponseInArrayMode(): boolean {
    return this.shaped;
  }
}
