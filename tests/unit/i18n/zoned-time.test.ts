import { describe, expect, test } from 'vitest';
import {
  addDays,
  formatDateTime,
  parseWallTime,
  toDateTimeLocalValue,
  viewerTimeZone,
  wallTimeAt,
  zonedWallTimeToUtc,
  zoneOffsetAt,
} from '../../../src/i18n/zoned-time';

describe('zonedWallTimeToUtc', () => {
  test.each([
    ['2026-11-20T19:00', 'Asia/Seoul', Date.UTC(2026, 10, 20, 10, 0)],
    ['2026-11-20T19:00', 'UTC', Date.UTC(2026, 10, 20, 19, 0)],
    ['2026-01-15T08:30', 'America/New_York', Date.UTC(2026, 0, 15, 13, 30)],
    ['2026-07-15T08:30', 'America/New_York', Date.UTC(2026, 6, 15, 12, 30)],
    ['2026-07-15T08:30', 'Europe/London', Date.UTC(2026, 6, 15, 7, 30)],
    ['2026-03-01T00:00', 'Asia/Kolkata', Date.UTC(2026, 1, 28, 18, 30)],
    ['2026-06-01T12:00', 'Australia/Adelaide', Date.UTC(2026, 5, 1, 2, 30)],
    ['2026-12-31T23:59', 'Pacific/Kiritimati', Date.UTC(2026, 11, 31, 9, 59)],
    ['2026-11-20T19:00:30', 'Asia/Seoul', Date.UTC(2026, 10, 20, 10, 0, 30)],
  ])('%s in %s', (value, zone, expected) => {
    expect(zonedWallTimeToUtc(value, zone)).toBe(expected);
  });

  test('a wall time skipped by a DST jump moves forward by the gap (New York, 8 March 2026 02:30)', () => {
    // Clocks go from 02:00 EST to 03:00 EDT; 02:30 does not exist and is read as 03:30 EDT.
    expect(zonedWallTimeToUtc('2026-03-08T02:30', 'America/New_York')).toBe(Date.UTC(2026, 2, 8, 7, 30));
  });

  test('a wall time that happens twice takes the earlier instant (New York, 1 November 2026 01:30)', () => {
    expect(zonedWallTimeToUtc('2026-11-01T01:30', 'America/New_York')).toBe(Date.UTC(2026, 10, 1, 5, 30));
  });

  test('around the European switch the offset changes at the right hour', () => {
    expect(zonedWallTimeToUtc('2026-03-29T01:59', 'Europe/Berlin')).toBe(Date.UTC(2026, 2, 29, 0, 59));
    expect(zonedWallTimeToUtc('2026-03-29T03:00', 'Europe/Berlin')).toBe(Date.UTC(2026, 2, 29, 1, 0));
  });

  test.each(['', '2026-11-20', '2026-11-20 19:00', '2026-13-01T10:00', '2026-02-30T10:00', '2026-11-20T24:00', '2026-11-20T10:60', 'x2026-11-20T10:00', '20261-11-20T10:00'])(
    'refuses %j',
    (value) => {
      expect(zonedWallTimeToUtc(value, 'Asia/Seoul')).toBeNull();
    },
  );

  test('round-trips with toDateTimeLocalValue in many zones', () => {
    for (const zone of ['Asia/Seoul', 'America/Los_Angeles', 'Europe/Paris', 'UTC', 'Australia/Lord_Howe']) {
      for (const value of ['2026-01-10T09:15', '2026-04-05T18:00', '2026-10-25T12:00']) {
        const ms = zonedWallTimeToUtc(value, zone)!;
        expect(toDateTimeLocalValue(ms, zone)).toBe(value);
      }
    }
  });
});

describe('helpers', () => {
  test('parseWallTime accepts leap days only in leap years', () => {
    expect(parseWallTime('2028-02-29T10:00')).not.toBeNull();
    expect(parseWallTime('2026-02-29T10:00')).toBeNull();
  });

  test('zone offsets', () => {
    expect(zoneOffsetAt(Date.UTC(2026, 0, 1), 'Asia/Seoul')).toBe(9 * 3_600_000);
    expect(zoneOffsetAt(Date.UTC(2026, 6, 1), 'America/New_York')).toBe(-4 * 3_600_000);
    expect(wallTimeAt(Date.UTC(2026, 0, 1, 15), 'Asia/Seoul')).toEqual({ year: 2026, month: 1, day: 2, hour: 0, minute: 0, second: 0 });
  });

  test('addDays crosses months and years on the calendar', () => {
    expect(addDays(parseWallTime('2026-12-28T19:00')!, 7)).toMatchObject({ year: 2027, month: 1, day: 4, hour: 19 });
  });

  test('viewerTimeZone falls back to the server zone for nothing or nonsense', () => {
    const server = Intl.DateTimeFormat().resolvedOptions().timeZone;
    expect(viewerTimeZone('Asia/Seoul')).toBe('Asia/Seoul');
    expect(viewerTimeZone(null)).toBe(server);
    expect(viewerTimeZone('Mars/Olympus')).toBe(server);
  });

  test('formatDateTime speaks the reader’s language in their zone', () => {
    const ms = Date.UTC(2026, 10, 20, 10, 0);
    expect(formatDateTime(ms, 'ko', 'Asia/Seoul')).toBe('2026년 11월 20일 19:00'); // Korean: the 24-hour clock
    expect(formatDateTime(ms, 'en', 'Asia/Seoul')).toMatch(/November 20, 2026.*7:00\s?PM/);
    expect(formatDateTime(ms, 'en', 'UTC')).toMatch(/November 20, 2026.*10:00\s?AM/);
  });
});
