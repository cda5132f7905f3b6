/**
 * Who may open a live stream on a chapter: exactly who may read that chapter's page (the club
 * visible to them, the chapter open to them), asked of the clubs area's own rules. And how
 * many: {@link LiveHub.admit} counts streams per reader and per process.
 *
 * Meetings: only the club's moderators (and owner) start one, spotlight in it and end it; the
 * members see it. A meeting of another club is not there at all (the routes answer 404).
 */
import type { LiveMeeting } from '../../db/schema';
import { chapterOpenTo, type ClubAccess } from '../clubs';

export type MeetingAction = 'see' | 'start' | 'spotlight' | 'end';

export function meetingCan(access: ClubAccess, action: MeetingAction, meeting?: Pick<LiveMeeting, 'clubId' | 'endedAt'>): boolean {
  if (meeting && meeting.clubId !== access.club.id) return false;
  switch (action) {
    case 'see':
      return access.isMember;
    case 'start':
      return access.isModerator;
    case 'spotlight':
    case 'end':
      return access.isModerator && meeting !== undefined && meeting.endedAt === null;
  }
}

export type LiveAction = 'watchChapter';

export function liveCan(access: ClubAccess, action: LiveAction, target: { opensAt: number | null; now: number }): boolean {
  switch (action) {
    case 'watchChapter':
      return access.canSee && chapterOpenTo(access, target.opensAt, target.now);
  }
}
