import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_IMPORT_LIMITS, ImportError } from '../../../src/books/import/index';
import { ImportBusyError, ImportPool } from '../../../src/books/import/pool';

const text = (s: string) => new TextEncoder().encode(s);
let pool: ImportPool;
afterEach(() => pool.close());

describe('ImportPool (parsing in worker threads)', () => {
  it('parses in a worker and returns plain data; an unreadable file is an ImportError with its code', async () => {
    pool = new ImportPool({ size: 1 });
    const book = await pool.parse({ bytes: text('# 봄\n\n책방 문을 열었어요.\n'), filename: 'a.md' }, DEFAULT_IMPORT_LIMITS);
    expect(book.sections.map((s) => s.title)).toEqual(['봄']);
    const error = await pool.parse({ bytes: text(''), filename: 'a.md' }, DEFAULT_IMPORT_LIMITS).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImportError);
    expect((error as ImportError).code).toBe('empty_file');
    expect(pool.running).toBe(0);
  });

  it('refuses at once when every worker is taken, and takes work again after', async () => {
    pool = new ImportPool({ size: 1 });
    const first = pool.parse({ bytes: text('첫 책\n'), filename: 'a.txt' }, DEFAULT_IMPORT_LIMITS);
    await expect(pool.parse({ bytes: text('둘째 책\n'), filename: 'b.txt' }, DEFAULT_IMPORT_LIMITS)).rejects.toBeInstanceOf(ImportBusyError);
    await first;
    await expect(pool.parse({ bytes: text('셋째 책\n'), filename: 'c.txt' }, DEFAULT_IMPORT_LIMITS)).resolves.toMatchObject({ format: 'txt' });
  });

  it('stops a parse that runs past its time (import_timeout) and replaces the worker', async () => {
    pool = new ImportPool({ size: 1, timeoutMs: 1 }); // shorter than any worker's start-up
    const error = await pool.parse({ bytes: text('책\n'), filename: 'a.txt' }, DEFAULT_IMPORT_LIMITS).catch((e: unknown) => e);
    expect((error as ImportError).code).toBe('import_timeout');
    expect(pool.running).toBe(0);
  });
});
