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
