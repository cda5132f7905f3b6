/**
 * Who may open a live stream on a chapter: exactly who may read that chapter's page (the club
 * visible to them, the chapter open to them), asked of the clubs area's own rules. And how
 * many: {@link LiveHub.admit} counts streams per reader and per process.
 */
import { chapterOpenTo, type ClubAccess } from '../clubs';

export type LiveAction = 'watchChapter';

export function liveCan(access: ClubAccess, action: LiveAction, target: { opensAt: number | null; now: number }): boolean {
  switch (action) {
    case 'watchChapter':
      return access.canSee && chapterOpenTo(access, target.opensAt, target.now);
  }
}
