/**
 * What the moderation area gives the rest of the app: the posting gate and the join refusal
 * (built once in `src/app.tsx`), and the flag threshold's decision after a flag.
 */
import type { Db } from '../../db/connection';
import { HttpError } from '../http/errors';
import type { PostingGate } from '../http/guards';
import { postingDecision, YOUNG_ACCOUNT_MS, YOUNG_ACCOUNT_WINDOW_MS } from './posting-gate';
import { commentTimesSince, isBanned, lastCommentAt, mutedUntil, settingsOf } from './queries';

/** The gate every post passes (see `posting-gate.ts`): a mute is a 403, a wait a 429 with `Retry-After`. */
export function moderationPostingGate(db: Db, youngAccountComments: number): PostingGate {
  return ({ user, clubId, kind, now }) => {
    if (kind === 'other') return null;
    const young = youngAccountComments > 0 && now - user.createdAt < YOUNG_ACCOUNT_MS;
    const decision = postingDecision({
      kind,
      now,
      accountCreatedAt: user.createdAt,
      mutedUntil: clubId === null ? null : mutedUntil(db, clubId, user.id, now),
      youngAccountComments,
      slowModeSeconds: clubId === null || kind !== 'comment' ? 0 : settingsOf(db, clubId).slowModeSeconds,
      lastCommentAt: clubId === null || kind !== 'comment' ? null : lastCommentAt(db, clubId, user.id),
      recentCommentTimes: young && kind === 'comment' ? commentTimesSince(db, user.id, now - YOUNG_ACCOUNT_WINDOW_MS) : [],
    });
    if (!decision) return null;
    if (decision.kind === 'muted') throw new HttpError(403, 'moderation.muted.body', { seconds: Math.max(1, Math.ceil((decision.until - now) / 1000)) });
    if (decision.why === 'young_account') throw new HttpError(429, 'moderation.young_account.body', { seconds: decision.seconds }, decision.seconds);
    return { seconds: decision.seconds };
  };
}

/** A banned reader does not join the club again, by a link or the join button. */
export function moderationJoinRefusal(db: Db): (clubId: number, userId: number) => 'banned' | null {
  return (clubId, userId) => (isBanned(db, clubId, userId) ? 'banned' : null);
}

/** Should open flags from `flagCount` members hide the comment? */
export function reachesThreshold(flagCount: number, threshold: number): boolean {
  return flagCount >= threshold;
}
