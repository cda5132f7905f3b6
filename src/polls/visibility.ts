/**
 * Whether a poll is open, and whether a viewer may see its results: the ONE place that
 * decides it. The poll page, the htmx card, the club pages' poll panels and the CSV export
 * all ask {@link pollResultsVisibleTo} (through `present.ts`), and so must any output added
 * later; none of them decides on its own.
 *
 * ## Open and closed
 *
 * Times are milliseconds since the epoch (any one unit works, as long as `now` matches).
 * - **Not yet open**: `opensAt` is set and `now < opensAt`.
 * - **Closed**: closed by hand (`closedAt` set), or its closing date has passed
 *   (`closesAt` set and `now ≥ closesAt`). A closing date is decided from the clock at the
 *   moment of asking, so no background job is needed for a poll to close on time.
 * - **Open**: opened and not closed. Re-opening a poll clears `closedAt` (and moves a past
 *   `closesAt`); it is then simply open again, and results that were visible only "after
 *   close" are hidden again until it closes once more.
 *
 * ## Who sees results
 *
 * Nobody, whatever their role, sees results of a poll that has not opened yet. Nobody who
 * cannot see the club sees anything. Otherwise, by the poll's `resultsVisibility`:
 *
 * | setting         | member / moderator                                   | non-member who can see the club, or signed out |
 * | --------------- | ---------------------------------------------------- | ---------------------------------------------- |
 * | `always`        | yes                                                  | yes                                            |
 * | `after_vote`    | once they voted; everyone once the poll is closed    | no (they cannot vote)                          |
 * | `after_close`   | once closed                                          | once closed                                    |
 * | `after_chapter` | once their progress reaches the chapter's last paragraph | no (they have no reading progress)         |
 *
 * **Moderators** follow the member rules with one addition: once a poll is closed a
 * moderator always sees its results (they run the poll and must be able to announce the
 * outcome, even of an `after_chapter` poll on a chapter they have not finished). They do NOT
 * see live results of an open poll that members cannot see: a poll that hides its running
 * count hides it from the people running it too, so a moderator cannot nudge the vote and
 * no moderator-only view of live numbers exists to leak (Discourse's results leaks came
 * from staff views ending up in shared caches). A moderator who wants live numbers sets
 * the poll to `always`.
 *
 * `after_chapter` with no `chapterLastPosition` (a misconfigured poll) fails closed: only
 * moderators, after close, see it.
 *
 * @example
 * if (pollResultsVisibleTo(poll, viewer, Date.now())) renderResults(tally);
 * else renderBallotOnly();
 */

export type ResultsVisibility = 'always' | 'after_vote' | 'after_close' | 'after_chapter';

export interface PollState {
  resultsVisibility: ResultsVisibility;
  opensAt: number | null;
  closesAt: number | null;
  /** Set when a moderator closes the poll by hand; cleared when re-opened. */
  closedAt: number | null;
  /** Position of the last paragraph of the poll's chapter (for `after_chapter` polls). */
  chapterLastPosition: number | null;
}

export interface PollViewer {
  isMember: boolean;
  /** May see the club at all (members, or anyone for a public club). */
  canSeeClub: boolean;
  isModerator: boolean;
  hasVoted: boolean;
  /** Reading progress in the club's book; 0 = nothing read (and for non-members). */
  progressPosition: number;
}

type PollTimes = Pick<PollState, 'opensAt' | 'closesAt' | 'closedAt'>;

/** Has the poll's opening time arrived (or has it none)? */
export function pollHasOpened(poll: PollTimes, now: number): boolean {
  return poll.opensAt === null || poll.opensAt <= now;
}

/** Closed by hand, or past its closing date. */
export function pollIsClosed(poll: PollTimes, now: number): boolean {
  return poll.closedAt !== null || (poll.closesAt !== null && now >= poll.closesAt);
}

/** Opened and not closed: the only state in which ballots are accepted. */
export function pollIsOpen(poll: PollTimes, now: number): boolean {
  return pollHasOpened(poll, now) && !pollIsClosed(poll, now);
}

/** May `viewer` see the results of `poll` at `now`? See the module comment for the table. */
export function pollResultsVisibleTo(poll: PollState, viewer: PollViewer, now: number): boolean {
  if (!pollHasOpened(poll, now)) return false;
  const isMember = viewer.isMember || viewer.isModerator;
  if (!viewer.canSeeClub && !isMember) return false;

  const closed = pollIsClosed(poll, now);
  if (closed && viewer.isModerator) return true;

  switch (poll.resultsVisibility) {
    case 'always':
      return true;
    case 'after_vote':
      return isMember && (viewer.hasVoted || closed);
    case 'after_close':
      return closed;
    case 'after_chapter':
      return (
        isMember &&
        poll.chapterLastPosition !== null &&
        viewer.progressPosition >= poll.chapterLastPosition
      );
    default: {
      // A setting this code does not know (a newer database?) shows nothing.
      const unknown: never = poll.resultsVisibility;
      void unknown;
      return false;
    }
  }
}
