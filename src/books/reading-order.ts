/**
 * How people find their way in a book: what a chapter is called and where reading starts.
 * Pure; used by the library pages, the club pages and the polls, so every page names a
 * chapter the same way and sends a new reader to the same place.
 *
 * - A chapter is called by the book's own title, alone ("1.2. 여섯 사람의 밑줄",
 *   "Chapter 40"): the app's page numbers (1 … N, counting the copyright page) never stand
 *   next to it, because they clash with the book's numbering ("4. 1.2. …").
 * - Untitled front and back matter are "Opening pages" / "Closing pages"; an untitled
 *   chapter of the body (a book without headings) is "Untitled chapter".
 * - Reading starts at the first chapter of the body (the prologue, chapter 1), not at the
 *   copyright page; front and back matter stay in the contents.
 *
 * @example
 * chapterName(t, { title: '', kind: 'front' }); // 'Opening pages'
 * firstBodyChapter(chapters)?.ordinal;           // 2 when chapter 1 is front matter
 */
import type { Translator } from '../i18n';

export type ChapterKind = 'front' | 'body' | 'back';

/** A chapter's name for people: the book's own title, or what it is when the book gives none. */
export function chapterName(t: Translator, chapter: { title: string; kind: ChapterKind }): string {
  if (chapter.title) return chapter.title;
  if (chapter.kind === 'front') return t('books.chapter.front_matter');
  if (chapter.kind === 'back') return t('books.chapter.back_matter');
  return t('books.chapter.untitled');
}

/** Where a new reader starts: the first chapter of the body, else the first chapter at all. */
export function firstBodyChapter<C extends { kind: ChapterKind }>(chapters: readonly C[]): C | undefined {
  return chapters.find((chapter) => chapter.kind === 'body') ?? chapters[0];
}

/**
 * The first position of the body: a reader who has read nothing may start reading here (front
 * matter before it is not required reading). 1 when the book has no front matter.
 */
export function bodyStartPosition(chapters: readonly { kind: ChapterKind; firstPosition: number }[]): number {
  return firstBodyChapter(chapters)?.firstPosition ?? 1;
}
