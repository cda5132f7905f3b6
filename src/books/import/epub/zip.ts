/**
 * Opening an EPUB's ZIP archive safely.
 *
 * 1. A first `unzipSync` pass with a `filter` that inflates nothing: it sees every entry of the
 *    central directory (name, declared sizes) and enforces, before any byte is inflated:
 *    at most `maxEntries` entries; no entry declared over `maxEntryBytes`; declared total at
 *    most `maxUncompressedBytes`; no entry name that could lead out of the book (`..`
 *    segments, absolute paths, drive letters, backslash paths, NUL).
 * 2. Only what the importer reads (XML, XHTML, NCX, OPF, SMIL, SVG) is inflated, one entry at a
 *    time, with a **byte budget** counted on what comes out, not on what the headers say:
 *    `node:zlib`'s `inflateRawSync` with `maxOutputLength` stops as soon as the output passes
 *    the budget (it inflates in chunks and checks after each), so an entry whose header says
 *    2 KB but which inflates to 16 GiB is refused after 2 KB of output, in well under a
 *    millisecond. The budget of an entry is the smallest of: its declared size (a header that
 *    lies is a zip bomb or a broken file either way), `maxEntryBytes`, and what is left of
 *    `maxUncompressedBytes` after the entries inflated before it. Over budget:
 *    `epub_too_large`. Then the CRC-32 of what came out must match the directory
 *    (`epub_invalid` otherwise).
 */
import { inflateRawSync } from 'node:zlib';
import { unzipSync, type UnzipFileInfo } from 'fflate';
import { ImportError, type ImportLimits } from '../types';

export interface EpubArchive {
  /** Every entry name in the archive (directories included), as written in the central directory. */
  names: Set<string>;
  /** Inflated entries, by name. */
  files: Map<string, Uint8Array>;
}

interface CentralEntry {
  crc: number;
  compressedSize: number;
  dataOffset: number;
  method: number;
}

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

export function crc32(data: Uint8Array): number {
  let crc = 0xffffffff;
  for (let i = 0; i < data.length; i++) crc = CRC_TABLE[(crc ^ data[i]!) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/**
 * CRC-32, method, compressed size and data offset of each central-directory entry, in directory
 * order (the same order fflate's filter sees them). fflate lists the names and sizes; this is
 * what reading one entry needs. Returns [] when the directory cannot be read.
 */
function centralDirectory(bytes: Uint8Array): CentralEntry[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let eocd = -1;
  for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 65558); i--) {
    if (view.getUint32(i, true) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) return [];
  const count = view.getUint16(eocd + 10, true);
  let offset = view.getUint32(eocd + 16, true);
  const entries: CentralEntry[] = [];
  for (let i = 0; i < count && offset + 46 <= bytes.length; i++) {
    if (view.getUint32(offset, true) !== 0x02014b50) return [];
    const method = view.getUint16(offset + 10, true);
    const crc = view.getUint32(offset + 16, true);
    const compressedSize = view.getUint32(offset + 20, true);
    const nameLength = view.getUint16(offset + 28, true);
    const extraLength = view.getUint16(offset + 30, true);
    const commentLength = view.getUint16(offset + 32, true);
    const local = view.getUint32(offset + 42, true);
    let dataOffset = -1;
    if (local + 30 <= bytes.length && view.getUint32(local, true) === 0x04034b50) {
      dataOffset = local + 30 + view.getUint16(local + 26, true) + view.getUint16(local + 28, true);
    }
    entries.push({ crc, compressedSize, dataOffset, method });
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** True when an entry name could resolve outside the book's own folder. */
export function isEscapingPath(name: string): boolean {
  if (name.includes('\0')) return true;
  if (/^[\\/]/.test(name) || /^[A-Za-z]:/.test(name)) return true;
  return name.split(/[\\/]/).some((segment) => segment === '..');
}

/**
 * fflate reads an entry name as Latin-1 unless the ZIP's UTF-8 flag is set, but many EPUB
 * tools write UTF-8 names (`一.xhtml`) without the flag. A Latin-1 name whose bytes are valid
 * UTF-8 is read as UTF-8.
 */
export function fixEntryName(name: string): string {
  if (!/[\u0080-\u00ff]/.test(name) || /[^\u0000-\u00ff]/.test(name)) return name;
  const bytes = Uint8Array.from(name, (c) => c.charCodeAt(0));
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes).normalize('NFC');
  } catch {
    return name;
  }
}

function invalid(error: unknown): ImportError {
  if (error instanceof ImportError) return error;
  const detail = error instanceof Error ? error.message : String(error);
  return new ImportError('epub_invalid', { detail });
}

/**
 * Inflates one raw-DEFLATE entry, refusing as soon as the output passes `budget` bytes.
 * `limit` is what the error message reports (the configured limit, not the budget left).
 */
export function inflateWithBudget(compressed: Uint8Array, budget: number, name: string, limit: number): Uint8Array {
  try {
    // maxOutputLength must be ≥ 1; a declared size of 0 with real content still overflows it.
    const out = inflateRawSync(compressed, { maxOutputLength: Math.max(1, budget) });
    if (out.length > budget) throw new ImportError('epub_too_large', { name, limit });
    return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  } catch (error) {
    if (error instanceof ImportError) throw error;
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' || error instanceof RangeError) {
      throw new ImportError('epub_too_large', { name, limit });
    }
    throw new ImportError('epub_invalid', { detail: `${name}: ${error instanceof Error ? error.message : String(error)}` });
  }
}

export function openArchive(bytes: Uint8Array, limits: ImportLimits, wanted: (name: string) => boolean): EpubArchive {
  const names = new Set<string>();
  const declared: UnzipFileInfo[] = [];
  let total = 0;
  try {
    unzipSync(bytes, {
      filter(info) {
        if (declared.length + 1 > limits.maxEntries) {
          throw new ImportError('epub_too_many_entries', { limit: limits.maxEntries });
        }
        if (isEscapingPath(info.name) || isEscapingPath(fixEntryName(info.name))) throw new ImportError('epub_path_escape', { name: info.name });
        if (info.originalSize > limits.maxEntryBytes) {
          throw new ImportError('epub_too_large', { name: info.name, limit: limits.maxEntryBytes });
        }
        total += info.originalSize;
        if (total > limits.maxUncompressedBytes) {
          throw new ImportError('epub_too_large', { name: info.name, limit: limits.maxUncompressedBytes });
        }
        declared.push(info);
        names.add(fixEntryName(info.name));
        return false;
      },
    });
  } catch (error) {
    throw invalid(error);
  }

  const directory = centralDirectory(bytes);
  if (directory.length !== declared.length) throw new ImportError('epub_invalid', { detail: 'the ZIP central directory cannot be read' });
  const result = new Map<string, Uint8Array>();
  let inflated = 0;
  declared.forEach((info, index) => {
    const name = fixEntryName(info.name);
    if (!wanted(name) || name.endsWith('/')) return;
    const entry = directory[index]!;
    if (entry.dataOffset < 0 || entry.dataOffset + entry.compressedSize > bytes.length) {
      throw new ImportError('epub_invalid', { detail: `${info.name}: entry data lies outside the file` });
    }
    const raw = bytes.subarray(entry.dataOffset, entry.dataOffset + entry.compressedSize);
    const left = limits.maxUncompressedBytes - inflated;
    const budget = Math.min(info.originalSize, limits.maxEntryBytes, left);
    const limit = left < Math.min(info.originalSize, limits.maxEntryBytes) ? limits.maxUncompressedBytes : limits.maxEntryBytes;
    let data: Uint8Array;
    if (entry.method === 0) {
      if (raw.length > budget) throw new ImportError('epub_too_large', { name: info.name, limit });
      data = raw;
    } else if (entry.method === 8) {
      data = inflateWithBudget(raw, budget, info.name, limit);
    } else {
      throw new ImportError('epub_invalid', { detail: `${info.name}: unsupported compression method ${entry.method}` });
    }
    inflated += data.length;
    if (crc32(data) !== entry.crc) throw new ImportError('epub_invalid', { detail: `CRC-32 mismatch in ${info.name}` });
    result.set(name, data);
  });
  return { names, files: result };
}
