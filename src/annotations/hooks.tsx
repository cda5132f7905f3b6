/** What the annotations area adds to club pages (placeholder until the annotations area lands). */
import type { Child } from 'hono/jsx';
import type { ChapterAnnotations, ClubChapterContext, ClubHomeContext } from '../clubs/hooks';

export function chapterAnnotations(_context: ClubChapterContext): ChapterAnnotations {
  return { decorate: () => undefined, afterText: null, scripts: [] };
}

/** Recent discussion on the club home, spoiler-safe for the viewer. */
export function recentDiscussion(_context: ClubHomeContext): Child {
  return null;
}
