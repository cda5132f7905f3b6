/** The plain data club pages are built from, shared by the clubs area's logic and its views. */
import type { ClubRole } from '../../db/schema';

export interface ClubHeading {
  id: number;
  name: string;
  description: string;
  language: string;
  visibility: 'private' | 'public';
  memberCount: number;
  role: ClubRole | null;
}

/** What a chapter row shows: title, opening date, and the viewer's own progress in it. */
export interface ChapterRowView {
  ordinal: number;
  title: string;
  href: string;
  opensAtText: string | null;
  /** Opens to members later than now. */
  closedToMembers: boolean;
  openToViewer: boolean;
  /** The viewer's own progress in this chapter (members only). */
  myPercent: number | null;
}

/** The reader's progress on a club chapter page (`chapterProgressFor` in reading-progress.ts). */
export interface ChapterProgressView {
  /** Where progress reports go. */
  url: string;
  position: number;
  chapterPercent: number;
  bookPercent: number;
  /** Where this chapter stands for the reader (`chapterStanding` of the shared rule). */
  standing: 'read' | 'reading' | 'ahead';
  /** The chapter the reader's progress is in, for "you are reading ahead of your progress (1.2)"; null before they start. */
  progressChapter: string | null;
  /** First position of the book's body (the shared rule lets a new reader start there). */
  bodyStart: number;
  /** May the script report reading on by itself here (reading on, and not a moderator's preview)? */
  automatic: boolean;
  /** How many comments "I have read up to here" on each unread paragraph (by position) would open. */
  opens: ReadonlyMap<number, number>;
}
