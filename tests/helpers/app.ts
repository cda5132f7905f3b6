/**
 * Test harness: a real app on a real temporary SQLite file (or, under `npm run test:pg`, a fresh
 * PostgreSQL database on the suite's cluster: tests/helpers/engine.ts), and a tiny cookie-keeping client
 * that talks to it through `app.request()` the way a browser would (same-origin headers on
 * state changes, redirects not followed so tests can assert them).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lightWriter, type Db, type Sqlite } from '../../db/connection';
import { openTestDatabase } from './engine';
import { createApp, type AppOptions } from '../../src/app';
import { testConfig, type Config } from '../../src/config';
import { createRateLimiters, type RateLimitRule } from '../../src/http/rate-limit';
import { databaseRateCounters } from '../../src/http/rate-counters';
import type { ImportPool } from '../../src/books/import/pool';
import type { EventBus } from '../../src/events';

export const ORIGIN = 'http://localhost:3000';

export interface TestClock {
  now: number;
  advance(ms: number): void;
}

export interface TestApp {
  app: ReturnType<typeof createApp>;
  db: Db;
  /** The SQLite connection, for the tests of SQLite's own behaviour; undefined on PostgreSQL. */
  sqlite: Sqlite | undefined;
  /** Under `npm run test:pg`, the database's URL (servers started on it take it as `DATABASE_URL`). */
  databaseUrl: string | undefined;
  clock: TestClock;
  config: Config;
  logs: Record<string, unknown>[];
  dir: string;
  close(): Promise<void>;
}

export async function makeTestApp(
  options: {
    config?: Partial<Config>;
    rateLimits?: Record<string, RateLimitRule>;
    now?: number;
    importPool?: ImportPool;
    events?: EventBus;
    /** The database engine; by default the suite's (SQLite, or PostgreSQL under `npm run test:pg`). */
    engine?: 'sqlite' | 'pg';
    appOptions?: Pick<AppOptions, 'notifications' | 'onNotifications'>;
  } = {},
): Promise<TestApp> {
  const dir = mkdtempSync(join(tmpdir(), 'marginalia-test-'));
  const config = testConfig({ databasePath: join(dir, 'test.db'), ...options.config });
  const { db, sqlite, databaseUrl, close } = await openTestDatabase(config.databasePath, options.engine);
  const clock: TestClock = {
    now: options.now ?? Date.UTC(2026, 10, 1, 9, 0, 0),
    advance(ms) {
      this.now += ms;
    },
  };
  const logs: Record<string, unknown>[] = [];
  const app = createApp({
    db,
    config,
    clock: () => clock.now,
    rateLimiters: createRateLimiters(options.rateLimits, databaseRateCounters(db, lightWriter(db))),
    log: (line) => logs.push(line),
    importPool: options.importPool,
    events: options.events,
    ...options.appOptions,
  });
  return {
    app,
    db,
    sqlite,
    databaseUrl,
    clock,
    config,
    logs,
    dir,
    async close() {
      await close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export type FormFields = Record<string, string | number | boolean | undefined>;

/** A browser stand-in: keeps cookies, sends same-origin fetch metadata on every request. */
export class Client {
  readonly cookies = new Map<string, string>();
  ip: string;
  acceptLanguage?: string;

  constructor(
    private readonly testApp: TestApp,
    options: { ip?: string; acceptLanguage?: string } = {},
  ) {
    this.ip = options.ip ?? `10.0.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;
    this.acceptLanguage = options.acceptLanguage;
  }

  get cookieHeader(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  async request(path: string, init: RequestInit & { headers?: Record<string, string> } = {}): Promise<Response> {
    const headers: Record<string, string> = { 'x-forwarded-for': this.ip };
    if (this.cookies.size) headers.cookie = this.cookieHeader;
    if (this.acceptLanguage) headers['accept-language'] = this.acceptLanguage;
    if (init.method && init.method !== 'GET') headers['sec-fetch-site'] = 'same-origin';
    Object.assign(headers, init.headers);
    const response = await this.testApp.app.request(path, { ...init, headers }, undefined);
    for (const line of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attributes.some((a) => /^\s*max-age=0\s*$/i.test(a)) || value === '';
      if (expired) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return response;
  }

  get(path: string, headers: Record<string, string> = {}): Promise<Response> {
    return this.request(path, { headers });
  }

  post(path: string, fields: FormFields | FormData = {}, headers: Record<string, string> = {}): Promise<Response> {
    let body: BodyInit;
    if (fields instanceof FormData) body = fields;
    else {
      const params = new URLSearchParams();
      for (const [name, value] of Object.entries(fields)) if (value !== undefined) params.append(name, String(value));
      body = params;
    }
    return this.request(path, { method: 'POST', body, headers });
  }

  /** GET as htmx does (HX-Request), for fragments. */
  htmx(path: string, init: { method?: string; fields?: FormFields } = {}): Promise<Response> {
    const headers = { 'hx-request': 'true' };
    if (init.method && init.method !== 'GET') return this.post(path, init.fields ?? {}, headers);
    return this.get(path, headers);
  }
}

export const DEFAULT_PASSWORD = 'correct horse battery';

/** Registers a reader and returns a client signed in as them. */
export async function signUp(testApp: TestApp, username: string, options: { displayName?: string; password?: string; ip?: string; acceptLanguage?: string } = {}): Promise<Client> {
  const client = new Client(testApp, { ip: options.ip, acceptLanguage: options.acceptLanguage });
  const response = await client.post('/register', {
    username,
    displayName: options.displayName ?? username,
    password: options.password ?? DEFAULT_PASSWORD,
    passwordConfirm: options.password ?? DEFAULT_PASSWORD,
  });
  if (response.status !== 303) throw new Error(`sign-up of ${username} failed with ${response.status}: ${await response.text()}`);
  return client;
}

export async function signIn(testApp: TestApp, username: string, password = DEFAULT_PASSWORD, ip?: string): Promise<Client> {
  const client = new Client(testApp, { ip });
  const response = await client.post('/login', { username, password });
  if (response.status !== 303) throw new Error(`sign-in of ${username} failed with ${response.status}`);
  return client;
}
