/**
 * XHTML content documents → blocks of text, with `htmlparser2`'s streaming parser.
 *
 * A paragraph is the text between two block boundaries: the start or end of any block-level
 * element (p, div, li, blockquote, pre, dd, dt, td, th, figcaption, section, …) ends the
 * current paragraph. So a `div` that holds only text is one paragraph, and a `div` with block
 * children contributes its loose text before/after them as paragraphs of their own; nothing is
 * read twice. `h1`–`h6` become headings. `<ruby>` keeps its base text once (`rt`/`rp` are
 * dropped). `<img>` contributes its alt text when it has one. `script`, `style`, `head` and
 * `template` are skipped. Whitespace is collapsed and text NFC-normalised.
 */
import { Parser } from 'htmlparser2';
import { cleanText } from '../text';

export type Block =
  | { kind: 'para'; text: string }
  | { kind: 'heading'; level: number; text: string }
  | { kind: 'anchor'; id: string };

export interface ContentDocument {
  blocks: Block[];
  /** `epub:type` values declared on the body and its wrappers before the first text. */
  types: Set<string>;
  /** The document contains `<nav epub:type="toc">` (a table-of-contents page). */
  hasTocNav: boolean;
  /** Characters of real text (alt text of images not counted). */
  textChars: number;
}

const BLOCK_TAGS = new Set([
  'address', 'article', 'aside', 'blockquote', 'body', 'caption', 'dd', 'details', 'dialog', 'div', 'dl', 'dt',
  'fieldset', 'figcaption', 'figure', 'footer', 'form', 'header', 'hgroup', 'hr', 'li', 'main', 'nav', 'ol', 'p',
  'pre', 'section', 'summary', 'table', 'tbody', 'td', 'tfoot', 'th', 'thead', 'tr', 'ul',
]);
const SKIP_TAGS = new Set(['script', 'style', 'head', 'template', 'rt', 'rp', 'noscript']);
const HEADING = /^h([1-6])$/;

function epubTypes(attributes: Record<string, string>): string[] {
  const value = attributes['epub:type'] ?? attributes['type'] ?? '';
  return value.split(/\s+/).filter(Boolean).map((t) => t.toLowerCase());
}

export function extractContent(html: string, anchorIds: ReadonlySet<string> = new Set()): ContentDocument {
  const blocks: Block[] = [];
  const types = new Set<string>();
  let hasTocNav = false;
  let textChars = 0;
  let buffer = '';
  let skipping = 0;
  let headingLevel = 0;
  let seenText = false;

  const flush = () => {
    const text = cleanText(buffer);
    buffer = '';
    if (!text) return;
    seenText = true;
    if (headingLevel) blocks.push({ kind: 'heading', level: headingLevel, text });
    else blocks.push({ kind: 'para', text });
  };

  const parser = new Parser(
    {
      onopentag(name, attributes) {
        if (SKIP_TAGS.has(name)) {
          skipping++;
          return;
        }
        if (skipping) return;
        const heading = HEADING.exec(name);
        if (heading || BLOCK_TAGS.has(name)) flush();
        if (heading) headingLevel = Number(heading[1]);
        if (name === 'nav' && epubTypes(attributes).includes('toc')) hasTocNav = true;
        if (!seenText && (name === 'body' || BLOCK_TAGS.has(name))) for (const t of epubTypes(attributes)) types.add(t);
        const id = attributes['id'];
        if (id && anchorIds.has(id)) {
          flush();
          blocks.push({ kind: 'anchor', id });
        }
        if (name === 'img' || name === 'image') {
          const alt = (attributes['alt'] ?? '').trim();
          if (alt) buffer += ` ${alt} `;
        } else if (name === 'br') {
          buffer += ' ';
        }
      },
      ontext(text) {
        if (skipping) return;
        buffer += text;
        if (/\S/.test(text)) textChars += text.trim().length;
      },
      onclosetag(name) {
        if (SKIP_TAGS.has(name)) {
          if (skipping > 0) skipping--;
          return;
        }
        if (skipping) return;
        const heading = HEADING.exec(name);
        if (heading || BLOCK_TAGS.has(name)) flush();
        if (heading) headingLevel = 0;
      },
    },
    { decodeEntities: true, recognizeSelfClosing: true, lowerCaseTags: true, lowerCaseAttributeNames: false },
  );
  parser.write(html);
  parser.end();
  flush();
  return { blocks, types, hasTocNav, textChars };
}

export interface NavEntry {
  href: string;
  title: string;
  depth: number;
}

export interface NavDocument {
  toc: NavEntry[];
  landmarks: { href: string; types: string[] }[];
}

/** The `toc` and `landmarks` navs of an EPUB 3 navigation document. Depth = nesting of `<ol>`. */
export function parseNav(html: string): NavDocument {
  const toc: NavEntry[] = [];
  const landmarks: { href: string; types: string[] }[] = [];
  const navStack: string[] = [];
  let olDepth = 0;
  let link: { href: string; types: string[]; text: string } | null = null;
  let skipping = 0;
  const parser = new Parser(
    {
      onopentag(name, attributes) {
        if (SKIP_TAGS.has(name)) skipping++;
        if (name === 'nav') {
          const t = epubTypes(attributes);
          navStack.push(t.includes('toc') ? 'toc' : t.includes('landmarks') ? 'landmarks' : 'other');
        }
        const nav = navStack[navStack.length - 1];
        if (!nav) return;
        if (name === 'ol' && nav === 'toc') olDepth++;
        if (name === 'a') link = { href: attributes['href'] ?? '', types: epubTypes(attributes), text: '' };
      },
      ontext(text) {
        if (link && !skipping) link.text += text;
      },
      onclosetag(name) {
        if (SKIP_TAGS.has(name) && skipping > 0) skipping--;
        const nav = navStack[navStack.length - 1];
        if (name === 'a' && link && nav) {
          const title = cleanText(link.text);
          if (nav === 'toc' && link.href) toc.push({ href: link.href, title, depth: Math.max(1, olDepth) });
          if (nav === 'landmarks' && link.href) landmarks.push({ href: link.href, types: link.types });
          link = null;
        }
        if (name === 'ol' && nav === 'toc') olDepth--;
        if (name === 'nav') navStack.pop();
      },
    },
    { decodeEntities: true, recognizeSelfClosing: true, lowerCaseTags: true, lowerCaseAttributeNames: false },
  );
  parser.write(html);
  parser.end();
  return { toc, landmarks };
}
