/**
 * Issue #15 / #16: a long CP949 Korean book came out as Chinese. Node's strict `euc-kr`
 * decoder rejects CP949's extension syllables, detection fell through to GB18030 (which
 * decodes the same bytes without error) and the book was stored as mojibake.
 */
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { importError } from '../../fixtures/books/import-error';
import { ImportError, parseBook } from '../../../src/books/import/index';
import { profileText } from '../../../src/books/import/encoding-score';
import { generateKoreanBook } from '../../fixtures/books/korean-book';

const cp949 = (text: string) => new Uint8Array(iconv.encode(text, 'cp949'));


const CHINESE = Array.from({ length: 40 }, () => '我们在这个小书店里读书，大家一起讨论每一章的内容。他说这本书是他今年读过最好的。').join('\n\n');

describe('legacy encodings chosen by what the text is', () => {
  it('a 550 KB CP949 book with extension syllables (쥌, 챩, 챱) is Korean, not GB18030', () => {
    const generated = generateKoreanBook({ targetBytes: 800 * 1024 }) // UTF-8 bytes; about 550 KB in CP949;
    const text = generated.text.replace(/책방/g, '쥌챩 책방').replace(/모임/g, '챱모임');
    const bytes = cp949(text);
    expect(bytes.length).toBeGreaterThan(500 * 1024);
    // The finding's preconditions: Node's strict euc-kr refuses these bytes, GB18030 takes them.
    expect(() => new TextDecoder('euc-kr', { fatal: true }).decode(bytes)).toThrow();
    expect(() => new TextDecoder('gb18030', { fatal: true }).decode(bytes)).not.toThrow();

    const book = parseBook({ bytes, filename: 'book.txt' });
    expect(book.encoding).toBe('euc-kr');
    expect(book.language).toBe('ko');
    expect(book.title).toBe(generated.expected.title.replace(/책방/g, '쥌챩 책방'));
    expect(book.sections.flatMap((s) => s.paragraphs).join('\n')).toContain('쥌챩 책방');
  });

  it('Chinese text in GB18030 stays Chinese (CP949 also decodes it, as nonsense Hangul)', () => {
    const bytes = new Uint8Array(iconv.encode(CHINESE, 'gb18030'));
    const book = parseBook({ bytes, filename: 'zh.txt' });
    expect(book.encoding).toBe('gb18030');
    expect(book.sections[0]!.paragraphs[0]).toContain('我们在这个小书店里读书');
  });

  it('profiles: real text scores high, the wrong decoding of the same bytes low', () => {
    const korean = cp949(generateKoreanBook({ targetBytes: 40 * 1024 }).text);
    expect(profileText(iconv.decode(Buffer.from(korean), 'cp949')).plausibility).toBeGreaterThan(0.4);
    expect(profileText(new TextDecoder('gb18030').decode(korean)).plausibility).toBeLessThan(0.1);
    const chinese = iconv.encode(CHINESE, 'gb18030');
    expect(profileText(new TextDecoder('gb18030').decode(chinese)).plausibility).toBeGreaterThan(0.4);
    expect(profileText(iconv.decode(chinese, 'cp949')).plausibility).toBeLessThan(0.1);
  });

  it('refuses with a clear reason rather than store mojibake (no encoding reads as text)', () => {
    const noise = new Uint8Array(4000).map((_, i) => 0xb0 + ((i * 7919) % 0x18) + (i % 2 ? 0x10 : 0)); // high byte pairs: decodable, meaningless
    const error = importError(() => parseBook({ bytes: noise, filename: 'noise.txt' }));
    expect(error.code).toBe('bad_encoding_mojibake');
  });

  it('the uploader can name the encoding; a choice that gives mojibake is refused', () => {
    const bytes = cp949('작은 책방\n\n제1장 봄\n\n책방에는 간판이 없었습니다. 우리는 책을 읽고 이야기를 나눴습니다.\n');
    expect(parseBook({ bytes, filename: 'a.txt', encoding: 'euc-kr' }).encoding).toBe('euc-kr');
    expect(importError(() => parseBook({ bytes, filename: 'a.txt', encoding: 'gb18030' })).code).toBe('bad_encoding_mojibake');
    expect(importError(() => parseBook({ bytes, filename: 'a.txt', encoding: 'utf-8' })).code).toBe('bad_encoding');
  });

  it('reports the other encodings that also read as text, for the preview', () => {
    const book = parseBook({ bytes: cp949('작은 책방\n\n책방에는 간판이 없었습니다. 우리는 책을 읽었습니다.\n'), filename: 'a.txt' });
    expect(book.encoding).toBe('euc-kr');
    expect(book.encodingAlternatives).not.toContain('euc-kr');
  });
});
