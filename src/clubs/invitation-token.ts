/**
 * Invitation tokens. Like session secrets, a token is random (20 bytes = 160 bits, base32) and
 * only SHA-256 of it is stored: someone who reads the database cannot turn a row back into a
 * working link. SHA-256 rather than a slow hash is enough because the token has full entropy.
 *
 * @example
 * const { token, tokenHash } = newInvitationToken();
 * // link: /invite/<token>; store tokenHash
 * hashInvitationToken(token) === tokenHash; // true
 */
import { sha256 } from '@oslojs/crypto/sha2';
import { encodeBase32LowerCaseNoPadding, encodeHexLowerCase } from '@oslojs/encoding';
import { getRandomValues } from 'node:crypto';

export const INVITATION_TOKEN_BYTES = 20;
/** 20 bytes in base32 without padding: 32 characters of a-z and 2-7. */
export const INVITATION_TOKEN_PATTERN = /^[a-z2-7]{32}$/;

export function newInvitationToken(): { token: string; tokenHash: string } {
  const token = encodeBase32LowerCaseNoPadding(getRandomValues(new Uint8Array(INVITATION_TOKEN_BYTES)));
  return { token, tokenHash: hashInvitationToken(token) };
}

export function hashInvitationToken(token: string): string {
  return encodeHexLowerCase(sha256(new TextEncoder().encode(token)));
}

/** Whether a string could be a token at all (cheap refusal before any lookup). */
export function looksLikeInvitationToken(value: string): boolean {
  return INVITATION_TOKEN_PATTERN.test(value);
}
