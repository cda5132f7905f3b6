/**
 * Markup built as strings, for the few components drawn hundreds of times per page (a chapter's
 * paragraphs and their margins): hono/jsx costs a few microseconds per element, and a
 * 500-paragraph chapter page has over 5,000 of them. The output is byte for byte what the JSX
 * would give (the same escaping as hono/jsx, attributes left out when `undefined`, `null` or
 * `false`), and every value is escaped here, so callers pass plain text.
 *
 * @example
 * const link = element('a', { class: 'comment-count', href: url, 'aria-label': label }, escapeText(text));
 */
import { escapeToBuffer, raw } from 'hono/utils/html';
import type { HtmlEscapedString } from 'hono/utils/html';
import type { Child } from 'hono/jsx';

/** Text escaped exactly as hono/jsx escapes text and attribute values. */
export function escapeText(value: string): string {
  const buffer: [string] = [''];
  escapeToBuffer(value, buffer);
  return buffer[0];
}

export type Attributes = Record<string, string | number | boolean | null | undefined>;

/** ` name="value"` for each attribute with a value (`true` gives `name=""`, like hono/jsx). */
export function attributes(attrs: Attributes): string {
  let html = '';
  for (const name in attrs) {
    const value = attrs[name];
    if (value === undefined || value === null || value === false) continue;
    html += ` ${name}="${value === true ? '' : escapeText(String(value))}"`;
  }
  return html;
}

/** `<tag attrs>inner</tag>`; `inner` must already be markup (escape text with {@link escapeText}). */
export function element(tag: string, attrs: Attributes, inner = ''): string {
  return `<${tag}${attributes(attrs)}>${inner}</${tag}>`;
}

/** Marks a string built here as markup, for use as a JSX child. */
export function markup(html: string): HtmlEscapedString {
  return raw(html);
}

/**
 * The markup of a JSX child (our components are synchronous): strings built here pass as they
 * are, arrays are joined, nothing-children give ''.
 */
export function childHtml(child: Child): string {
  if (child === null || child === undefined || child === false || child === true) return '';
  if (Array.isArray(child)) return child.map((part) => childHtml(part as Child)).join('');
  if (typeof child === 'string' && !(child as Partial<HtmlEscapedString>).isEscaped) return escapeText(child);
  const html = (child as { toString(): string | Promise<string> }).toString();
  if (typeof html !== 'string') throw new Error('childHtml needs synchronous components');
  return html;
}
