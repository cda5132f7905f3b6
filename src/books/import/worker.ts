/**
 * The import worker: runs `parseBook` (unzip, decode, XHTML, outline) off the main thread, so
 * a slow or hostile file never stalls the server's event loop. Started by `pool.ts` through
 * `worker-boot.mjs`. It receives plain data and answers plain data: a `ParsedBook`, or the
 * code and params of an `ImportError`. The database is never touched here; storing stays on
 * the main thread, in one transaction.
 */
import { parentPort } from 'node:worker_threads';
import { parseBook } from './index';
import { ImportError } from './types';
import type { ImportJob, ImportJobResult } from './pool';

parentPort?.on('message', (job: ImportJob) => {
  let result: ImportJobResult;
  try {
    result = { id: job.id, ok: true, book: parseBook(job.input, job.limits) };
  } catch (error) {
    result =
      error instanceof ImportError
        ? { id: job.id, ok: false, error: { code: error.code, params: error.params } }
        : { id: job.id, ok: false, crash: error instanceof Error ? error.message : String(error) };
  }
  parentPort?.postMessage(result);
});
