/**
 * The real entry point, as `npm start` runs it: creates the database folder, migrates, serves,
 * starts a second time on the same database, and exits cleanly on SIGTERM.
 *
 * On an SQLite file, under either suite (`spawnServer` never hands a `DATABASE_URL` on), since
 * what it checks is the file: the folder made, WAL mode, the migrations applied once.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../helpers/net';
import { spawnServer, waitUntilHealthy as healthy, type ServerProcess as Started } from '../../helpers/server';

/** As `npm start` runs it, logging requests, with the origin it works out for itself. */
const start = (databasePath: string, port: number): Started => spawnServer(databasePath, port, { LOG_REQUESTS: 'true', ORIGIN: '' });

/** Minji signs in at a running server (a same-origin form post; the redirect is not followed). */
function signInAt(url: string) {
  const body = new URLSearchParams({ username: 'minji', password: 'correct horse battery' });
  return fetch(`${url}/login`, { method: 'POST', body, redirect: 'manual', headers: { 'sec-fetch-site': 'same-origin' } });
}

describe('src/server.ts', () => {
  let dir: string;
  let databasePath: string;
  const running: Started[] = [];

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'marginalia-server-'));
    databasePath = join(dir, 'nested', 'data', 'marginalia.db');
  });

  afterAll(async () => {
    for (const server of running) if (server.child.exitCode === null && server.child.signalCode === null) server.child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates the nested database folder, migrates, and two servers start on the same database at once', async () => {
    expect(existsSync(join(dir, 'nested'))).toBe(false);
    const [first, second] = [start(databasePath, await freePort()), start(databasePath, await freePort())];
    running.push(first, second);

    for (const server of [first, second]) {
      const response = await healthy(server);
      expect(await response.text()).toBe('ok');
      expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
    }
    expect(existsSync(databasePath)).toBe(true);

    // The schema is there exactly once, in WAL mode.
    const check = new Database(databasePath, { readonly: true });
    try {
      expect(check.pragma('journal_mode', { simple: true })).toBe('wal');
      const migrations = check.prepare('select count(*) as n from __drizzle_migrations').get() as { n: number };
      const applied = check.prepare('select count(distinct hash) as n from __drizzle_migrations').get() as { n: number };
      expect(migrations.n).toBeGreaterThan(0);
      expect(applied.n).toBe(migrations.n);
      expect(check.prepare("select name from sqlite_master where type = 'table' and name in ('users', 'sessions')").all()).toHaveLength(2);
    } finally {
      check.close();
    }

    // Both serve pages, and a sign-up through one is seen by the other.
    const page = await fetch(`${first.url}/`, { headers: { 'accept-language': 'ko' } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<html lang="ko">');
    const body = new URLSearchParams({ username: 'minji', displayName: '민지', password: 'correct horse battery', passwordConfirm: 'correct horse battery' });
    const registered = await fetch(`${first.url}/register`, { method: 'POST', body, redirect: 'manual', headers: { 'sec-fetch-site': 'same-origin' } });
    expect(registered.status).toBe(303);
    const signedIn = await signInAt(second.url);
    expect(signedIn.status).toBe(303);

    // Request logs are JSON lines with a request id and never the password.
    const logs = first.output.join('');
    expect(logs).toMatch(/"requestId":"[0-9a-f-]{36}"/);
    expect(logs).toContain('"path":"/register"');
    expect(logs).not.toContain('correct horse battery');
  });

  it('exits with code 0 on SIGTERM, and starts again on the same database afterwards', async () => {
    for (const server of running) {
      server.child.kill('SIGTERM');
      expect(await server.exited).toEqual({ code: 0, signal: null });
      expect(server.output.join('')).toContain('SIGTERM received, closing');
    }

    const again = start(databasePath, await freePort());
    running.push(again);
    await healthy(again);
    const signedIn = await signInAt(again.url);
    expect(signedIn.status).toBe(303);
    again.child.kill('SIGINT');
    expect(await again.exited).toEqual({ code: 0, signal: null });
  });
});
