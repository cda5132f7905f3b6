/**
 * What every bench case shares: starting and stopping processes, the server's resident memory
 * and CPU time from `/proc`, the machine's load average, and `measure()`, which drives one case
 * with autocannon and reports req/s, latency and the server's CPU time per request.
 *
 * CPU per request is the figure that does not depend on who the limit was: autocannon decodes
 * every body, so on big pages the load generator, not the server, sets req/s; the server's own
 * CPU seconds (user + system, sampled from `/proc/<pid>/stat` around the measured window)
 * divided by the requests it answered say what each answer cost us.
 */
import autocannon from 'autocannon';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '..');

export interface Timing {
  warmup: number;
  duration: number;
}

export interface CaseResult {
  name: string;
  rps: number;
  p50_ms: number;
  p95_ms: number;
  p99_ms: number;
  errors: number;
  non2xx: number;
  /** Share of one core the server used while measured: near 100 means the server was the limit. */
  server_cpu_pct?: number;
  /** The server's CPU time (user + system) per answered request, in milliseconds. */
  cpu_ms_per_req?: number;
  /** Requests answered in the measured window. */
  requests?: number;
  /** The machine's 1-minute load average when the case ended (other work shares the cores). */
  load1?: number;
}

export const progress = (asJson: boolean) => (line: string) => {
  if (!asJson) process.stderr.write(`… ${line}\n`);
};

export async function waitFor(url: string, child: ChildProcess, output: string[]): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`process exited early:\n${output.join('')}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not yet listening
    }
    if (Date.now() > deadline) throw new Error(`no answer from ${url}:\n${output.join('')}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

export function startProcess(argv: string[], env: Record<string, string>): { child: ChildProcess; output: string[] } {
  const output: string[] = [];
  const child = spawn(process.execPath, argv, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (d) => output.push(String(d)));
  child.stderr!.on('data', (d) => output.push(String(d)));
  return { child, output };
}

export async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

export function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return Math.round((kb / 1024) * 10) / 10;
}

/** CPU seconds (user + system) a process has used so far, from /proc (clock ticks of 10 ms). */
export function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

export function load1(): number {
  return Math.round(loadavg()[0]! * 100) / 100;
}

export const round1 = (n: number) => Math.round(n * 10) / 10;
export const round3 = (n: number) => Math.round(n * 1000) / 1000;

/** `redirectIsSuccess`: a form post answers 303 See Other when it worked; count only 4xx/5xx then. */
export type CannonOptions = Omit<autocannon.Options, 'url' | 'duration'> & { path: string; redirectIsSuccess?: boolean };

/**
 * One case: a warm-up, then `timing.duration` seconds measured, or exactly `amount` requests
 * when the options give one (the cost curves: a fixed amount of work whatever the machine's
 * load, so CPU per request is measured even when the machine is too busy for a time window).
 * `pid` is the process whose CPU is counted (the server answering).
 */
export async function measure(name: string, base: string, options: CannonOptions, timing: Timing, pid: number | undefined, say: (line: string) => void = () => {}): Promise<CaseResult> {
  const { path, redirectIsSuccess, ...rest } = options;
  // Every response's time, for the p95 autocannon's summary does not give.
  const latencies: number[] = [];
  const run = (duration: number, record = false) => {
    const instance = autocannon({ url: base + path, duration, ...rest } as autocannon.Options) as unknown as Promise<autocannon.Result> & import('node:events').EventEmitter;
    if (record) instance.on('response', (_client: unknown, _status: number, _bytes: number, ms: number) => latencies.push(ms));
    return instance;
  };
  say(name);
  if (timing.warmup > 0) await run(timing.warmup);
  const cpuBefore = pid ? cpuSeconds(pid) : 0;
  const started = performance.now();
  const result = await run(timing.duration, true);
  const elapsed = (performance.now() - started) / 1000;
  const cpuUsed = pid ? cpuSeconds(pid) - cpuBefore : 0;
  latencies.sort((a, b) => a - b);
  const p95_ms = latencies.length ? round1(latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * 0.95))]!) : 0;
  const requests = result.requests.total;
  return {
    name,
    rps: Math.round(result.requests.average),
    p50_ms: result.latency.p50,
    p95_ms,
    p99_ms: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: redirectIsSuccess ? result['1xx'] + result['4xx'] + result['5xx'] : result.non2xx,
    ...(pid ? { server_cpu_pct: Math.round((cpuUsed / elapsed) * 100), cpu_ms_per_req: requests > 0 ? round3((cpuUsed * 1000) / requests) : 0 } : {}),
    requests,
    load1: load1(),
  };
}

export function sessionCookie(token: string): string {
  return `marginalia_session=${token}`;
}

/** Each request as the next member in turn, so posting spreads over the club as it would. */
export function rotatingMembers(tokens: string[], build: (index: number) => { method: 'POST'; path: string; body: string }) {
  let next = 0;
  return [
    {
      setupRequest: (request: Record<string, unknown>) => {
        const index = 1 + (next++ % (tokens.length - 1));
        const { method, path, body } = build(index);
        return {
          ...request,
          method,
          path,
          body,
          headers: {
            cookie: sessionCookie(tokens[index]!),
            'content-type': 'application/x-www-form-urlencoded',
            'sec-fetch-site': 'same-origin',
          },
        };
      },
    },
  ];
}

/** The environment the bench starts the real server with (a free loopback port, its own database). */
export function serverEnv(port: number, databasePath: string, filesDir: string, extra: Record<string, string> = {}): Record<string, string> {
  const base = `http://127.0.0.1:${port}`;
  return {
    PORT: String(port),
    HOST: '127.0.0.1',
    ORIGIN: base,
    DATABASE_PATH: databasePath,
    // The seeded SQLite file unless the case names a PostgreSQL database (never one from the shell).
    DATABASE_URL: '',
    IMPORT_CONTENT: 'false',
    LOG_REQUESTS: 'false',
    POSTING_RATE_LIMIT: '100000000',
    YOUNG_ACCOUNT_COMMENTS: '0',
    FILES_DIR: filesDir,
    NODE_ENV: 'production',
    ...extra,
  };
}
