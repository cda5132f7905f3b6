/**
 * What a personal access token may do. The token only ever narrows its owner: past these
 * checks every decision is the areas' own policy (`clubCan`, `commentCan`, `pollRefusal`) asked
 * for the token's owner, exactly as the pages ask it for a signed-in reader.
 *
 * - `authenticate`: not revoked, not expired, and the owner's account is not suspended.
 * - `read`: every usable token.
 * - `write` (every method but GET and HEAD): tokens with the `read write` scope.
 * - `create` (on the tokens page): a signed-in reader with fewer than {@link MAX_ACTIVE_TOKENS}
 *   tokens not revoked.
 * - `revoke`: the token's owner.
 *
 * @example
 * if (!apiTokenCan(token, owner, 'authenticate', now)) return unauthorized();
 * if (method !== 'GET' && !apiTokenCan(token, owner, 'write', now)) return insufficientScope();
 */
import type { ApiToken, User } from '../../db/schema';

export const MAX_ACTIVE_TOKENS = 20;

export type ApiTokenAction = 'authenticate' | 'read' | 'write';

export function apiTokenCan(token: ApiToken, owner: Pick<User, 'id' | 'suspendedAt'>, action: ApiTokenAction, now: number): boolean {
  const usable = token.userId === owner.id && token.revokedAt === null && (token.expiresAt === null || token.expiresAt > now) && owner.suspendedAt === null;
  if (!usable) return false;
  switch (action) {
    case 'authenticate':
    case 'read':
      return true;
    case 'write':
      return token.scope === 'read write';
  }
}

/** May `user` create another token, holding `activeCount` already? */
export function mayCreateToken(user: Pick<User, 'id'> | null, activeCount: number): boolean {
  return user !== null && activeCount < MAX_ACTIVE_TOKENS;
}

/** May `user` revoke `token`? Only its owner. */
export function mayRevokeToken(user: Pick<User, 'id'> | null, token: Pick<ApiToken, 'userId'>): boolean {
  return user !== null && token.userId === user.id;
}
