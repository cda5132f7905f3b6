import { describe, expect, it } from 'vitest';
import { csvCell, pollResultRows, toCsv } from '../../../src/polls/csv';
import { translator } from '../../../src/i18n';
import type { PollCardView } from '../../../src/polls';

describe('csvCell', () => {
  it('quotes commas, quotes and line breaks', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
  });
  it('prefixes formula starters with an apostrophe', () => {
    for (const text of ['=1+1', '+1', '-1', '@SUM(A1)', '\tx', '\rx']) expect(csvCell(text).replace(/^"/, '').startsWith(`'`)).toBe(true);
    expect(csvCell('=A1,B1')).toBe(`"'=A1,B1"`);
    expect(csvCell('a=b')).toBe('a=b');
    expect(csvCell(-3)).toBe('-3'); // numbers we computed are numbers
  });
});

describe('toCsv', () => {
  it('starts with a BOM and ends lines with CRLF', () => {
    expect(toCsv([['a', 'b'], [1, '가']])).toBe('\uFEFFa,b\r\n1,가\r\n');
  });
});

describe('pollResultRows', () => {
  const card = (over: Partial<PollCardView>): PollCardView =>
    ({
      id: 1,
      clubId: 1,
      question: 'Q',
      kind: 'single',
      voters: 'anonymous',
      results: { ballots: 2, counts: [{ optionId: 1, label: 'A', votes: 2, percent: 100 }], runoff: null, voters: null },
      ...over,
    }) as PollCardView;
  const t = translator('en');
  it('is null without results', () => {
    expect(pollResultRows(card({ results: null }), t)).toBeNull();
  });
  it('counts for anonymous polls', () => {
    expect(pollResultRows(card({}), t)).toEqual([
      ['Option', 'Votes', 'Percent'],
      ['A', 2, 100],
    ]);
  });
  it('voters for public polls, with ranks for ranked ones', () => {
    const results = { ballots: 1, counts: [], runoff: null, voters: [{ name: 'Minji', choices: ['B', 'A'] }] };
    expect(pollResultRows(card({ kind: 'ranked', voters: 'public', results }), t)).toEqual([
      ['Voter', 'Option', 'Rank'],
      ['Minji', 'B', 1],
      ['Minji', 'A', 2],
    ]);
    expect(pollResultRows(card({ kind: 'multiple', voters: 'public', results }), t)![1]).toEqual(['Minji', 'B', '']);
  });
});
