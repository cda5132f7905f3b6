/**
 * Polls without a request in sight: the club's polls a reader may see, one poll as the reader
 * faces it, and casting or withdrawing a ballot. The poll pages (`routes/`) and the JSON API
 * (`src/api`) both call these, so both ask the same policy (`pollRefusal`), show results only
 * under `pollResultsVisibleTo` (through `pollCard`), and publish the same events.
 *
 * @example
 * const outcome = castBallot(deps, access, poll, readBallot(form, poll.kind), () => takeToken());
 * if (outcome.kind === 'done') answerWithCard();
 */
import type { Poll } from '../../db/schema';
import type { Db } from '../../db/connection';
import type { ClubAccess } from '../clubs';
import type { PostingRefusal } from '../http/guards';
import type { AreaDeps } from '../http/types';
import { pollCan, pollRefusal, type PollAction, type PollRefusal } from './policy';
import { pollCard, pollPath, pollSituation, type PollSituation } from './present';
import { deleteBallot, findPoll, listClubPolls, optionsOf, upsertBallot } from './queries';
import type { PollCardView } from './types';
import { ballotProblem, type BallotProblem, type BallotSubmission } from './validation';

/** The reader's card of a situation (what the page, the fragment and the API show). */
export function cardOf(db: Db, access: ClubAccess, situation: PollSituation, next: string = pollPath(situation.poll.clubId, situation.poll.id)): PollCardView {
  const options = optionsOf(db, [situation.poll.id]).get(situation.poll.id) ?? [];
  return pollCard(db, access, situation, options, next);
}

/** The club's polls the reader may view (polls on chapters not open to them are left out), newest first as the list page. */
export function visiblePolls(db: Db, access: ClubAccess, now: number): PollSituation[] {
  return listClubPolls(db, access.club.id)
    .map((poll) => pollSituation(db, access, poll, now))
    .filter((situation) => pollCan(access, 'view', situation.facts));
}

/** A poll of this club as the reader faces it, and why they may not `action` it (null: they may); undefined when the poll is not the club's. */
export function pollFacing(db: Db, access: ClubAccess, pollId: number, action: PollAction, now: number): { poll: Poll; situation: PollSituation; refusal: PollRefusal | null } | undefined {
  const poll = findPoll(db, access.club.id, pollId);
  if (!poll) return undefined;
  const situation = pollSituation(db, access, poll, now);
  return { poll, situation, refusal: pollRefusal(access, action, situation.facts) };
}

/** What became of a ballot: refused by the policy, a problem with the ballot, the posting limit, or stored. */
export type BallotOutcome = { kind: 'refused'; reason: PollRefusal } | { kind: 'invalid'; problem: BallotProblem } | { kind: 'limited'; seconds: number } | { kind: 'done' };

/**
 * Casts (or changes) `userId`'s ballot: the policy, then the ballot against the poll, then the
 * posting limit (`consume` counts one post and returns the refusal past the limit), then the
 * write and `poll.voted`.
 */
export function castBallot(deps: AreaDeps, access: ClubAccess, poll: Poll, submission: BallotSubmission, consume: () => PostingRefusal | null): BallotOutcome {
  const { db, sqlite, clock } = deps;
  const refusal = pollRefusal(access, 'vote', pollSituation(db, access, poll, clock()).facts);
  if (refusal) return { kind: 'refused', reason: refusal };
  const options = optionsOf(db, [poll.id]).get(poll.id) ?? [];
  const problem = ballotProblem(submission, { kind: poll.kind, minChoices: poll.minChoices, maxChoices: poll.maxChoices, optionIds: options.map((o) => o.id) });
  if (problem) return { kind: 'invalid', problem };
  const limited = consume();
  if (limited) return { kind: 'limited', seconds: limited.seconds };
  upsertBallot(db, sqlite, poll.id, access.userId!, submission.choices, clock());
  deps.events.publish({ type: 'poll.voted', actorId: access.userId, clubId: access.club.id, pollId: poll.id, withdrawn: false });
  return { kind: 'done' };
}

/** Withdraws the reader's ballot (nothing happens, and nothing is published, when there was none). */
export function withdrawBallot(deps: AreaDeps, access: ClubAccess, poll: Poll, consume: () => PostingRefusal | null): BallotOutcome {
  const { db, clock } = deps;
  const refusal = pollRefusal(access, 'withdraw', pollSituation(db, access, poll, clock()).facts);
  if (refusal) return { kind: 'refused', reason: refusal };
  const limited = consume();
  if (limited) return { kind: 'limited', seconds: limited.seconds };
  if (deleteBallot(db, poll.id, access.userId!)) deps.events.publish({ type: 'poll.voted', actorId: access.userId, clubId: access.club.id, pollId: poll.id, withdrawn: true });
  return { kind: 'done' };
}
