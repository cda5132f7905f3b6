/**
 * Bytes → text for `.txt` and `.md` files.
 *
 * Order of trust: a byte-order mark; then strict UTF-8 (valid UTF-8 is almost never an accident);
 * then UTF-16 without a BOM when NUL bytes sit on one parity; then what `chardet` suggests,
 * each candidate decoded strictly (`fatal: true`) so a wrong guess fails instead of producing
 * mojibake; EUC-KR (WHATWG's euc-kr is the CP949 superset) is always tried before giving up.
 */
import chardet from 'chardet';
import { ImportError } from './types';

export interface DecodedText {
  text: string;
  encoding: string;
}

/** chardet's names → WHATWG labels we accept and report. */
const CHARDET_TO_LABEL: Record<string, string> = {
  'UTF-8': 'utf-8',
  'UTF-16LE': 'utf-16le',
  'UTF-16BE': 'utf-16be',
  'EUC-KR': 'euc-kr',
  'Shift_JIS': 'shift_jis',
  'EUC-JP': 'euc-jp',
  'ISO-2022-JP': 'iso-2022-jp',
  'GB18030': 'gb18030',
  'Big5': 'big5',
  'windows-1252': 'windows-1252',
  'ISO-8859-1': 'windows-1252',
};

function tryDecode(bytes: Uint8Array, label: string): string | null {
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

export function decodeText(bytes: Uint8Array): DecodedText {
  if (bytes.length === 0) throw new ImportError('empty_file');
  let result: DecodedText | null = null;
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    const text = tryDecode(bytes.subarray(3), 'utf-8');
    if (text === null) throw new ImportError('bad_encoding', { encoding: 'utf-8' });
    result = { text, encoding: 'utf-8' };
  } else if (bytes[0] === 0xff && bytes[1] === 0xfe) {
    const text = tryDecode(bytes.subarray(2), 'utf-16le');
    if (text === null) throw new ImportError('bad_encoding', { encoding: 'utf-16le' });
    result = { text, encoding: 'utf-16le' };
  } else if (bytes[0] === 0xfe && bytes[1] === 0xff) {
    const text = tryDecode(bytes.subarray(2), 'utf-16be');
    if (text === null) throw new ImportError('bad_encoding', { encoding: 'utf-16be' });
    result = { text, encoding: 'utf-16be' };
  }
  if (!result) {
    const utf8 = tryDecode(bytes, 'utf-8');
    if (utf8 !== null) result = { text: utf8, encoding: 'utf-8' };
  }
  if (!result) {
    const parity = utf16Parity(bytes);
    const text = parity ? tryDecode(bytes, parity) : null;
    if (parity && text !== null) result = { text, encoding: parity };
  }
  if (!result) {
    if (bytes.subarray(0, 8192).includes(0)) throw new ImportError('binary');
    const candidates = chardet
      .analyse(bytes.subarray(0, 256 * 1024))
      .filter((match) => match.confidence >= 10)
      .map((match) => CHARDET_TO_LABEL[match.name])
      .filter((label): label is string => label !== undefined);
    // chardet's ranking first, then EUC-KR (the legacy encoding our readers are likely to have).
    // No catch-all fallback: GB18030 would "decode" almost any junk into nonsense.
    const order = [...new Set([...candidates, 'euc-kr'])];
    for (const label of order) {
      const text = tryDecode(bytes, label);
      if (text !== null) {
        result = { text, encoding: label };
        break;
      }
    }
  }
  if (!result) throw new ImportError('bad_encoding', { encoding: 'unknown' });
  assertLooksLikeText(result.text.slice(0, 1_000_000));
  if (result.text.trim() === '') throw new ImportError('empty_file');
  return result;
}
