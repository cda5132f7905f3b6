/**
 * The real server as a child process (`src/server.ts`, as `npm start` runs it) on a loopback
 * port, for tests about what only a real process shows: start-up, signals, crashes, backups.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll } from 'vitest';
import { freePort } from './net';

export const ROOT = resolve(import.meta.dirname, '../..');

export interface ServerProcess {
  child: ChildProcess;
  url: string;
  /** Everything it wrote on stdout and stderr. */
  output: string[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * Spawns the server on `databasePath` without waiting for it; `env` adds to or overrides the
 * defaults (`DATABASE_URL` in it runs the server on that PostgreSQL database instead).
 */
export function spawnServer(databasePath: string, port: number, env: Record<string, string> = {}): ServerProcess {
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      ORIGIN: url,
      DATABASE_PATH: databasePath,
      // The SQLite file at databasePath unless `env` names a PostgreSQL database (never one inherited from the shell).
      DATABASE_URL: '',
      IMPORT_CONTENT: 'false',
      LOG_REQUESTS: 'false',
      YOUNG_ACCOUNT_COMMENTS: '0',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  child.stdout!.on('data', (chunk) => output.push(String(chunk)));
  child.stderr!.on('data', (chunk) => output.push(String(chunk)));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) => child.once('exit', (code, signal) => done({ code, signal })));
  return { child, url, output, exited };
}

/** Waits until `/healthz` answers 200 (and returns that answer); fails if the server exits first. */
export async function waitUntilHealthy(server: ServerProcess, timeoutMs = 60_000): Promise<Response> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (server.child.exitCode !== null) throw new Error(`server exited with ${server.child.exitCode}:\n${server.output.join('')}`);
    try {
      const response = await fetch(`${server.url}/healthz`);
      if (response.ok) return response;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`server did not start:\n${server.output.join('')}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * A temporary folder for one test file's databases, and the servers its tests start there:
 * after the file's tests, every server still running is killed and the folder removed.
 */
export function serverWorkspace(prefix: string) {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const running: ServerProcess[] = [];
  afterAll(async () => {
    for (const server of running) await stopServer(server, 'SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });
  return {
    dir,
    /** Starts a server on `databasePath` (on `port`, or a free one) and waits until it is healthy. */
    async start(databasePath: string, env: Record<string, string> = {}, port?: number): Promise<ServerProcess> {
      const server = spawnServer(databasePath, port ?? (await freePort()), env);
      running.push(server);
      await waitUntilHealthy(server);
      return server;
    },
  };
}

/** Sends `signal` (SIGTERM: a clean stop; SIGKILL: a crash) unless it already exited, and waits for the exit. */
export async function stopServer(server: ServerProcess, signal: NodeJS.Signals = 'SIGTERM') {
  if (server.child.exitCode === null && server.child.signalCode === null) server.child.kill(signal);
  return server.exited;
}
