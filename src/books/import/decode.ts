/**
 * Bytes → text for `.txt` and `.md` files.
 *
 * Order of trust: a byte-order mark; then strict UTF-8 (valid UTF-8 is almost never an accident);
 * then UTF-16 without a BOM when NUL bytes sit on one parity. Then the legacy encodings: every
 * candidate `chardet` suggests, plus EUC-KR/CP949 always, is decoded, and the decodings are
 * ranked by what the text *is* (`profileText`: common Hangul syllables against common Han
 * ideographs, kana, Latin letters, and the share of replacement-like characters), not by
 * which decoder happened to run first. Several legacy encodings decode most Korean bytes
 * without an error (GB18030 reads a CP949 book as Chinese), so "no error" decides nothing.
 * The best decoding below `MIN_PLAUSIBILITY` is refused (`bad_encoding_mojibake`): nothing is
 * stored rather than mojibake.
 *
 * CP949 is decoded with `iconv-lite`: Node 20's `TextDecoder('euc-kr', { fatal: true })`
 * rejects CP949's extension byte pairs (syllables such as 쥌, 챩, 챱 outside KS X 1001), which
 * is how a long Korean book fell through to GB18030. iconv-lite's `cp949` is the whole
 * Windows-949 table; its replacement characters are counted, not thrown.
 *
 * The uploader may name the encoding (`forced`, from the preview): it is used if it decodes
 * to plausible text, and refused otherwise.
 */
import { createRequire } from 'node:module';
import chardet from 'chardet';
import type Iconv from 'iconv-lite';
import { MIN_PLAUSIBILITY, profileText } from './encoding-score';
import { ImportError } from './types';

export interface DecodedText {
  text: string;
  encoding: string;
  /** Other legacy encodings that also read as text, best first (for the preview's override). */
  alternatives: string[];
}

/** Legacy encodings we try and report (WHATWG labels; `euc-kr` means the CP949 superset). */
export const LEGACY_ENCODINGS = ['euc-kr', 'shift_jis', 'euc-jp', 'gb18030', 'big5', 'windows-1252'] as const;
export const UPLOAD_ENCODINGS = ['utf-8', 'utf-16le', 'utf-16be', ...LEGACY_ENCODINGS] as const;

/** chardet's names → WHATWG labels we accept and report. */
const CHARDET_TO_LABEL: Record<string, string> = {
  'UTF-8': 'utf-8',
  'UTF-16LE': 'utf-16le',
  'UTF-16BE': 'utf-16be',
  'EUC-KR': 'euc-kr',
  'CP949': 'euc-kr',
  'Shift_JIS': 'shift_jis',
  'EUC-JP': 'euc-jp',
  'ISO-2022-JP': 'iso-2022-jp',
  'GB18030': 'gb18030',
  'Big5': 'big5',
  'windows-1252': 'windows-1252',
  'ISO-8859-1': 'windows-1252',
};

/** iconv-lite, loaded on the first legacy text (it costs ~60 ms at start-up, and most books are UTF-8). */
let iconvModule: typeof Iconv | null = null;
const iconv = (): typeof Iconv => (iconvModule ??= createRequire(import.meta.url)('iconv-lite') as typeof Iconv);

function tryDecode(bytes: Uint8Array, label: string): string | null {
  // iconv-lite never throws: what CP949 cannot map comes out as U+FFFD. A stray byte or two in
  // a long book is tolerated (and counted by the profile); more than 1 in 200 is not CP949.
  if (label === 'euc-kr') {
    const text = iconv().decode(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), 'cp949');
    let replaced = 0;
    for (let i = text.indexOf('\ufffd'); i >= 0; i = text.indexOf('\ufffd', i + 1)) replaced++;
    return replaced > Math.max(1, text.length / 200) ? null : text;
  }
  try {
    return new TextDecoder(label, { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return null;
  }
}

/** UTF-16 without a BOM: at least a third of the bytes on one parity are NUL, almost none on the other. */
function utf16Parity(bytes: Uint8Array): 'utf-16le' | 'utf-16be' | null {
  const sample = bytes.subarray(0, 64 * 1024);
  if (sample.length < 4) return null;
  let even = 0;
  let odd = 0;
  for (let i = 0; i < sample.length; i++) if (sample[i] === 0) i % 2 === 0 ? even++ : odd++;
  const half = sample.length / 2;
  if (odd > half / 3 && even < odd / 20) return 'utf-16le';
  if (even > half / 3 && odd < even / 20) return 'utf-16be';
  return null;
}

/** Rejects text that is mostly not text: any NUL, or more than 1% other control characters. */
export function assertLooksLikeText(text: string): void {
  let controls = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0) throw new ImportError('binary');
    if ((c < 32 && c !== 9 && c !== 10 && c !== 13 && c !== 12) || c === 0xfffd || (c >= 0x7f && c < 0xa0)) controls++;
  }
  if (controls > Math.max(2, text.length * 0.01)) throw new ImportError('binary');
}

function decodeForced(bytes: Uint8Array, label: string): DecodedText {
  const body = label === 'utf-8' && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? bytes.subarray(3) : bytes;
  const text = tryDecode(body, label);
  if (text === null) throw new ImportError('bad_encoding', { encoding: label });
  if (profileText(text).plausibility < MIN_PLAUSIBILITY) throw new ImportError('bad_encoding_mojibake', { encoding: label });
  return { text, encoding: label, alternatives: [] };
}

/** Every candidate decoded and profiled; the most plausible wins, the rest that read as text are alternatives. */
function decodeLegacy(bytes: Uint8Array): DecodedText {
  if (bytes.subarray(0, 8192).includes(0)) throw new ImportError('binary');
  const suggested = chardet
    .analyse(bytes.subarray(0, 256 * 1024))
    .filter((match) => match.confidence >= 10)
    .map((match) => CHARDET_TO_LABEL[match.name])
    .filter((label): label is string => label !== undefined);
  const ranked = [...new Set(['euc-kr', ...suggested])]
    .map((label) => {
      const text = tryDecode(bytes, label);
      return text === null ? null : { label, text, plausibility: profileText(text).plausibility };
    })
    .filter((c): c is { label: string; text: string; plausibility: number } => c !== null)
    .sort((a, b) => b.plausibility - a.plausibility);
  const best = ranked[0];
  if (!best) throw new ImportError('bad_encoding', { encoding: 'unknown' });
  if (best.plausibility < MIN_PLAUSIBILITY) {
    // Nothing reads as text. Mostly control bytes is a binary file; anything else is mojibake.
    assertLooksLikeText(best.text.slice(0, 1_000_000));
    throw new ImportError('bad_encoding_mojibake', { encoding: best.label });
  }
  const alternatives = ranked.slice(1).filter((c) => c.plausibility >= MIN_PLAUSIBILITY).map((c) => c.label);
  return { text: best.text, encoding: best.label, alternatives };
}

export function decodeText(bytes: Uint8Array, forced?: string): DecodedText {
  if (bytes.length === 0) throw new ImportError('empty_file');
  let result: DecodedText | null = null;
  if (forced) result = decodeForced(bytes, forced);
  else if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    const text = tryDecode(bytes.subarray(3), 'utf-8');
    if (text === null) throw new ImportError('bad_encoding', { encoding: 'utf-8' });
    result = { text, encoding: 'utf-8', alternatives: [] };
  } else if (bytes[0] === 0xff && bytes[1] === 0xfe) {
    const text = tryDecode(bytes.subarray(2), 'utf-16le');
    if (text === null) throw new ImportError('bad_encoding', { encoding: 'utf-16le' });
    result = { text, encoding: 'utf-16le', alternatives: [] };
  } else if (bytes[0] === 0xfe && bytes[1] === 0xff) {
    const text = tryDecode(bytes.subarray(2), 'utf-16be');
    if (text === null) throw new ImportError('bad_encoding', { encoding: 'utf-16be' });
    result = { text, encoding: 'utf-16be', alternatives: [] };
  }
  if (!result) {
    const utf8 = tryDecode(bytes, 'utf-8');
    if (utf8 !== null) result = { text: utf8, encoding: 'utf-8', alternatives: [] };
  }
  if (!result) {
    const parity = utf16Parity(bytes);
    const text = parity ? tryDecode(bytes, parity) : null;
    if (parity && text !== null) result = { text, encoding: parity, alternatives: [] };
  }
  result ??= decodeLegacy(bytes);
  assertLooksLikeText(result.text.slice(0, 1_000_000));
  if (result.text.trim() === '') throw new ImportError('empty_file');
  return result;
}
