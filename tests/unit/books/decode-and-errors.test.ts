import { describe, expect, it } from 'vitest';
import { importError } from '../../fixtures/books/import-error';
import { contentHash, ImportError, IMPORT_ERROR_CODES, parseBook, type ImportLimits } from '../../../src/books/import/index';
import { translate, type MessageKey } from '../../../src/i18n/index';
import { encodeEucKr, encodeUtf16 } from '../../fixtures/books/encode';

const SAMPLE = '작은 책방\n\n제1장 봄\n\n책방에는 간판이 없었습니다. "밑줄 그은 문장"을 읽었습니다.\n\n제2장 여름\n\n긴 소설을 읽었습니다.';


const small: ImportLimits = { maxFileBytes: 100, maxUncompressedBytes: 1000, maxEntries: 10, maxEntryBytes: 500, maxParagraphChars: 10_000 };

describe('encodings', () => {
  const paragraphs = (bytes: Uint8Array) => parseBook({ bytes, filename: 'a.txt' });

  it.each([
    ['utf-8 without BOM', new TextEncoder().encode(SAMPLE), 'utf-8'],
    ['utf-8 with BOM', new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode(SAMPLE)]), 'utf-8'],
    ['utf-16le with BOM', encodeUtf16(SAMPLE, 'le'), 'utf-16le'],
    ['utf-16be with BOM', encodeUtf16(SAMPLE, 'be'), 'utf-16be'],
    ['utf-16le without BOM', encodeUtf16(SAMPLE, 'le', false), 'utf-16le'],
    ['euc-kr', encodeEucKr(SAMPLE), 'euc-kr'],
  ])('decodes %s', (_, bytes, encoding) => {
    const book = paragraphs(bytes);
    expect(book.encoding).toBe(encoding);
    expect(book.title).toBe('작은 책방');
    expect(book.sections.map((s) => s.title)).toEqual(['', '제1장 봄', '제2장 여름']);
    expect(book.sections[1]!.paragraphs[0]).toBe('책방에는 간판이 없었습니다. "밑줄 그은 문장"을 읽었습니다.');
  });

  it('decodes a long EUC-KR (CP949 family) text with chardet help', () => {
    const text = Array.from({ length: 50 }, (_, i) => `${i}번째 문단입니다. 우리는 책을 읽고 이야기를 나눴습니다.`).join('\n\n');
    const book = paragraphs(encodeEucKr(text));
    expect(book.encoding).toBe('euc-kr');
    expect(book.sections.flatMap((s) => s.paragraphs)).toHaveLength(50);
  });
});

describe('errors', () => {
  const code = (bytes: Uint8Array, filename = 'a.txt', limits?: ImportLimits) => importError(() => parseBook({ bytes, filename }, limits)).code;

  it('empty_file: no bytes, or only blank space', () => {
    expect(code(new Uint8Array())).toBe('empty_file');
    expect(code(new TextEncoder().encode(' \n\t\n  \u3000 '))).toBe('empty_file');
  });

  it('too_large: over maxFileBytes', () => {
    const error = importError(() => parseBook({ bytes: new Uint8Array(101).fill(0x61), filename: 'a.txt' }, small));
    expect(error.code).toBe('too_large');
    expect(error.params).toEqual({ size: 101, limit: 100 });
  });

  it('binary: NUL bytes, control characters, an archive renamed .txt', () => {
    const junk = new Uint8Array(2000).map((_, i) => (i * 7919) % 256);
    expect(code(junk)).toBe('binary');
    expect(code(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]))).toBe('binary');
    expect(code(new TextEncoder().encode('text\u0001\u0002\u0003\u0004\u0005\u0006 more'))).toBe('binary');
    expect(code(new Uint8Array([0x50, 0x4b, 0x03, 0x04, 1, 2, 3]))).toBe('binary');
  });

  it('no_text: nothing but headings', () => {
    expect(code(new TextEncoder().encode('# Title\n\n## Chapter'), 'a.md')).toBe('no_text');
  });

  it('unsupported_format: by extension', () => {
    const error = importError(() => parseBook({ bytes: new Uint8Array([1]), filename: 'book.pdf' }));
    expect(error.code).toBe('unsupported_format');
    expect(error.params).toEqual({ ext: 'pdf' });
  });

  it('bad_encoding: bytes no supported encoding can decode', () => {
    const bytes = new Uint8Array([0x61, 0x62, 0xff, 0x81, 0xff, 0x81, 0xff, 0x80, 0x63, 0x0a, 0xff, 0xfe, 0x81]);
    expect(code(bytes)).toBe('bad_encoding');
  });

  it('every error code has an English and a Korean message', () => {
    for (const errorCode of IMPORT_ERROR_CODES) {
      const key = `import.error.${errorCode}` as MessageKey;
      expect(translate('en', key, {})).not.toBe(key);
      expect(translate('ko', key, {})).not.toBe(key);
      expect(translate('ko', key, {})).toMatch(/[\uac00-\ud7a3]/);
    }
  });
});

describe('contentHash', () => {
  it('is the SHA-256 hex of the bytes', () => {
    expect(contentHash(new TextEncoder().encode('abc'))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});
