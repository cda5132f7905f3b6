/**
 * Re-anchoring: finding a comment's place again in another edition of the book. Pure, no I/O.
 *
 * A passage (W3C quote + position selectors, see `selectors.ts`) is looked for in this order:
 *
 * 1. **exact position** — a paragraph of the new edition with the very same text (nearest the
 *    old position) where the stored offsets still select the quote with the same context;
 * 2. **exact quote** — every occurrence of the quote in the new edition, scored by how much of
 *    the prefix/suffix agrees ({@link locatePassage}); ties go to the paragraph nearest the old
 *    position (relative place in the book);
 * 3. **fuzzy** — `diff-match-patch`'s `match_main` (Bitap, the approach Hypothesis used) finds
 *    the head and tail of the quote in each paragraph; the span between is scored by
 *    Levenshtein similarity to the quote (85 %, 60 % for quotes under 32 characters) and of
 *    its context to the old prefix/suffix (the rest); a short exact quote that kept under a
 *    quarter of its context is not taken as exact. The best span at or above {@link REANCHOR_MIN_SCORE} is used;
 * 4. otherwise the comment is **orphaned**, with the best score seen: never moved silently.
 *
 * Paragraph-level comments anchor to the paragraph whose text is most similar (a paragraph
 * followed by the next one counts too, so a split paragraph keeps its comment on its first
 * half); chapter comments to the chapter of the same title, else the same ordinal.
 *
 * Scores are in [0, 1]; exact methods score 1. Offsets are UTF-16 code units of NFC text and
 * are moved to character boundaries (never inside a surrogate pair or a grapheme).
 */
import DiffMatchPatch from 'diff-match-patch';
import { isCharacterBoundary, locatePassage, selectorFor, type PassageSelector } from './selectors';

/** Below this a comment is not moved but orphaned (shown to moderators). */
export const REANCHOR_MIN_SCORE = 0.75;

/** Bitap patterns are limited to 32 characters (`Match_MaxBits`). */
const BITAP_BITS = 32;
/** A quote this long identifies itself; shorter ones need their context. */
const LONG_QUOTE = 32;
/** Share of the context an exact short quote must keep to count as exact. */
const MIN_EXACT_CONTEXT = 0.25;
/** Weight of the quote's own similarity in a fuzzy score (the rest is its context). */
function quoteWeight(exact: string): number {
  return exact.length >= LONG_QUOTE ? 0.85 : 0.6;
}

export interface EditionParagraph {
  id: number;
  text: string;
  position: number;
  chapterId: number;
}

export interface OldPassage {
  /** The old paragraph's text and global position. */
  paragraphText: string;
  paragraphPosition: number;
  selector: PassageSelector;
}

export type PassageAnchor =
  | { orphaned?: false; paragraphId: number; start: number; end: number; score: number; method: 'exact' | 'fuzzy'; selector: PassageSelector }
  | { orphaned: true; bestScore: number };

export type ParagraphAnchor =
  | { orphaned?: false; paragraphId: number; score: number; method: 'exact' | 'fuzzy' }
  | { orphaned: true; bestScore: number };

function makeDmp(): DiffMatchPatch {
  const dmp = new DiffMatchPatch();
  dmp.Match_Threshold = 0.5;
  dmp.Match_Distance = 1_000;
  dmp.Diff_Timeout = 0.05;
  return dmp;
}

/** 1 − Levenshtein distance / longer length; 1 for two empty strings. */
export function similarity(a: string, b: string, dmp: DiffMatchPatch = makeDmp()): number {
  if (a === b) return 1;
  const longer = Math.max(a.length, b.length);
  if (longer === 0) return 1;
  const diffs = dmp.diff_main(a, b, false);
  return Math.max(0, 1 - dmp.diff_levenshtein(diffs) / longer);
}

/** Where the old paragraph sat in the book, 0–1, and the same for each candidate. */
function relativePlace(position: number, min: number, max: number): number {
  return max === min ? 0 : (position - min) / (max - min);
}

function snapBack(text: string, offset: number): number {
  let at = Math.max(0, Math.min(text.length, offset));
  while (at > 0 && !isCharacterBoundary(text, at)) at -= 1;
  return at;
}
function snapForward(text: string, offset: number): number {
  let at = Math.max(0, Math.min(text.length, offset));
  while (at < text.length && !isCharacterBoundary(text, at)) at += 1;
  return at;
}

/** Cut to at most 32 code units without leaving half a surrogate pair. */
function head(s: string): string {
  let n = Math.min(s.length, BITAP_BITS);
  if (n < s.length && isLowSurrogate(s.charCodeAt(n))) n -= 1;
  return s.slice(0, n);
}
function tail(s: string): string {
  let from = Math.max(0, s.length - BITAP_BITS);
  if (from > 0 && isLowSurrogate(s.charCodeAt(from))) from += 1;
  return s.slice(from);
}
function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

function contextScore(text: string, start: number, end: number, prefix: string, suffix: string, dmp: DiffMatchPatch): number {
  const parts: number[] = [];
  if (prefix !== '') parts.push(similarity(prefix, text.slice(Math.max(0, start - prefix.length), start), dmp));
  if (suffix !== '') parts.push(similarity(suffix, text.slice(end, end + suffix.length), dmp));
  return parts.length === 0 ? 1 : parts.reduce((a, b) => a + b, 0) / parts.length;
}

/** The best fuzzy span of `selector` in `text`, or null when Bitap finds nothing. */
function fuzzyIn(text: string, selector: PassageSelector, hint: number, dmp: DiffMatchPatch): { start: number; end: number; score: number } | null {
  const exact = selector.exact;
  if (text === '' || exact === '') return null;
  const h = head(exact);
  let start: number;
  try {
    start = dmp.match_main(text, h, Math.min(hint, text.length));
  } catch {
    return null;
  }
  if (start < 0) return null;
  let end = start + exact.length;
  if (exact.length > h.length) {
    const t = tail(exact);
    let at = -1;
    try {
      at = dmp.match_main(text, t, Math.max(0, Math.min(text.length, start + exact.length - t.length)));
    } catch {
      at = -1;
    }
    if (at >= 0 && at + t.length > start) end = at + t.length;
  }
  start = snapBack(text, start);
  end = snapForward(text, Math.min(end, text.length));
  if (end <= start) return null;
  const quote = similarity(exact, text.slice(start, end), dmp);
  const context = contextScore(text, start, end, selector.prefix, selector.suffix, dmp);
  return { start, end, score: quoteWeight(exact) * quote + (1 - quoteWeight(exact)) * context };
}

/** Re-anchor a passage comment in `target` (the new edition's paragraphs, in reading order). */
export function reanchorPassage(old: OldPassage, target: readonly EditionParagraph[], oldRange: { min: number; max: number }): PassageAnchor {
  if (target.length === 0) return { orphaned: true, bestScore: 0 };
  const newMin = target[0]!.position;
  const newMax = target[target.length - 1]!.position;
  const oldPlace = relativePlace(old.paragraphPosition, oldRange.min, oldRange.max);
  const distance = (p: EditionParagraph) => Math.abs(relativePlace(p.position, newMin, newMax) - oldPlace);
  const byNearness = [...target].sort((a, b) => distance(a) - distance(b) || a.position - b.position);
  const { selector } = old;

  // 1. Same paragraph text, same offsets.
  for (const p of byNearness) {
    if (p.text !== old.paragraphText) continue;
    const found = locatePassage(p.text, selector);
    if (found?.method === 'position') {
      return { paragraphId: p.id, start: found.selector.start, end: found.selector.end, score: 1, method: 'exact', selector: found.selector };
    }
  }

  // 2. The exact quote anywhere; the most context wins, then the nearest.
  let best: { p: EditionParagraph; sel: PassageSelector; context: number } | null = null;
  for (const p of byNearness) {
    if (!p.text.includes(selector.exact)) continue;
    const found = locatePassage(p.text, selector);
    if (found && (best === null || found.contextScore > best.context)) best = { p, sel: found.selector, context: found.contextScore };
  }
  // A short quote found with (almost) none of its context is a coincidence, not a move.
  const contextLength = selector.prefix.length + selector.suffix.length;
  if (best && selector.exact.length < LONG_QUOTE && contextLength > 0 && best.context / contextLength < MIN_EXACT_CONTEXT) best = null;
  if (best) {
    return { paragraphId: best.p.id, start: best.sel.start, end: best.sel.end, score: 1, method: 'exact', selector: best.sel };
  }

  // 3. Fuzzy, everywhere; ties go to the nearest (byNearness order, strict >).
  const dmp = makeDmp();
  let fuzzy: { p: EditionParagraph; start: number; end: number; score: number } | null = null;
  for (const p of byNearness) {
    const hint = p.text === old.paragraphText ? selector.start : Math.round((selector.start / Math.max(1, old.paragraphText.length)) * p.text.length);
    const found = fuzzyIn(p.text, selector, hint, dmp);
    if (found && (fuzzy === null || found.score > fuzzy.score)) fuzzy = { p, ...found };
  }
  if (fuzzy && fuzzy.score >= REANCHOR_MIN_SCORE) {
    const sel = selectorFor(fuzzy.p.text, fuzzy.start, fuzzy.end);
    return { paragraphId: fuzzy.p.id, start: sel.start, end: sel.end, score: round(fuzzy.score), method: 'fuzzy', selector: sel };
  }
  return { orphaned: true, bestScore: round(fuzzy?.score ?? 0) };
}

/**
 * Re-anchor a whole-paragraph comment: the same text (nearest), else the most similar
 * paragraph — or paragraph + the next one of its chapter (a split) — at or above the threshold.
 */
export function reanchorParagraph(
  old: { text: string; position: number },
  target: readonly EditionParagraph[],
  oldRange: { min: number; max: number },
): ParagraphAnchor {
  if (target.length === 0) return { orphaned: true, bestScore: 0 };
  const newMin = target[0]!.position;
  const newMax = target[target.length - 1]!.position;
  const oldPlace = relativePlace(old.position, oldRange.min, oldRange.max);
  const distance = (p: EditionParagraph) => Math.abs(relativePlace(p.position, newMin, newMax) - oldPlace);
  const order = target.map((p, i) => ({ p, i })).sort((a, b) => distance(a.p) - distance(b.p) || a.p.position - b.p.position);

  for (const { p } of order) if (p.text === old.text) return { paragraphId: p.id, score: 1, method: 'exact' };

  const dmp = makeDmp();
  const grams = bigrams(old.text);
  let best: { p: EditionParagraph; score: number } | null = null;
  for (const { p, i } of order) {
    const candidates = [p.text];
    const next = target[i + 1];
    if (next && next.chapterId === p.chapterId) candidates.push(`${p.text} ${next.text}`);
    for (const text of candidates) {
      // Cheap prefilter (bigram Dice) before the Levenshtein score.
      if (dice(grams, bigrams(text)) < REANCHOR_MIN_SCORE - 0.2) continue;
      const score = similarity(old.text, text, dmp);
      if (best === null || score > best.score) best = { p, score };
    }
  }
  if (best && best.score >= REANCHOR_MIN_SCORE) return { paragraphId: best.p.id, score: round(best.score), method: 'fuzzy' };
  return { orphaned: true, bestScore: round(best?.score ?? 0) };
}

/** The new chapter for a chapter-thread comment: same title, else same ordinal. */
export function matchChapter<C extends { id: number; title: string; ordinal: number }>(old: { title: string; ordinal: number }, target: readonly C[]): C | null {
  const norm = (s: string) => s.normalize('NFC').trim().toLowerCase();
  return target.find((c) => norm(c.title) === norm(old.title)) ?? target.find((c) => c.ordinal === old.ordinal) ?? null;
}

/**
 * Move a reading position (a global paragraph position; 0 = not started) to the new edition:
 * the paragraph matching the old paragraph at that position, else the match of the nearest
 * preceding old paragraph that has one, else 0.
 */
export function mapPosition(
  position: number,
  oldParagraphs: readonly { text: string; position: number }[],
  match: (old: { text: string; position: number }) => EditionParagraph | null,
): number {
  if (position <= 0) return 0;
  const before = oldParagraphs.filter((p) => p.position <= position).sort((a, b) => b.position - a.position);
  for (const old of before) {
    const found = match(old);
    if (found) return found.position;
  }
  return 0;
}

function round(score: number): number {
  return Math.round(score * 1000) / 1000;
}

function bigrams(text: string): Map<string, number> {
  const out = new Map<string, number>();
  const s = text.toLowerCase();
  for (let i = 0; i + 1 < s.length; i++) {
    const g = s.slice(i, i + 2);
    out.set(g, (out.get(g) ?? 0) + 1);
  }
  return out;
}

function dice(a: Map<string, number>, b: Map<string, number>): number {
  let total = 0;
  let shared = 0;
  for (const n of a.values()) total += n;
  for (const [g, n] of b) {
    total += n;
    shared += Math.min(n, a.get(g) ?? 0);
  }
  return total === 0 ? 1 : (2 * shared) / total;
}
