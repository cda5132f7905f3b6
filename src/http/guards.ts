/**
 * The guards every area's routes share, with one behaviour each:
 *
 * - {@link redirectToLogin}: a signed-out reader is sent to sign in and brought back;
 * - {@link refuse}: an action the policy refused — sign in first when signed out, 403 otherwise;
 * - {@link consumePosting} / {@link takePostingToken}: the posting limit (comments, votes,
 *   uploads, joins, invitations, new clubs). Every refusal is a 429 with `Retry-After`.
 *
 * @example
 * if (!clubCan(access, 'invite')) return refuse(c, `/clubs/${access.club.id}`);
 * await consumePosting(c, limiters.postingPerUser, clock()); // throws 429 past the limit
 */
import type { Context } from 'hono';
import { forbidden, tooManyRequests } from './errors';
import type { RateLimiter } from './rate-limit';
import type { User } from '../../db/schema';
import type { AppEnv } from './types';

type Ctx = Context<AppEnv>;

/** 303 to sign-in, coming back to `next` (by default the page asked for). */
export function redirectToLogin(c: Ctx, next?: string): Response {
  const url = new URL(c.req.url);
  return c.redirect(`/login?next=${encodeURIComponent(next ?? url.pathname + url.search)}`, 303);
}

/**
 * The answer to an action the policy refused: a signed-out reader signs in first and comes
 * back to `back` (the page to return to; a POST's own URL cannot be visited, so callers name
 * the page the form was on), anyone else gets 403.
 */
export function refuse(c: Ctx, back?: string): Response {
  if (!c.get('user')) return redirectToLogin(c, back);
  throw forbidden();
}

/** A posting refusal: how long until the reader may post again. */
export interface PostingRefusal {
  seconds: number;
}

/**
 * Counts one post by the signed-in reader against `limiter`. Within the limit: null. Past it:
 * the `Retry-After` header is set on the response being built and the refusal returned, so a
 * route that answers 429 with its own page (a poll card with the message) still sends it.
 * Validate input *before* calling this: a refused form must not use up a token.
 */
export async function takePostingToken(c: Ctx, limiter: RateLimiter, now: number): Promise<PostingRefusal | null> {
  const user = c.get('user');
  if (!user) return null;
  const gated = await passPostingGate(c, user, now);
  if (gated) return gated;
  return countPost(c, limiter, user, now);
}

/**
 * {@link takePostingToken} for a request whose path does not say the club and kind of post
 * (the JSON API): the caller names them. Same gate, same limit, same `Retry-After`.
 */
export async function takePostingTokenFor(c: Ctx, limiter: RateLimiter, attempt: PostingAttempt): Promise<PostingRefusal | null> {
  const refusal = (await c.get('postingGate')?.(attempt)) ?? null;
  if (refusal) {
    c.header('Retry-After', String(refusal.seconds));
    return refusal;
  }
  return countPost(c, limiter, attempt.user, attempt.now);
}

async function countPost(c: Ctx, limiter: RateLimiter, user: User, now: number): Promise<PostingRefusal | null> {
  const verdict = await limiter.consume(`user:${user.id}`, now);
  if (verdict.allowed) return null;
  c.header('Retry-After', String(verdict.retryAfterSeconds));
  return { seconds: verdict.retryAfterSeconds };
}

/** {@link takePostingToken}, throwing the 429 error page (with `Retry-After`) past the limit. */
export async function consumePosting(c: Ctx, limiter: RateLimiter, now: number): Promise<void> {
  const refusal = await takePostingToken(c, limiter, now);
  if (refusal) throw tooManyRequests(refusal.seconds);
}

/** What a post is, for the posting gate: mutes stop all three, slow mode and young-account limits stop comments. */
export type PostingKind = 'comment' | 'reaction' | 'vote' | 'other';

/** The facts the posting gate decides from: who, in which club (null outside one), what, when. */
export interface PostingAttempt {
  user: User;
  clubId: number | null;
  kind: PostingKind;
  now: number;
}

/**
 * A check every post passes before it counts against the limit, injected by `src/app.tsx`
 * (the moderation area's mutes, slow mode and young-account limits) through the request's
 * `postingGate` variable, so this shared layer knows no area. Returns null to let the post
 * through, `{ seconds }` for a wait (429 with `Retry-After`), or throws (a mute is a 403).
 */
export type PostingGate = (attempt: PostingAttempt) => Promise<PostingRefusal | null>;

/** Which kind of post a route makes, from its path pattern (the routes need not say). */
export function postingKindOf(routePath: string): PostingKind {
  if (/\/react$/.test(routePath)) return 'reaction';
  if (/\/polls\/.*\/(vote|withdraw)$/.test(routePath)) return 'vote';
  if (/\/comments(\/:[^/]+\/edit)?$/.test(routePath)) return 'comment';
  return 'other';
}

async function passPostingGate(c: Ctx, user: User, now: number): Promise<PostingRefusal | null> {
  const gate = c.get('postingGate');
  if (!gate) return null;
  const clubParam = c.req.path.startsWith('/clubs/') ? (c.req.param('clubId') ?? c.req.param('id')) : undefined;
  const clubId = clubParam && /^[0-9]{1,15}$/.test(clubParam) ? Number(clubParam) : null;
  const refusal = await gate({ user, clubId, kind: postingKindOf(c.req.routePath), now });
  if (refusal) c.header('Retry-After', String(refusal.seconds));
  return refusal;
}
