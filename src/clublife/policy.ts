/**
 * Who may do what in club life: the ONLY place such a decision is made. Pure: the facts come in
 * as a {@link ClubAccess} and a {@link LifeTarget} (the club the thing belongs to and its state).
 *
 * | action                                   | who                                                           |
 * | ---------------------------------------- | ------------------------------------------------------------- |
 * | `view`                                   | members (the pages name places, call links and members)       |
 * | `openNominations` `startVote` `closeVote` `adoptWinner` | owners and moderators                          |
 * | `nominate`                               | members, while the round takes nominations                    |
 * | `vote`                                   | members, while the vote is open                               |
 * | `proposeMeeting` `decideTime` `addQuestion` | owners and moderators                                      |
 * | `markSlot`                               | members, while the meeting's time is not decided              |
 * | `rsvp`                                   | members, once the meeting has a time                          |
 * | `editMeeting` `cancelMeeting`            | owners and moderators, before the meeting starts              |
 * | `restoreMeeting`                         | owners and moderators, a cancelled meeting not yet started    |
 *
 * A cancelled meeting takes no marks, no RSVP, no decision and no edit (`wrong_phase`).
 * | `answer`                                 | members, in a chapter open to them                            |
 * | `reply`                                  | members who may see the answer (`answerVisible`)              |
 * | `markShelf`                              | members, on a finished reading                                |
 *
 * Something of another club is refused as `not_found`, exactly like something that does not
 * exist; a club that is not there for the reader is `not_found` too. Visitors of a public club
 * and signed-out readers get `sign_in` / `forbidden` for everything.
 */
import { chapterOpenTo, type ClubAccess } from '../clubs';

export const LIFE_ACTIONS = [
  'view',
  'openNominations',
  'nominate',
  'startVote',
  'vote',
  'closeVote',
  'adoptWinner',
  'proposeMeeting',
  'markSlot',
  'decideTime',
  'rsvp',
  'editMeeting',
  'cancelMeeting',
  'restoreMeeting',
  'addQuestion',
  'answer',
  'reply',
  'markShelf',
] as const;
export type LifeAction = (typeof LIFE_ACTIONS)[number];

const MODERATOR_ACTIONS: ReadonlySet<LifeAction> = new Set(['openNominations', 'startVote', 'closeVote', 'adoptWinner', 'proposeMeeting', 'decideTime', 'editMeeting', 'cancelMeeting', 'restoreMeeting', 'addQuestion']);
/** Meeting actions a cancelled meeting refuses. */
const CLOSED_WHEN_CANCELLED: ReadonlySet<LifeAction> = new Set(['markSlot', 'decideTime', 'rsvp', 'editMeeting', 'cancelMeeting']);
/** Actions that need no existing thing (a new round, a new meeting, the page). */
const CLUB_LEVEL: ReadonlySet<LifeAction> = new Set(['view', 'openNominations', 'proposeMeeting']);

/** What is known about the thing acted on. */
export interface LifeTarget {
  clubId: number;
  /** Book picks: the phase at `now`. */
  phase?: 'nominating' | 'voting' | 'ended';
  /** Meetings: whether the time is decided. */
  timeDecided?: boolean;
  /** Meetings: when it starts (null or absent: not decided). */
  startsAt?: number | null;
  /** Meetings: cancelled by a moderator. */
  cancelled?: boolean;
  /** Questions and answers: when the chapter opens to members (null: open). */
  chapterOpensAt?: number | null;
  /** Replies: the answer replied to is visible to this reader. */
  answerVisible?: boolean;
  /** Shelf: the reading has ended. */
  readingEnded?: boolean;
  now: number;
}

export type LifeRefusal = 'not_found' | 'sign_in' | 'forbidden' | 'wrong_phase' | 'chapter_not_open';

export function clubLifeRefusal(access: ClubAccess | null, action: LifeAction, target?: LifeTarget): LifeRefusal | null {
  if (!access || !access.canSee) return 'not_found';
  if (!CLUB_LEVEL.has(action) && (!target || target.clubId !== access.club.id)) return 'not_found';
  if (access.userId === null) return 'sign_in';
  if (!access.isMember) return 'forbidden';
  if (MODERATOR_ACTIONS.has(action) && !access.isModerator) return 'forbidden';
  if (CLOSED_WHEN_CANCELLED.has(action) && target!.cancelled) return 'wrong_phase';
  switch (action) {
    case 'nominate':
      return target!.phase === 'nominating' ? null : 'wrong_phase';
    case 'startVote':
      return target!.phase === 'nominating' ? null : 'wrong_phase';
    case 'vote':
    case 'closeVote':
      return target!.phase === 'voting' ? null : 'wrong_phase';
    case 'adoptWinner':
      return target!.phase === 'ended' ? null : 'wrong_phase';
    case 'markSlot':
    case 'decideTime':
      return target!.timeDecided ? 'wrong_phase' : null;
    case 'rsvp':
      return target!.timeDecided ? null : 'wrong_phase';
    case 'editMeeting':
    case 'cancelMeeting':
      return startsLater(target!) ? null : 'wrong_phase';
    case 'restoreMeeting':
      return target!.cancelled && startsLater(target!) ? null : 'wrong_phase';
    case 'addQuestion':
    case 'answer':
      return chapterOpenTo(access, target!.chapterOpensAt ?? null, target!.now) ? null : 'chapter_not_open';
    case 'reply':
      if (!chapterOpenTo(access, target!.chapterOpensAt ?? null, target!.now)) return 'chapter_not_open';
      return target!.answerVisible ? null : 'not_found';
    case 'markShelf':
      return target!.readingEnded ? null : 'wrong_phase';
    default:
      return null;
  }
}

/** Not started yet: still choosing a time, or starting after `now`. */
function startsLater(target: LifeTarget): boolean {
  return target.startsAt === null || target.startsAt === undefined || target.startsAt > target.now;
}

export function clubLifeCan(access: ClubAccess | null, action: LifeAction, target?: LifeTarget): boolean {
  return clubLifeRefusal(access, action, target) === null;
}
