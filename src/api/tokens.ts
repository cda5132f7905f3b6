/**
 * Personal access tokens: `mgl_` and 32 characters of base32 (20 random bytes, 160 bits). The
 * prefix makes a leaked token recognisable (secret scanners, logs); only the SHA-256 of the
 * whole token is stored, and SHA-256 rather than a slow hash is enough because the token has
 * full entropy (as for sessions and invitation links).
 *
 * @example
 * const { token, tokenHash, prefix } = newApiToken();
 * // show `token` once; store tokenHash and prefix
 * hashApiToken(token) === tokenHash; // true
 */
import { sha256 } from '@oslojs/crypto/sha2';
import { encodeBase32LowerCaseNoPadding, encodeHexLowerCase } from '@oslojs/encoding';
import { getRandomValues } from 'node:crypto';

export const API_TOKEN_PREFIX = 'mgl_';
export const API_TOKEN_BYTES = 20;
/** What a token looks like; anything else is refused before any lookup. */
export const API_TOKEN_PATTERN = /^mgl_[a-z2-7]{32}$/;
/** How much of a token the list shows, to tell tokens apart. */
const SHOWN_PREFIX_LENGTH = API_TOKEN_PREFIX.length + 4;

export function newApiToken(): { token: string; tokenHash: string; prefix: string } {
  const token = API_TOKEN_PREFIX + encodeBase32LowerCaseNoPadding(getRandomValues(new Uint8Array(API_TOKEN_BYTES)));
  return { token, tokenHash: hashApiToken(token), prefix: token.slice(0, SHOWN_PREFIX_LENGTH) };
}

export function hashApiToken(token: string): string {
  return encodeHexLowerCase(sha256(new TextEncoder().encode(token)));
}

/** The token of an `Authorization: Bearer <token>` header; null when the header is absent or not a bearer token of ours. */
export function bearerTokenOf(header: string | undefined): { present: boolean; token: string | null } {
  if (header === undefined || header.trim() === '') return { present: false, token: null };
  const match = /^Bearer[ ]+(\S+)[ ]*$/i.exec(header);
  if (!match) return { present: true, token: null };
  const token = match[1]!;
  return { present: true, token: API_TOKEN_PATTERN.test(token) ? token : null };
}
