/**
 * Polls without a request in sight: the club's polls a reader may see, one poll as the reader
 * faces it, and casting or withdrawing a ballot. The poll pages (`routes/`) and the JSON API
 * (`src/api`) both call these, so both ask the same policy (`pollRefusal`), show results only
 * under `pollResultsVisibleTo` (through `pollCard`), and publish the same events.
 *
 * @example
 * const outcome = await castBallot(deps, access, poll, readBallot(form, poll.kind), () => takeToken());
 * if (outcome.kind === 'done') answerWithCard();
 */
import type { Poll } from '../../db/schema';
import type { Db } from '../../db/connection';
import type { ClubAccess } from '../clubs';
import type { PostingRefusal } from '../http/guards';
import type { AreaDeps } from '../http/types';
import { pollCan, pollRefusal, type PollAction, type PollRefusal } from './policy';
import { pollCard, pollPath, pollSituation, type PollSituation } from './present';
import { ballotTerms, deleteBallot, findPoll, listClubPolls, optionsOf, upsertBallot } from './queries';
import type { PollCardView } from './types';
import { ballotProblem, type BallotProblem, type BallotSubmission } from './validation';

/** The reader's card of a situation (what the page, the fragment and the API show). */
export async function cardOf(db: Db, access: ClubAccess, situation: PollSituation, next: string = pollPath(situation.poll.clubId, situation.poll.id)): Promise<PollCardView> {
  const options = (await optionsOf(db, [situation.poll.id])).get(situation.poll.id) ?? [];
  return pollCard(db, access, situation, options, next);
}

/** The club's polls the reader may view (polls on chapters not open to them are left out), newest first as the list page. */
export async function visiblePolls(db: Db, access: ClubAccess, now: number): Promise<PollSituation[]> {
  const visible: PollSituation[] = [];
  for (const poll of await listClubPolls(db, access.club.id)) {
    const situation = await pollSituation(db, access, poll, now);
    if (pollCan(access, 'view', situation.facts)) visible.push(situation);
  }
  return visible;
}

/** A poll of this club as the reader faces it, and why they may not `action` it (null: they may); undefined when the poll is not the club's. */
export async function pollFacing(
  db: Db,
  access: ClubAccess,
  pollId: number,
  action: PollAction,
  now: number,
): Promise<{ poll: Poll; situation: PollSituation; refusal: PollRefusal | null } | undefined> {
  const poll = await findPoll(db, access.club.id, pollId);
  if (!poll) return undefined;
  const situation = await pollSituation(db, access, poll, now);
  return { poll, situation, refusal: pollRefusal(access, action, situation.facts) };
}

/** What became of a ballot: refused by the policy, a problem with the ballot, the posting limit, or stored. */
/** Counts one post against the posting limit: the refusal past it, or null. */
export type ConsumePost = () => PostingRefusal | null | Promise<PostingRefusal | null>;

export type BallotOutcome = { kind: 'refused'; reason: PollRefusal } | { kind: 'invalid'; problem: BallotProblem } | { kind: 'limited'; seconds: number } | { kind: 'done' };

/**
 * Casts (or changes) `userId`'s ballot: the policy, then the ballot against the poll, then the
 * posting limit (`consume` counts one post and returns the refusal past the limit), then the
 * write — with the policy and the ballot checked again inside its transaction — and `poll.voted`.
 */
export async function castBallot(deps: AreaDeps, access: ClubAccess, poll: Poll, submission: BallotSubmission, consume: ConsumePost): Promise<BallotOutcome> {
  const { db, clock } = deps;
  /** The policy and the ballot against `current` (the poll as it stands) and its options: null when the ballot may be written. */
  const check = async (db: Db, current: Poll | undefined, optionIds: number[]): Promise<BallotOutcome | null> => {
    if (!current || current.clubId !== access.club.id) return { kind: 'refused', reason: 'not_found' };
    const refusal = pollRefusal(access, 'vote', (await pollSituation(db, access, current, clock())).facts);
    if (refusal) return { kind: 'refused', reason: refusal };
    const problem = ballotProblem(submission, { kind: current.kind, minChoices: current.minChoices, maxChoices: current.maxChoices, optionIds });
    return problem ? { kind: 'invalid', problem } : null;
  };
  const terms = await ballotTerms(db, poll.id);
  const before = await check(db, terms.poll, terms.optionIds);
  if (before) return before;
  const limited = await consume();
  if (limited) return { kind: 'limited', seconds: limited.seconds };
  // Checked again in the transaction that writes: a moderator may have closed the poll or
  // rewritten its options meanwhile. Unchanged terms (the rule) need no second full check.
  const after = await upsertBallot(db, poll.id, access.userId!, submission.choices, clock(), async (tx) => {
    const now = await ballotTerms(tx, poll.id);
    return sameTerms(now, terms) ? null : check(tx, now.poll, now.optionIds);
  });
  if (after) return after;
  await deps.events.publish({ type: 'poll.voted', actorId: access.userId, clubId: access.club.id, pollId: poll.id, withdrawn: false });
  return { kind: 'done' };
}

/** Withdraws the reader's ballot (nothing happens, and nothing is published, when there was none). */
export async function withdrawBallot(deps: AreaDeps, access: ClubAccess, poll: Poll, consume: ConsumePost): Promise<BallotOutcome> {
  const { db, clock } = deps;
  const refusal = pollRefusal(access, 'withdraw', (await pollSituation(db, access, poll, clock())).facts);
  if (refusal) return { kind: 'refused', reason: refusal };
  const limited = await consume();
  if (limited) return { kind: 'limited', seconds: limited.seconds };
  if (await deleteBallot(db, poll.id, access.userId!)) await deps.events.publish({ type: 'poll.voted', actorId: access.userId, clubId: access.club.id, pollId: poll.id, withdrawn: true });
  return { kind: 'done' };
}

/** Whether what a ballot is checked against is as it was: the poll's state and rules, and its options. */
function sameTerms(a: Awaited<ReturnType<typeof ballotTerms>>, b: Awaited<ReturnType<typeof ballotTerms>>): boolean {
  const keys = ['opensAt', 'closesAt', 'closedAt', 'kind', 'minChoices', 'maxChoices', 'readingId', 'chapterId', 'resultsVisibility'] as const;
  return !!a.poll && !!b.poll && keys.every((key) => a.poll![key] === b.poll![key]) && a.optionIds.length === b.optionIds.length && a.optionIds.every((id, i) => id === b.optionIds[i]);
}
