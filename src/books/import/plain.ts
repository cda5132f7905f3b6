/**
 * Plain text → outline.
 *
 * The rules, in the order they run (each is explained where it is implemented):
 *
 * 1. **Lines and paragraphs.** Every line is NFC-normalised and its whitespace collapsed.
 *    Books exported from e-books put one paragraph on one line (usually with blank lines
 *    between); hard-wrapped texts (Project Gutenberg style) put one paragraph in a block of
 *    short lines. We look at the text to tell which: when at least half of the non-empty lines
 *    sit in multi-line blocks *and* 95% of lines are at most 100 characters, the text is
 *    hard-wrapped and a paragraph is a blank-line separated block (lines joined with a space,
 *    or with nothing between two CJK characters). Otherwise every non-empty line is a paragraph.
 * 2. **Table of contents.** The longest run (≥ 3) of consecutive non-empty lines that end in a
 *    page number (`제목 **8**`, `제목 8`, `제목<TAB>20`, `제목 ..... 8`) with mostly
 *    non-decreasing numbers, plus a `차례`/`Contents` line just before it. Those lines are not
 *    reading text. The TOC is the source of truth for heading titles and depths.
 * 3. **Finding each entry in the body** (`matchToc`): exact line > same words up to quotes,
 *    spaces and punctuation > same marker (`제2부`, `2.1.`) with similar words > similar words
 *    (normalised edit distance ≤ 0.2). A quoted line only stands for an unquoted entry when its
 *    words are exactly the entry's, and scores lowest. An order-preserving alignment picks the
 *    set of matches with the best total score, so an early quote of a later heading cannot
 *    steal it. Entries not found are reported (`toc_entry_not_found`); no heading is invented.
 *    If fewer than half the entries are found, the "TOC" is not trusted and we fall back to (4).
 * 4. **No TOC**: heading patterns (`제1부`, `제3장`, `1.2.`, `Chapter IV`, `PART ONE`,
 *    `Prologue`/`프롤로그`, …) with warning `no_toc_heading_patterns`.
 * 5. **Front and back matter.** Lines before the first heading (TOC excluded) are a `front`
 *    section. Within the last six lines of the book, a line that begins with the book's title
 *    starts a `back` section (the title repeated plus a closing note).
 * 6. **Page-break joins** (`joinPageBreaks`).
 */
import { assignDepths, headingShape, isTocTitle, specialKind, type ShapeName } from './headings';
import { cleanText, editDistance, headingKey, isQuotedLine, similarity } from './text';
import type { ImportWarning, OutlineSection, SectionKind } from './types';

export interface TextOutline {
  /** First line of the front matter, when there is one. */
  title: string | null;
  author: string | null;
  sections: OutlineSection[];
  warnings: ImportWarning[];
}

interface Line {
  text: string;
  block: number;
  firstInBlock: boolean;
}

interface TocEntry {
  title: string;
  page: number;
  line: number;
  depth: number;
  kind: SectionKind;
  shape: ReturnType<typeof headingShape>;
  key: string;
  quoted: boolean;
}

interface Heading {
  title: string;
  depth: number;
  kind: SectionKind;
}

function splitLines(text: string): Line[] {
  const lines: Line[] = [];
  let block = 0;
  let blank = true;
  for (const raw of text.replace(/\r\n?/g, '\n').split('\n')) {
    const cleaned = cleanText(raw);
    if (!cleaned) {
      if (!blank) block++;
      blank = true;
      continue;
    }
    lines.push({ text: cleaned, block, firstInBlock: blank });
    blank = false;
  }
  return lines;
}

function isHardWrapped(lines: Line[], skip: (index: number) => boolean): boolean {
  const counts = new Map<number, number>();
  const lengths: number[] = [];
  lines.forEach((line, index) => {
    if (skip(index)) return;
    counts.set(line.block, (counts.get(line.block) ?? 0) + 1);
    lengths.push(Array.from(line.text).length);
  });
  if (lengths.length === 0) return false;
  let inMulti = 0;
  for (const count of counts.values()) if (count > 1) inMulti += count;
  lengths.sort((a, b) => a - b);
  const p95 = lengths[Math.min(lengths.length - 1, Math.floor(lengths.length * 0.95))]!;
  return inMulti / lengths.length >= 0.5 && p95 <= 100;
}

// ---------------------------------------------------------------------------------------------
// Table of contents

const TOC_LINE = /^(.*?\S)(?:\s*\*\*\s*(\d{1,4})\s*\*\*|\s*(?:\.{2,}|·{2,}|…+|\s)\s*(\d{1,4}))$/u;

function parseTocLine(text: string): { title: string; page: number } | null {
  const m = TOC_LINE.exec(text);
  if (!m) return null;
  const title = m[1]!.replace(/[\s.·…]+$/u, '').trim();
  if (!/\p{L}/u.test(title)) return null;
  return { title, page: Number(m[2] ?? m[3]) };
}

interface TocBlock {
  start: number;
  end: number;
  entries: { title: string; page: number; line: number }[];
}

function findToc(lines: Line[]): TocBlock | null {
  let best: TocBlock | null = null;
  let i = 0;
  while (i < lines.length) {
    const run: { title: string; page: number; line: number }[] = [];
    let j = i;
    for (; j < lines.length; j++) {
      const entry = parseTocLine(lines[j]!.text);
      if (!entry) break;
      run.push({ ...entry, line: j });
    }
    // A line just before the TOC that happens to end in a number ("© 한결 2026") is not an entry.
    while (run.length > 1 && run[0]!.page > run[1]!.page) run.shift();
    if (run.length >= 3) {
      let descents = 0;
      for (let k = 1; k < run.length; k++) if (run[k]!.page < run[k - 1]!.page) descents++;
      if (descents <= run.length * 0.1 && (!best || run.length > best.entries.length)) {
        let start = run[0]!.line;
        if (start > 0 && isTocTitle(lines[start - 1]!.text)) start--;
        best = { start, end: run[run.length - 1]!.line, entries: run };
      }
    }
    i = Math.max(j, i + 1);
  }
  return best;
}

function buildTocEntries(block: TocBlock): TocEntry[] {
  const shapes = block.entries.map((entry) => headingShape(entry.title));
  const depths = assignDepths(shapes.map((shape) => shape.shape as ShapeName));
  return block.entries.map((entry, index) => ({
    ...entry,
    depth: depths[index]!,
    kind: specialKind(entry.title) ?? 'body',
    shape: shapes[index]!,
    key: headingKey(entry.title),
    quoted: isQuotedLine(entry.title),
  }));
}

interface Candidate {
  entry: number;
  line: number;
  score: number;
}

/** How well `line` stands for `entry` (0 = not at all). Exact > same words > same marker > similar words > quoted. */
function matchScore(entry: TocEntry, line: Line, lineKey: string, lineShape: ReturnType<typeof headingShape>): number {
  if (!line.firstInBlock) return 0;
  const text = line.text;
  const quotedOnly = isQuotedLine(text) && !entry.quoted;
  if (text === entry.title) return 100;
  if (lineKey === entry.key) return quotedOnly ? 20 : 95;
  if (quotedOnly || lineKey.length === 0) return 0;
  if (entry.shape.marker) {
    if (lineShape.marker !== entry.shape.marker) return 0;
    const restEntry = headingKey(entry.shape.rest);
    const restLine = headingKey(lineShape.rest);
    if (!restEntry || !restLine) return 60;
    const sim = similarity(restLine, restEntry);
    return sim >= 0.4 ? 60 + 30 * sim : 0;
  }
  if (lineShape.marker) return 0;
  if (entry.key.length < 4) return 0;
  // Similar words: normalised edit distance at most 0.2 (checked cheaply by length first).
  const longest = Math.max(lineKey.length, entry.key.length);
  const maxEdits = Math.floor(longest * 0.2);
  if (Math.abs(lineKey.length - entry.key.length) > maxEdits) return 0;
  const distance = editDistance(lineKey, entry.key, maxEdits);
  return distance > maxEdits ? 0 : 40 + 40 * (1 - distance / longest);
}

/**
 * Pairs TOC entries with body lines: the order-preserving set of (entry, line) pairs with the
 * highest total score (a longest-path over candidates sorted by entry, then line).
 */
function matchToc(entries: TocEntry[], lines: Line[], excluded: (index: number) => boolean): Map<number, number> {
  const maxKey = Math.max(...entries.map((e) => e.key.length));
  const lineKeys = new Map<number, { key: string; shape: ReturnType<typeof headingShape> }>();
  lines.forEach((line, index) => {
    if (excluded(index) || !line.firstInBlock) return;
    const key = headingKey(line.text);
    if (key.length > maxKey * 2 + 8) return;
    lineKeys.set(index, { key, shape: headingShape(line.text) });
  });
  const candidates: Candidate[] = [];
  entries.forEach((entry, e) => {
    for (const [index, { key, shape }] of lineKeys) {
      if (key.length > entry.key.length * 2 + 8) continue;
      const score = matchScore(entry, lines[index]!, key, shape);
      if (score > 0) candidates.push({ entry: e, line: index, score });
    }
  });
  candidates.sort((a, b) => a.entry - b.entry || a.line - b.line);
  const best = new Array<number>(candidates.length);
  const previous = new Array<number>(candidates.length).fill(-1);
  let top = -1;
  for (let p = 0; p < candidates.length; p++) {
    const c = candidates[p]!;
    best[p] = c.score;
    for (let q = 0; q < p; q++) {
      const d = candidates[q]!;
      if (d.entry < c.entry && d.line < c.line && best[q]! + c.score > best[p]!) {
        best[p] = best[q]! + c.score;
        previous[p] = q;
      }
    }
    if (top < 0 || best[p]! > best[top]!) top = p;
  }
  const matched = new Map<number, number>();
  for (let p = top; p >= 0; p = previous[p]!) matched.set(candidates[p]!.entry, candidates[p]!.line);
  return matched;
}

// ---------------------------------------------------------------------------------------------
// Heading patterns (no TOC)

function patternHeadings(lines: Line[]): Map<number, Heading> {
  const found: { line: number; shape: ShapeName; title: string }[] = [];
  lines.forEach((line, index) => {
    if (!line.firstInBlock) return;
    const length = Array.from(line.text).length;
    if (length > 80 || isQuotedLine(line.text)) return;
    const shape = headingShape(line.text, false);
    if (shape.shape === 'bare') return;
    if (shape.shape.startsWith('num') && /[.!?。]$/u.test(line.text) && length > 40) return;
    if (shape.rest.length > 60) return;
    found.push({ line: index, shape: shape.shape, title: line.text });
  });
  const depths = assignDepths(found.map((f) => f.shape));
  return new Map(
    found.map((f, i) => [f.line, { title: f.title, depth: depths[i]!, kind: specialKind(f.title) ?? 'body' }]),
  );
}

// ---------------------------------------------------------------------------------------------
// Paragraphs

const CJK = /[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]/u;

function joinWrapped(a: string, b: string): string {
  const last = a.slice(-1);
  const first = b.slice(0, 1);
  return CJK.test(last) && CJK.test(first) ? a + b : `${a} ${b}`;
}

const HANGUL_END = /[\uac00-\ud7a3]$/u;
const HANGUL_START = /^[\uac00-\ud7a3]/u;
const SENTENCE_THEN_MORE = /[.!?…。][”’"')\]」』]*\s+\S/u;

/**
 * Joins a paragraph cut by a page break in the middle of a Korean word (`… 유` + `튜브에 …`
 * → `… 유튜브에 …`). All must hold:
 * - the paragraph ends in a Hangul syllable with no closing punctuation, and the next
 *   paragraph (same section, only blank lines between) begins with a Hangul syllable;
 * - the paragraph is prose, not a title-like line: it contains a finished sentence followed
 *   by more words (its last sentence is the unfinished one), or it is at least 60 characters
 *   long. Short lines ending in Hangul — headings, captions, colophon lines — never join.
 * The halves are joined with no space, because the break fell inside a word.
 */
export function joinPageBreaks(paragraphs: string[]): string[] {
  const out: string[] = [];
  for (const paragraph of paragraphs) {
    const previous = out[out.length - 1];
    if (
      previous !== undefined &&
      HANGUL_END.test(previous) &&
      HANGUL_START.test(paragraph) &&
      (SENTENCE_THEN_MORE.test(previous) || Array.from(previous).length >= 60)
    ) {
      out[out.length - 1] = previous + paragraph;
    } else {
      out.push(paragraph);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Metadata from the front matter

const AUTHOR_LINE = /^(지\s*은\s*이|저\s*자|글\s*쓴\s*이|글|지음|author|written by|by)\s*[:：|]?\s+(.+)$/iu;
const AUTHOR_SUFFIX = /^(.+?)\s+(지음|씀|저)$/u;

function findAuthor(lines: string[]): string | null {
  for (const line of lines.slice(0, 40)) {
    const m = AUTHOR_LINE.exec(line);
    if (m) return m[2]!.replace(/^[|:：]\s*/u, '').trim();
  }
  for (const line of lines.slice(0, 40)) {
    const m = AUTHOR_SUFFIX.exec(line);
    if (m && m[1]!.length <= 40) return m[1]!.trim();
  }
  return null;
}

// ---------------------------------------------------------------------------------------------

export function parsePlainText(text: string): TextOutline {
  const warnings: ImportWarning[] = [];
  const lines = splitLines(text);
  const toc = findToc(lines);
  const inToc = (index: number) => toc !== null && index >= toc.start && index <= toc.end;

  let headings = new Map<number, Heading>();
  let usedToc = false;
  if (toc) {
    const entries = buildTocEntries(toc);
    const matched = matchToc(entries, lines, inToc);
    if (matched.size >= Math.max(1, entries.length / 2)) {
      usedToc = true;
      entries.forEach((entry, e) => {
        const line = matched.get(e);
        if (line === undefined) warnings.push({ code: 'toc_entry_not_found', params: { title: entry.title } });
        else headings.set(line, { title: entry.title, depth: entry.depth, kind: entry.kind });
      });
    }
  }
  if (!usedToc) {
    headings = patternHeadings(lines.map((line, index) => (inToc(index) ? { ...line, firstInBlock: false } : line)));
    warnings.push({ code: headings.size > 0 ? 'no_toc_heading_patterns' : 'no_headings', params: {} });
  }

  const firstHeading = Math.min(...headings.keys(), lines.length);
  const frontLines = lines.filter((_, index) => index < firstHeading && !inToc(index)).map((line) => line.text);
  const title = frontLines[0] && Array.from(frontLines[0]).length <= 100 ? frontLines[0] : null;
  const author = findAuthor(frontLines);

  // Back matter: the book's title repeated near the very end, after the last heading.
  let backStart = lines.length;
  const lastHeading = Math.max(...headings.keys(), -1);
  const titleKey = title ? headingKey(title) : '';
  if (titleKey.length >= 2 && lastHeading >= 0) {
    for (let index = Math.max(lastHeading + 2, lines.length - 6); index < lines.length; index++) {
      if (!inToc(index) && headingKey(lines[index]!.text).startsWith(titleKey)) {
        backStart = index;
        break;
      }
    }
  }

  const wrapped = isHardWrapped(lines, (index) => inToc(index) || headings.has(index));
  const sections: OutlineSection[] = [];
  let current: { section: OutlineSection; lines: Line[] } | null = null;
  const finish = () => {
    if (!current) return;
    const paragraphs: string[] = [];
    let lastBlock = -1;
    for (const line of current.lines) {
      if (wrapped && line.block === lastBlock && paragraphs.length > 0) {
        paragraphs[paragraphs.length - 1] = joinWrapped(paragraphs[paragraphs.length - 1]!, line.text);
      } else {
        paragraphs.push(line.text);
      }
      lastBlock = line.block;
    }
    current.section.paragraphs = joinPageBreaks(paragraphs);
    sections.push(current.section);
    current = null;
  };

  lines.forEach((line, index) => {
    if (inToc(index)) return;
    const heading = headings.get(index);
    if (heading) {
      finish();
      current = { section: { depth: heading.depth, title: heading.title, kind: heading.kind, paragraphs: [] }, lines: [] };
      return;
    }
    if (index === backStart) {
      finish();
      current = { section: { depth: 1, title: '', kind: 'back', paragraphs: [] }, lines: [] };
    }
    if (!current) current = { section: { depth: 1, title: '', kind: 'front', paragraphs: [] }, lines: [] };
    current.lines.push(line);
  });
  finish();

  // Without any heading the whole text is one section of the book proper, not front matter.
  if (headings.size === 0) {
    for (const section of sections) if (section.kind === 'front') section.kind = 'body';
  }

  return { title, author, sections, warnings };
}
