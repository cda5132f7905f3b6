/**
 * Parsing books in worker threads, at most a few at a time.
 *
 * `parseBook` is synchronous and CPU-bound: a large EPUB takes a second, a hostile one as long
 * as its budget lets it. On the main thread that would stall every reader and `/healthz`. Here
 * each parse runs in a worker thread; the event loop only waits for a message.
 *
 * - **Concurrency**: at most `size` parses run at once (default 2: the machines this runs on
 *   have two cores). One more is refused at once with `ImportBusyError`, which the routes turn
 *   into 503 + `Retry-After`; nothing queues, so a burst of uploads cannot pile up memory.
 * - **Time**: a parse that takes longer than `timeoutMs` (default 60 s) is stopped by
 *   terminating its worker, and refused as `import_timeout`. A real book parses in well under
 *   a second.
 * - **Memory**: each worker has its own heap limit (`maxHeapMb`, default 768 MB), so one
 *   pathological file crashes its worker, not the server; a crashed worker is replaced.
 * - Workers are started on first use and kept (starting one costs a few hundred ms); they are
 *   `unref`'d, so they never keep the process alive.
 *
 * @example
 * const pool = defaultImportPool();
 * const book = await pool.parse({ bytes, filename: 'book.epub' }, limits); // throws ImportError / ImportBusyError
 */
import { Worker } from 'node:worker_threads';
import type { ParseBookInput } from './index';
import { ImportError, type ImportErrorCode, type ImportLimits, type ParsedBook } from './types';

export interface ImportJob {
  id: number;
  input: ParseBookInput;
  limits: ImportLimits;
}

export type ImportJobResult =
  | { id: number; ok: true; book: ParsedBook }
  | { id: number; ok: false; error: { code: ImportErrorCode; params: Record<string, string | number> } }
  | { id: number; ok: false; crash: string };

/** Every worker is parsing: try again in a moment. */
export class ImportBusyError extends Error {
  constructor(readonly retryAfterSeconds: number) {
    super('import workers are busy');
    this.name = 'ImportBusyError';
  }
}

export interface ImportPoolOptions {
  size?: number;
  timeoutMs?: number;
  maxHeapMb?: number;
}

interface Slot {
  worker: Worker | null;
  job: { id: number; resolve: (book: ParsedBook) => void; reject: (error: Error) => void; timer: NodeJS.Timeout } | null;
}

const BOOT = new URL('./worker-boot.mjs', import.meta.url);

export class ImportPool {
  readonly size: number;
  readonly timeoutMs: number;
  private readonly maxHeapMb: number;
  private readonly slots: Slot[];
  private nextId = 1;

  constructor(options: ImportPoolOptions = {}) {
    this.size = options.size ?? 2;
    this.timeoutMs = options.timeoutMs ?? 60_000;
    this.maxHeapMb = options.maxHeapMb ?? 768;
    this.slots = Array.from({ length: this.size }, () => ({ worker: null, job: null }));
  }

  /** How many parses are running now. */
  get running(): number {
    return this.slots.filter((slot) => slot.job !== null).length;
  }

  /**
   * Parses in a worker. Rejects with `ImportError` for a file that cannot be imported, and
   * with `ImportBusyError` (synchronously decided, before anything is sent) when every worker
   * is taken.
   */
  parse(input: ParseBookInput, limits: ImportLimits): Promise<ParsedBook> {
    const slot = this.slots.find((s) => s.job === null);
    if (!slot) return Promise.reject(new ImportBusyError(5));
    const id = this.nextId++;
    return new Promise<ParsedBook>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.finish(slot, id, new ImportError('import_timeout', { seconds: Math.round(this.timeoutMs / 1000) }));
        this.kill(slot);
      }, this.timeoutMs);
      timer.unref();
      slot.job = { id, resolve, reject, timer };
      const worker = this.workerOf(slot);
      worker.ref(); // keep the process alive while a parse is under way
      const job: ImportJob = { id, input, limits };
      worker.postMessage(job);
    });
  }

  /** Stops every worker (tests, shutdown). Running parses are refused. */
  async close(): Promise<void> {
    await Promise.all(
      this.slots.map(async (slot) => {
        if (slot.job) this.finish(slot, slot.job.id, new Error('import pool closed'));
        const worker = slot.worker;
        slot.worker = null;
        if (worker) await worker.terminate();
      }),
    );
  }

  private workerOf(slot: Slot): Worker {
    if (slot.worker) return slot.worker;
    const worker = new Worker(BOOT, { resourceLimits: { maxOldGenerationSizeMb: this.maxHeapMb } });
    worker.on('message', (result: ImportJobResult) => {
      if (!slot.job || slot.job.id !== result.id) return;
      if (result.ok) this.finish(slot, result.id, null, result.book);
      else if ('error' in result) this.finish(slot, result.id, new ImportError(result.error.code, result.error.params));
      else this.finish(slot, result.id, new Error(`import worker failed: ${result.crash}`));
    });
    const lost = (error: Error) => {
      // A worker we replaced or stopped ourselves (timeout, close) is no longer this slot's.
      if (slot.worker !== worker) return;
      slot.worker = null;
      // Out of memory is what a hostile file does to a worker: refuse it as too large.
      if (slot.job) {
        const memory = /memory|heap/i.test(error.message) || (error as NodeJS.ErrnoException).code === 'ERR_WORKER_OUT_OF_MEMORY';
        this.finish(slot, slot.job.id, memory ? new ImportError('import_too_complex') : error);
      }
    };
    worker.on('error', lost);
    worker.on('exit', (code) => lost(new Error(`import worker exited with code ${code}`)));
    worker.unref();
    slot.worker = worker;
    return worker;
  }

  private finish(slot: Slot, id: number, error: Error | null, book?: ParsedBook): void {
    const job = slot.job;
    if (!job || job.id !== id) return;
    slot.job = null;
    clearTimeout(job.timer);
    slot.worker?.unref();
    if (error) job.reject(error);
    else job.resolve(book!);
  }

  private kill(slot: Slot): void {
    const worker = slot.worker;
    slot.worker = null;
    void worker?.terminate();
  }
}

let shared: ImportPool | null = null;

/** The process-wide pool: "at most 2 imports at once" holds for the whole process. */
export function defaultImportPool(): ImportPool {
  shared ??= new ImportPool();
  return shared;
}
