/**
 * Snippets: a window of a matching text around its first hit, with every hit marked. Built
 * here rather than with FTS5's `snippet()` because the indexes store bigrams, not the text;
 * the text comes from `paragraphs` and `comments`, only for rows the reader may see.
 *
 * Matching is case-insensitive. A stemmed English word may match in the index without its
 * typed form appearing in the text ("running" finds "runs"): then its first four letters are
 * tried as a word prefix, and failing that the snippet is the start of the text, unmarked.
 *
 * Pure: no I/O.
 */

export interface SnippetPart {
  text: string;
  hit: boolean;
}

export interface Snippet {
  parts: SnippetPart[];
  /** Text was cut before / after the window. */
  cutStart: boolean;
  cutEnd: boolean;
}

/** Characters of context shown around the first hit (the window is about twice this). */
export const SNIPPET_RADIUS = 60;

interface Hit {
  start: number;
  end: number;
}

function hitsOf(text: string, needles: readonly string[]): Hit[] {
  const lower = text.toLowerCase();
  // toLowerCase keeps UTF-16 length for every script we index except a few (İ); then search as written.
  const haystack = lower.length === text.length ? lower : text;
  const hits: Hit[] = [];
  for (const needle of needles) {
    if (!needle) continue;
    for (let at = haystack.indexOf(needle); at !== -1; at = haystack.indexOf(needle, at + needle.length)) hits.push({ start: at, end: at + needle.length });
  }
  hits.sort((a, b) => a.start - b.start || b.end - a.end);
  const merged: Hit[] = [];
  for (const hit of hits) {
    const last = merged[merged.length - 1];
    if (last && hit.start <= last.end) last.end = Math.max(last.end, hit.end);
    else merged.push({ ...hit });
  }
  return merged;
}

/** The snippet of `text` for these needles (lower-cased, as `buildSearchQuery` gives them). */
export function snippetOf(text: string, needles: readonly string[], radius = SNIPPET_RADIUS): Snippet {
  let hits = hitsOf(text, needles);
  if (hits.length === 0) hits = hitsOf(text, needles.filter((n) => /^\p{Script=Latin}{5,}$/u.test(n)).map((n) => n.slice(0, 4)));
  const first = hits[0];
  let start = first ? Math.max(0, first.start - radius) : 0;
  let end = Math.min(text.length, (first ? first.end : 0) + radius * (first ? 1 : 2));
  // Start at a word when one begins close by, rather than mid-word.
  if (start > 0 && first) {
    const space = text.slice(start, first.start).search(/\s/u);
    if (space !== -1 && space < 16) start += space + 1;
  }
  // Never cut a surrogate pair in half.
  if (start > 0 && /[\uDC00-\uDFFF]/.test(text[start]!)) start -= 1;
  if (end < text.length && /[\uDC00-\uDFFF]/.test(text[end]!)) end += 1;
  const parts: SnippetPart[] = [];
  let at = start;
  for (const hit of hits) {
    if (hit.end <= start || hit.start >= end) continue;
    const from = Math.max(hit.start, start);
    const to = Math.min(hit.end, end);
    if (from > at) parts.push({ text: text.slice(at, from), hit: false });
    parts.push({ text: text.slice(from, to), hit: true });
    at = to;
  }
  if (at < end) parts.push({ text: text.slice(at, end), hit: false });
  return { parts, cutStart: start > 0, cutEnd: end < text.length };
}
