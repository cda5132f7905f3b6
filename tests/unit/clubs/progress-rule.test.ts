/**
 * The one rule for when reading progress may move forward by itself (`src/clubs/progress-rule.js`,
 * shared by the browser and the server).
 */
import { describe, expect, it } from 'vitest';
import { automaticAdvance, BASE_DWELL_MS, chapterStanding, DWELL_MS_PER_UNIT, MAX_DWELL_MS, minimumDwellMs, readingUnits } from '../../../src/clubs/progress-rule.js';

/** Paragraphs `from`…`to` of `units` each. */
const span = (from: number, to: number, units = 100) => Array.from({ length: to - from + 1 }, (_, i) => ({ position: from + i, units }));
const dwell = (times: Record<number, number>) => (position: number) => times[position] ?? 0;
/** Every position given read at a comfortable pace. */
const readAll = (from: number, to: number, ms = 60_000) => Object.fromEntries(span(from, to).map((p) => [p.position, ms]));

describe('reading units and the minimum dwell', () => {
  it('counts letters and digits once, Hangul and CJK twice, spaces and punctuation not at all', () => {
    expect(readingUnits('')).toBe(0);
    expect(readingUnits('Call me Ishmael.')).toBe(13);
    expect(readingUnits('우리는 천천히 읽었습니다.')).toBe(22);
    expect(readingUnits('吾輩は猫である')).toBe(14);
    expect(readingUnits('1.2. 여섯 사람의 밑줄')).toBe(2 + 14);
    expect(readingUnits(' \n\t—…!?')).toBe(0);
  });

  it('grows with the text and is capped', () => {
    expect(minimumDwellMs(0)).toBe(BASE_DWELL_MS);
    expect(minimumDwellMs(100)).toBe(BASE_DWELL_MS + 100 * DWELL_MS_PER_UNIT);
    expect(minimumDwellMs(1_000_000)).toBe(MAX_DWELL_MS);
    expect(minimumDwellMs(-5)).toBe(BASE_DWELL_MS);
    // A 200-syllable Korean paragraph: 6.4 s, when a fast reader needs about 12 s.
    expect(minimumDwellMs(readingUnits('가'.repeat(200)))).toBe(6400);
  });
});

describe('where a chapter stands', () => {
  const chapter = { firstPosition: 101, lastPosition: 200 };
  it.each([
    [100, 1, 'reading'], // the next paragraph to read is its first
    [150, 1, 'reading'], // part-way through
    [200, 1, 'read'],
    [300, 1, 'read'], // rereading
    [99, 1, 'ahead'], // one paragraph skipped is a skip
    [30, 1, 'ahead'],
    [0, 101, 'reading'], // nothing read yet, and this is where the body starts
    [0, 150, 'reading'], // front matter before it may be skipped
    [0, 50, 'ahead'], // the body starts before it
  ] as const)('stored %d, body from %d: %s', (stored, bodyStart, expected) => {
    expect(chapterStanding({ stored, bodyStart, ...chapter })).toBe(expected);
  });
});

describe('automaticAdvance', () => {
  const chapter = span(101, 110);

  it('reads on from the stored position, paragraph after paragraph', () => {
    expect(automaticAdvance({ stored: 100, bodyStart: 1, paragraphs: chapter, dwellMs: dwell(readAll(101, 104)) })).toEqual({ to: 104, standing: 'reading' });
    expect(automaticAdvance({ stored: 104, bodyStart: 1, paragraphs: chapter, dwellMs: dwell(readAll(101, 110)) })).toEqual({ to: 110, standing: 'reading' });
  });

  it('stops at the first paragraph not on screen long enough (a flick), even if later ones were', () => {
    const times = { ...readAll(101, 110), 103: minimumDwellMs(100) - 1 };
    expect(automaticAdvance({ stored: 100, bodyStart: 1, paragraphs: chapter, dwellMs: dwell(times) }).to).toBe(102);
    expect(automaticAdvance({ stored: 100, bodyStart: 1, paragraphs: chapter, dwellMs: dwell({ ...times, 103: minimumDwellMs(100) }) }).to).toBe(110);
  });

  it('a fast scroll through the chapter moves nothing', () => {
    const flick = Object.fromEntries(chapter.map((p) => [p.position, 150]));
    expect(automaticAdvance({ stored: 100, bodyStart: 1, paragraphs: chapter, dwellMs: dwell(flick) })).toEqual({ to: 100, standing: 'reading' });
  });

  it('a chapter opened ahead of the stored position never moves it, however long it is read', () => {
    // A member at 1.2 (position 60) opens 3.1 (101–110) and reads every word of it.
    expect(automaticAdvance({ stored: 60, bodyStart: 1, paragraphs: chapter, dwellMs: dwell(readAll(101, 110)) })).toEqual({ to: 60, standing: 'ahead' });
    // One paragraph short of reading on is still ahead.
    expect(automaticAdvance({ stored: 99, bodyStart: 1, paragraphs: chapter, dwellMs: dwell(readAll(100, 110)) }).to).toBe(99);
  });

  it('rereading never moves progress, forward or back', () => {
    expect(automaticAdvance({ stored: 300, bodyStart: 1, paragraphs: chapter, dwellMs: dwell(readAll(101, 110)) })).toEqual({ to: 300, standing: 'read' });
    expect(automaticAdvance({ stored: 105, bodyStart: 1, paragraphs: chapter, dwellMs: dwell(readAll(101, 105)) }).to).toBe(105);
  });

  it('a new reader may skip the front matter and start at the body', () => {
    const prologue = span(13, 17);
    expect(automaticAdvance({ stored: 0, bodyStart: 13, paragraphs: prologue, dwellMs: dwell(readAll(13, 15)) })).toEqual({ to: 15, standing: 'reading' });
    // …or read the front matter, skipping what they do not care to read there.
    const front = span(1, 12);
    expect(automaticAdvance({ stored: 0, bodyStart: 13, paragraphs: front, dwellMs: dwell({ 5: 60_000 }) }).to).toBe(5);
    // …but not start at a later chapter of the body.
    expect(automaticAdvance({ stored: 0, bodyStart: 13, paragraphs: span(18, 30), dwellMs: dwell(readAll(18, 30)) })).toEqual({ to: 0, standing: 'ahead' });
  });

  it('weighs each paragraph by its length', () => {
    const paragraphs = [
      { position: 101, units: 10 },
      { position: 102, units: 2000 },
    ];
    const short = minimumDwellMs(10);
    expect(automaticAdvance({ stored: 100, bodyStart: 1, paragraphs, dwellMs: dwell({ 101: short, 102: short }) }).to).toBe(101);
    expect(automaticAdvance({ stored: 100, bodyStart: 1, paragraphs, dwellMs: dwell({ 101: short, 102: MAX_DWELL_MS }) }).to).toBe(102);
  });

  it('fails closed on nonsense evidence', () => {
    expect(automaticAdvance({ stored: 100, bodyStart: 1, paragraphs: chapter, dwellMs: () => Number.NaN }).to).toBe(100);
    expect(automaticAdvance({ stored: 100, bodyStart: 1, paragraphs: [], dwellMs: () => 60_000 }).to).toBe(100);
  });
});
