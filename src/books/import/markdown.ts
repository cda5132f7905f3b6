/**
 * Markdown → outline, with `markdown-it` (raw HTML off) doing the parsing so emphasis, code
 * spans, links, images, lists and tables follow CommonMark rather than a hand-made regex.
 *
 * - ATX and setext headings give the structure; `#` is depth 1, `##` depth 2, … (relative to
 *   the shallowest heading level used, so a book written with `##` chapters still starts at 1).
 * - Every paragraph, list item, table row, code block and blockquote paragraph is one
 *   paragraph, as plain text: `*em*`, `**strong**`, `` `code` `` lose their markers, links keep
 *   their text, images become their alt text.
 * - YAML front matter (`---` … `---`) gives `title:`, `author:`, `lang:`; without it the first
 *   `# ` heading is the title. Text before the first heading is a `front` section.
 */
import MarkdownIt from 'markdown-it';
import type { TextOutline } from './plain';
import { cleanText } from './text';
import type { OutlineSection } from './types';

type Token = ReturnType<InstanceType<typeof MarkdownIt>['parse']>[number];

const md = new MarkdownIt({ html: false, linkify: false, typographer: false });

export interface MarkdownOutline extends TextOutline {
  language: string | null;
}

function parseFrontMatter(text: string): { body: string; meta: Record<string, string> } {
  const m = /^---[ \t]*\r?\n([\s\S]*?)\r?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|$)/.exec(text);
  if (!m) return { body: text, meta: {} };
  const meta: Record<string, string> = {};
  for (const line of m[1]!.split(/\r?\n/)) {
    const kv = /^([A-Za-z_][\w-]*)\s*:\s*(.*)$/.exec(line);
    if (!kv) continue;
    let value = kv[2]!.trim();
    if (/^(["']).*\1$/.test(value)) value = value.slice(1, -1);
    if (value) meta[kv[1]!.toLowerCase()] = value;
  }
  return { body: text.slice(m[0].length), meta };
}

const CJK = /[\u3040-\u30ff\u3400-\u9fff]/u;

function inlineText(token: Token): string {
  let out = '';
  for (const child of token.children ?? []) {
    switch (child.type) {
      case 'text':
      case 'code_inline':
        out += child.content;
        break;
      case 'image':
        out += child.content; // alt text
        break;
      case 'softbreak':
      case 'hardbreak':
        out += '\n';
        break;
      default:
        break;
    }
  }
  // A soft line break is a space, except between two CJK characters (Japanese/Chinese wrap without spaces).
  return out.replace(/(.)\n(.)/gu, (_, a: string, b: string) => (CJK.test(a) && CJK.test(b) ? a + b : `${a} ${b}`));
}

export function parseMarkdown(text: string): MarkdownOutline {
  const { body, meta } = parseFrontMatter(text.replace(/\r\n?/g, '\n'));
  const tokens = md.parse(body, {});
  const sections: OutlineSection[] = [];
  let current: OutlineSection | null = null;
  let firstH1: string | null = null;
  const headingLevels = tokens.filter((t) => t.type === 'heading_open').map((t) => Number(t.tag.slice(1)));
  const shallowest = Math.min(...headingLevels, 6);

  const push = (paragraph: string) => {
    const cleaned = cleanText(paragraph);
    if (!cleaned) return;
    if (!current) {
      current = { depth: 1, title: '', kind: 'front', paragraphs: [] };
      sections.push(current);
    }
    current.paragraphs.push(cleaned);
  };

  let row: string[] | null = null;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (token.type === 'heading_open') {
      const inline = tokens[i + 1];
      const title = cleanText(inline ? inlineText(inline) : '');
      const level = Number(token.tag.slice(1));
      if (level === 1 && firstH1 === null) firstH1 = title;
      current = { depth: level - shallowest + 1, title, kind: 'body', paragraphs: [] };
      sections.push(current);
      i += 2; // inline + heading_close
    } else if (token.type === 'tr_open') {
      row = [];
    } else if (token.type === 'tr_close') {
      if (row) push(row.filter(Boolean).join(' | '));
      row = null;
    } else if (token.type === 'inline') {
      if (row) row.push(cleanText(inlineText(token)));
      else push(inlineText(token));
    } else if (token.type === 'fence' || token.type === 'code_block') {
      push(token.content);
    }
  }

  return {
    title: meta.title ?? firstH1,
    author: meta.author ?? null,
    language: meta.lang ?? meta.language ?? null,
    sections,
    warnings: [],
  };
}
