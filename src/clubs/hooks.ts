/**
 * The seams where other areas add to club pages without editing them. The clubs area builds
 * the chapter page and the club home; the annotations and polls areas each provide a hook
 * (`src/annotations/hooks.tsx`, `src/polls/hooks.tsx`) that receives everything already loaded
 * and returns what to show. Views stay free of data access: hooks query, then render.
 */
import type { Child } from 'hono/jsx';
import type { Chapter, Paragraph, Reading, User } from '../../db/schema';
import type { ParagraphDecoration, ParagraphView } from '../../views/books/chapter-text';
import type { AppDeps } from '../http/types';
import type { Locale, Translator } from '../i18n';
import type { ClubAccess } from './access';

/** Everything known when a club's chapter page is rendered. */
export interface ClubChapterContext {
  deps: AppDeps;
  access: ClubAccess;
  viewer: User | null;
  reading: Reading;
  chapter: Chapter;
  /** Paragraphs of this chapter, in order. */
  paragraphs: readonly Paragraph[];
  /** The viewer's reading progress (global position; 0 for non-members and signed-out readers). */
  progress: number;
  /** Base path of this reading's pages, e.g. `/clubs/3/chapters` (append `/:ordinal`). */
  chapterBasePath: string;
  t: Translator;
  locale: Locale;
  timeZone: string | null;
  now: number;
}

export interface ChapterAnnotations {
  /** Decoration for each paragraph: passage highlights and margin content. */
  decorate: (paragraph: ParagraphView) => ParagraphDecoration | undefined;
  /** Shown after the text: the chapter's own discussion thread, forms. */
  afterText: Child;
  /** Extra scripts from /static the page needs. */
  scripts: string[];
}

/** Everything known when a club's home page is rendered. */
export interface ClubHomeContext {
  deps: AppDeps;
  access: ClubAccess;
  viewer: User | null;
  reading: Reading | undefined;
  progress: number;
  t: Translator;
  locale: Locale;
  timeZone: string | null;
  now: number;
}
