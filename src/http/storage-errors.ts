/**
 * When the database cannot take a write: the disk is full (`SQLITE_FULL`; PostgreSQL's class 53,
 * `disk_full` and other insufficient resources), the file or its file system is read-only
 * (`SQLITE_READONLY*`; PostgreSQL's `read_only_sql_transaction`, a hot standby), the disk failed
 * (`SQLITE_IOERR*`; PostgreSQL's class 58, system errors), or the write lock stayed taken past
 * `busy_timeout` (`SQLITE_BUSY*`; PostgreSQL's lock timeouts, and a server that is shutting
 * down, starting up or unreachable). Either engine then rolls the statement or transaction back
 * whole, so nothing is half-written; the reader gets a 503 page in their language saying that
 * nothing was saved, and everything that only reads keeps working.
 *
 * @example
 * app.onError((error, c) => {
 *   const failure = storageFailure(error);
 *   if (failure) return storageUnavailable(c, failure);
 *   …
 * });
 */
import type { Context } from 'hono';
import { renderError } from './errors';
import type { AppEnv } from './types';

export type StorageFailure = 'full' | 'read-only' | 'io' | 'busy';

const FAILURES: [prefix: string, failure: StorageFailure][] = [
  ['SQLITE_FULL', 'full'],
  ['SQLITE_READONLY', 'read-only'],
  ['SQLITE_IOERR', 'io'],
  ['SQLITE_BUSY', 'busy'],
];

/** PostgreSQL's SQLSTATE codes (five characters) and classes (their first two). */
const POSTGRES_FAILURES: [code: string, failure: StorageFailure][] = [
  ['53', 'full'], // insufficient resources: disk_full, out_of_memory, too_many_connections
  ['25006', 'read-only'], // read_only_sql_transaction (a standby, or default_transaction_read_only)
  ['58', 'io'], // system error: io_error, undefined_file
  ['55P03', 'busy'], // lock_not_available
  ['57P01', 'busy'], // admin_shutdown
  ['57P03', 'busy'], // cannot_connect_now (starting up)
  ['08', 'busy'], // connection exception
];

/** Node's own codes when PostgreSQL cannot be reached at all. */
const UNREACHABLE = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE']);

/** What kind of storage failure `error` is (looking through Drizzle's wrapping), or null for anything else. */
export function storageFailure(error: unknown): StorageFailure | null {
  for (let cause = error, depth = 0; cause && depth < 5; cause = (cause as { cause?: unknown }).cause, depth++) {
    const code = (cause as { code?: unknown }).code;
    if (typeof code !== 'string') continue;
    const match = FAILURES.find(([prefix]) => code === prefix || code.startsWith(`${prefix}_`));
    if (match) return match[1];
    if (UNREACHABLE.has(code)) return 'busy';
    if (/^[0-9A-Z]{5}$/.test(code)) {
      const postgres = POSTGRES_FAILURES.find(([known]) => code === known || (known.length === 2 && code.startsWith(known)));
      if (postgres) return postgres[1];
    }
  }
  return null;
}

/**
 * Runs a write that is only a convenience (renewing a session's expiry while a page is read):
 * true when it was written, false when storage refused it, so the read goes on regardless.
 */
export async function writeIfPossible(write: () => Promise<unknown>): Promise<boolean> {
  try {
    await write();
    return true;
  } catch (error) {
    if (storageFailure(error)) return false;
    throw error;
  }
}

/** The 503 page: a write was refused and nothing of it was saved (or, on a GET, the page could not be read). */
export function storageUnavailable(c: Context<AppEnv>, failure: StorageFailure) {
  // A busy lock clears in moments; a full or read-only disk needs the operator, so no promise then.
  if (failure === 'busy') c.header('Retry-After', '5');
  const reading = c.req.method === 'GET' || c.req.method === 'HEAD';
  return renderError(c, 503, reading ? 'error.503.read' : 'error.503.body');
}
