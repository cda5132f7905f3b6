import { describe, expect, test } from 'vitest';
import { hashInvitationToken, looksLikeInvitationToken, newInvitationToken } from '../../../src/clubs/invitation-token';
import { bookFraction, chapterFraction, continueOrdinal, invitationState, nextProgress, percent, planOpenings, scheduleFormDefaults, scheduleSummary } from '../../../src/clubs/reading';

describe('progress', () => {
  test('reports only move forward; a deliberate set may go back', () => {
    expect(nextProgress(10, 5, 'forward')).toBe(10);
    expect(nextProgress(10, 12, 'forward')).toBe(12);
    expect(nextProgress(10, 5, 'set')).toBe(5);
  });

  const chapter = { firstPosition: 8, lastPosition: 14, paragraphCount: 7 };
  test.each([
    [0, 0],
    [7, 0],
    [8, 1 / 7],
    [11, 4 / 7],
    [14, 1],
    [40, 1],
  ])('chapterFraction at %i', (progress, expected) => {
    expect(chapterFraction(progress, chapter)).toBeCloseTo(expected);
  });

  test('book fraction and percent round down', () => {
    expect(bookFraction(0, 21)).toBe(0);
    expect(bookFraction(21, 21)).toBe(1);
    expect(bookFraction(5, 0)).toBe(0);
    expect(percent(bookFraction(20, 21))).toBe(95);
    expect(percent(0.996)).toBe(99);
    expect(percent(1)).toBe(100);
    expect(percent(0.29)).toBe(29);
  });

  test('continueOrdinal is the chapter holding the next unread paragraph', () => {
    const chapters = [
      { ordinal: 1, kind: 'body' as const, firstPosition: 1, lastPosition: 7, paragraphCount: 7 },
      { ordinal: 2, kind: 'body' as const, firstPosition: 8, lastPosition: 14, paragraphCount: 7 },
    ];
    expect(continueOrdinal(chapters, 0)).toBe(1);
    expect(continueOrdinal(chapters, 6)).toBe(1);
    expect(continueOrdinal(chapters, 7)).toBe(2);
    expect(continueOrdinal(chapters, 14)).toBe(2);
    expect(continueOrdinal([], 3)).toBeNull();
  });

  test('a new reader starts at the body (the prologue), not at the copyright page', () => {
    const chapters = [
      { ordinal: 1, kind: 'front' as const, firstPosition: 1, lastPosition: 12, paragraphCount: 12 },
      { ordinal: 2, kind: 'body' as const, firstPosition: 13, lastPosition: 17, paragraphCount: 5 },
      { ordinal: 3, kind: 'body' as const, firstPosition: 18, lastPosition: 30, paragraphCount: 13 },
      { ordinal: 4, kind: 'back' as const, firstPosition: 31, lastPosition: 32, paragraphCount: 2 },
    ];
    expect(continueOrdinal(chapters, 0)).toBe(2);
    expect(continueOrdinal(chapters, 5)).toBe(2); // some of the front matter read
    expect(continueOrdinal(chapters, 17)).toBe(3);
    expect(continueOrdinal(chapters, 31)).toBe(4);
    // Only front matter is open: that is where to start.
    expect(continueOrdinal(chapters.slice(0, 1), 0)).toBe(1);
  });
});

describe('schedule', () => {
  test('one date for a run of chapters', () => {
    const plan = planOpenings({ fromOrdinal: 2, toOrdinal: 4, startsAt: '2026-11-20T19:00', everyDays: 0, timeZone: 'Asia/Seoul' });
    expect(plan).toEqual([2, 3, 4].map((ordinal) => ({ ordinal, opensAt: Date.UTC(2026, 10, 20, 10) })));
  });

  test('every N days keeps the wall time across a DST change', () => {
    const plan = planOpenings({ fromOrdinal: 1, toOrdinal: 3, startsAt: '2026-10-18T19:00', everyDays: 7, timeZone: 'America/New_York' })!;
    // 18 and 25 October are EDT (UTC-4); 1 November is EST (UTC-5).
    expect(plan.map((entry) => entry.opensAt)).toEqual([Date.UTC(2026, 9, 18, 23), Date.UTC(2026, 9, 25, 23), Date.UTC(2026, 10, 2, 0)]);
  });

  test('bad input gives no plan', () => {
    expect(planOpenings({ fromOrdinal: 3, toOrdinal: 1, startsAt: '2026-10-18T19:00', everyDays: 1, timeZone: 'UTC' })).toBeNull();
    expect(planOpenings({ fromOrdinal: 1, toOrdinal: 2, startsAt: 'soon', everyDays: 1, timeZone: 'UTC' })).toBeNull();
  });

  test('scheduleSummary says where the club is', () => {
    const now = 1000;
    const chapters = [
      { ordinal: 1, title: 'One', opensAt: null },
      { ordinal: 2, title: 'Two', opensAt: 500 },
      { ordinal: 3, title: 'Three', opensAt: 3000 },
      { ordinal: 4, title: 'Four', opensAt: 2000 },
      { ordinal: 5, title: 'Five', opensAt: null },
    ];
    expect(scheduleSummary(chapters, now)).toEqual({ openCount: 3, total: 5, openThrough: 2, nextOpening: { ordinal: 4, title: 'Four', opensAt: 2000 } });
    expect(scheduleSummary(chapters, 5000)).toMatchObject({ openCount: 5, openThrough: 5, nextOpening: null });
    expect(scheduleSummary([], now)).toEqual({ openCount: 0, total: 0, openThrough: 0, nextOpening: null });
  });
});

describe('invitations', () => {
  const base = { revokedAt: null, expiresAt: 2000, uses: 0, maxUses: 2 };
  test.each([
    [base, 'active'],
    [{ ...base, uses: 2 }, 'used_up'],
    [{ ...base, expiresAt: 1000 }, 'expired'],
    [{ ...base, revokedAt: 10 }, 'revoked'],
    [{ ...base, revokedAt: 10, uses: 2, expiresAt: 5 }, 'revoked'],
  ] as const)('state of %o', (invitation, expected) => {
    expect(invitationState(invitation, 1000)).toBe(expected);
  });

  test('tokens have at least 128 bits, look like themselves, and only their hash is kept', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 50; i++) {
      const { token, tokenHash } = newInvitationToken();
      expect(token).toMatch(/^[a-z2-7]{32}$/); // 32 base32 characters = 160 bits
      expect(looksLikeInvitationToken(token)).toBe(true);
      expect(tokenHash).toMatch(/^[0-9a-f]{64}$/);
      expect(tokenHash).toBe(hashInvitationToken(token));
      expect(tokenHash).not.toContain(token);
      seen.add(token);
    }
    expect(seen.size).toBe(50);
    expect(looksLikeInvitationToken('../../etc/passwd')).toBe(false);
    expect(looksLikeInvitationToken('A'.repeat(32))).toBe(false);
  });
});

describe('scheduleFormDefaults', () => {
  const zone = 'Asia/Seoul';
  const at = (iso: string) => Date.parse(iso);
  const book = (dates: (string | null)[]) =>
    dates.map((date, i) => ({ ordinal: i + 1, kind: (i === 0 ? 'front' : i === dates.length - 1 ? 'back' : 'body') as 'front' | 'body' | 'back', opensAt: date === null ? null : at(date) }));

  test('nothing dated: the whole body onwards, no date', () => {
    expect(scheduleFormDefaults(book([null, null, null, null, null]), zone)).toEqual({ fromOrdinal: '2', toOrdinal: '5', opensAt: '', everyDays: '0' });
  });

  test('after saving a run: the chapters after it, one step after its last date', () => {
    // Chapters 2 and 3 open a week apart, 19:00 in Seoul.
    expect(scheduleFormDefaults(book([null, '2026-11-05T10:00:00Z', '2026-11-12T10:00:00Z', null, null]), zone)).toEqual({
      fromOrdinal: '4',
      toOrdinal: '5',
      opensAt: '2026-11-19T19:00',
      everyDays: '7',
    });
  });

  test('a run opened all at once offers no date for the next', () => {
    expect(scheduleFormDefaults(book([null, '2026-11-05T10:00:00Z', '2026-11-05T10:00:00Z', null, null]), zone)).toMatchObject({ fromOrdinal: '4', opensAt: '', everyDays: '0' });
  });

  test('everything dated: the last run as it was saved', () => {
    expect(scheduleFormDefaults(book(['2026-11-01T10:00:00Z', '2026-11-05T10:00:00Z', '2026-11-08T10:00:00Z', '2026-11-11T10:00:00Z', '2026-11-14T10:00:00Z']), zone)).toEqual({
      fromOrdinal: '2',
      toOrdinal: '5',
      opensAt: '2026-11-05T19:00',
      everyDays: '3',
    });
  });
});
