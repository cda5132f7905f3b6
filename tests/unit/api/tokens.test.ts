import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { ApiToken } from '../../../db/schema';
import { apiTokenCan, mayCreateToken, MAX_ACTIVE_TOKENS, mayRevokeToken } from '../../../src/api/policy';
import { API_TOKEN_PATTERN, bearerTokenOf, hashApiToken, newApiToken } from '../../../src/api/tokens';

describe('personal access tokens', () => {
  it('are mgl_ and 32 base32 characters, different each time, with the SHA-256 hex as their hash', () => {
    const a = newApiToken();
    const b = newApiToken();
    expect(a.token).toMatch(API_TOKEN_PATTERN);
    expect(a.token).not.toBe(b.token);
    expect(a.prefix).toBe(a.token.slice(0, 8));
    expect(a.tokenHash).toMatch(/^[0-9a-f]{64}$/);
    expect(hashApiToken(a.token)).toBe(a.tokenHash);
    // SHA-256 of "mgl_" + 32 "a", as node:crypto computes it: the stored hash cannot silently change.
    expect(hashApiToken(`mgl_${'a'.repeat(32)}`)).toBe(createHash('sha256').update(`mgl_${'a'.repeat(32)}`).digest('hex'));
    expect(hashApiToken(`mgl_${'a'.repeat(32)}`)).toBe('cad743e566787f5cf35eef647f88aa4cfe22ddf3cbc23311b9439283e6dfe0fa');
  });

  it('are read from a Bearer authorization header only', () => {
    const { token } = newApiToken();
    expect(bearerTokenOf(undefined)).toEqual({ present: false, token: null });
    expect(bearerTokenOf('')).toEqual({ present: false, token: null });
    expect(bearerTokenOf(`Bearer ${token}`)).toEqual({ present: true, token });
    expect(bearerTokenOf(`bearer ${token}`)).toEqual({ present: true, token });
    expect(bearerTokenOf(`Basic ${token}`)).toEqual({ present: true, token: null });
    expect(bearerTokenOf(`Bearer ${token}x`)).toEqual({ present: true, token: null });
    expect(bearerTokenOf(`Bearer ${token} extra`)).toEqual({ present: true, token: null });
    expect(bearerTokenOf('Bearer ghp_0123456789')).toEqual({ present: true, token: null });
  });
});

describe('apiTokenCan', () => {
  const NOW = 1_000_000;
  const token = (overrides: Partial<ApiToken> = {}): ApiToken => ({
    id: 1,
    userId: 7,
    name: 'n',
    tokenHash: 'h',
    prefix: 'mgl_abcd',
    scope: 'read',
    createdAt: 0,
    expiresAt: null,
    lastUsedAt: null,
    revokedAt: null,
    ...overrides,
  });
  const owner = { id: 7, suspendedAt: null };

  it.each([
    ['a read token', token(), { authenticate: true, read: true, write: false }],
    ['a read write token', token({ scope: 'read write' }), { authenticate: true, read: true, write: true }],
    ['a revoked token', token({ scope: 'read write', revokedAt: 5 }), { authenticate: false, read: false, write: false }],
    ['an expired token', token({ scope: 'read write', expiresAt: NOW }), { authenticate: false, read: false, write: false }],
    ['a token expiring later', token({ scope: 'read write', expiresAt: NOW + 1 }), { authenticate: true, read: true, write: true }],
    ['someone else’s token', token({ userId: 8, scope: 'read write' }), { authenticate: false, read: false, write: false }],
  ] as const)('%s', (_, subject, expected) => {
    expect({
      authenticate: apiTokenCan(subject, owner, 'authenticate', NOW),
      read: apiTokenCan(subject, owner, 'read', NOW),
      write: apiTokenCan(subject, owner, 'write', NOW),
    }).toEqual(expected);
  });

  it('refuses everything to a suspended owner', () => {
    expect(apiTokenCan(token({ scope: 'read write' }), { id: 7, suspendedAt: 1 }, 'read', NOW)).toBe(false);
  });

  it('lets a signed-in reader create tokens up to the limit, and revoke only their own', () => {
    expect(mayCreateToken(null, 0)).toBe(false);
    expect(mayCreateToken({ id: 7 }, MAX_ACTIVE_TOKENS - 1)).toBe(true);
    expect(mayCreateToken({ id: 7 }, MAX_ACTIVE_TOKENS)).toBe(false);
    expect(mayRevokeToken({ id: 7 }, { userId: 7 })).toBe(true);
    expect(mayRevokeToken({ id: 8 }, { userId: 7 })).toBe(false);
    expect(mayRevokeToken(null, { userId: 7 })).toBe(false);
  });
});
