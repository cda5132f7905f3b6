/**
 * From a parsed book's outline to reader pages ("chapters" in the UI and URLs).
 *
 * The outline can be one level (chapters), two (parts → chapters, or chapters → sections) or
 * three (parts → chapters → sections, like the first real book). A page is one chapter:
 * - When top-level entries are mostly containers (a part heading with no text of its own,
 *   followed by deeper headings), pages start at depth 2 and the part's heading opens the page
 *   of its first chapter. Otherwise pages start at depth 1 and deeper headings are sections
 *   inside the page.
 * - A section that has text of its own always gets the page it starts (a part introduction,
 *   a prologue), and front and back matter are pages of their own.
 * Headings are stored as paragraphs of kind `heading`, so every line of the book has a position
 * and an anchor; nothing is dropped or repeated.
 */
import type { OutlineSection, SectionKind } from './import/types';

export interface PageParagraph {
  kind: 'text' | 'heading';
  depth: number;
  text: string;
}

export interface Page {
  title: string;
  kind: SectionKind;
  depth: number;
  paragraphs: PageParagraph[];
}

export function pageDepthFor(sections: readonly OutlineSection[]): 1 | 2 {
  let containers = 0;
  let emptyContainers = 0;
  sections.forEach((section, index) => {
    if (section.depth !== 1 || section.kind !== 'body') return;
    const next = sections[index + 1];
    if (next && next.depth > 1) {
      containers += 1;
      if (section.paragraphs.length === 0) emptyContainers += 1;
    }
  });
  return containers > 0 && emptyContainers * 2 >= containers ? 2 : 1;
}

export function splitIntoPages(sections: readonly OutlineSection[]): Page[] {
  const pageDepth = pageDepthFor(sections);
  const pages: Page[] = [];
  let current: Page | undefined;
  const hasText = (page: Page) => page.paragraphs.some((p) => p.kind === 'text');

  for (const section of sections) {
    const startsPage =
      !current ||
      section.kind !== current.kind ||
      (section.depth <= pageDepth && hasText(current)) ||
      (section.kind !== 'body' && section.title === '' && current.paragraphs.length > 0);
    if (startsPage) {
      current = { title: section.title, kind: section.kind, depth: section.depth, paragraphs: [] };
      pages.push(current);
    } else if (current && section.depth <= pageDepth && section.title) {
      // A chapter heading after its part heading: the page is named after the chapter.
      current.title = section.title;
      current.depth = section.depth;
    }
    if (section.title) current!.paragraphs.push({ kind: 'heading', depth: section.depth, text: section.title });
    for (const text of section.paragraphs) current!.paragraphs.push({ kind: 'text', depth: 0, text });
  }
  return pages.filter((page) => page.paragraphs.length > 0);
}
