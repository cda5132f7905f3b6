/**
 * The slots of club pages, and what fills them. The clubs area builds the chapter page and the
 * club home; other areas contribute to them through these types, registered in `src/app.tsx`:
 *
 * | page    | slot            | what goes there                                              |
 * | ------- | --------------- | ------------------------------------------------------------ |
 * | chapter | `margin`        | per paragraph: highlights in the text, something beside it  |
 * | chapter | `beforeText`    | a notice above the chapter's text (a meeting running)        |
 * | chapter | `afterText`     | a block after the chapter's text (its discussion, forms)     |
 * | chapter | `panels`        | a section after those blocks (the chapter's polls)           |
 * | chapter | `scripts`       | static scripts the contribution needs                        |
 * | home    | `panels`        | a card in the club home's side column (open polls)           |
 * | home    | `recentActivity`| an item in the main column's recent activity                 |
 *
 * One more contribution is a number, not markup: `openedByProgress` says, for the chapter
 * page's "I have read up to here" buttons, how many comments moving progress to each unread
 * paragraph would open (the annotations area's spoiler gate knows; the clubs area does not).
 *
 * A contribution is called once per page with everything the clubs area already loaded (so a
 * contribution computes once what several of its slots share) and returns what to show, as
 * hono/jsx components from `views/` — or a Promise of it, when it reads the database first: the
 * page awaits every contribution before it renders (decorators stay synchronous: they are called
 * per paragraph while rendering, with what the contribution loaded). The clubs area knows the
 * slots, not who fills them.
 *
 * @example
 * const pages: ClubPageContributions = { chapter: [annotationsOnChapter, pollsOnChapter], home: [pollsOnHome] };
 * app.route('/', clubRoutes(deps, pages));
 */
import type { Child } from 'hono/jsx';
import type { Chapter, Paragraph, Reading, User } from '../../db/schema';
import type { ParagraphDecoration, ParagraphView } from '../books';
import type { AppDeps } from '../http/types';
import type { Locale, Translator } from '../i18n';
import { progressOf, type ClubAccess } from './access';
import { chapterBasePath } from './present';

/** What every club page knows when it asks for contributions. */
interface ClubPageContext {
  deps: AppDeps;
  access: ClubAccess;
  viewer: User | null;
  /** The viewer's reading progress (global position; 0 for non-members and signed-out readers). */
  progress: number;
  t: Translator;
  locale: Locale;
  timeZone: string | null;
  now: number;
}

/** Everything known when a club's chapter page (of a chapter open to the viewer) is rendered. */
export interface ClubChapterContext extends ClubPageContext {
  reading: Reading;
  chapter: Chapter;
  /** Paragraphs of this chapter, in order. */
  paragraphs: readonly Paragraph[];
  /** Base path of this reading's pages, e.g. `/clubs/3/chapters` (append `/:ordinal`). */
  chapterBasePath: string;
}

/**
 * The context of a chapter page for one reader: what is given, plus their progress (members
 * only; 0 for everyone else) and the reading's base path. The chapter page and the live stream
 * (which draws parts of the same page again) both build it here.
 */
export async function chapterContextFor(given: Omit<ClubChapterContext, 'progress' | 'chapterBasePath'>): Promise<ClubChapterContext> {
  const { deps, access, reading } = given;
  return {
    ...given,
    progress: access.isMember ? await progressOf(deps.db, reading.id, access.userId) : 0,
    chapterBasePath: chapterBasePath(access.club.id, reading),
  };
}

/** Everything known when a club's home page is rendered. */
export interface ClubHomeContext extends ClubPageContext {
  reading: Reading | undefined;
}

export type ParagraphDecorator = (paragraph: ParagraphView) => ParagraphDecoration | undefined;

export interface ChapterSlots {
  margin?: ParagraphDecorator;
  beforeText?: Child;
  afterText?: Child;
  panels?: Child;
  scripts?: readonly string[];
}

export interface ClubHomeSlots {
  panels?: Child;
  recentActivity?: Child;
}

/** What is known when counting what moving progress would open. */
export type ProgressOpeningContext = Pick<ClubChapterContext, 'deps' | 'access' | 'reading' | 'progress'>;

/** For each of `positions`, how many items the reader would newly see with their progress moved there. */
export type OpenedByProgress = (context: ProgressOpeningContext, positions: readonly number[]) => ReadonlyMap<number, number> | Promise<ReadonlyMap<number, number>>;

export interface ClubPageContributions {
  /** Each may read the database first (async); the page awaits them all before it renders. */
  chapter: readonly ((context: ClubChapterContext) => ChapterSlots | Promise<ChapterSlots>)[];
  home: readonly ((context: ClubHomeContext) => ClubHomeSlots | Promise<ClubHomeSlots>)[];
  /** Counts shown on the progress buttons (none when absent). */
  openedByProgress?: OpenedByProgress;
}

/** Every contribution's decorations of one paragraph, merged: highlights together, margins in order. */
export function mergeDecorators(decorators: readonly ParagraphDecorator[]): ParagraphDecorator {
  if (decorators.length === 1) return decorators[0]!;
  return (paragraph) => {
    const parts = decorators.map((decorate) => decorate(paragraph)).filter((part) => part !== undefined);
    if (parts.length === 0) return undefined;
    if (parts.length === 1) return parts[0];
    return {
      highlights: parts.flatMap((part) => part.highlights ?? []),
      margin: parts.map((part) => part.margin),
      className: parts.map((part) => part.className).filter(Boolean).join(' ') || undefined,
    };
  };
}
