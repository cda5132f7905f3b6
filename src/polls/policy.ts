/**
 * Who may do what with polls: the ONLY place such a decision is made. The poll page, the htmx
 * fragments, the club pages' panels and the CSV export all ask {@link pollRefusal} (or
 * {@link pollCan} when only yes or no matters); routes only
 * translate its answer into a status code.
 *
 * Pure: the facts come in as a {@link ClubAccess} (who the reader is in the club) and a
 * {@link PollFacts} (where the poll lives and what state it is in at `now`). Whether results
 * are visible is decided by `pollResultsVisibleTo` (`./visibility`) and arrives here as a
 * fact, so the export follows exactly the same rule as the page.
 *
 * | action                                    | who                                                      |
 * | ----------------------------------------- | -------------------------------------------------------- |
 * | `view`                                    | anyone who can see the club; chapter polls once the chapter is open to them |
 * | `create` `edit` `close` `reopen` `delete` | owners and moderators                                    |
 * | `vote` `withdraw`                         | members, while the poll is open, in a chapter open to them |
 * | `export`                                  | whoever may view the poll AND see its results            |
 *
 * A poll of another club is refused as `not_found`, exactly like a poll that does not exist.
 *
 * @example
 * const refusal = pollRefusal(access, 'vote', facts);
 * if (refusal) return refuseRequest(c, refusal);
 */
import { chapterOpenTo, type ClubAccess } from '../clubs';

export const POLL_ACTIONS = ['view', 'create', 'edit', 'close', 'reopen', 'delete', 'export', 'vote', 'withdraw'] as const;
export type PollAction = (typeof POLL_ACTIONS)[number];

/** What is known about one poll when deciding. Not needed for `create`. */
export interface PollFacts {
  clubId: number;
  /** When the poll's chapter opens to members in its reading (null: no date, or a club poll). */
  chapterOpensAt: number | null;
  /** True for chapter polls. */
  onChapter: boolean;
  hasOpened: boolean;
  isClosed: boolean;
  /** `pollResultsVisibleTo(poll, viewer, now)` for this reader. */
  resultsVisible: boolean;
  now: number;
}

export type PollRefusal =
  /** The club or poll does not exist for this reader (404). */
  | 'not_found'
  /** Signed out: sign in first. */
  | 'sign_in'
  /** Signed in but not allowed (403). */
  | 'forbidden'
  /** The poll's chapter has not opened to this reader yet. */
  | 'chapter_not_open'
  /** Ballots: the poll has not opened yet. */
  | 'poll_not_open'
  /** Ballots: the poll is closed. */
  | 'poll_closed'
  /** Export: results are not visible to this reader. */
  | 'results_hidden';

const ALLOW = null;
const refuse = (reason: PollRefusal): PollRefusal => reason;

/**
 * Why the reader described by `access` may not do `action` (to `poll`, for all but `create`),
 * or null when they may.
 */
export function pollRefusal(access: ClubAccess | null, action: PollAction, poll?: PollFacts): PollRefusal | null {
  if (!access || !access.canSee) return refuse('not_found');
  if (action !== 'create') {
    if (!poll || poll.clubId !== access.club.id) return refuse('not_found');
  }
  const signedIn = access.userId !== null;

  if (action === 'create') return moderatorOnly(access, signedIn);

  // Every action on an existing poll first needs the poll to be visible to the reader.
  const chapterOpen = !poll!.onChapter || chapterOpenTo(access, poll!.chapterOpensAt, poll!.now);

  switch (action) {
    case 'view':
      return chapterOpen ? ALLOW : refuse('chapter_not_open');
    case 'edit':
    case 'close':
    case 'reopen':
    case 'delete':
      return moderatorOnly(access, signedIn);
    case 'export':
      if (!chapterOpen) return refuse('chapter_not_open');
      return poll!.resultsVisible ? ALLOW : refuse('results_hidden');
    case 'vote':
    case 'withdraw':
      if (!signedIn) return refuse('sign_in');
      if (!access.isMember) return refuse('forbidden');
      if (!chapterOpen) return refuse('chapter_not_open');
      if (!poll!.hasOpened) return refuse('poll_not_open');
      if (poll!.isClosed) return refuse('poll_closed');
      return ALLOW;
  }
}

function moderatorOnly(access: ClubAccess, signedIn: boolean): PollRefusal | null {
  if (!signedIn) return refuse('sign_in');
  return access.isModerator ? ALLOW : refuse('forbidden');
}

/** Shorthand when only yes/no matters (which buttons a card shows). */
export function pollCan(access: ClubAccess | null, action: PollAction, poll?: PollFacts): boolean {
  return pollRefusal(access, action, poll) === null;
}
