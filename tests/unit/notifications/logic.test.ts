/** The notifications area's pure pieces: who may act on a notification, when digests fall, excerpts. */
import { describe, expect, it } from 'vitest';
import { lastDigestMoment } from '../../../src/notifications/digests';
import { notificationCan, preferencesCan } from '../../../src/notifications/policy';
import { plainExcerpt } from '../../../src/notifications/present';

describe('notificationCan', () => {
  const mine = { recipientId: 7, inApp: true };
  const cases: [string, number | null, typeof mine | undefined, boolean][] = [
    ['the recipient', 7, mine, true],
    ['another reader', 8, mine, false],
    ['a signed-out visitor', null, mine, false],
    ['the recipient, for a notification that does not exist', 7, undefined, false],
    ['the recipient, for one kept out of the app (mail only)', 7, { recipientId: 7, inApp: false }, false],
  ];
  for (const [who, reader, notification, allowed] of cases) {
    for (const action of ['open', 'markRead'] as const) {
      it(`${who} ${allowed ? 'may' : 'may not'} ${action}`, () => expect(notificationCan(reader, action, notification)).toBe(allowed));
    }
  }
  it('preferences need a signed-in reader', () => {
    expect(preferencesCan(3)).toBe(true);
    expect(preferencesCan(null)).toBe(false);
  });
});

describe('lastDigestMoment', () => {
  it('is 08:00 today once 08:00 has passed in the zone, else yesterday’s', () => {
    // 23:05 UTC on Nov 1 is 08:05 on Nov 2 in Seoul.
    expect(lastDigestMoment(Date.UTC(2026, 10, 1, 23, 5), 'Asia/Seoul', 'daily')).toEqual({ at: Date.UTC(2026, 10, 1, 23, 0), key: 'D2026-11-02' });
    expect(lastDigestMoment(Date.UTC(2026, 10, 1, 22, 59), 'Asia/Seoul', 'daily')).toEqual({ at: Date.UTC(2026, 10, 0, 23, 0), key: 'D2026-11-01' });
  });
  it('follows daylight saving time (New York: 08:00 is 12:00 UTC in summer, 13:00 in winter)', () => {
    expect(lastDigestMoment(Date.UTC(2026, 6, 1, 12, 30), 'America/New_York', 'daily').at).toBe(Date.UTC(2026, 6, 1, 12, 0));
    expect(lastDigestMoment(Date.UTC(2026, 11, 1, 13, 30), 'America/New_York', 'daily').at).toBe(Date.UTC(2026, 11, 1, 13, 0));
  });
  it('weekly digests fall on Monday mornings', () => {
    // Wednesday Dec 2 2026 → Monday Nov 30 08:00 in Seoul (Sunday 23:00 UTC).
    expect(lastDigestMoment(Date.UTC(2026, 11, 2, 3, 0), 'Asia/Seoul', 'weekly')).toEqual({ at: Date.UTC(2026, 10, 29, 23, 0), key: 'W2026-11-30' });
    // Monday 07:59 in Seoul → the Monday before.
    expect(lastDigestMoment(Date.UTC(2026, 10, 29, 22, 59), 'Asia/Seoul', 'weekly').key).toBe('W2026-11-23');
  });
});

describe('plainExcerpt', () => {
  it('drops Markdown marks, keeps link and code text, and cuts long bodies with an ellipsis', () => {
    expect(plainExcerpt('**Bold** and [a link](https://example.org) `code`')).toBe('Bold and a link code');
    expect(plainExcerpt('```\nsome code\n```\nafter')).toBe('some code after');
    const long = plainExcerpt('가'.repeat(500));
    expect(long).toHaveLength(140);
    expect(long.endsWith('…')).toBe(true);
  });
});
