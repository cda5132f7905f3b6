/** The pure rules: one book under many spellings, the date poll's winner, the shelf's statistics. */
import { describe, expect, it } from 'vitest';
import { averageRating, booksPerYear, dateWinners, nominationKey, normaliseForKey, tallySlots } from '../../../src/clublife/rules';

describe('nominationKey', () => {
  it('is the same for NFC/NFD, case and white space, and differs by author', () => {
    const k = (title: string, author: string) => nominationKey({ bookId: null, title, author });
    expect(k('  Der\tProcess ', 'franz  KAFKA')).toBe(k('der process', 'Franz Kafka'));
    expect(k('채식주의자'.normalize('NFD'), '한강')).toBe(k('채식주의자', '한강'));
    expect(k('Émile', '')).toBe(k('E\u0301mile', ''));
    expect(k('Dune', 'Frank Herbert')).not.toBe(k('Dune', 'Someone Else'));
    expect(normaliseForKey('\u00a0A\u3000B ')).toBe('a b');
    // Storable on both engines (PostgreSQL's text holds no NUL), and title and author cannot run together.
    expect(k('Der Process', 'Kafka')).not.toContain('\u0000');
    expect(k('a\u001fb', 'c')).not.toBe(k('a', 'b\u001fc'));
  });
  it('a library book is itself, whatever its title', () => {
    expect(nominationKey({ bookId: 3, title: 'X', author: '' })).toBe(nominationKey({ bookId: 3, title: 'Y', author: 'Z' }));
    expect(nominationKey({ bookId: 3, title: 'X', author: '' })).not.toBe(nominationKey({ bookId: null, title: 'X', author: '' }));
  });
});

describe('dateWinners', () => {
  const slot = (slotId: number, yes: number, maybe: number, no: number) => ({ slotId, startsAt: slotId * 1000, yes, maybe, no });
  it('most yes wins', () => {
    expect(dateWinners([slot(1, 2, 0, 0), slot(2, 3, 0, 2)]).map((s) => s.slotId)).toEqual([2]);
  });
  it('then fewest no', () => {
    expect(dateWinners([slot(1, 3, 0, 1), slot(2, 3, 1, 0)]).map((s) => s.slotId)).toEqual([2]);
  });
  it('"if need be" does not break a tie: both are shown', () => {
    expect(dateWinners([slot(1, 2, 0, 1), slot(2, 2, 3, 1), slot(3, 1, 0, 0)]).map((s) => s.slotId)).toEqual([1, 2]);
  });
  it('no marks, no winner; a slot nobody marked does not win', () => {
    expect(dateWinners([slot(1, 0, 0, 0), slot(2, 0, 0, 0)])).toEqual([]);
    expect(dateWinners([slot(1, 0, 0, 0), slot(2, 0, 1, 2)]).map((s) => s.slotId)).toEqual([2]);
  });
  it('tallySlots counts marks per slot and ignores marks of unknown slots', () => {
    const t = tallySlots([{ id: 1, startsAt: 5 }], [{ slotId: 1, mark: 'yes' }, { slotId: 1, mark: 'no' }, { slotId: 9, mark: 'yes' }]);
    expect(t).toEqual([{ slotId: 1, startsAt: 5, yes: 1, maybe: 0, no: 1 }]);
  });
});

describe('shelf statistics', () => {
  it('books per year in the reader’s zone (New Year’s Eve in Seoul is next year)', () => {
    const eve = Date.UTC(2025, 11, 31, 16, 0); // 01:00 on 1 January 2026 in Seoul
    expect(booksPerYear([eve, Date.UTC(2025, 5, 1)], 'Asia/Seoul')).toEqual([{ year: 2026, count: 1 }, { year: 2025, count: 1 }]);
    expect(booksPerYear([eve, Date.UTC(2025, 5, 1)], 'Europe/Berlin')).toEqual([{ year: 2025, count: 2 }]);
  });
  it('average rating of those given, one decimal', () => {
    expect(averageRating([5, 4, null, 4])).toBe(4.3);
    expect(averageRating([null])).toBeNull();
  });
});
