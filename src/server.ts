/**
 * Starts Marginalia: reads the configuration, opens (and migrates) the database, imports the
 * books in `content/` that are new, and listens. SIGTERM/SIGINT end the live streams, close the
 * server, then the database, so no write is cut off half-way.
 */
import { serve } from '@hono/node-server';
import { changeStamp, lightWriter, openDatabase } from '../db/connection';
import { createApp } from './app';
import { deleteExpiredSessions } from './auth';
import { loadConfig } from './config';
import { CrossProcessEventBus, databaseEventLog } from './events';
import { createRateLimiters } from './http/rate-limit';
import { databaseRateCounters } from './http/rate-counters';

const config = loadConfig();
const { db, sqlite } = openDatabase(config.databasePath, { synchronous: config.databaseSynchronous });
const log = (line: Record<string, unknown>) => {
  if (!config.logRequests && line.level === 'info') return;
  process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), ...line })}\n`);
};

deleteExpiredSessions(db, Date.now());
if (config.importContent) {
  const { importContentFolder } = await import('./books');
  await importContentFolder({ db, sqlite, config, log });
}

// In the database, so every app process on it counts against the same limits (docs/operations.md).
// Shared rows are written without waiting for the disk (lightWriter, db/connection.ts).
const write = lightWriter({ db, sqlite });
const rateLimiters = createRateLimiters({ postingPerUser: { limit: config.postingPerMinute, windowMs: 60_000 } }, databaseRateCounters(db, write));
const shutdownHooks: (() => void)[] = [];
// Domain events reach the other app processes on this database through its shared log (src/events/shared.ts).
// The log is read only when the database changed since the last read (changeStamp).
const events = new CrossProcessEventBus(databaseEventLog(db, write), {
  clock: Date.now,
  stamp: changeStamp(sqlite),
  pollMs: config.eventsPollMs,
  onListenerError: (error, event) => log({ level: 'error', message: `event listener failed on ${event.type}: ${(error as Error).message}` }),
  onLogError: (error) => log({ level: 'error', message: `shared event log: ${(error as Error).message}` }),
});
events.start();
shutdownHooks.push(() => events.stop());
const app = createApp({ db, sqlite, config, clock: Date.now, log, rateLimiters, events, onShutdown: (hook) => shutdownHooks.push(hook) });
const server = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, (info) => {
  log({ level: 'notice', message: `Marginalia listening on http://${info.address}:${info.port} (origin ${config.origin})` });
});
const housekeeping = setInterval(() => deleteExpiredSessions(db, Date.now()), 60 * 60 * 1000).unref();

/** Logged when open connections held the shutdown until its fallback timer (tests look for it). */
const SHUTDOWN_FALLBACK_MESSAGE = 'connections still open';

let closing = false;
function shutdown(signal: string) {
  if (closing) return;
  closing = true;
  log({ level: 'notice', message: `${signal} received, closing` });
  clearInterval(housekeeping);
  // End the live streams first: an open stream would otherwise keep server.close() waiting.
  for (const hook of shutdownHooks) hook();
  server.close(() => {
    sqlite.close();
    process.exit(0);
  });
  setTimeout(() => {
    log({ level: 'warning', message: `${SHUTDOWN_FALLBACK_MESSAGE} after 5 s; exiting anyway` });
    sqlite.close();
    process.exit(0);
  }, 5000).unref();
}
process.on('SIGTERM', () => shutdown('SIGTERM'));
process.on('SIGINT', () => shutdown('SIGINT'));
