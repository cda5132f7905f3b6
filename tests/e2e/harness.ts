/**
 * Browser-test harness: starts the real server (`src/server.ts`, as `npm start` does) on a free
 * loopback port with its own temporary database, and Debian's Chromium through playwright-core.
 * Screenshots go to `test-results/`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import { freePort } from '../helpers/net';

export const ROOT = resolve(import.meta.dirname, '../..');
export const RESULTS = join(ROOT, 'test-results');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const PHONE = { width: 390, height: 844 };
export const DESKTOP = { width: 1280, height: 900 };


export interface RunningServer {
  url: string;
  dir: string;
  process: ChildProcess;
  output: string[];
  stop(): Promise<void>;
}

/** Starts `src/server.ts` and waits for /healthz. `env` adds to the defaults (e.g. IMPORT_CONTENT). */
export async function startServer(env: Record<string, string> = {}): Promise<RunningServer> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'marginalia-e2e-'));
  const url = `http://127.0.0.1:${port}`;
  const output: string[] = [];
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      ORIGIN: url,
      DATABASE_PATH: join(dir, 'e2e.db'),
      // SQLite unless the caller names a PostgreSQL database (never one inherited from the shell).
      DATABASE_URL: '',
      IMPORT_CONTENT: 'false',
      LOG_REQUESTS: 'false',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (chunk) => output.push(String(chunk)));
  child.stderr!.on('data', (chunk) => output.push(String(chunk)));

  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited early:\n${output.join('')}`);
    try {
      const response = await fetch(`${url}/healthz`);
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`server did not start:\n${output.join('')}`);
    await new Promise((r) => setTimeout(r, 200));
  }

  return {
    url,
    dir,
    process: child,
    output,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** A fresh browser context (its own cookies) at a viewport, failing the test on CSP violations or page errors. */
export async function newContext(browser: Browser, options: { viewport?: { width: number; height: number }; locale?: string } = {}): Promise<{ context: BrowserContext; page: Page; problems: string[] }> {
  const context = await browser.newContext({ viewport: options.viewport ?? DESKTOP, locale: options.locale ?? 'en-US' });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy|Refused to/i.test(message.text())) problems.push(`csp: ${message.text()}`);
  });
  return { context, page, problems };
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(RESULTS, { recursive: true });
  const path = join(RESULTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** Registers through the real form. */
export async function registerThroughForm(page: Page, baseUrl: string, username: string, password = 'correct horse battery', displayName = username) {
  await page.goto(`${baseUrl}/register`);
  await page.fill('#username', username);
  await page.fill('#displayName', displayName);
  await page.fill('#password', password);
  await page.fill('#passwordConfirm', password);
  await Promise.all([page.waitForURL((u) => !u.pathname.startsWith('/register')), page.click('form[action="/register"] button[type="submit"]')]);
}

/**
 * Nothing on the page is wider than the viewport (no sideways scrolling on a phone). Elements
 * inside `allowedScrollers` (e.g. a table in its own scrolling box) may be wider.
 */
export async function expectNoOverflow(page: Page, allowedScrollers = '') {
  const overflow = await page.evaluate((allowed) => {
    const width = document.documentElement.clientWidth;
    const ignore = ['.skip-link', '.visually-hidden', allowed].filter(Boolean).join(', ');
    const wide = [...document.querySelectorAll('body *')]
      .filter((element) => {
        const box = element.getBoundingClientRect();
        return box.width > 0 && (box.right > width + 1 || box.left < -1) && !element.closest(ignore);
      })
      .map((element) => `${element.tagName.toLowerCase()}.${element.className}`);
    return { scrollWidth: document.documentElement.scrollWidth, width, wide };
  }, allowedScrollers);
  expect(overflow.wide).toEqual([]);
  expect(overflow.scrollWidth).toBeLessThanOrEqual(overflow.width);
}

/** Switches the interface language with the page's own language form. */
export async function switchLocale(page: Page, locale: 'en' | 'ko') {
  if ((await page.getAttribute('html', 'lang')) === locale) return;
  await page.selectOption('#locale-select', locale);
  await Promise.all([page.waitForFunction((l) => document.documentElement.lang === l, locale), page.click('.language-switch button')]);
  await page.waitForLoadState('load');
}

/**
 * Screenshots of the current page (or of one `element` of it) at phone and desktop widths, named
 * `<name>-<width>`, checking at phone width that nothing overflows. Ends at desktop width.
 */
export async function shootWidths(page: Page, name: string, options: { allowedScrollers?: string; element?: string } = {}) {
  for (const [label, viewport] of [
    ['390', PHONE],
    ['1280', DESKTOP],
  ] as const) {
    await page.setViewportSize(viewport);
    if (label === '390') await expectNoOverflow(page, options.allowedScrollers);
    if (options.element) {
      mkdirSync(RESULTS, { recursive: true });
      await page.locator(options.element).screenshot({ path: join(RESULTS, `${name}-${label}.png`) });
    } else await screenshot(page, `${name}-${label}`);
  }
}

/**
 * {@link shootWidths} in English and Korean, named `<name>-<locale>-<width>`. Ends in English at
 * desktop width.
 */
export async function shootEverywhere(page: Page, name: string, options: { allowedScrollers?: string; element?: string } = {}) {
  for (const locale of ['en', 'ko'] as const) {
    await switchLocale(page, locale);
    await shootWidths(page, `${name}-${locale}`, options);
  }
  await switchLocale(page, 'en');
  await page.setViewportSize(DESKTOP);
}

const AXE_SOURCE = readFileSync(join(ROOT, 'node_modules/axe-core/axe.min.js'), 'utf8');

/**
 * Runs axe-core (WCAG 2.0–2.2 A and AA rules) on the current page and returns its serious and
 * critical violations, one line each. axe is evaluated in the page through the DevTools
 * protocol, which the page's CSP (`script-src 'self'`) does not govern, so the page is
 * tested exactly as it is served.
 */
export async function seriousViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE);
  const results = await page.evaluate(() =>
    (window as unknown as { axe: { run(context: Document, options: object): Promise<{ violations: { id: string; impact: string | null; help: string; nodes: { target: string[]; failureSummary?: string }[] }[] }> } }).axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] },
      resultTypes: ['violations'],
    }),
  );
  return results.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .flatMap((violation) => violation.nodes.slice(0, 5).map((node) => `${violation.id} (${violation.impact}): ${violation.help} — ${node.target.join(' ')} — ${node.failureSummary ?? ''}`));
}

/**
 * Starts the real server (with `env`) and Chromium before a file's tests and stops both after;
 * `onStart` receives them.
 */
export function withServerAndBrowser(onStart: (started: { server: RunningServer; browser: Browser }) => void, env: Record<string, string> = {}): void {
  let started: { server: RunningServer; browser: Browser } | undefined;
  beforeAll(async () => {
    const server = await startServer(env);
    started = { server, browser: await launchBrowser() };
    onStart(started);
  });
  afterAll(async () => {
    await started?.browser.close();
    await started?.server.stop();
  });
}

/**
 * A server and a browser for one test file: started before its tests, stopped after. Read
 * `.server` and `.browser` inside the tests.
 */
export function serverAndBrowser(env: Record<string, string> = {}): { server: RunningServer; browser: Browser } {
  const state = {} as { server: RunningServer; browser: Browser };
  withServerAndBrowser((started) => Object.assign(state, started), env);
  return state;
}
