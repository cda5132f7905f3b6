/** The plain data search views draw (views import these from `src/search/index.ts`). */
import type { SearchOrder } from './queries';
import type { Snippet } from './snippet';

export type { Snippet, SnippetPart } from './snippet';
export type { SearchOrder } from './queries';

/** What the search box needs to draw itself and ask again. */
export interface SearchBoxView {
  action: string;
  query: string;
  order: SearchOrder;
  maxChars: number;
  /** id prefix, so a page may hold more than one box. */
  idPrefix: string;
}

export interface BookHitView {
  href: string;
  paragraphOrdinal: number;
  snippet: Snippet;
}

/** A chapter's matches in the book. Ahead of the reader: a count and a label, never words. */
export interface BookChapterView {
  label: string;
  ahead: boolean;
  matchCount: number;
  hits: BookHitView[];
}

export interface CommentHitView {
  href: string;
  authorName: string;
  createdIso: string;
  createdLabel: string;
  isPrivate: boolean;
  /** Where in the chapter: "¶ 12" or the chapter's thread. */
  where: string;
  snippet: Snippet;
}

export interface CommentChapterView {
  label: string;
  hits: CommentHitView[];
}

export interface ClubSearchResultsView {
  query: string;
  order: SearchOrder;
  /** Nothing searchable was typed. */
  empty: boolean;
  /** The club reads nothing now. */
  noReading: boolean;
  /** `atLeast`: only the first matches were read (see `MATCHES_READ`); the counts are lower bounds ("1,000+"). */
  book: { chapters: BookChapterView[]; visibleCount: number; aheadCount: number; atLeast: boolean };
  /** `shownCount` of the `visibleCount` matches the reader may see are listed; `hiddenCount` are ahead of them. */
  discussion: { chapters: CommentChapterView[]; shownCount: number; visibleCount: number; hiddenCount: number; atLeast: boolean };
  /** Links to the same search in the other order. */
  orderHrefs: Record<SearchOrder, string>;
}

export interface LibraryHitView {
  href: string;
  bookTitle: string;
  chapterLabel: string;
  paragraphOrdinal: number;
  snippet: Snippet;
}

export interface LibrarySearchResultsView {
  query: string;
  empty: boolean;
  hits: LibraryHitView[];
}
