/**
 * Poll tallies: plain counts for single- and multiple-choice polls, instant-runoff for
 * ranked polls, and the check of one ballot against a poll's settings.
 *
 * Pure functions over option ids and ballots; the routes load them and render the result.
 *
 * ## Ballot hygiene (applies to every tally)
 *
 * Ballots are expected to be valid already ({@link validateBallot} runs on write), but a
 * tally must not be skewed by a stale or hand-edited row, so before counting:
 * - choices naming an option that is not in `optionIds` are ignored (e.g. a removed option);
 * - a choice repeated on one ballot counts once, at its first (highest) rank;
 * - one ballot per voter: if a `voterId` appears twice, the LAST ballot wins (a changed vote);
 * - a ballot left with no known choice is not counted at all.
 *
 * @example
 * tallyCounts([1, 2], [{ voterId: 1, choices: [1] }, { voterId: 2, choices: [1] }]);
 * // { options: [{ optionId: 1, votes: 2, percent: 100 }, { optionId: 2, votes: 0, percent: 0 }], ballots: 2 }
 */

export type PollKind = 'single' | 'multiple' | 'ranked';

export interface Ballot {
  voterId: number;
  /** Option ids; for ranked polls in order of preference (a ballot may rank a subset). */
  choices: number[];
}

export interface OptionCount {
  optionId: number;
  votes: number;
  /** Share of ballots that chose this option, 0–100, rounded to one decimal. */
  percent: number;
}

export interface CountsResult {
  /** In the order of `optionIds`. */
  options: OptionCount[];
  /** Ballots counted (one per voter, with at least one known choice). */
  ballots: number;
}

/** Unique option ids, in their given order. */
function uniqueOptions(optionIds: number[]): number[] {
  return [...new Set(optionIds)];
}

/** Apply the ballot hygiene rules described in the module comment. */
function cleanBallots(optionIds: readonly number[], ballots: readonly Ballot[]): number[][] {
  const known = new Set(optionIds);
  const byVoter = new Map<number, number[]>();
  for (const ballot of ballots) {
    const choices = [...new Set(ballot.choices.filter((id) => known.has(id)))];
    // Delete first so a changed vote moves to the end, keeping the order of "last" ballots.
    byVoter.delete(ballot.voterId);
    byVoter.set(ballot.voterId, choices);
  }
  return [...byVoter.values()].filter((choices) => choices.length > 0);
}

function roundPercent(part: number, whole: number): number {
  return whole === 0 ? 0 : Math.round((part / whole) * 1000) / 10;
}

/**
 * Counts for `single` and `multiple` polls (for a ranked poll this counts every option a
 * ballot ranked at all, which is rarely what one wants — use {@link instantRunoff}).
 *
 * `percent` is the share of **ballots** (voters), not of votes: "60% of us want chapter 5
 * discussed". For `multiple` polls one ballot can choose several options, so the
 * percentages can add up to more than 100 — that is correct, not a rounding error. With
 * zero ballots every percent is 0.
 */
export function tallyCounts(optionIds: number[], ballots: Ballot[]): CountsResult {
  const options = uniqueOptions(optionIds);
  const cleaned = cleanBallots(options, ballots);
  const votes = new Map<number, number>(options.map((id) => [id, 0]));
  for (const choices of cleaned) {
    for (const id of choices) votes.set(id, (votes.get(id) ?? 0) + 1);
  }
  return {
    options: options.map((optionId) => {
      const count = votes.get(optionId) ?? 0;
      return { optionId, votes: count, percent: roundPercent(count, cleaned.length) };
    }),
    ballots: cleaned.length,
  };
}

export interface RunoffRound {
  /** 1-based. */
  round: number;
  /** Votes of every option still in the running this round, in the order of `optionIds`. */
  tallies: { optionId: number; votes: number }[];
  /** Ballots counting for some option this round (the majority is measured against this). */
  active: number;
  /** Ballots with no remaining preference this round. `active + exhausted` = ballots. */
  exhausted: number;
  /** Options eliminated at the end of this round (several when tied for fewest). */
  eliminated: number[];
  /** The option with a majority of active ballots this round, if any. */
  winner: number | null;
}

export interface RunoffResult {
  rounds: RunoffRound[];
  /** One winner; or every option still in the running when they ended tied; or none (no ballots). */
  winners: number[];
  /** Exhausted ballots in the final round. */
  exhausted: number;
}

/**
 * Instant-runoff (ranked-choice) count.
 *
 * Rules:
 * 1. Each round, every ballot counts for its highest-ranked option still in the running.
 *    A ballot with no such option is **exhausted** for that round (and every later one);
 *    exhausted ballots are reported per round.
 * 2. An option **wins** when it holds a strict majority of the ballots **active in that
 *    round** — more than half of those not exhausted. Exhausted ballots are NOT part of the
 *    threshold: counting them (as some forum software did) can leave a poll without a
 *    winner even though one option is preferred by most voters who still express a choice.
 * 3. Otherwise, **all** options tied for the fewest votes are eliminated together
 *    (including options with 0 votes) and their ballots transfer to each ballot's next
 *    preference still in the running; then a new round starts.
 * 4. If eliminating the options with the fewest votes would eliminate every option left
 *    (they all have the same number of votes), counting stops and all of them are reported
 *    as tied winners.
 * 5. No ballots at all: one round of zeros and no winner. No options: no rounds, no winner.
 *
 * Ballots are cleaned first (unknown options dropped, repeated options counted at their
 * first rank, one ballot per voter) — see the module comment. A ballot may rank a subset of
 * the options.
 */
export function instantRunoff(optionIds: number[], ballots: Ballot[]): RunoffResult {
  const options = uniqueOptions(optionIds);
  if (options.length === 0) return { rounds: [], winners: [], exhausted: 0 };
  const cleaned = cleanBallots(options, ballots);
  const running = new Set(options);
  const rounds: RunoffRound[] = [];

  for (let round = 1; ; round += 1) {
    const votes = new Map<number, number>();
    for (const id of running) votes.set(id, 0);
    let exhausted = 0;
    for (const choices of cleaned) {
      const preferred = choices.find((id) => running.has(id));
      if (preferred === undefined) exhausted += 1;
      else votes.set(preferred, (votes.get(preferred) ?? 0) + 1);
    }
    const active = cleaned.length - exhausted;
    const tallies = options
      .filter((id) => running.has(id))
      .map((optionId) => ({ optionId, votes: votes.get(optionId) ?? 0 }));
    const record: RunoffRound = { round, tallies, active, exhausted, eliminated: [], winner: null };
    rounds.push(record);

    if (active === 0) return { rounds, winners: [], exhausted };

    const majority = tallies.find((t) => t.votes * 2 > active);
    if (majority) {
      record.winner = majority.optionId;
      return { rounds, winners: [majority.optionId], exhausted };
    }

    const fewest = Math.min(...tallies.map((t) => t.votes));
    const last = tallies.filter((t) => t.votes === fewest).map((t) => t.optionId);
    if (last.length === tallies.length) {
      return { rounds, winners: last, exhausted };
    }
    record.eliminated = last;
    for (const id of last) running.delete(id);
  }
}

export interface BallotSettings {
  /** Fewest options a `multiple`/`ranked` ballot must choose (at least 1 is always required). */
  minChoices: number;
  /** Most options a `multiple`/`ranked` ballot may choose. */
  maxChoices: number;
}

export type BallotError =
  | 'no_choice'
  | 'too_few'
  | 'too_many'
  | 'duplicate'
  | 'unknown_option'
  | 'not_single';

/**
 * Check one ballot before it is stored. The first failing check is reported, in this
 * order: `no_choice` (nothing chosen), `unknown_option` (an id not in this poll, or not an
 * integer), `duplicate` (an option chosen/ranked twice), `not_single` (a `single` poll with
 * more than one choice), `too_few` / `too_many` (outside `minChoices`–`maxChoices`, for
 * `multiple` and `ranked` polls; `single` ignores them).
 */
export function validateBallot(
  kind: PollKind,
  settings: BallotSettings,
  optionIds: number[],
  choices: number[],
): { ok: true } | { ok: false; error: BallotError } {
  if (choices.length === 0) return { ok: false, error: 'no_choice' };
  const known = new Set(optionIds);
  if (choices.some((id) => !Number.isInteger(id) || !known.has(id))) {
    return { ok: false, error: 'unknown_option' };
  }
  if (new Set(choices).size !== choices.length) return { ok: false, error: 'duplicate' };
  if (kind === 'single') {
    return choices.length === 1 ? { ok: true } : { ok: false, error: 'not_single' };
  }
  if (choices.length < Math.max(1, settings.minChoices)) return { ok: false, error: 'too_few' };
  if (choices.length > settings.maxChoices) return { ok: false, error: 'too_many' };
  return { ok: true };
}
