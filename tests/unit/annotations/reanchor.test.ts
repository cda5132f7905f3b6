import { describe, expect, it } from 'vitest';
import { mapPosition, matchChapter, reanchorParagraph, reanchorPassage, REANCHOR_MIN_SCORE, type EditionParagraph } from '../../../src/annotations/reanchor';
import { isCharacterBoundary, selectorFor } from '../../../src/annotations/selectors';

const OLD = [
  'The keepers climbed the hill at dusk, and the lantern swung in the wind.',
  'Nobody spoke until the lamp was lit. Then Mara told the story of the drowned bell, and the children listened without a sound.',
  'A section about the old miller, his recieved wisdom and his three stubborn goats.',
  '소년은 개울가에서 소녀를 보자 곧 윤 초시네 증손녀딸이라는 걸 알 수 있었다.',
  'At the end of the evening the lantern was put out and everyone went home.',
];
const OLD_RANGE = { min: 1, max: OLD.length };

function edition(texts: string[], firstId = 100): EditionParagraph[] {
  return texts.map((text, i) => ({ id: firstId + i, text, position: i + 1, chapterId: 1 }));
}

function passage(index: number, quote: string, from = 0) {
  const text = OLD[index]!;
  const start = text.indexOf(quote, from);
  if (start < 0) throw new Error(`no ${quote}`);
  return { paragraphText: text, paragraphPosition: index + 1, selector: selectorFor(text, start, start + quote.length) };
}

describe('reanchorPassage', () => {
  it('keeps an unchanged passage exactly, score 1', () => {
    const result = reanchorPassage(passage(0, 'climbed the hill'), edition(OLD), OLD_RANGE);
    expect(result).toMatchObject({ paragraphId: 100, start: 12, end: 28, score: 1, method: 'exact' });
  });

  it('moves a typo-corrected quote fuzzily, with its score', () => {
    const corrected = [...OLD];
    corrected[2] = 'A section about the old miller, his received wisdom and his three stubborn goats.';
    const result = reanchorPassage(passage(2, 'his recieved wisdom'), edition(corrected), OLD_RANGE);
    expect(result.orphaned).toBeFalsy();
    if (result.orphaned) return;
    expect(result.method).toBe('fuzzy');
    expect(result.paragraphId).toBe(102);
    expect(result.score).toBeGreaterThanOrEqual(REANCHOR_MIN_SCORE);
    expect(result.score).toBeLessThan(1);
    expect(result.selector.exact).toBe('his received wisdom');
  });

  it('finds a quote in the second half of a split paragraph', () => {
    const split = [OLD[0]!, 'Nobody spoke until the lamp was lit.', 'Then Mara told the story of the drowned bell, and the children listened without a sound.', ...OLD.slice(2)];
    const result = reanchorPassage(passage(1, 'the drowned bell'), edition(split), OLD_RANGE);
    expect(result).toMatchObject({ paragraphId: 102, method: 'exact', score: 1 });
    if (!result.orphaned) expect(split[2]!.slice(result.start, result.end)).toBe('the drowned bell');
  });

  it('orphans a passage whose section was removed', () => {
    const removed = OLD.filter((_, i) => i !== 2);
    const result = reanchorPassage(passage(2, 'three stubborn goats'), edition(removed), OLD_RANGE);
    expect(result.orphaned).toBe(true);
    if (result.orphaned) expect(result.bestScore).toBeLessThan(REANCHOR_MIN_SCORE);
  });

  it('does not take a short common word found without its context', () => {
    const removed = OLD.filter((_, i) => i !== 2);
    const result = reanchorPassage(passage(2, 'the old'), edition(removed), OLD_RANGE);
    expect(result.orphaned).toBe(true);
  });

  it('tells a duplicated quote apart by its prefix and suffix', () => {
    const text = 'The lamp was lit by Mara. Later, far from home, the lamp was lit by Jun.';
    const second = text.lastIndexOf('the lamp was lit');
    const old = { paragraphText: text, paragraphPosition: 1, selector: selectorFor(text, second, second + 'the lamp was lit'.length) };
    const changed = 'The lamp was lit by Mara! Later, far from home, the lamp was lit by Jun.';
    const result = reanchorPassage(old, edition([changed]), { min: 1, max: 1 });
    expect(result).toMatchObject({ method: 'exact', start: changed.lastIndexOf('the lamp was lit') });
    // Case differs, so search the lower-case one: the first occurrence is "The", not "the".
    const both = 'x the lamp was lit by Ann. Later, far from home, the lamp was lit by Jun.';
    const r2 = reanchorPassage(old, edition([both]), { min: 1, max: 1 });
    expect(r2).toMatchObject({ method: 'exact', start: both.lastIndexOf('the lamp was lit') });
  });

  it('moves a Korean passage with a corrected spelling', () => {
    const corrected = [...OLD];
    corrected[3] = '소년은 개울가에서 소녀를 보자 곧 윤 초시네 증손녀딸이란 걸 알 수 있었다.';
    const result = reanchorPassage(passage(3, '윤 초시네 증손녀딸이라는 걸'), edition(corrected), OLD_RANGE);
    expect(result).toMatchObject({ paragraphId: 103, method: 'fuzzy' });
    if (!result.orphaned) {
      expect(result.score).toBeGreaterThanOrEqual(REANCHOR_MIN_SCORE);
      expect(result.selector.exact).toContain('윤 초시네 증손녀딸이란');
    }
  });

  it('never splits a surrogate pair', () => {
    const text = 'Mara lit 🏮🏮 the lantern 🏮 and sang of the drowned bell 🔔 until dawn.';
    const quote = 'sang of the drowned bell 🔔';
    const start = text.indexOf(quote);
    const old = { paragraphText: text, paragraphPosition: 1, selector: selectorFor(text, start, start + quote.length) };
    const changed = 'Mara lit 🏮🏮 the lantern 🏮 and sang of a drowned bell 🔔 until dawn.';
    const result = reanchorPassage(old, edition([changed]), { min: 1, max: 1 });
    expect(result.orphaned).toBeFalsy();
    if (!result.orphaned) {
      expect(isCharacterBoundary(changed, result.start)).toBe(true);
      expect(isCharacterBoundary(changed, result.end)).toBe(true);
      expect(result.selector.exact).not.toMatch(/[\uD800-\uDBFF]$|^[\uDC00-\uDFFF]/);
    }
  });
});

describe('reanchorParagraph', () => {
  it('keeps a paragraph with the same text, moves a corrected one, follows a split, orphans a removed one', () => {
    const next = [OLD[0]!, 'Nobody spoke until the lamp was lit.', 'Then Mara told the story of the drowned bell, and the children listened without a sound.', OLD[3]!.replace('증손녀딸이라는', '증손녀딸이란'), OLD[4]!];
    const target = edition(next);
    expect(reanchorParagraph({ text: OLD[0]!, position: 1 }, target, OLD_RANGE)).toMatchObject({ paragraphId: 100, method: 'exact', score: 1 });
    expect(reanchorParagraph({ text: OLD[1]!, position: 2 }, target, OLD_RANGE)).toMatchObject({ paragraphId: 101, method: 'fuzzy' });
    const ko = reanchorParagraph({ text: OLD[3]!, position: 4 }, target, OLD_RANGE);
    expect(ko).toMatchObject({ paragraphId: 103, method: 'fuzzy' });
    expect(reanchorParagraph({ text: OLD[2]!, position: 3 }, target, OLD_RANGE).orphaned).toBe(true);
  });
});

describe('matchChapter and mapPosition', () => {
  it('matches chapters by title, then ordinal', () => {
    const chapters = [{ id: 1, title: 'One', ordinal: 1 }, { id: 2, title: 'Two', ordinal: 2 }];
    expect(matchChapter({ title: 'two', ordinal: 5 }, chapters)?.id).toBe(2);
    expect(matchChapter({ title: 'Gone', ordinal: 1 }, chapters)?.id).toBe(1);
    expect(matchChapter({ title: 'Gone', ordinal: 9 }, chapters)).toBeNull();
  });

  it('moves progress to the matching paragraph, else the nearest preceding match', () => {
    const old = OLD.map((text, i) => ({ text, position: i + 1 }));
    const target = edition([OLD[0]!, OLD[1]!, OLD[3]!, OLD[4]!]);
    const match = (p: { text: string }) => target.find((t) => t.text === p.text) ?? null;
    expect(mapPosition(4, old, match)).toBe(3);
    expect(mapPosition(3, old, match)).toBe(2);
    expect(mapPosition(0, old, match)).toBe(0);
  });
});
