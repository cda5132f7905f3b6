/** Turning moderation rows into what the views draw. */
import type { MessageKey, Translator } from '../i18n';
import type { QueueRow } from './queries';
import type { LogEntryView, QueueItemView } from './types';

const EXCERPT_MAX = 280;

/** The first characters of a text, for a queue line or the flag page (never more than the comment). */
export function excerptOf(text: string, max = EXCERPT_MAX): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max).join('')}…`;
}

export function queueItemViews(
  t: Translator,
  format: (ms: number) => string,
  clubId: number,
  rows: QueueRow[],
  flags: { commentId: number; reason: QueueItemView['flags'][number]['reason']; note: string; flagger: string }[],
): QueueItemView[] {
  return rows.map((row) => ({
    commentId: row.commentId,
    where: t('moderation.where', { ordinal: row.chapterOrdinal, title: row.chapterTitle }),
    href: `/clubs/${clubId}/readings/${row.readingId}/chapters/${row.chapterOrdinal}${row.paragraphOrdinal !== null ? `#p-${row.paragraphOrdinal}` : '#discussion'}`,
    author: row.authorName,
    date: format(row.createdAt),
    body: row.moderation === 'removed' ? t('moderation.queue.removed_body') : excerptOf(row.body, 2000),
    context: row.paragraphText === null ? null : excerptOf(row.paragraphText),
    hidden: row.moderation === 'hidden',
    flagCount: row.flagCount,
    flags: flags.filter((f) => f.commentId === row.commentId).map(({ reason, note, flagger }) => ({ reason, note, flagger })),
  }));
}

/** Every action the log knows, and its sentence. */
const ACTION_KEYS: Record<string, MessageKey> = {
  hidden: 'moderation.action.hidden',
  removed: 'moderation.action.removed',
  flag_hidden: 'moderation.action.flag_hidden',
  restored: 'moderation.action.restored',
  kept: 'moderation.action.kept',
  warned: 'moderation.action.warned',
  muted: 'moderation.action.muted',
  unmuted: 'moderation.action.unmuted',
  banned: 'moderation.action.banned',
  unbanned: 'moderation.action.unbanned',
  removed_member: 'moderation.action.removed_member',
  role_changed: 'moderation.action.role_changed',
  ownership_transferred: 'moderation.action.ownership_transferred',
  schedule_changed: 'moderation.action.schedule_changed',
  edition_changed: 'moderation.action.edition_changed',
  poll_closed: 'moderation.action.poll_closed',
  poll_deleted: 'moderation.action.poll_deleted',
  settings_changed: 'moderation.action.settings_changed',
  suspended: 'moderation.action.suspended',
  unsuspended: 'moderation.action.unsuspended',
  book_removed: 'moderation.action.book_removed',
};

export interface LogFacts {
  action: string;
  who: string;
  target: string | null;
  subjectId: number | null;
  detail: Record<string, string | number | null>;
  reason: string;
  createdAt: number;
}

export function logEntryViews(t: Translator, format: (ms: number) => string, rows: LogFacts[]): LogEntryView[] {
  return rows.map((row) => {
    const key = ACTION_KEYS[row.action];
    const detail = row.detail ?? {};
    const params = {
      target: row.target ?? t('moderation.log.someone'),
      subject: row.subjectId ?? '',
      role: typeof detail.role === 'string' ? detail.role : '',
      until: typeof detail.until === 'number' ? format(detail.until) : '',
      flags: detail.flags ?? '',
      chapters: detail.chapters ?? '',
      title: detail.title ?? '',
      slow: detail.slowModeSeconds ?? '',
      threshold: detail.flagThreshold ?? '',
    };
    return { date: format(row.createdAt), who: row.who, what: key ? t(key, params) : row.action, reason: row.reason };
  });
}
