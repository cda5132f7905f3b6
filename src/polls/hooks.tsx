/** What the polls area adds to club pages (placeholder until the polls area lands). */
import type { Child } from 'hono/jsx';
import type { ClubChapterContext, ClubHomeContext } from '../clubs/hooks';

/** The chapter's polls, shown on the chapter page once the chapter is open to the viewer. */
export function chapterPolls(_context: ClubChapterContext): Child {
  return null;
}

/** The club's open polls, on the club home. */
export function openPolls(_context: ClubHomeContext): Child {
  return null;
}
