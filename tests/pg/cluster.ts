/**
 * A throwaway PostgreSQL cluster for the PostgreSQL suite (`npm run test:pg`): `initdb` into a
 * temporary folder, `pg_ctl start` on a free port of 127.0.0.1 (and a Unix socket inside the same
 * folder), one database, and at the end `pg_ctl stop` and the folder removed — also when a step
 * fails half-way, and on SIGINT/SIGTERM.
 *
 * PostgreSQL refuses to run as root. Run by an ordinary user (a developer), the cluster runs as
 * that user. Run as root (CI, this machine), it runs as the unprivileged `postgres` account that
 * Debian's `postgresql` package creates (or `PG_TEST_USER`), through `runuser`, and the temporary
 * folder is handed to that account.
 *
 * The binaries: `PG_BIN` if set, else the newest `/usr/lib/postgresql/<version>/bin` (Debian,
 * Ubuntu), else the folder of `pg_ctl` on the PATH.
 *
 * @example
 * const cluster = await startCluster();
 * // … connect to cluster.url …
 * await cluster.stop();
 *
 * Run by hand: `npx tsx tests/pg/cluster.ts` starts one, prints its URL, stops it on Ctrl-C.
 */
import { execFileSync, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export interface Cluster {
  /** `postgres://…` of the database made for the tests. */
  url: string;
  /** `postgres://…` of the cluster's `postgres` database (to create and drop databases). */
  adminUrl: string;
  port: number;
  binDir: string;
  /** Stops the server and removes its folder. Safe to call twice. */
  stop(): void;
}

const SUPERUSER = 'marginalia';
const MIN_VERSION = 15;

/** Where `initdb`, `pg_ctl` and `postgres` are (see the file comment). */
export function findBinDir(): string {
  const fromEnv = process.env.PG_BIN;
  if (fromEnv) {
    if (!existsSync(join(fromEnv, 'pg_ctl'))) throw new Error(`PG_BIN=${fromEnv} has no pg_ctl`);
    return fromEnv;
  }
  const debian = '/usr/lib/postgresql';
  if (existsSync(debian)) {
    const versions = readdirSync(debian)
      .filter((name) => /^\d+$/.test(name) && existsSync(join(debian, name, 'bin', 'pg_ctl')))
      .map(Number)
      .sort((a, b) => b - a);
    if (versions[0] !== undefined) {
      if (versions[0] < MIN_VERSION) throw new Error(`PostgreSQL ${versions[0]} found; ${MIN_VERSION} or later is needed`);
      return join(debian, String(versions[0]), 'bin');
    }
  }
  const which = spawnSync('sh', ['-c', 'command -v pg_ctl'], { encoding: 'utf8' });
  const onPath = which.status === 0 ? which.stdout.trim() : '';
  if (onPath) {
    const real = execFileSync('readlink', ['-f', onPath], { encoding: 'utf8' }).trim();
    return real.slice(0, real.lastIndexOf('/'));
  }
  throw new Error('PostgreSQL was not found: install it (Debian: apt-get install postgresql) or set PG_BIN to the folder of pg_ctl');
}

/** The account the server runs as: ourselves, or an unprivileged one when we are root. */
function serverAccount(): { name: string; uid: number; gid: number } | null {
  if (process.getuid?.() !== 0) return null;
  const name = process.env.PG_TEST_USER ?? 'postgres';
  const id = spawnSync('id', ['-u', name], { encoding: 'utf8' });
  const gid = spawnSync('id', ['-g', name], { encoding: 'utf8' });
  if (id.status !== 0 || gid.status !== 0) {
    throw new Error(`running as root, and there is no account "${name}" to run PostgreSQL as: create one (useradd -r ${name}) or set PG_TEST_USER`);
  }
  return { name, uid: Number(id.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** The locale with which Hangul and kana count as letters (pg_trgm's word characters, the text search parser). */
function utf8Locale(): string {
  const locales = spawnSync('locale', ['-a'], { encoding: 'utf8' });
  const names = locales.status === 0 ? locales.stdout.split('\n').map((line) => line.trim()) : [];
  return names.find((name) => /^C\.utf-?8$/i.test(name)) ?? names.find((name) => /^en_US\.utf-?8$/i.test(name)) ?? 'C';
}

/**
 * @param options.durable keep PostgreSQL's durability settings (fsync, synchronous commit, full
 *   page writes), as a production server has them: what the benchmark measures against SQLite's
 *   `synchronous=FULL`. Tests turn them off (nothing to keep after a crash).
 */
export async function startCluster(options: { database?: string; durable?: boolean } = {}): Promise<Cluster> {
  const binDir = findBinDir();
  const account = serverAccount();
  const dir = mkdtempSync(join(tmpdir(), 'marginalia-pg-'));
  const dataDir = join(dir, 'data');
  const logFile = join(dir, 'server.log');
  if (account) chownSync(dir, account.uid, account.gid);

  /** Runs one PostgreSQL program as the server's account; throws with its output when it fails. */
  const run = (program: string, args: string[]): SpawnSyncReturns<string> => {
    const file = join(binDir, program);
    const [command, commandArgs] = account ? ['runuser', ['-u', account.name, '--', file, ...args]] : [file, args];
    const result = spawnSync(command, commandArgs, { encoding: 'utf8', cwd: dir, env: { ...process.env, LC_ALL: '', LANG: '' } });
    if (result.status !== 0) {
      const log = existsSync(logFile) ? readFileSync(logFile, 'utf8') : '';
      throw new Error(`${program} ${args.join(' ')} failed (${result.status ?? result.signal}):\n${result.stdout}${result.stderr}${log}`);
    }
    return result;
  };

  let started = false;
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    process.off('exit', stop);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    try {
      if (started) run('pg_ctl', ['stop', '-D', dataDir, '-m', 'fast', '-w', '-t', '30']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
  const onSignal = (signal: NodeJS.Signals) => {
    stop();
    process.kill(process.pid, signal);
  };
  process.on('exit', stop);
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  try {
    const locale = utf8Locale();
    run('initdb', ['-D', dataDir, '-U', SUPERUSER, '--auth=trust', '--encoding=UTF8', `--locale=${locale}`, '--no-sync']);
    const port = await freePort();
    const serverOptions = [
      `-p ${port}`,
      `-k ${dir}`,
      "-c listen_addresses='127.0.0.1'",
      // A test cluster: nothing to keep after a crash.
      ...(options.durable ? [] : ['-c fsync=off', '-c synchronous_commit=off', '-c full_page_writes=off']),
      '-c max_connections=100',
    ].join(' ');
    run('pg_ctl', ['start', '-D', dataDir, '-l', logFile, '-w', '-t', '60', '-o', serverOptions]);
    started = true;
    const database = options.database ?? 'marginalia_test';
    run('psql', ['-h', dir, '-p', String(port), '-U', SUPERUSER, '-d', 'postgres', '-v', 'ON_ERROR_STOP=1', '-q', '-c', `CREATE DATABASE "${database}"`]);
    const base = `postgres://${SUPERUSER}@127.0.0.1:${port}`;
    return { url: `${base}/${database}`, adminUrl: `${base}/postgres`, port, binDir, stop };
  } catch (error) {
    stop();
    throw error;
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const cluster = await startCluster();
  console.log(`PostgreSQL from ${cluster.binDir} as ${serverAccount()?.name ?? userInfo().username}: ${cluster.url}`);
  console.log('Ctrl-C stops it and removes its folder.');
  setInterval(() => {}, 1 << 30);
}
