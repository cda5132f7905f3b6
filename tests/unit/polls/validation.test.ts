import { describe, expect, it } from 'vitest';
import { ballotProblem, closingDateError, optionKey, optionSlots, parseOptions, parsePollForm, readBallot } from '../../../src/polls/validation';
import { widthClass } from '../../../views/polls/results';

const NOW = Date.UTC(2026, 10, 1, 9);
const base = { question: 'Q?', option_1: 'A', option_2: 'B', kind: 'single', voters: 'anonymous', resultsVisibility: 'always', opensAt: '', closesAt: '' };
const parse = (over: Record<string, string>, onChapter = false, timeZone = 'UTC') => parsePollForm({ ...base, ...over }, { now: NOW, timeZone, onChapter });

describe('options', () => {
  it('reads option slots in numeric order and skips unused ones', () => {
    expect(optionSlots({ option_10: 'ten', option_2: 'two', option_1: 'one', other: 'x', option_x: 'y' })).toEqual(['one', 'two', 'ten']);
    expect(parseOptions(['one', '', 'two', ''])).toEqual({ ok: true, options: ['one', 'two'] });
  });
  it('folds case, spaces and normalisation when comparing', () => {
    expect(optionKey('  Straße ')).toBe(optionKey('STRASSE'));
    expect(optionKey('한강')).toBe(optionKey('한강'.normalize('NFD')));
    expect(optionKey('a   b')).toBe(optionKey('A B'));
    expect(parseOptions(['Yes', ' yes '])).toEqual({ ok: false, error: 'polls.error.option_duplicate' });
  });
  it('counts code points, so 200 Hangul syllables fit', () => {
    expect(parseOptions(['가'.repeat(200), 'b']).ok).toBe(true);
    expect(parseOptions(['가'.repeat(201), 'b'])).toEqual({ ok: false, error: 'polls.error.option_length' });
    expect(parseOptions(['😀'.repeat(200), 'b']).ok).toBe(true);
  });
  it('needs 2 to 20 options and no blank ones', () => {
    expect(parseOptions(['only'])).toEqual({ ok: false, error: 'polls.error.option_count' });
    expect(parseOptions(Array.from({ length: 21 }, (_, i) => `o${i}`))).toEqual({ ok: false, error: 'polls.error.option_count' });
    expect(parseOptions(Array.from({ length: 20 }, (_, i) => `o${i}`)).ok).toBe(true);
    expect(parseOptions(['a', ' \t '])).toEqual({ ok: false, error: 'polls.error.option_empty' });
    expect(parseOptions(['a', '\u200b'])).toEqual({ ok: false, error: 'polls.error.option_empty' });
    expect(parseOptions(['a', 'b\0'])).toEqual({ ok: true, options: ['a', 'b'] });
  });
});

describe('parsePollForm', () => {
  it('accepts a minimal single-choice poll', () => {
    expect(parse({})).toEqual({ ok: true, data: { question: 'Q?', options: ['A', 'B'], kind: 'single', minChoices: 1, maxChoices: 1, voters: 'anonymous', resultsVisibility: 'always', opensAt: null, closesAt: null } });
  });
  it('ranked polls rank one to all options', () => {
    expect(parse({ kind: 'ranked', option_3: 'C' })).toMatchObject({ ok: true, data: { minChoices: 1, maxChoices: 3 } });
  });
  it('multiple: 1 ≤ min ≤ max ≤ options', () => {
    expect(parse({ kind: 'multiple', minChoices: '2', maxChoices: '2' })).toMatchObject({ ok: true, data: { minChoices: 2, maxChoices: 2 } });
    for (const [min, max] of [['0', '1'], ['2', '1'], ['1', '3'], ['-1', '2'], ['1.5', '2'], ['a', '2']]) {
      expect(parse({ kind: 'multiple', minChoices: min!, maxChoices: max! })).toEqual({ ok: false, errors: { minChoices: 'polls.error.picks_range' } });
    }
  });
  it('questions of 1 to 300 characters', () => {
    expect(parse({ question: 'x'.repeat(300) }).ok).toBe(true);
    expect(parse({ question: 'x'.repeat(301) })).toEqual({ ok: false, errors: { question: 'polls.error.question_length' } });
    expect(parse({ question: '' })).toEqual({ ok: false, errors: { question: 'polls.error.question_length' } });
  });
  it('after_chapter only on chapter polls', () => {
    expect(parse({ resultsVisibility: 'after_chapter' })).toEqual({ ok: false, errors: { resultsVisibility: 'polls.error.results_chapter_only' } });
    expect(parse({ resultsVisibility: 'after_chapter' }, true).ok).toBe(true);
  });
  it('reads dates in the reader’s zone and checks their order', () => {
    expect(parse({ opensAt: '2026-11-02T09:00', closesAt: '2026-11-03T09:00' }, false, 'Asia/Seoul')).toMatchObject({
      ok: true,
      data: { opensAt: Date.UTC(2026, 10, 2, 0), closesAt: Date.UTC(2026, 10, 3, 0) },
    });
    expect(parse({ opensAt: '2026-11-03T09:00', closesAt: '2026-11-03T09:00' })).toEqual({ ok: false, errors: { closesAt: 'polls.error.closes_before_opens' } });
    expect(parse({ closesAt: '2026-11-01T08:59' })).toEqual({ ok: false, errors: { closesAt: 'polls.error.closes_in_past' } });
    expect(parse({ closesAt: 'tomorrow' })).toEqual({ ok: false, errors: { closesAt: 'polls.error.date_format' } });
    expect(parse({ opensAt: '2026-13-01T00:00' })).toEqual({ ok: false, errors: { opensAt: 'polls.error.date_format' } });
  });
  it('reports every wrong field at once', () => {
    const result = parse({ question: '', option_2: '', kind: 'x', voters: 'y', resultsVisibility: 'z' });
    expect(result.ok).toBe(false);
    expect(Object.keys((result as { errors: object }).errors).sort()).toEqual(['kind', 'options', 'question', 'resultsVisibility', 'voters']);
  });
  it('closingDateError', () => {
    expect(closingDateError(NOW + 1, null, NOW)).toBeNull();
    expect(closingDateError(NOW, null, NOW)).toBe('polls.error.closes_in_past');
    expect(closingDateError(NOW + 10, NOW + 10, NOW)).toBe('polls.error.closes_before_opens');
  });
});

describe('ballots', () => {
  const poll = (kind: 'single' | 'multiple' | 'ranked', min = 1, max = 3) => ({ kind, minChoices: min, maxChoices: max, optionIds: [11, 12, 13] });
  it('reads single, multiple and ranked forms', () => {
    expect(readBallot({ choice: '12' }, 'single').choices).toEqual([12]);
    expect(readBallot({ choice: '' }, 'single').choices).toEqual([]);
    expect(readBallot({ choice_11: 'on', choice_13: 'on', next: '/x' }, 'multiple').choices).toEqual([11, 13]);
    expect(readBallot({ rank_11: '2', rank_12: '', rank_13: '1' }, 'ranked')).toEqual({ choices: [13, 11], ranks: { '11': '2', '12': '', '13': '1' } });
  });
  it('refuses what validateBallot refuses, with the limits in the message', () => {
    expect(ballotProblem(readBallot({}, 'single'), poll('single'))).toMatchObject({ key: 'polls.error.no_choice' });
    expect(ballotProblem(readBallot({ choice: '99' }, 'single'), poll('single'))).toMatchObject({ key: 'polls.error.unknown_option' });
    expect(ballotProblem(readBallot({ choice: 'abc' }, 'single'), poll('single'))).toMatchObject({ key: 'polls.error.unknown_option' });
    expect(ballotProblem(readBallot({ choice_11: 'on' }, 'multiple'), poll('multiple', 2, 2))).toEqual({ key: 'polls.error.too_few', params: { count: 2 } });
    expect(ballotProblem(readBallot({ choice_11: 'on', choice_12: 'on', choice_13: 'on' }, 'multiple'), poll('multiple', 1, 2))).toMatchObject({ key: 'polls.error.too_many' });
    expect(ballotProblem(readBallot({ choice_11: 'on', choice_12: 'on' }, 'multiple'), poll('multiple', 1, 2))).toBeNull();
  });
  it('refuses duplicate, non-numeric and out-of-range ranks', () => {
    expect(ballotProblem(readBallot({ rank_11: '1', rank_12: '1' }, 'ranked'), poll('ranked'))).toEqual({ key: 'polls.error.rank_duplicate' });
    expect(ballotProblem(readBallot({ rank_11: 'x' }, 'ranked'), poll('ranked'))).toEqual({ key: 'polls.error.rank_invalid' });
    expect(ballotProblem(readBallot({ rank_11: '4' }, 'ranked'), poll('ranked'))).toEqual({ key: 'polls.error.rank_invalid' });
    expect(ballotProblem(readBallot({ rank_11: '0' }, 'ranked'), poll('ranked'))).toEqual({ key: 'polls.error.rank_invalid' });
    expect(ballotProblem(readBallot({ rank_99: '1' }, 'ranked'), poll('ranked'))).toMatchObject({ key: 'polls.error.unknown_option' });
    expect(ballotProblem(readBallot({ rank_11: '3', rank_13: '1' }, 'ranked'), poll('ranked'))).toBeNull();
  });
});

describe('bar widths', () => {
  it('rounds to steps of 5 within 0–100', () => {
    expect(widthClass(0)).toBe('w-0');
    expect(widthClass(33.3)).toBe('w-35');
    expect(widthClass(32.4)).toBe('w-30');
    expect(widthClass(100)).toBe('w-100');
    expect(widthClass(2.4)).toBe('w-0');
    expect(widthClass(140)).toBe('w-100');
  });
});
