/** Small text helpers shared by every format: normalisation, language guess, similarity. */

/** NFC, every run of whitespace (including NBSP and ideographic space) to one space, trimmed. */
export function cleanText(text: string): string {
  return text.normalize('NFC').replace(/[\s\u00a0\u3000\u200b\ufeff]+/gu, ' ').trim();
}

const HANGUL = /[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f]/gu;
const KANA = /[\u3040-\u30ff]/gu;
const LETTER = /\p{L}/gu;

/** 'ko' when Hangul dominates, 'ja' when kana is present in quantity, else 'en'. */
export function detectLanguage(sample: string): string {
  const text = sample.slice(0, 50_000);
  const letters = text.match(LETTER)?.length ?? 0;
  if (letters === 0) return 'en';
  const hangul = text.match(HANGUL)?.length ?? 0;
  const kana = text.match(KANA)?.length ?? 0;
  if (hangul / letters >= 0.2) return 'ko';
  if (kana / letters >= 0.05) return 'ja';
  return 'en';
}

/** 'en-US' → 'en', 'ja-jp' → 'ja'; null for empty or malformed tags. */
export function primaryLanguage(tag: string | null | undefined): string | null {
  if (!tag) return null;
  const primary = tag.trim().toLowerCase().split(/[-_]/)[0] ?? '';
  return /^[a-z]{2,3}$/.test(primary) ? primary : null;
}

const QUOTES = /["'“”„‟‘’‚‛「」『』«»〈〉《》`´]/gu;

/**
 * Comparison key for headings: NFC, lower case, no quotes, no whitespace, no punctuation.
 * `“그 문장, 저도 좋았어요”` and `"그 문장, 저도 좋았어요"` share a key.
 */
export function headingKey(text: string): string {
  return text
    .normalize('NFC')
    .toLowerCase()
    .replace(QUOTES, '')
    .replace(/[\s\p{P}\p{S}]+/gu, '');
}

/** True when the whole line is wrapped in quotation marks (a quoted sentence, not a heading). */
export function isQuotedLine(text: string): boolean {
  return /^["“„‘'「『«]/u.test(text) && /["”’'」』»][.!?。]?$/u.test(text);
}

/** Levenshtein distance over code points, with an early exit once `max` is exceeded. */
export function editDistance(a: string, b: string, max = Infinity): number {
  const x = Array.from(a);
  const y = Array.from(b);
  if (Math.abs(x.length - y.length) > max) return max + 1;
  if (x.length === 0) return y.length;
  if (y.length === 0) return x.length;
  let previous = new Array<number>(y.length + 1);
  let current = new Array<number>(y.length + 1);
  for (let j = 0; j <= y.length; j++) previous[j] = j;
  for (let i = 1; i <= x.length; i++) {
    current[0] = i;
    let rowMin = i;
    for (let j = 1; j <= y.length; j++) {
      const cost = x[i - 1] === y[j - 1] ? 0 : 1;
      const value = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      current[j] = value;
      if (value < rowMin) rowMin = value;
    }
    if (rowMin > max) return max + 1;
    [previous, current] = [current, previous];
  }
  return previous[y.length]!;
}

/** 1 for equal strings, 0 for nothing in common (1 − normalised edit distance). */
export function similarity(a: string, b: string): number {
  const longest = Math.max(Array.from(a).length, Array.from(b).length);
  if (longest === 0) return 1;
  return 1 - editDistance(a, b) / longest;
}

/**
 * Splits a paragraph longer than `limit` characters at the last sentence end (or else the last
 * space) before the limit. Every character is kept; only the cut points are chosen.
 */
export function splitLongParagraph(paragraph: string, limit: number): string[] {
  if (paragraph.length <= limit) return [paragraph];
  const pieces: string[] = [];
  let rest = paragraph;
  while (rest.length > limit) {
    const window = rest.slice(0, limit);
    let cut = -1;
    const sentenceEnd = /[.!?。！？…]["'”’」』)]*\s/gu;
    for (let m = sentenceEnd.exec(window); m; m = sentenceEnd.exec(window)) cut = m.index + m[0].length;
    if (cut < limit / 2) cut = window.lastIndexOf(' ') + 1;
    if (cut <= 0) cut = limit;
    pieces.push(rest.slice(0, cut).trim());
    rest = rest.slice(cut).trim();
  }
  if (rest) pieces.push(rest);
  return pieces.filter((piece) => piece.length > 0);
}
