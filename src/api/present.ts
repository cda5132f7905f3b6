/** Turning token rows into the tokens page's plain data. */
import type { ApiToken } from '../../db/schema';
import { formatDateTime } from '../i18n/zoned-time';
import type { TokenRowView } from './types';

export function tokenRowView(token: ApiToken, now: number, locale: string, timeZone: string): TokenRowView {
  const when = (ms: number) => formatDateTime(ms, locale, timeZone);
  return {
    id: token.id,
    name: token.name,
    prefix: token.prefix,
    scope: token.scope,
    createdLabel: when(token.createdAt),
    expiresLabel: token.expiresAt === null ? null : when(token.expiresAt),
    expired: token.expiresAt !== null && token.expiresAt <= now,
    lastUsedLabel: token.lastUsedAt === null ? null : when(token.lastUsedAt),
    revokedLabel: token.revokedAt === null ? null : when(token.revokedAt),
  };
}
