/**
 * Passage anchoring, in the shape of the W3C Web Annotation model.
 *
 * A passage is a span inside ONE paragraph's text. It is addressed twice, and both
 * addresses are stored:
 *
 * - a **TextPositionSelector** (`start`, `end`): offsets into the paragraph text;
 * - a **TextQuoteSelector** (`exact`, `prefix`, `suffix`): the quoted words plus up to
 *   {@link PASSAGE_CONTEXT_CHARS} characters of context on each side, so a passage can be
 *   found again if positions ever drift (a corrected edition, see {@link locatePassage}).
 *
 * ## Decisions
 *
 * **Offset unit: UTF-16 code units** of the paragraph's **NFC** text. That is what the
 * browser's `Selection`/`Range` hands out and what `String.prototype.slice` takes, so the
 * client script and the server agree without any conversion. Paragraph text is stored NFC,
 * so a Hangul syllable is always one code unit and never half-selected.
 *
 * **No boundary may split a user-perceived character.** `start` and `end` must both be
 * extended grapheme cluster boundaries (`Intl.Segmenter`, granularity `grapheme`). That rules
 * out splitting a surrogate pair, separating a base letter from its combining marks (`\p{M}`),
 * cutting a ZWJ emoji sequence, a flag, a skin-tone modifier or a sequence of conjoining
 * Hangul jamo. The cheap explicit checks run first; the segmenter settles the rest.
 *
 * **Context (`prefix`/`suffix`) is exact.** The prefix is the up-to-32 code units immediately
 * before `start`; the suffix the up-to-32 immediately after `end`. They are shorter only when
 * the paragraph edge cuts them, and they are trimmed by one code unit rather than split a
 * surrogate pair (a lone surrogate cannot survive UTF-8 form posts or SQLite TEXT — it turns
 * into U+FFFD and would never match again). A client-sent prefix/suffix must therefore equal
 * exactly what {@link selectorFor} computes: a shorter one is accepted only when the real
 * context is itself shorter (paragraph edge). A prefix/suffix that is *absent* (`undefined`
 * or `null`) is derived from the text; an *empty string* is a claim ("nothing before") and is
 * checked like any other.
 *
 * **Input strings are NFC-normalised before comparison**, so a client on a platform that
 * hands out NFD text (`e\u0301`) still matches an NFC paragraph (`é`). Positions are not
 * re-interpreted: they must already be offsets into the NFC text.
 *
 * **Validation is strict.** If positions and quote disagree the write is refused
 * (`mismatch`); re-anchoring by quote is a separate, explicit step ({@link locatePassage}).
 *
 * @example
 * const text = '소년은 개울가에서 소녀를 보자 곧 윤 초시네 증손녀딸이라는 걸 알 수 있었다.';
 * const selector = selectorFor(text, 4, 9); // { exact: '개울가에서', prefix: '소년은 ', ... }
 * validateSelector(text, selector); // { ok: true, selector }
 */

/** Maximum length of `prefix` and of `suffix`, in UTF-16 code units. */
export const PASSAGE_CONTEXT_CHARS = 32;

/** Longest passage one may anchor a comment to, in UTF-16 code units. */
export const MAX_PASSAGE_CHARS = 2_000;

export interface PassageSelector {
  /** The quoted text, `text.slice(start, end)`. */
  exact: string;
  /** Up to 32 code units immediately before `start` (shorter at the paragraph start). */
  prefix: string;
  /** Up to 32 code units immediately after `end` (shorter at the paragraph end). */
  suffix: string;
  /** Offset of the first code unit, inclusive. */
  start: number;
  /** Offset after the last code unit, exclusive. */
  end: number;
}

/**
 * What a client may send: numbers may arrive as strings (form posts), anything may be
 * missing or of the wrong type.
 */
export interface SelectorInput {
  exact?: unknown;
  prefix?: unknown;
  suffix?: unknown;
  start?: unknown;
  end?: unknown;
}

export type SelectorError =
  /** start/end are not whole numbers, or exact/prefix/suffix are not strings. */
  | 'invalid'
  /** The paragraph text itself is not NFC (a data bug: offsets would be meaningless). */
  | 'not_normalized'
  /** start < 0, end > text length, or start > end. */
  | 'out_of_range'
  /** start === end, or the passage is only whitespace. */
  | 'empty'
  /** Longer than {@link MAX_PASSAGE_CHARS}. */
  | 'too_long'
  /** start or end falls inside a user-perceived character. */
  | 'splits_character'
  /** exact (after NFC) is not `text.slice(start, end)`. */
  | 'mismatch'
  | 'prefix_mismatch'
  | 'suffix_mismatch';

export type SelectorResult =
  | { ok: true; selector: PassageSelector }
  | { ok: false; error: SelectorError };

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
const COMBINING_MARK = /\p{M}/u;

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}
function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

/**
 * True when `offset` is a place where a passage may begin or end: the paragraph edges, or
 * a grapheme cluster boundary (never inside a surrogate pair, never before a combining mark,
 * never inside a ZWJ sequence).
 */
export function isCharacterBoundary(text: string, offset: number): boolean {
  if (!Number.isInteger(offset) || offset < 0 || offset > text.length) return false;
  if (offset === 0 || offset === text.length) return true;
  // Fast, explicit checks for the common cases...
  if (isLowSurrogate(text.charCodeAt(offset)) && isHighSurrogate(text.charCodeAt(offset - 1))) {
    return false;
  }
  const next = String.fromCodePoint(text.codePointAt(offset) ?? 0);
  if (COMBINING_MARK.test(next)) return false;
  // ...then the full Unicode rules (ZWJ sequences, flags, modifiers, jamo).
  return graphemes.segment(text).containing(offset)?.index === offset;
}

/** Context before `start`: up to 32 code units, trimmed rather than split a surrogate pair. */
function prefixBefore(text: string, start: number): string {
  let from = Math.max(0, start - PASSAGE_CONTEXT_CHARS);
  if (from > 0 && isLowSurrogate(text.charCodeAt(from)) && isHighSurrogate(text.charCodeAt(from - 1))) {
    from += 1;
  }
  return text.slice(from, start);
}

/** Context after `end`: up to 32 code units, trimmed rather than split a surrogate pair. */
function suffixAfter(text: string, end: number): string {
  let to = Math.min(text.length, end + PASSAGE_CONTEXT_CHARS);
  if (to < text.length && isLowSurrogate(text.charCodeAt(to)) && isHighSurrogate(text.charCodeAt(to - 1))) {
    to -= 1;
  }
  return text.slice(end, to);
}

/**
 * Build the full selector for `text.slice(start, end)`. Does not validate; callers that
 * take offsets from outside use {@link validateSelector}.
 */
export function selectorFor(text: string, start: number, end: number): PassageSelector {
  return {
    exact: text.slice(start, end),
    prefix: prefixBefore(text, start),
    suffix: suffixAfter(text, end),
    start,
    end,
  };
}

/** Accept integers and base-10 integer strings ("12"); anything else is `null`. */
function toOffset(value: unknown): number | null {
  if (typeof value === 'number') return Number.isSafeInteger(value) ? value : null;
  if (typeof value === 'string' && /^\s*-?\d{1,15}\s*$/.test(value)) return Number(value);
  return null;
}

/** `undefined`/`null` → absent; string → NFC string; anything else → invalid. */
function toOptionalText(value: unknown, maxLength: number): string | null | 'invalid' | 'too_long' {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') return 'invalid';
  // Refuse absurd sizes before spending time normalising them (NFC can grow a string ×3).
  if (value.length > maxLength * 4) return 'too_long';
  return value.normalize('NFC');
}

/**
 * Check a client-sent selector against the paragraph text (which must be NFC) and return
 * the canonical selector to store.
 *
 * Checks run in this order, and the first failure is reported: `invalid`,
 * `not_normalized`, `out_of_range`, `empty`, `too_long`, `splits_character`, `mismatch`,
 * `prefix_mismatch`, `suffix_mismatch`.
 */
export function validateSelector(text: string, input: SelectorInput): SelectorResult {
  const start = toOffset(input.start);
  const end = toOffset(input.end);
  if (start === null || end === null) return { ok: false, error: 'invalid' };

  const exact = toOptionalText(input.exact, MAX_PASSAGE_CHARS);
  const prefix = toOptionalText(input.prefix, PASSAGE_CONTEXT_CHARS);
  const suffix = toOptionalText(input.suffix, PASSAGE_CONTEXT_CHARS);
  if (exact === null || exact === 'invalid' || prefix === 'invalid' || suffix === 'invalid') {
    return { ok: false, error: 'invalid' };
  }

  if (text.normalize('NFC') !== text) return { ok: false, error: 'not_normalized' };
  if (start < 0 || end > text.length || start > end) return { ok: false, error: 'out_of_range' };
  const canonical = selectorFor(text, start, end);
  if (canonical.exact.trim() === '') return { ok: false, error: 'empty' };
  if (end - start > MAX_PASSAGE_CHARS || exact === 'too_long') return { ok: false, error: 'too_long' };
  if (!isCharacterBoundary(text, start) || !isCharacterBoundary(text, end)) {
    return { ok: false, error: 'splits_character' };
  }
  if (exact !== canonical.exact) return { ok: false, error: 'mismatch' };
  if (prefix === 'too_long' || (prefix !== null && prefix !== canonical.prefix)) {
    return { ok: false, error: 'prefix_mismatch' };
  }
  if (suffix === 'too_long' || (suffix !== null && suffix !== canonical.suffix)) {
    return { ok: false, error: 'suffix_mismatch' };
  }
  return { ok: true, selector: canonical };
}

/** What {@link locatePassage} needs: the quote, and optionally the old positions as a hint. */
export interface PassageQuote {
  exact: string;
  prefix?: string;
  suffix?: string;
  start?: number;
  end?: number;
}

export interface LocatedPassage {
  selector: PassageSelector;
  /** `position`: the stored offsets still fit; `quote`: found again by its words. */
  method: 'position' | 'quote';
  /** Context characters that matched around the found occurrence (0–64). */
  contextScore: number;
}

function commonSuffixLength(a: string, b: string): number {
  let n = 0;
  while (n < a.length && n < b.length && a[a.length - 1 - n] === b[b.length - 1 - n]) n += 1;
  return n;
}

function commonPrefixLength(a: string, b: string): number {
  let n = 0;
  while (n < a.length && n < b.length && a[n] === b[n]) n += 1;
  return n;
}

/**
 * Find a passage again in `text` (NFC) from its quote — the re-anchoring fallback for when
 * stored positions no longer agree with the text (for example a corrected edition).
 *
 * 1. If `start`/`end` are given and still select `exact` with the same context, use them.
 * 2. Otherwise look at every occurrence of `exact` that starts and ends on character
 *    boundaries, and score it by how many characters of `prefix` (read backwards) and
 *    `suffix` (read forwards) agree with the text around it. The highest score wins; ties
 *    go to the occurrence closest to the old `start`, then to the earliest.
 *
 * Returns `null` when `exact` is empty or does not occur at all. Matching is exact (after
 * NFC); no fuzzy matching is attempted.
 */
export function locatePassage(text: string, quote: PassageQuote): LocatedPassage | null {
  const exact = quote.exact.normalize('NFC');
  if (exact === '') return null;
  const prefix = (quote.prefix ?? '').normalize('NFC');
  const suffix = (quote.suffix ?? '').normalize('NFC');

  const scoreAt = (at: number): number =>
    commonSuffixLength(prefix, prefixBefore(text, at)) +
    commonPrefixLength(suffix, suffixAfter(text, at + exact.length));

  if (
    quote.start !== undefined &&
    quote.end !== undefined &&
    Number.isInteger(quote.start) &&
    quote.end - quote.start === exact.length &&
    text.slice(quote.start, quote.end) === exact &&
    scoreAt(quote.start) === prefix.length + suffix.length
  ) {
    return { selector: selectorFor(text, quote.start, quote.end), method: 'position', contextScore: scoreAt(quote.start) };
  }

  let best: { at: number; score: number } | null = null;
  const hint = quote.start ?? 0;
  for (let at = text.indexOf(exact); at !== -1; at = text.indexOf(exact, at + 1)) {
    if (!isCharacterBoundary(text, at) || !isCharacterBoundary(text, at + exact.length)) continue;
    const score = scoreAt(at);
    if (
      best === null ||
      score > best.score ||
      (score === best.score && Math.abs(at - hint) < Math.abs(best.at - hint))
    ) {
      best = { at, score };
    }
  }
  if (best === null) return null;
  return {
    selector: selectorFor(text, best.at, best.at + exact.length),
    method: 'quote',
    contextScore: best.score,
  };
}
