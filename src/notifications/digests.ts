/**
 * Digests: a reader who chose a daily (or weekly) digest for a club gets one mail gathering the
 * notifications of that period, in their language, around 08:00 in their own time zone
 * (weekly: Mondays). Each notification goes into exactly one digest (it is marked `digested`
 * with the mail's id in the transaction that makes the mail row), and a period's digest is made
 * once (the outbox's unique key: reader, kind, period). A server that was down at 08:00 makes
 * the missed digest at its next run — once, with everything waiting up to that 08:00.
 */
import type { Sqlite } from '../../db/connection';
import { inTransaction } from '../../db/connection';
import { addDays, viewerTimeZone, wallTimeAt, wallTimeToUtc, type WallTime } from '../i18n/zoned-time';
import { newMessageId, preferenceFor, type NotifyContext } from './fanout';
import { insertMail, markDigested, markNotMailed, recipientsWaitingForDigest, userBasics, waitingForDigest } from './queries';

/** The local hour digests go out at. */
export const DIGEST_HOUR = 8;

const pad = (n: number) => String(n).padStart(2, '0');
const dateKey = (wall: WallTime) => `${wall.year}-${pad(wall.month)}-${pad(wall.day)}`;

/** The latest digest time at or before `now` in `timeZone` (weekly: Mondays), and its period's key. */
export function lastDigestMoment(now: number, timeZone: string, kind: 'daily' | 'weekly'): { at: number; key: string } {
  const wall = wallTimeAt(now, timeZone);
  let day: WallTime = { ...wall, hour: DIGEST_HOUR, minute: 0, second: 0 };
  if (wallTimeToUtc(day, timeZone) > now) day = addDays(day, -1);
  if (kind === 'weekly') {
    // 0 = Sunday … 6 = Saturday, from the calendar date itself.
    const weekday = new Date(Date.UTC(day.year, day.month - 1, day.day)).getUTCDay();
    day = addDays(day, -((weekday + 6) % 7));
  }
  return { at: wallTimeToUtc(day, timeZone), key: `${kind === 'weekly' ? 'W' : 'D'}${dateKey(day)}` };
}

/**
 * Makes the digests that are due, a few readers per transaction, yielding to the event loop
 * between batches so pages keep being served. Returns how many digest mails were made.
 */
export async function buildDueDigests(ctx: NotifyContext, sqlite: Sqlite, now: number, batch = 25): Promise<number> {
  const recipients = recipientsWaitingForDigest(ctx.db);
  let made = 0;
  for (let start = 0; start < recipients.length; start += batch) {
    const slice = recipients.slice(start, start + batch);
    made += inTransaction(sqlite, () => {
      let count = 0;
      const users = userBasics(ctx.db, slice);
      for (const recipientId of slice) {
        const timeZone = viewerTimeZone(users.get(recipientId)?.timeZone);
        const moments = { daily: lastDigestMoment(now, timeZone, 'daily'), weekly: lastDigestMoment(now, timeZone, 'weekly') };
        const gathered = { daily: [] as number[], weekly: [] as number[] };
        const modes = new Map<number | null, 'daily' | 'weekly' | null>();
        const dropped: number[] = [];
        for (const row of waitingForDigest(ctx.db, recipientId, now)) {
          if (!modes.has(row.clubId)) {
            const email = preferenceFor(ctx.db, recipientId, row.clubId).email;
            modes.set(row.clubId, email === 'daily' || email === 'weekly' ? email : null);
          }
          const kind = modes.get(row.clubId) ?? null;
          // The reader has since chosen "at once" or "never" for that club: no digest for it.
          if (kind === null) dropped.push(row.id);
          else if (row.createdAt <= moments[kind].at) gathered[kind].push(row.id);
        }
        markNotMailed(ctx.db, dropped);
        for (const kind of ['daily', 'weekly'] as const) {
          if (gathered[kind].length === 0) continue;
          const mailId = insertMail(ctx.db, { recipientId, kind, notificationId: null, clubId: null, periodKey: moments[kind].key, messageId: newMessageId(ctx.mailDomain), now });
          // Already made for this period (another process, a second run): the rest waits for the next.
          if (mailId === null) continue;
          markDigested(ctx.db, gathered[kind], mailId);
          count++;
        }
      }
      return count;
    });
    await new Promise((resolve) => setImmediate(resolve));
  }
  return made;
}
