/** The small pure helpers between routes and views: URLs, quotes, highlights, margins. */
import { describe, expect, it } from 'vitest';
import { excerpt } from '../../../src/annotations/validation';
import { annotationUrls, chapterPageUrl, highlightsFor, marginViewFor, readingParamOf } from '../../../src/annotations/present';
import { translator } from '../../../src/i18n';
import type { Reading } from '../../../db/schema';

const current: Reading = { id: 4, clubId: 2, editionId: 9, startedAt: 0, endedAt: null };
const earlier: Reading = { id: 3, clubId: 2, editionId: 9, startedAt: 0, endedAt: 100 };

describe('URLs', () => {
  it('leave the reading out for the current reading and name it for an earlier one', () => {
    expect(readingParamOf(current)).toBeNull();
    expect(readingParamOf(earlier)).toBe(3);
    const now = annotationUrls(2, null);
    expect(now.paragraph(17)).toBe('/clubs/2/paragraphs/17/comments');
    expect(now.paragraph(17, { order: 'newest' })).toBe('/clubs/2/paragraphs/17/comments?order=newest');
    expect(now.paragraph(17, { order: 'reading' })).toBe('/clubs/2/paragraphs/17/comments');
    expect(now.discussion(5)).toBe('/clubs/2/discussion/5');
    expect(now.action(8, 'react')).toBe('/clubs/2/comments/8/react');
    expect(now.history(8)).toBe('/clubs/2/comments/8/history');
    expect(now.reveal(5)).toBe('/clubs/2/reveal/5');
    expect(now.unreveal(5)).toBe('/clubs/2/reveal/5/unreveal');
    const then = annotationUrls(2, 3);
    expect(then.paragraph(17, { order: 'newest' })).toBe('/clubs/2/paragraphs/17/comments?reading=3&order=newest');
    expect(then.discussion(5)).toBe('/clubs/2/discussion/5?reading=3');
  });

  it('point back to the clubs area’s chapter pages', () => {
    expect(chapterPageUrl(2, current, 7)).toBe('/clubs/2/chapters/7');
    expect(chapterPageUrl(2, earlier, 7)).toBe('/clubs/2/readings/3/chapters/7');
  });
});

describe('excerpt (what a reply quotes)', () => {
  it('keeps short text, cuts long text on whole characters with an ellipsis', () => {
    expect(excerpt('short', 10)).toBe('short');
    expect(excerpt('abcdefghijkl', 5)).toBe('abcde…');
    expect(excerpt('🙂🙂🙂', 2)).toBe('🙂🙂…');
    expect(excerpt('word  and more', 6)).toBe('word…');
    expect(excerpt('한국어 문장입니다', 3)).toBe('한국어…');
  });
});

describe('highlights and margins', () => {
  const t = translator('en');
  it('turn passage marks into highlights with classes and a label', () => {
    expect(highlightsFor(t, undefined)).toEqual([]);
    expect(
      highlightsFor(t, {
        visible: 3,
        hidden: 0,
        passages: [
          { start: 0, end: 4, count: 2, private: false, mine: false },
          { start: 6, end: 9, count: 1, private: true, mine: true },
        ],
      }),
    ).toEqual([
      { start: 0, end: 4, className: 'annotated', label: '2 comments on this passage' },
      { start: 6, end: 9, className: 'annotated annotated-private annotated-mine', label: '1 comment on this passage' },
    ]);
  });

  it('build the margin: counts, heat, links; no compose link for readers who may not post', () => {
    const urls = annotationUrls(2, null);
    expect(marginViewFor(urls, { id: 17, ordinal: 3 }, { visible: 2, hidden: 1, passages: [] }, 4, true)).toEqual({
      paragraphId: 17,
      ordinal: 3,
      visible: 2,
      hidden: 1,
      heat: 3,
      threadsUrl: '/clubs/2/paragraphs/17/comments',
      composeUrl: '/clubs/2/paragraphs/17/comments',
    });
    expect(marginViewFor(urls, { id: 17, ordinal: 3 }, undefined, 0, false)).toMatchObject({ visible: 0, hidden: 0, heat: 0, composeUrl: null });
  });
});
