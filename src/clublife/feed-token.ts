/**
 * Calendar feed tokens: random (20 bytes, base32), only SHA-256 stored, like invitation links.
 * A feed URL is the only credential a calendar app can carry, so the token is the permission;
 * making a new one replaces (revokes) the old.
 */
import { sha256 } from '@oslojs/crypto/sha2';
import { encodeBase32LowerCaseNoPadding, encodeHexLowerCase } from '@oslojs/encoding';
import { getRandomValues } from 'node:crypto';

export const FEED_TOKEN_PATTERN = /^[a-z2-7]{32}$/;

export function newFeedToken(): { token: string; tokenHash: string } {
  const token = encodeBase32LowerCaseNoPadding(getRandomValues(new Uint8Array(20)));
  return { token, tokenHash: hashFeedToken(token) };
}

export function hashFeedToken(token: string): string {
  return encodeHexLowerCase(sha256(new TextEncoder().encode(token)));
}
