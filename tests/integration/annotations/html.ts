/** Parsing pages and fragments in the annotations tests (htmlparser2, as a browser would tokenise them). Not a test file. */
import { DomUtils, parseDocument } from 'htmlparser2';
import type { Element } from 'domhandler';

export type { Element };

export function parseHtml(html: string) {
  return parseDocument(html);
}

export function allElements(html: string): Element[] {
  return DomUtils.findAll(() => true, parseDocument(html).children);
}

export function byClass(html: string, className: string): Element[] {
  return allElements(html).filter((el) => (el.attribs.class ?? '').split(/\s+/).includes(className));
}

export function byId(html: string, id: string): Element | undefined {
  return allElements(html).find((el) => el.attribs.id === id);
}

export function textOf(el: Element | Element[]): string {
  return DomUtils.textContent(el).replace(/\s+/g, ' ').trim();
}

export function descendants(el: Element): Element[] {
  return DomUtils.findAll(() => true, el.children);
}
