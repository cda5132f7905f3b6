/**
 * XHTML (and SVG) content documents → blocks of text, with `htmlparser2`'s streaming parser.
 *
 * A paragraph is the text between two block boundaries: the start or end of any block-level
 * element (p, div, li, blockquote, pre, dd, dt, td, th, figcaption, section, …) ends the
 * current paragraph. So a `div` that holds only text is one paragraph, and a `div` with block
 * children contributes its loose text before/after them as paragraphs of their own; nothing is
 * read twice. `h1`–`h6` become headings; several headings in one `<header>`/`<hgroup>` are one
 * heading ("Chapter Two: What is cancer?").
 *
 * What is not text, and is dropped with everything inside it: page-break markers
 * (`epub:type="pagebreak"`, `role="doc-pagebreak"`), note references (`noteref`, and a link
 * or linked superscript whose text is only a marker such as `2`, `[1]`, `*`), line and page
 * numbers (`class="lnum"`, `linenum`, `pagenum`, …), navigation (`nav`, `role="navigation"`,
 * `navheader`/`navfooter` bars), `script`, `style`, `head`, `template`, `rp`, SVG `title`/`desc`.
 *
 * What keeps its shape:
 * - **Verse**: `<br>` is a line break inside the paragraph; a line group (`class` linegroup,
 *   stanza, verse, poem, lg; `epub:type` z3998:poem/verse/stanza) is one paragraph whose
 *   child blocks are its lines; a nested group (a stanza in a poem), or a child block with `<br>`
 *   breaks of its own, is a paragraph of its own, so stanza breaks stay. `<pre>` keeps its line breaks.
 * - **Ruby** is kept as ruby (see `../rich.ts`): base text in the paragraph, annotation beside.
 * - **MathML** becomes readable linear text (`./math.ts`), never its symbols run together.
 * - **SVG** text (`<text>`, `<tspan>`) is separated by spaces, in inline SVG and in SVG spine
 *   documents alike.
 *
 * Images: alt text of one or two non-ASCII characters (a gaiji image standing for a character) stays
 * in the text; longer alt text becomes a paragraph of its own only when nothing else is in
 * that block, marked `alt` so the importer can drop placeholders ("cover", "代替テキスト").
 * Images are counted, so a book made of pictures can be told apart from an empty one.
 */
import { Parser } from 'htmlparser2';
import { LINE, plainText, RUBY_CLOSE, RUBY_OPEN, RUBY_TEXT } from '../rich';
import { cleanText } from '../text';
import { mathToText, type MathNode } from './math';

export type Block =
  /** `text` may hold the marks of `../rich.ts`; `alt`: only an image's alt text; `links`: all of it is link text. */
  | { kind: 'para'; text: string; alt?: boolean; links?: boolean }
  | { kind: 'heading'; level: number; text: string }
  | { kind: 'anchor'; id: string };

export interface ContentDocument {
  blocks: Block[];
  /** `epub:type` values declared on the body and its wrappers before the first text. */
  types: Set<string>;
  /** The document contains `<nav epub:type="toc">` (a table-of-contents page). */
  hasTocNav: boolean;
  /** Characters of real text (alt text of images not counted), and how many of them are in headings. */
  textChars: number;
  headingChars: number;
  /** Characters of text inside links to other documents, and how many documents they point at. */
  linkChars: number;
  links: number;
  /** `img`, SVG `image` and `svg` elements. */
  images: number;
  /** `lang`/`xml:lang` and `dir` of the root or body, '' when absent. */
  lang: string;
  dir: string;
  /** Stylesheets linked (`href` as written) and the text of `<style>` elements and root/body `style` attributes. */
  stylesheets: string[];
  inlineCss: string;
}

const BLOCK_TAGS = new Set([
  'address', 'article', 'aside', 'blockquote', 'body', 'caption', 'dd', 'details', 'dialog', 'div', 'dl', 'dt',
  'fieldset', 'figcaption', 'figure', 'footer', 'form', 'header', 'hgroup', 'hr', 'li', 'main', 'nav', 'ol', 'p',
  'pre', 'section', 'summary', 'table', 'tbody', 'td', 'tfoot', 'th', 'thead', 'tr', 'ul',
]);
/** Inside these an `<svg>` is part of the line (an icon, a small diagram in a sentence); elsewhere it is a block. */
const INLINE_CONTEXT = new Set(['p', 'span', 'a', 'li', 'td', 'th', 'dd', 'dt', 'figcaption', 'caption', 'em', 'strong', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6']);
const SKIP_TAGS = new Set(['script', 'style', 'head', 'template', 'rp', 'noscript', 'title', 'desc', 'metadata', 'rtc']);
const HEADING = /^h([1-6])$/;
const LINE_GROUP_CLASS = /(^|\s)(linegroup|line-group|stanza|verse|poem|poetry|lg)(\s|$)/i;
const LINE_GROUP_TYPES = ['z3998:poem', 'z3998:verse', 'z3998:stanza', 'z3998:lyrics', 'z3998:song'];
const NUMBER_CLASS = /(^|\s)(lnum|linenum|line-?num(ber)?|lineno|pagenum|page-?number|pageno)(\s|$)/i;
/** Navigation bars: DocBook's navheader/navfooter, DITA's related-links (Previous topic / Next topic), site-like bars. */
const NAVIGATION_CLASS = /(^|\s)(navheader|navfooter|nav-?bar|navigation|breadcrumbs?|pager|related-links|familylinks|previouslink|nextlink|parentlink)(\s|$)/i;
/** "Previous topic: …", "Next page: …" said by a link: navigation whatever its markup. */
const NAVIGATION_LABEL = /^(previous|prev|next|parent|up)( (topic|page|chapter|section))?\s*:/i;
/** The text of a note reference: a number, a letter, a bracketed one, or note symbols. */
export const NOTE_MARK = /^[[(]?(\d{1,3}|[a-z]|[*†‡§¶]+)[\])]?$/i;
const MATH_TAGS = /^(math|m[a-z]+|semantics|annotation|annotation-xml|none|mprescripts)$/;

function epubTypes(attributes: Record<string, string>): string[] {
  const value = attributes['epub:type'] ?? attributes['type'] ?? '';
  return value.split(/\s+/).filter(Boolean).map((t) => t.toLowerCase());
}

interface OpenElement {
  name: string;
  skip: boolean;
  lineGroup: boolean;
  line: boolean;
  pre: boolean;
  /** Buffer length at the start of a link or superscript (to take a note marker back out). */
  markStart: number;
  href: string | null;
  hadLink: boolean;
  group: number;
  /** A line of a line group: where its text starts in the buffer. */
  lineStart?: number;
  /** An `<svg>` standing as a block (a page, a figure): its text is a paragraph of its own. */
  svgBlock?: boolean;
}

export function extractContent(html: string, anchorIds: ReadonlySet<string> = new Set()): ContentDocument {
  const blocks: Block[] = [];
  const types = new Set<string>();
  const stylesheets: string[] = [];
  let inlineCss = '';
  let hasTocNav = false;
  let textChars = 0;
  let headingChars = 0;
  let linkChars = 0;
  const linkTargets = new Set<string>();
  let images = 0;
  let lang = '';
  let dir = '';
  let buffer = '';
  let altParts: string[] = [];
  let paragraphLinkChars = 0;
  let skipping = 0;
  let headingLevel = 0;
  let headingGroup = 0;
  let groupCounter = 0;
  let lastHeadingGroup = -1;
  let seenText = false;
  let rubyDepth = 0;
  let rubyReopen = false;
  let math: MathNode[] | null = null;
  let capturingStyle = false;
  const stack: OpenElement[] = [];

  const inside = (test: (e: OpenElement) => boolean) => stack.some(test);
  const currentGroup = () => {
    for (let i = stack.length - 1; i >= 0; i--) if (stack[i]!.group) return stack[i]!.group;
    return 0;
  };

  const flush = () => {
    const raw = buffer;
    buffer = '';
    const alts = altParts;
    altParts = [];
    const linkShare = paragraphLinkChars;
    paragraphLinkChars = 0;
    if (headingLevel) {
      const text = plainText(raw);
      if (!text) return;
      seenText = true;
      const last = blocks[blocks.length - 1];
      // Headings of one <header>/<hgroup>, in a row: one heading.
      if (headingGroup && last?.kind === 'heading' && lastHeadingGroup === headingGroup) {
        last.text = `${last.text}: ${text}`;
        last.level = Math.min(last.level, headingLevel);
      } else blocks.push({ kind: 'heading', level: headingLevel, text });
      lastHeadingGroup = headingGroup;
      return;
    }
    const words = plainText(raw);
    if (words && linkShare > 0 && NAVIGATION_LABEL.test(words)) return;
    if (words) {
      seenText = true;
      lastHeadingGroup = -1;
      const block: Block = { kind: 'para', text: raw };
      if (linkShare > 0 && linkShare >= words.length * 0.9) block.links = true;
      blocks.push(block);
      return;
    }
    const alt = cleanText(alts.join(' '));
    if (alt) blocks.push({ kind: 'para', text: alt, alt: true });
  };

  /** A line boundary inside a line group: a break, unless the paragraph is still empty. */
  const lineBreak = () => {
    if (/[^\s\ue000-\ue003]/u.test(buffer) && !buffer.trimEnd().endsWith(LINE)) buffer += LINE;
  };

  const parser = new Parser(
    {
      onopentag(name, attributes) {
        const element: OpenElement = { name, skip: false, lineGroup: false, line: false, pre: false, markStart: -1, href: null, hadLink: false, group: 0 };
        // Stylesheets live in <head>, which is otherwise skipped ("alternate stylesheet" excluded).
        if (name === 'link' && /(^|\s)stylesheet(\s|$)/i.test(attributes['rel'] ?? '') && !/alternate/i.test(attributes['rel'] ?? '') && attributes['href']) {
          stylesheets.push(attributes['href']);
        }
        if (name === 'style') capturingStyle = true;
        if (skipping) {
          element.skip = true;
          skipping++;
          stack.push(element);
          return;
        }
        if (math) {
          const node: MathNode = { name, attributes, children: [] };
          math[math.length - 1]!.children.push(node);
          math.push(node);
          stack.push(element);
          return;
        }
        const t = epubTypes(attributes);
        const role = (attributes['role'] ?? '').toLowerCase();
        const cls = attributes['class'] ?? '';
        if ((name === 'html' || name === 'body' || name === 'svg') && !seenText) {
          lang ||= attributes['xml:lang'] ?? attributes['lang'] ?? '';
          dir ||= (attributes['dir'] ?? '').toLowerCase();
          if (attributes['style']) inlineCss += `\n${attributes['style']}`;
        }
        if (name === 'nav' && t.includes('toc')) hasTocNav = true;
        const skip =
          SKIP_TAGS.has(name) ||
          name === 'nav' ||
          t.includes('pagebreak') ||
          role === 'doc-pagebreak' ||
          t.includes('noteref') ||
          role === 'doc-noteref' ||
          role === 'navigation' ||
          NUMBER_CLASS.test(cls) ||
          NAVIGATION_CLASS.test(cls);
        if (skip) {
          element.skip = true;
          skipping++;
          stack.push(element);
          return;
        }
        if (name === 'math') {
          math = [{ name, attributes, children: [] }];
          element.skip = false;
          stack.push(element);
          return;
        }

        const heading = HEADING.exec(name);
        const lineGroup = LINE_GROUP_CLASS.test(cls) || t.some((type) => LINE_GROUP_TYPES.includes(type));
        const inLineGroup = inside((e) => e.lineGroup);
        if (heading) {
          flush();
          headingLevel = Number(heading[1]);
          headingGroup = currentGroup();
        } else if (BLOCK_TAGS.has(name)) {
          if (inLineGroup && !lineGroup && !headingLevel) {
            element.line = true;
            lineBreak();
            element.lineStart = buffer.length;
          } else flush();
        }
        if (name === 'header' || name === 'hgroup') element.group = ++groupCounter;
        element.lineGroup = lineGroup;
        element.pre = name === 'pre';
        if (!seenText && (name === 'body' || BLOCK_TAGS.has(name))) for (const type of t) types.add(type);
        const id = attributes['id'];
        if (id && anchorIds.has(id)) {
          flush();
          blocks.push({ kind: 'anchor', id });
        }
        if (name === 'img' || name === 'image') {
          images++;
          const alt = cleanText(attributes['alt'] ?? '');
          if (alt && Array.from(alt).length <= 2 && !/[A-Za-z0-9]/.test(alt)) buffer += alt; // a gaiji image: the character it stands for
          else if (alt) altParts.push(alt);
        } else if (name === 'svg') {
          images++;
          if (!inside((e) => INLINE_CONTEXT.has(e.name))) {
            flush();
            element.svgBlock = true;
          }
        } else if (name === 'br') {
          buffer += LINE;
        } else if (name === 'text' || name === 'tspan') {
          buffer += ' ';
        } else if (name === 'ruby') {
          rubyDepth++;
          buffer += RUBY_OPEN;
          rubyReopen = false;
        } else if (name === 'rt' && rubyDepth > 0) {
          buffer += RUBY_TEXT;
        } else if (name === 'a' || name === 'sup') {
          element.markStart = buffer.length;
          if (name === 'a') {
            element.href = attributes['href'] ?? null;
            for (const open of stack) if (open.name === 'sup') open.hadLink = true;
            if (element.href && !element.href.startsWith('#')) linkTargets.add(element.href.split('#')[0]!);
          }
        }
        stack.push(element);
      },
      ontext(text) {
        if (capturingStyle) inlineCss += text;
        if (skipping) return;
        if (math) {
          math[math.length - 1]!.children.push(text);
          return;
        }
        if (rubyReopen && rubyDepth > 0 && /\S/.test(text)) {
          buffer += RUBY_OPEN;
          rubyReopen = false;
        }
        buffer += inside((e) => e.pre) ? text.replace(/\r?\n/g, LINE) : text;
        if (/\S/.test(text)) {
          const length = text.trim().length;
          if (!inside((e) => e.name === 'rt')) textChars += length;
          if (headingLevel) headingChars += length;
          const link = stack.find((e) => e.name === 'a' && e.href && !e.href.startsWith('#'));
          if (link) {
            linkChars += length;
            paragraphLinkChars += length;
          }
        }
      },
      onclosetag(name) {
        let element: OpenElement | undefined;
        while (stack.length > 0) {
          element = stack.pop();
          if (!element || element.name === name) break;
        }
        if (!element) return;
        if (name === 'style') capturingStyle = false;
        if (element.skip) {
          if (skipping > 0) skipping--;
          return;
        }
        if (math) {
          if (math.length > 1) {
            math.pop();
            return;
          }
          const root = math[0]!;
          math = null;
          const formula = mathToText(root);
          if (root.attributes['display'] === 'block') {
            flush();
            buffer = formula;
            flush();
          } else buffer += formula;
          return;
        }
        if (name === 'rt' && rubyDepth > 0) {
          buffer += RUBY_CLOSE;
          rubyReopen = true;
        } else if (name === 'ruby' && rubyDepth > 0) {
          rubyDepth--;
          rubyReopen = false;
          if (buffer.endsWith(RUBY_OPEN)) buffer = buffer.slice(0, -1);
        } else if (name === 'text' || name === 'tspan') {
          buffer += ' ';
        }
        // A note reference: a link to a note (or a linked superscript) whose text is only a
        // marker, glued to the word before it ("year2", "السرطان[1]"). At the start of a
        // paragraph or after a space it is the note's own number, and stays.
        if (element.markStart >= 0 && (name === 'sup' ? element.hadLink : element.href?.includes('#'))) {
          const marked = plainText(buffer.slice(element.markStart));
          const before = buffer.slice(0, element.markStart).replace(/[\ue000-\ue003]+$/u, '').slice(-1);
          const glued = before !== '' && !/[\s[(]/u.test(before);
          if (marked && NOTE_MARK.test(marked) && glued) buffer = buffer.slice(0, element.markStart);
        }
        const heading = HEADING.exec(name);
        if (heading) {
          flush();
          headingLevel = 0;
          headingGroup = 0;
        } else if (element.line && element.lineStart !== undefined && buffer.slice(element.lineStart).includes(LINE)) {
          // A "line" that holds line breaks of its own is a stanza (<div class="poem"><p>…<br/>…</p>):
          // it is a paragraph, and so is what came before it.
          const stanza = buffer.slice(element.lineStart);
          buffer = buffer.slice(0, element.lineStart);
          flush();
          buffer = stanza;
          flush();
        } else if ((BLOCK_TAGS.has(name) && !element.line) || element.svgBlock) flush();
      },
    },
    { decodeEntities: true, recognizeSelfClosing: true, lowerCaseTags: true, lowerCaseAttributeNames: false },
  );
  parser.write(html);
  parser.end();
  flush();
  return { blocks, types, hasTocNav, textChars, headingChars, linkChars, links: linkTargets.size, images, lang, dir, stylesheets, inlineCss };
}

export interface NavEntry {
  href: string;
  title: string;
  depth: number;
}

export interface NavDocument {
  toc: NavEntry[];
  landmarks: { href: string; types: string[] }[];
  /** `lang`/`xml:lang` of the navigation document, '' when absent. */
  lang: string;
}

/** The `toc` and `landmarks` navs of an EPUB 3 navigation document. Depth = nesting of `<ol>`. */
export function parseNav(html: string): NavDocument {
  const toc: NavEntry[] = [];
  const landmarks: { href: string; types: string[] }[] = [];
  const navStack: string[] = [];
  let olDepth = 0;
  let lang = '';
  let link: { href: string; types: string[]; text: string } | null = null;
  let skipping = 0;
  const parser = new Parser(
    {
      onopentag(name, attributes) {
        if (name === 'html' || name === 'nav') lang ||= attributes['xml:lang'] ?? attributes['lang'] ?? '';
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
  return { toc, landmarks, lang };
}
