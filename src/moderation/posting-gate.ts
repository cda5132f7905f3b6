/**
 * The posting gate's decision, pure: may this post go through now? Asked by the one posting
 * guard (`src/http/guards.ts`) before every comment, reply, edit, reaction and vote, with the
 * facts the moderation area looked up.
 *
 * - A muted member posts, reacts and votes nothing until the mute ends (403 with the end).
 * - Slow mode: one comment per member per N seconds in that club (429 with `Retry-After`).
 * - An account younger than {@link YOUNG_ACCOUNT_MS} writes at most `youngAccountComments`
 *   (config, 3 by default, 0 = off) comments per {@link YOUNG_ACCOUNT_WINDOW_MS} across the site (429).
 * Reactions and votes are not "posts" for slow mode and young accounts (they add no text).
 */
export const YOUNG_ACCOUNT_MS = 24 * 60 * 60 * 1000;
export const YOUNG_ACCOUNT_WINDOW_MS = 10 * 60 * 1000;

export interface PostingFacts {
  kind: 'comment' | 'reaction' | 'vote' | 'other';
  now: number;
  accountCreatedAt: number;
  /** End of a mute in this club, or null. */
  mutedUntil: number | null;
  slowModeSeconds: number;
  /** 0 = no young-account limit. */
  youngAccountComments: number;
  /** The member's latest comment in this club, or null. */
  lastCommentAt: number | null;
  /** Times of the member's comments (any club) within the young-account window, oldest first. */
  recentCommentTimes: readonly number[];
}

export type PostingDecision = { kind: 'muted'; until: number } | { kind: 'wait'; seconds: number; why: 'slow_mode' | 'young_account' } | null;

export function postingDecision(f: PostingFacts): PostingDecision {
  if (f.kind === 'other') return null;
  if (f.mutedUntil !== null && f.mutedUntil > f.now) return { kind: 'muted', until: f.mutedUntil };
  if (f.kind !== 'comment') return null;
  if (f.slowModeSeconds > 0 && f.lastCommentAt !== null) {
    const next = f.lastCommentAt + f.slowModeSeconds * 1000;
    if (next > f.now) return { kind: 'wait', seconds: Math.ceil((next - f.now) / 1000), why: 'slow_mode' };
  }
  const limit = f.youngAccountComments;
  if (limit > 0 && f.now - f.accountCreatedAt < YOUNG_ACCOUNT_MS) {
    const inWindow = f.recentCommentTimes.filter((at) => at > f.now - YOUNG_ACCOUNT_WINDOW_MS);
    if (inWindow.length >= limit) {
      const freesAt = inWindow[inWindow.length - limit]! + YOUNG_ACCOUNT_WINDOW_MS;
      return { kind: 'wait', seconds: Math.max(1, Math.ceil((freesAt - f.now) / 1000)), why: 'young_account' };
    }
  }
  return null;
}
