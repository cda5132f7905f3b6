/**
 * Starts Marginalia: reads the configuration, opens (and migrates) the database — the SQLite
 * file, or PostgreSQL when `DATABASE_URL` is set — imports the books in `content/` that are
 * new, and listens. SIGTERM/SIGINT end the live streams, close the
 * server, then the database, so no write is cut off half-way.
 */
import { serve } from '@hono/node-server';
import { changeStamp, closeDatabase, engineOf, lightWriter } from '../db/connection';
import { openConfiguredDatabase } from '../db/open';
import { createApp } from './app';
import { deleteExpiredSessions } from './auth';
import { loadConfig } from './config';
import { CrossProcessEventBus, databaseEventLog, EVENTS_CHANNEL } from './events';
import { createRateLimiters } from './http/rate-limit';
import { databaseRateCounters } from './http/rate-counters';

const config = loadConfig();
const db = await openConfiguredDatabase(config);
const log = (line: Record<string, unknown>) => {
  if (!config.logRequests && line.level === 'info') return;
  process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), ...line })}\n`);
};

await deleteExpiredSessions(db, Date.now());
if (config.importContent) {
  const { importContentFolder } = await import('./books');
  await importContentFolder({ db, config, log });
}

// In the database, so every app process on it counts against the same limits (docs/operations.md).
// Shared rows are written without waiting for the disk (lightWriter, db/connection.ts).
const write = lightWriter(db);
const rateLimiters = createRateLimiters({ postingPerUser: { limit: config.postingPerMinute, windowMs: 60_000 } }, databaseRateCounters(db, write));
const shutdownHooks: (() => void | Promise<void>)[] = [];
// Domain events reach the other app processes on this database through its shared log (src/events/shared.ts).
// The log is read only when the database changed since the last read (changeStamp).
const events = new CrossProcessEventBus(databaseEventLog(db, write), {
  clock: Date.now,
  stamp: changeStamp(db),
  pollMs: config.eventsPollMs,
  onListenerError: (error, event) => log({ level: 'error', message: `event listener failed on ${event.type}: ${(error as Error).message}` }),
  onLogError: (error) => log({ level: 'error', message: `shared event log: ${(error as Error).message}` }),
});
await events.start();
shutdownHooks.push(() => events.stop());
if (engineOf(db) === 'pg') {
  // PostgreSQL announces each append (NOTIFY): read the log then, not only on the timer.
  const { listen } = await import('../db/connection-pg');
  const unlisten = await listen(db, EVENTS_CHANNEL, () => void events.poll(), (error) => log({ level: 'error', message: `event notifications: ${error.message}` }));
  shutdownHooks.push(unlisten);
}
const app = createApp({ db, config, clock: Date.now, log, rateLimiters, events, onShutdown: (hook) => shutdownHooks.push(hook) });
const server = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, (info) => {
  log({ level: 'notice', message: `Marginalia listening on http://${info.address}:${info.port} (origin ${config.origin})` });
});
const housekeeping = setInterval(() => {
  deleteExpiredSessions(db, Date.now()).catch((error: Error) => log({ level: 'error', message: `session housekeeping: ${error.message}` }));
}, 60 * 60 * 1000).unref();

/** Logged when open connections held the shutdown until its fallback timer (tests look for it). */
const SHUTDOWN_FALLBACK_MESSAGE = 'connections still open';

let closing = false;
function shutdown(signal: string) {
  if (closing) return;
  closing = true;
  log({ level: 'notice', message: `${signal} received, closing` });
  clearInterval(housekeeping);
  // End the live streams first: an open stream would otherwise keep server.close() waiting.
  const hooksDone = Promise.allSettled(shutdownHooks.map(async (hook) => hook()));
  const exit = () => closeDatabase(db).finally(() => process.exit(0));
  server.close(() => {
    void hooksDone.then(exit);
  });
  setTimeout(() => {
    log({ level: 'warning', message: `${SHUTDOWN_FALLBACK_MESSAGE} after 5 s; exiting anyway` });
    void exit();
  }, 5000).unref();
}
process.on('SIGTERM', () => shutdown('SIGTERM'));
process.on('SIGINT', () => shutdown('SIGINT'));
