/**
 * From a parsed book's outline to reader pages ("chapters" in the UI and URLs).
 *
 * The outline is a list of headings in reading order, each with a depth and the paragraphs
 * directly under it. Read as a tree, a book is one of:
 * - chapters only (`# Chapter` …), or chapters with sections inside them;
 * - parts → chapters (→ sections), like our content books (`# Part` / `## Chapter` /
 *   `### section`) and the first real book (`제1부` / `1.1.` / bare section lines).
 *
 * The rule, in order:
 * 1. Front matter, body and back matter never share a page.
 * 2. When the whole body hangs under one top-level heading with no text of its own (a
 *    Markdown `# Book title` above `## Part`s), that heading is a wrapper: it opens the first
 *    page and its children are read as the top level.
 * 3. A top-level heading with at least two children and no text of its own is a *container*
 *    (a part). When at least half of the book's top-level headings that have two or more
 *    children are containers, the book has parts: every top-level heading with children is
 *    split, each child (a chapter) gets a page, and the part's heading opens the page of its
 *    first chapter. A part with text of its own (an introduction) gets a page of its own.
 * 4. Otherwise a top-level heading and everything under it is one page (chapters with
 *    sections; Moby-Dick's "Chapter 40" with its one stage-direction subtitle).
 * 5. A page must hold text: headings with no text under them join the next page of the same
 *    kind, else the previous page (or the next one when nothing comes before), so no page is
 *    only headings.
 * 6. A page longer than `MAX_PAGE_PARAGRAPHS` is split at the next heading level down, again
 *    and again (`paginate` reports how many with the warning `long_chapter_split`).
 *
 * Headings are stored as paragraphs of kind `heading`, so every line of the book has a position
 * and an anchor; nothing is dropped, repeated or reordered: concatenating the pages gives back
 * the outline's headings and paragraphs in order (tested).
 */
import type { ImportWarning, OutlineSection, RubyMark, SectionKind } from './import/types';

export interface PageParagraph {
  kind: 'text' | 'heading';
  depth: number;
  text: string;
  ruby?: RubyMark[];
}

export interface Page {
  /** The heading that names the page ('' for untitled front or back matter). */
  title: string;
  kind: SectionKind;
  /** Outline depth of that heading. */
  depth: number;
  paragraphs: PageParagraph[];
}

interface OutlineNode {
  section: OutlineSection;
  children: OutlineNode[];
}

/** Reads the flat outline as a forest; a change of kind (front/body/back) always closes a tree. */
function buildForest(sections: readonly OutlineSection[]): OutlineNode[] {
  const roots: OutlineNode[] = [];
  const stack: OutlineNode[] = [];
  for (const section of sections) {
    const node: OutlineNode = { section, children: [] };
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      if (top.section.kind === section.kind && top.section.depth < section.depth) break;
      stack.pop();
    }
    if (stack.length > 0) stack[stack.length - 1]!.children.push(node);
    else roots.push(node);
    stack.push(node);
  }
  return roots;
}

const ownText = (node: OutlineNode) => node.section.paragraphs.length > 0;
const isContainer = (node: OutlineNode) => node.section.kind === 'body' && node.children.length >= 2 && !ownText(node);

function flatten(node: OutlineNode, into: PageParagraph[] = []): PageParagraph[] {
  if (node.section.title) into.push({ kind: 'heading', depth: node.section.depth, text: node.section.title });
  node.section.paragraphs.forEach((text, i) => {
    const ruby = node.section.ruby?.[i];
    into.push(ruby ? { kind: 'text', depth: 0, text, ruby } : { kind: 'text', depth: 0, text });
  });
  for (const child of node.children) flatten(child, into);
  return into;
}

/**
 * Most paragraphs a reader page should hold: a club schedules reading by page, and a page of
 * 1,000–5,000 paragraphs (a book whose nav lists only its parts) is not something anyone reads
 * in a sitting. A longer page is split at the next heading level down (see `pagesOf`).
 */
export const MAX_PAGE_PARAGRAPHS = 300;

const sizeOf = (node: OutlineNode): number => 1 + node.section.paragraphs.length + node.children.reduce((sum, child) => sum + sizeOf(child), 0);

/** Counts, while one book is paged, how many pages were split for length (for the warning). */
interface PagingStats {
  longSplits: number;
}

/**
 * The pages of one node: one page, unless it is longer than `MAX_PAGE_PARAGRAPHS` and has
 * headings below it; then its own heading and text open a page and each child is paged the
 * same way (so a 2,000-paragraph part becomes its chapters, a long chapter its sections).
 */
function pagesOf(node: OutlineNode, lead: PageParagraph[], stats: PagingStats): Page[] {
  if (node.children.length === 0 || sizeOf(node) <= MAX_PAGE_PARAGRAPHS) return [pageOf(node, lead)];
  stats.longSplits++;
  return childPages(node, lead, stats);
}

/**
 * A node split at its children: its heading opens the first child's page, unless it has text
 * of its own (then that text is a page); each child is paged by `pagesOf`.
 */
function childPages(node: OutlineNode, lead: PageParagraph[], stats: PagingStats): Page[] {
  const pages: Page[] = [];
  let carry = [...lead, ...headingOnly(node)];
  if (ownText(node)) {
    pages.push(pageOf({ section: node.section, children: [] }, lead));
    carry = [];
  }
  for (const child of node.children) {
    pages.push(...pagesOf(child, [...carry, ...leadOf(child)], stats));
    carry = [];
  }
  return pages;
}

function headingOnly(node: OutlineNode): PageParagraph[] {
  return node.section.title ? [{ kind: 'heading', depth: node.section.depth, text: node.section.title }] : [];
}

function pageOf(node: OutlineNode, lead: PageParagraph[] = []): Page {
  return { title: node.section.title, kind: node.section.kind, depth: node.section.depth, paragraphs: [...lead, ...flatten(node)] };
}

/** Whether the book's top level is parts (split into chapter pages) rather than chapters. */
export function hasParts(roots: readonly OutlineNode[]): boolean {
  const branching = roots.filter((node) => node.section.kind === 'body' && node.children.length >= 2);
  const containers = branching.filter(isContainer).length;
  return containers > 0 && containers * 2 >= branching.length;
}

/** Rule 2: descend through body wrappers (a lone top-level heading with no text). */
function unwrap(roots: OutlineNode[]): OutlineNode[] {
  const body = roots.filter((node) => node.section.kind === 'body');
  if (body.length !== 1) return roots;
  const wrapper = body[0]!;
  if (ownText(wrapper) || wrapper.children.length < 2) return roots;
  // The wrapper's heading rides along on its first child; the children take its place.
  const [first, ...rest] = wrapper.children;
  const carried: OutlineNode = {
    section: first!.section,
    children: first!.children,
  };
  wrapperLeads.set(carried, headingOnly(wrapper));
  const index = roots.indexOf(wrapper);
  return unwrap([...roots.slice(0, index), carried, ...rest, ...roots.slice(index + 1)]);
}

/** Headings that must open the page of a node (a wrapper or part heading above it). */
const wrapperLeads = new WeakMap<OutlineNode, PageParagraph[]>();

function leadOf(node: OutlineNode): PageParagraph[] {
  return wrapperLeads.get(node) ?? [];
}

export function splitIntoPages(sections: readonly OutlineSection[]): Page[] {
  return paginate(sections).pages;
}

/**
 * The pages, and the warning to show when some were split for length
 * (`import.warning.long_chapter_split`).
 */
export function paginate(sections: readonly OutlineSection[]): { pages: Page[]; warnings: ImportWarning[] } {
  const stats: PagingStats = { longSplits: 0 };
  const roots = unwrap(buildForest(sections));
  const parts = hasParts(roots);
  const raw: Page[] = [];

  for (const node of roots) {
    const lead = leadOf(node);
    // A part: chapters get pages; the part's heading opens the first, unless it has text.
    if (parts && node.section.kind === 'body' && node.children.length > 0) raw.push(...childPages(node, lead, stats));
    else raw.push(...pagesOf(node, lead, stats));
  }

  const pages = mergeHeadingOnlyPages(raw);
  const warnings: ImportWarning[] =
    stats.longSplits > 0 ? [{ code: 'long_chapter_split', params: { count: stats.longSplits, limit: MAX_PAGE_PARAGRAPHS } }] : [];
  return { pages, warnings };
}

/** Rule 5: pages without text give their headings to the next page of their kind, or the previous one. */
function mergeHeadingOnlyPages(raw: Page[]): Page[] {
  const pages: Page[] = [];
  let pending: Page | null = null;
  for (const page of raw) {
    const hasText = page.paragraphs.some((p) => p.kind === 'text');
    if (pending && (pending.kind === page.kind || pages.length === 0)) {
      // Into the next page of its kind; or, when nothing comes before, into whatever comes next.
      page.paragraphs = [...pending.paragraphs, ...page.paragraphs];
      pending = null;
    } else if (pending) {
      flushPending(pages, pending);
      pending = null;
    }
    if (!hasText) {
      if (page.paragraphs.length > 0) pending = page;
      continue;
    }
    pages.push(page);
  }
  if (pending) flushPending(pages, pending);
  return pages;
}

function flushPending(pages: Page[], pending: Page) {
  const previous = pages[pages.length - 1];
  if (previous) previous.paragraphs.push(...pending.paragraphs);
  else pages.push(pending);
}

/** One entry of a book's table of contents, linking to `chapters/:chapterOrdinal#p-:paragraphOrdinal`. */
export interface TocEntry {
  /** '' for untitled front/back matter (the view supplies a translated name from `kind`). */
  title: string;
  kind: SectionKind;
  depth: number;
  chapterOrdinal: number;
  /** The heading's paragraph; null when the chapter has no heading (link to its top). */
  paragraphOrdinal: number | null;
  children: TocEntry[];
}

/**
 * The table of contents as a tree, from the stored headings (`listHeadings`) and chapters
 * (`listChapterHeads`). A chapter without any heading (untitled front or back matter) gets one
 * entry of its own at depth 1, so every chapter can be reached from the contents.
 */
export function tocTree(
  chapterHeads: readonly { ordinal: number; title: string; kind: SectionKind }[],
  headings: readonly { chapterOrdinal: number; ordinal: number; depth: number; text: string }[],
): TocEntry[] {
  const byChapter = new Map<number, typeof headings[number][]>();
  for (const heading of headings) {
    const list = byChapter.get(heading.chapterOrdinal) ?? [];
    list.push(heading);
    byChapter.set(heading.chapterOrdinal, list);
  }
  const flat: Omit<TocEntry, 'children'>[] = [];
  for (const chapter of chapterHeads) {
    const list = byChapter.get(chapter.ordinal) ?? [];
    if (list.length === 0) {
      flat.push({ title: chapter.title, kind: chapter.kind, depth: 1, chapterOrdinal: chapter.ordinal, paragraphOrdinal: null });
      continue;
    }
    for (const heading of list) {
      flat.push({ title: heading.text, kind: chapter.kind, depth: Math.max(1, heading.depth), chapterOrdinal: chapter.ordinal, paragraphOrdinal: heading.ordinal });
    }
  }
  const roots: TocEntry[] = [];
  const stack: TocEntry[] = [];
  for (const item of flat) {
    const entry: TocEntry = { ...item, children: [] };
    while (stack.length > 0 && stack[stack.length - 1]!.depth >= entry.depth) stack.pop();
    if (stack.length > 0) stack[stack.length - 1]!.children.push(entry);
    else roots.push(entry);
    stack.push(entry);
  }
  return roots;
}
