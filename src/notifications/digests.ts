/**
 * Digests: a reader who chose a daily (or weekly) digest for a club gets one mail gathering the
 * notifications of that period, in their language, around 08:00 in their own time zone
 * (weekly: Mondays). Each notification goes into exactly one digest (it is marked `digested`
 * with the mail's id in the transaction that makes the mail row), and a period's digest is made
 * once (the outbox's unique key: reader, kind, period). A server that was down at 08:00 makes
 * the missed digest at its next run — once, with everything waiting up to that 08:00.
 */
import { transaction } from '../../db/connection';
import { addDays, viewerTimeZone, wallTimeAt, wallTimeToUtc, type WallTime } from '../i18n/zoned-time';
import { newMessageId, preferenceIn, withDb, type NotifyContext } from './fanout';
import { insertMail, markDigested, markNotMailed, preferenceRows, recipientsWaitingForDigest, userBasics, waitingForDigest } from './queries';

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

/** How long one transaction of the digests job may hold the event loop (and SQLite's write lock). */
export const DIGEST_SLICE_MS = 4;

/**
 * Makes the digests that are due, as many readers per transaction as fit in `sliceMs` (at
 * least one), yielding to the event loop between transactions so pages keep being served.
 * Returns how many digest mails were made.
 */
export async function buildDueDigests(ctx: NotifyContext, now: number, sliceMs = DIGEST_SLICE_MS): Promise<number> {
  const recipients = await recipientsWaitingForDigest(ctx.db);
  // Readers share a handful of time zones: each zone's last 08:00 is worked out once per run.
  const moments = new Map<string, Record<'daily' | 'weekly', { at: number; key: string }>>();
  const momentsIn = (timeZone: string) => {
    let found = moments.get(timeZone);
    if (!found) moments.set(timeZone, (found = { daily: lastDigestMoment(now, timeZone, 'daily'), weekly: lastDigestMoment(now, timeZone, 'weekly') }));
    return found;
  };
  const CHUNK = 16; // readers whose names, zones and languages are read in one query
  let made = 0;
  let next = 0;
  while (next < recipients.length) {
    // The body may run again (PostgreSQL, on a serialization failure): it starts from `next` as
    // it was, and `next` moves only once the transaction has committed.
    const done = await transaction(ctx.db, async (tx) => {
      const inTx = withDb(ctx, tx);
      const started = performance.now();
      let count = 0;
      let upTo = next;
      do {
        const chunk = recipients.slice(upTo, upTo + CHUNK);
        upTo += chunk.length;
        const users = await userBasics(tx, chunk);
        for (const recipientId of chunk) count += await digestsOf(inTx, recipientId, momentsIn(viewerTimeZone(users.get(recipientId)?.timeZone)), now);
      } while (upTo < recipients.length && performance.now() - started < sliceMs);
      return { count, upTo };
    });
    made += done.count;
    next = done.upTo;
    await new Promise((resolve) => setImmediate(resolve));
  }
  return made;
}

/** One reader's due digests (daily, weekly): the mail rows, and their notifications marked. */
async function digestsOf(ctx: NotifyContext, recipientId: number, moments: Record<'daily' | 'weekly', { at: number; key: string }>, now: number): Promise<number> {
  const preferences = await preferenceRows(ctx.db, recipientId);
  const gathered = { daily: [] as number[], weekly: [] as number[] };
  const modes = new Map<number | null, 'daily' | 'weekly' | null>();
  const dropped: number[] = [];
  for (const row of await waitingForDigest(ctx.db, recipientId, now)) {
    if (!modes.has(row.clubId)) {
      const email = preferenceIn(preferences, row.clubId).email;
      modes.set(row.clubId, email === 'daily' || email === 'weekly' ? email : null);
    }
    const kind = modes.get(row.clubId) ?? null;
    // The reader has since chosen "at once" or "never" for that club: no digest for it.
    if (kind === null) dropped.push(row.id);
    else if (row.createdAt <= moments[kind].at) gathered[kind].push(row.id);
  }
  await markNotMailed(ctx.db, dropped);
  let count = 0;
  for (const kind of ['daily', 'weekly'] as const) {
    if (gathered[kind].length === 0) continue;
    const mailId = await insertMail(ctx.db, { recipientId, kind, notificationId: null, clubId: null, periodKey: moments[kind].key, messageId: newMessageId(ctx.mailDomain), now });
    // Already made for this period (another process, a second run): the rest waits for the next.
    if (mailId === null) continue;
    await markDigested(ctx.db, gathered[kind], mailId);
    count++;
  }
  return count;
}
