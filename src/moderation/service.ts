/**
 * What the moderation area gives the rest of the app: the posting gate and the join refusal
 * (built once in `src/app.tsx`), and the flag threshold's decision after a flag.
 */
import { transaction, type Db } from '../../db/connection';
import type { User } from '../../db/schema';
import { HttpError } from '../http/errors';
import type { PostingGate, PostingRefusal } from '../http/guards';
import { postingDecision, YOUNG_ACCOUNT_MS, YOUNG_ACCOUNT_WINDOW_MS, type PostingDecision } from './posting-gate';
import { commentTimesSince, isBanned, lastCommentAt, mutedUntil, passMark, settingsOf, writePassMark } from './queries';

/**
 * How long a comment that passed the gate counts as posted before its row is there: the moment
 * between the gate and the write, with room to spare. A pass that never becomes a comment (an
 * edit, which also passes the gate as a comment) stops counting after it.
 */
export const IN_FLIGHT_MS = 10_000;

/** The marks of passed comments, in `rate_limit_counters` (small, short-lived, shared by every process). */
const SLOW_MODE_MARK = 'moderation.slow_mode';
const YOUNG_ACCOUNT_MARK = 'moderation.young_account';

/**
 * The gate every post passes (see `posting-gate.ts`): a mute is a 403, a wait a 429 with `Retry-After`.
 *
 * Slow mode and the young-account limit count comments, and the comment is written after the
 * gate has let it through. So that two requests of one member (two tabs, two app processes)
 * cannot both pass on the same count, a comment they limit is checked and *recorded* in one
 * transaction: the pass leaves a mark (in `rate_limit_counters`) that counts as the comment
 * until the comment itself is written (or {@link IN_FLIGHT_MS} has passed), and the next
 * check reads it. Transactions run one at a time on SQLite (the write lock) and as if they did
 * on PostgreSQL (SERIALIZABLE, tried again on a conflict), so the second request sees the first
 * one's mark. Posts neither limits (reactions, votes, comments without slow mode by accounts past
 * their first day) only read the mute, outside any transaction.
 */
export function moderationPostingGate(db: Db, youngAccountComments: number): PostingGate {
  return async ({ user, clubId, kind, now }) => {
    if (kind === 'other') return null;
    const young = kind === 'comment' && youngAccountComments > 0 && now - user.createdAt < YOUNG_ACCOUNT_MS;
    const slowMode = kind === 'comment' && clubId !== null && (await settingsOf(db, clubId)).slowModeSeconds > 0;
    const decision =
      slowMode || young
        ? await transaction(db, (tx) => checkAndRecordComment(tx, { user, clubId, now, young, youngAccountComments }))
        : postingDecision({
            kind,
            now,
            accountCreatedAt: user.createdAt,
            mutedUntil: clubId === null ? null : await mutedUntil(db, clubId, user.id, now),
            youngAccountComments,
            slowModeSeconds: 0,
            lastCommentAt: null,
            recentCommentTimes: [],
          });
    return refusalOf(decision, now);
  };
}

interface CommentAttempt {
  user: Pick<User, 'id' | 'createdAt'>;
  clubId: number | null;
  now: number;
  young: boolean;
  youngAccountComments: number;
}

/** Inside the gate's transaction: the decision for a comment, and the marks of its pass when it passes. */
async function checkAndRecordComment(tx: Db, { user, clubId, now, young, youngAccountComments }: CommentAttempt): Promise<PostingDecision> {
  const slowModeSeconds = clubId === null ? 0 : (await settingsOf(tx, clubId)).slowModeSeconds;
  const slowKey = `${clubId}:${user.id}`;
  const youngKey = String(user.id);

  let lastAt: number | null = null;
  if (clubId !== null && slowModeSeconds > 0) {
    const [commented, passed] = await Promise.all([lastCommentAt(tx, clubId, user.id), passMark(tx, SLOW_MODE_MARK, slowKey, now)]);
    lastAt = passed && (commented === null || passed.at > commented) ? passed.at : commented;
  }

  // Comments written in the window, then the passes not written yet: the mark holds how many
  // comments the window holds once every pass so far is written.
  let recent: number[] = [];
  if (young) {
    const [times, passed] = await Promise.all([commentTimesSince(tx, user.id, now - YOUNG_ACCOUNT_WINDOW_MS), passMark(tx, YOUNG_ACCOUNT_MARK, youngKey, now)]);
    const pending = passed ? Math.max(0, passed.count - times.length) : 0;
    recent = pending > 0 ? [...times, ...Array.from({ length: pending }, () => passed!.at)] : times;
  }

  const decision = postingDecision({
    kind: 'comment',
    now,
    accountCreatedAt: user.createdAt,
    mutedUntil: clubId === null ? null : await mutedUntil(tx, clubId, user.id, now),
    youngAccountComments,
    slowModeSeconds,
    lastCommentAt: lastAt,
    recentCommentTimes: recent,
  });
  if (decision === null) {
    if (clubId !== null && slowModeSeconds > 0) await writePassMark(tx, SLOW_MODE_MARK, slowKey, now, now + IN_FLIGHT_MS, 1);
    if (young) await writePassMark(tx, YOUNG_ACCOUNT_MARK, youngKey, now, now + IN_FLIGHT_MS, recent.length + 1);
  }
  return decision;
}

function refusalOf(decision: PostingDecision, now: number): PostingRefusal | null {
  if (!decision) return null;
  if (decision.kind === 'muted') throw new HttpError(403, 'moderation.muted.body', { seconds: Math.max(1, Math.ceil((decision.until - now) / 1000)) });
  if (decision.why === 'young_account') throw new HttpError(429, 'moderation.young_account.body', { seconds: decision.seconds }, decision.seconds);
  return { seconds: decision.seconds };
}

/** A banned reader does not join the club again, by a link or the join button. */
export function moderationJoinRefusal(db: Db): (clubId: number, userId: number) => Promise<'banned' | null> {
  return async (clubId, userId) => ((await isBanned(db, clubId, userId)) ? 'banned' : null);
}

/** Should open flags from `flagCount` members hide the comment? */
export function reachesThreshold(flagCount: number, threshold: number): boolean {
  return flagCount >= threshold;
}
