import { describe, expect, it } from 'vitest';
import { instantRunoff, tallyCounts, validateBallot, type Ballot } from '../../../src/polls/tally.js';

/** Ballots from a compact spec: [[choices, how many], ...]; voter ids are assigned. */
function ballots(spec: [number[], number][]): Ballot[] {
  const out: Ballot[] = [];
  let voterId = 1;
  for (const [choices, count] of spec) {
    for (let i = 0; i < count; i += 1) out.push({ voterId: voterId++, choices: [...choices] });
  }
  return out;
}

describe('tallyCounts', () => {
  it('counts a single-choice poll with percentages of ballots, one decimal', () => {
    const result = tallyCounts([1, 2, 3], ballots([[[1], 2], [[2], 1]]));
    expect(result).toEqual({
      ballots: 3,
      options: [
        { optionId: 1, votes: 2, percent: 66.7 },
        { optionId: 2, votes: 1, percent: 33.3 },
        { optionId: 3, votes: 0, percent: 0 },
      ],
    });
  });

  it('multiple-choice percentages are per ballot and may add up to more than 100', () => {
    const result = tallyCounts([1, 2], ballots([[[1, 2], 3], [[1], 1]]));
    expect(result.options).toEqual([
      { optionId: 1, votes: 4, percent: 100 },
      { optionId: 2, votes: 3, percent: 75 },
    ]);
    expect(result.options.reduce((sum, o) => sum + o.percent, 0)).toBe(175);
  });

  it('zero ballots: every count and percent is 0', () => {
    expect(tallyCounts([4, 5], [])).toEqual({
      ballots: 0,
      options: [
        { optionId: 4, votes: 0, percent: 0 },
        { optionId: 5, votes: 0, percent: 0 },
      ],
    });
  });

  it('no options', () => {
    expect(tallyCounts([], ballots([[[1], 2]]))).toEqual({ ballots: 0, options: [] });
  });

  it('ignores unknown options, duplicate choices, and ballots left empty', () => {
    const result = tallyCounts(
      [1, 2],
      [
        { voterId: 1, choices: [1, 1, 99] },
        { voterId: 2, choices: [99] },
        { voterId: 3, choices: [] },
      ],
    );
    expect(result).toEqual({
      ballots: 1,
      options: [
        { optionId: 1, votes: 1, percent: 100 },
        { optionId: 2, votes: 0, percent: 0 },
      ],
    });
  });

  it("counts a voter once, with their last ballot", () => {
    const result = tallyCounts(
      [1, 2],
      [
        { voterId: 7, choices: [1] },
        { voterId: 8, choices: [1] },
        { voterId: 7, choices: [2] },
      ],
    );
    expect(result.ballots).toBe(2);
    expect(result.options).toEqual([
      { optionId: 1, votes: 1, percent: 50 },
      { optionId: 2, votes: 1, percent: 50 },
    ]);
  });

  it('rounds to one decimal (1/7 → 14.3, 2/3 → 66.7, 1/8 → 12.5)', () => {
    expect(tallyCounts([1, 2], ballots([[[1], 1], [[2], 6]])).options[0]?.percent).toBe(14.3);
    expect(tallyCounts([1, 2], ballots([[[1], 1], [[2], 7]])).options[0]?.percent).toBe(12.5);
  });

  it('keeps the order of optionIds and de-duplicates them', () => {
    const result = tallyCounts([3, 1, 3], ballots([[[1], 1]]));
    expect(result.options.map((o) => o.optionId)).toEqual([3, 1]);
  });
});

describe('instantRunoff', () => {
  it('a majority in round 1 wins at once', () => {
    const result = instantRunoff([1, 2, 3], ballots([[[1, 2], 3], [[2, 1], 1], [[3], 1]]));
    expect(result.winners).toEqual([1]);
    expect(result.rounds).toHaveLength(1);
    expect(result.rounds[0]).toEqual({
      round: 1,
      tallies: [
        { optionId: 1, votes: 3 },
        { optionId: 2, votes: 1 },
        { optionId: 3, votes: 1 },
      ],
      active: 5,
      exhausted: 0,
      eliminated: [],
      winner: 1,
    });
  });

  it('exactly half is not a majority', () => {
    const result = instantRunoff([1, 2, 3], ballots([[[1], 2], [[2], 1], [[3, 2], 1]]));
    // Round 1: 1→2, 2→1, 3→1 (2 of 4 is not > half). 2 and 3 tie for last and are both eliminated.
    expect(result.rounds[0]?.winner).toBeNull();
    expect(result.rounds[0]?.eliminated).toEqual([2, 3]);
    expect(result.rounds[1]).toMatchObject({ active: 2, exhausted: 2, winner: 1 });
    expect(result.winners).toEqual([1]);
  });

  it('transfers ballots over three or more rounds', () => {
    // 4 options, 15 ballots.
    const spec: [number[], number][] = [
      [[1, 2, 3, 4], 5],
      [[2, 3, 1, 4], 4],
      [[3, 2, 1, 4], 3],
      [[4, 3, 2, 1], 2],
      [[4, 1], 1],
    ];
    const result = instantRunoff([1, 2, 3, 4], ballots(spec));
    expect(result.rounds.map((r) => r.tallies)).toEqual([
      [
        { optionId: 1, votes: 5 },
        { optionId: 2, votes: 4 },
        { optionId: 3, votes: 3 },
        { optionId: 4, votes: 3 },
      ],
      // 3 and 4 tie for fewest (3 each) → both eliminated; their ballots move on.
      [
        { optionId: 1, votes: 6 }, // + [4,1]
        { optionId: 2, votes: 9 }, // + three [3,2,…] + two [4,3,2,…]
      ],
    ]);
    expect(result.rounds[0]?.eliminated).toEqual([3, 4]);
    expect(result.winners).toEqual([2]);

    // Now without the tie, to get three rounds of single eliminations.
    const spec2: [number[], number][] = [
      [[1, 2, 3, 4], 6],
      [[2, 3, 1, 4], 5],
      [[3, 2, 1, 4], 4],
      [[4, 3, 1], 3],
    ];
    const r2 = instantRunoff([1, 2, 3, 4], ballots(spec2));
    expect(r2.rounds.map((r) => r.eliminated)).toEqual([[4], [2], []]);
    expect(r2.rounds.map((r) => r.tallies.map((t) => t.votes))).toEqual([
      [6, 5, 4, 3],
      [6, 5, 7], // 4's three ballots go to their second choice, 3
      [6, 12], // 2's five ballots go to 3 (their next choice still running)
    ]);
    expect(r2.rounds.map((r) => r.winner)).toEqual([null, null, 3]);
    expect(r2.winners).toEqual([3]);
  });

  it('a full tie at the end, after transfers, reports the tied options', () => {
    const result = instantRunoff([1, 2, 3], ballots([[[1], 4], [[2], 4], [[3, 1], 1], [[3, 2], 1]]));
    expect(result.rounds.map((r) => r.tallies.map((t) => t.votes))).toEqual([
      [4, 4, 2],
      [5, 5],
    ]);
    expect(result.rounds[1]).toMatchObject({ winner: null, eliminated: [], active: 10 });
    expect(result.winners).toEqual([1, 2]);
  });

  it('three rounds ending in a majority, with exhausted ballots', () => {
    const spec: [number[], number][] = [
      [[1], 8], // bullet votes for 1
      [[2, 3], 6],
      [[3, 2], 5],
      [[4, 3], 4],
      [[4], 2], // exhaust when 4 goes
    ];
    const result = instantRunoff([1, 2, 3, 4], ballots(spec));
    // R1: 8,6,5,6 → 3 eliminated (5). R2: 1:8, 2:11, 4:6 → 4 eliminated.
    // R3: 1:8, 2:11 + four [4,3] ballots have no 2 → exhausted, [4] two exhausted.
    expect(result.rounds.map((r) => r.tallies.map((t) => [t.optionId, t.votes]))).toEqual([
      [[1, 8], [2, 6], [3, 5], [4, 6]],
      [[1, 8], [2, 11], [4, 6]],
      [[1, 8], [2, 11]],
    ]);
    expect(result.rounds.map((r) => r.exhausted)).toEqual([0, 0, 6]);
    expect(result.rounds.map((r) => r.active)).toEqual([25, 25, 19]);
    expect(result.winners).toEqual([2]);
    expect(result.exhausted).toBe(6);
  });

  it('majority is measured against ACTIVE ballots, not all ballots (the Discourse bug)', () => {
    // 10 ballots; option 2's bullet votes exhaust once 2 is eliminated.
    const spec: [number[], number][] = [
      [[1], 3],
      [[2], 2],
      [[3, 1], 1],
      [[3], 4],
    ];
    // R1: 1:3, 2:2, 3:5 — 5 of 10 is not more than half. 2 is last and goes.
    // R2: 1:3, 3:5 with 8 active, 2 exhausted — 5 > 4: 3 wins. A threshold over all 10
    //     ballots would never see a majority (5 > 5 fails even with 3 alone left).
    const r = instantRunoff([1, 2, 3], ballots(spec));
    expect(r.winners).toEqual([3]);
    expect(r.rounds[1]).toMatchObject({ active: 8, exhausted: 2, winner: 3 });

    const spec2: [number[], number][] = [
      [[1], 4],
      [[2], 3],
      [[3], 2],
      [[4, 1], 1],
    ];
    // R1: 4,3,2,1 (10 active) → 4 out, its ballot goes to 1.
    // R2: 1:5, 2:3, 3:2 (10 active, 5 is not > 5) → 3 out, its two ballots exhaust.
    // R3: 1:5, 2:3, active 8, exhausted 2 → 5 > 4: 1 wins. With the buggy threshold
    //     (all 10 ballots) 5 > 5 fails: 2 would be eliminated next and 1, alone, would
    //     still hold "only" 5 of 10 — a poll reported without a winner.
    const r2 = instantRunoff([1, 2, 3, 4], ballots(spec2));
    expect(r2.rounds).toHaveLength(3);
    expect(r2.rounds[2]).toMatchObject({ active: 8, exhausted: 2, winner: 1 });
    expect(r2.winners).toEqual([1]);
  });

  it('eliminates all options tied for fewest together, including zero-vote options', () => {
    const result = instantRunoff([1, 2, 3, 4, 5], ballots([[[1], 3], [[2, 1], 2], [[3, 1], 1], [[4, 2], 1]]));
    // R1: 1:3, 2:2, 3:1, 4:1, 5:0 (7 active) → fewest is 0: only 5 goes.
    expect(result.rounds[0]?.eliminated).toEqual([5]);
    // R2: 3 and 4 tie at 1 → both go.
    expect(result.rounds[1]?.eliminated).toEqual([3, 4]);
    // R3: 1: 3+1 = 4, 2: 2+1 = 3 → 4 > 3.5: 1 wins.
    expect(result.rounds[2]?.tallies).toEqual([
      { optionId: 1, votes: 4 },
      { optionId: 2, votes: 3 },
    ]);
    expect(result.winners).toEqual([1]);
  });

  it('several zero-vote options go in the same round', () => {
    const result = instantRunoff([1, 2, 3, 4], ballots([[[1], 1], [[2], 1], [[1], 1]]));
    expect(result.rounds[0]?.winner).toBe(1); // 2 of 3 is already a majority
    const result2 = instantRunoff([1, 2, 3, 4], ballots([[[1], 1], [[2], 1]]));
    expect(result2.rounds[0]?.eliminated).toEqual([3, 4]);
    expect(result2.winners).toEqual([1, 2]); // then a full tie
  });

  it('a full tie at the start reports every option as winner', () => {
    const result = instantRunoff([1, 2, 3], ballots([[[1], 2], [[2], 2], [[3], 2]]));
    expect(result.rounds).toHaveLength(1);
    expect(result.winners).toEqual([1, 2, 3]);
    expect(result.rounds[0]).toMatchObject({ winner: null, eliminated: [] });
  });

  it('zero ballots: one round of zeros and no winner', () => {
    const result = instantRunoff([1, 2], []);
    expect(result).toEqual({
      rounds: [
        {
          round: 1,
          tallies: [
            { optionId: 1, votes: 0 },
            { optionId: 2, votes: 0 },
          ],
          active: 0,
          exhausted: 0,
          eliminated: [],
          winner: null,
        },
      ],
      winners: [],
      exhausted: 0,
    });
  });

  it('no options: no rounds', () => {
    expect(instantRunoff([], ballots([[[1], 1]]))).toEqual({ rounds: [], winners: [], exhausted: 0 });
  });

  it('a single option with any ballot wins', () => {
    expect(instantRunoff([9], ballots([[[9], 1]])).winners).toEqual([9]);
  });

  it('ballots that name only unknown options are not counted at all', () => {
    const result = instantRunoff([1, 2], [...ballots([[[1], 2], [[2], 1]]), { voterId: 99, choices: [42] }]);
    expect(result.rounds[0]).toMatchObject({ active: 3, exhausted: 0, winner: 1 });
  });

  it('a ranked ballot may rank a subset; repeated ranks count once at the first place', () => {
    const result = instantRunoff(
      [1, 2, 3],
      [
        { voterId: 1, choices: [3, 3, 1] },
        { voterId: 2, choices: [2] },
        { voterId: 3, choices: [1] },
        { voterId: 4, choices: [2, 1] },
        { voterId: 5, choices: [1, 2] },
      ],
    );
    // R1: 1:2, 2:2, 3:1 → 3 out; voter 1 goes to 1. R2: 1:3, 2:2 → 1 wins.
    expect(result.rounds.map((r) => r.winner)).toEqual([null, 1]);
    expect(result.winners).toEqual([1]);
  });

  it('every round accounts for all ballots (active + exhausted)', () => {
    const b = ballots([[[1], 3], [[2, 3], 2], [[3], 2], [[4], 1], [[4, 2], 1]]);
    const result = instantRunoff([1, 2, 3, 4], b);
    for (const round of result.rounds) {
      expect(round.active + round.exhausted).toBe(b.length);
      expect(round.tallies.reduce((s, t) => s + t.votes, 0)).toBe(round.active);
    }
  });
});

describe('validateBallot', () => {
  const options = [10, 20, 30, 40];
  const multi = { minChoices: 2, maxChoices: 3 };
  const any = { minChoices: 1, maxChoices: 4 };

  it.each([
    ['single', any, [10], null],
    ['single', any, [], 'no_choice'],
    ['single', any, [10, 20], 'not_single'],
    ['single', any, [99], 'unknown_option'],
    ['single', any, [10, 10], 'duplicate'],
    ['single', multi, [10], null], // min/max do not apply to single polls
    ['multiple', multi, [10, 20], null],
    ['multiple', multi, [10, 20, 30], null],
    ['multiple', multi, [10], 'too_few'],
    ['multiple', multi, [10, 20, 30, 40], 'too_many'],
    ['multiple', multi, [10, 20, 20], 'duplicate'],
    ['multiple', multi, [10, 20, 50], 'unknown_option'],
    ['multiple', multi, [], 'no_choice'],
    ['multiple', { minChoices: 0, maxChoices: 2 }, [], 'no_choice'], // at least one, always
    ['ranked', any, [40, 10], null], // a subset, in preference order
    ['ranked', any, [40, 10, 20, 30], null],
    ['ranked', multi, [40], 'too_few'],
    ['ranked', multi, [40, 30, 20, 10], 'too_many'],
    ['ranked', any, [40, 40], 'duplicate'],
    ['ranked', any, [40, 1.5], 'unknown_option'],
    ['ranked', any, [Number.NaN], 'unknown_option'],
  ] as const)('%s %j %j → %s', (kind, settings, choices, error) => {
    const result = validateBallot(kind, settings, options, [...choices]);
    expect(result).toEqual(error === null ? { ok: true } : { ok: false, error });
  });

  it('reports unknown options before duplicates', () => {
    expect(validateBallot('multiple', any, options, [99, 99])).toEqual({ ok: false, error: 'unknown_option' });
  });
});
