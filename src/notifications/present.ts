/**
 * What a notification says, decided at the moment it is shown or sent — never when it was
 * made. A reply or mention runs the annotations area's spoiler gate for the recipient as they
 * are now (progress, reveals, the chapter's opening) and, when the thread is ahead of them,
 * says only where ("a new reply in 3.1 (ahead of you)") without a word of it. A poll's question
 * shows only where the polls area lets the reader see the poll, and "results are in" only
 * when `pollResultsVisibleTo` says so now. A notification from a club the reader has left
 * is not shown at all.
 */
import { first, type Db } from '../../db/connection';
import { and, eq } from 'drizzle-orm';
import { meetings, type NotificationRow } from '../../db/schema';
import { excerpt } from '../lib/excerpt';
import { commentPlainText, commentVisibleTo, gateViewerFor, type GateViewer } from '../annotations';
import { getChapterById, getParagraph } from '../books';
import { chapterBasePath, chapterLabel, chapterOpensAt, chapterOpenTo, getReading, loadClubAccess, type ClubAccess } from '../clubs';
import type { Translator } from '../i18n';
import { formatDateTime } from '../i18n/zoned-time';
import { pollCan, pollPath, pollSituation } from '../polls';
import { commentFacts, logEntry, pollRow, userBasics, type CommentFactsRow } from './queries';
import type { NotificationView } from './types';

export interface Recipient {
  id: number;
  t: Translator;
  locale: string;
  timeZone: string;
}

const EXCERPT_MAX = 140;

/** A plain, short quote of a comment's Markdown (never HTML: views escape it). */
export function plainExcerpt(markdown: string): string {
  return commentPlainText(markdown, EXCERPT_MAX);
}

const num = (value: unknown): number | null => (typeof value === 'number' && Number.isSafeInteger(value) ? value : null);

/** A meeting of the club (its title and time are the club's, not the book's: no gate). */
async function meetingIn(db: Db, clubId: number, meetingId: number) {
  return first(await db.select().from(meetings).where(and(eq(meetings.id, meetingId), eq(meetings.clubId, clubId))));
}

/** Per rendering, the facts several notifications of one club share. */
class Lookups {
  private readonly access = new Map<number, ClubAccess | null>();
  private readonly viewers = new Map<number, GateViewer>();
  private names: Map<number, string> | null = null;

  constructor(
    private readonly db: Db,
    private readonly recipientId: number,
    private readonly rows: readonly NotificationRow[],
  ) {}

  async accessTo(clubId: number): Promise<ClubAccess | null> {
    if (!this.access.has(clubId)) this.access.set(clubId, await loadClubAccess(this.db, clubId, { id: this.recipientId }));
    return this.access.get(clubId) ?? null;
  }

  async viewerIn(access: ClubAccess, readingId: number): Promise<GateViewer> {
    let viewer = this.viewers.get(readingId);
    if (!viewer) this.viewers.set(readingId, (viewer = await gateViewerFor(this.db, access, readingId)));
    return viewer;
  }

  /** A reader's display name; "someone" for an account since deleted. */
  async nameOf(userId: number | null, t: Translator): Promise<string> {
    if (userId === null) return t('notifications.someone');
    if (!this.names) {
      const ids = new Set<number>();
      for (const row of this.rows) {
        for (const key of ['actorId', 'userId'] as const) {
          const id = num(row.facts[key]);
          if (id !== null) ids.add(id);
        }
      }
      this.names = new Map([...(await userBasics(this.db, [...ids]))].map(([id, user]) => [id, user.displayName]));
    }
    return this.names.get(userId) ?? t('notifications.someone');
  }
}

/** The notifications the recipient may still see, said for them now. */
export async function presentNotifications(db: Db, recipient: Recipient, rows: readonly NotificationRow[], now: number): Promise<NotificationView[]> {
  const lookups = new Lookups(db, recipient.id, rows);
  const views: NotificationView[] = [];
  for (const row of rows) {
    const view = await presentOne(db, recipient, row, lookups, now);
    if (view) views.push(view);
  }
  return views;
}

type Said = { text: string; href: string; excerpt?: string | null };

async function presentOne(db: Db, recipient: Recipient, row: NotificationRow, lookups: Lookups, now: number): Promise<NotificationView | null> {
  if (row.clubId === null) return null;
  const access = await lookups.accessTo(row.clubId);
  if (!access || !access.isMember) return null;
  const said = await say(db, recipient, row, access, lookups, now);
  if (!said) return null;
  const time = row.updatedAt;
  return {
    id: row.id,
    kind: row.kind,
    text: said.text,
    excerpt: said.excerpt ?? null,
    href: said.href,
    clubName: access.club.name,
    timeLabel: formatDateTime(time, recipient.locale, recipient.timeZone),
    timeIso: new Date(time).toISOString(),
    unread: row.readAt === null,
  };
}

interface CommentPlace {
  comment: CommentFactsRow;
  chapterName: string;
  /** The thread, open: the paragraph's (or chapter discussion's) threads page at the comment. */
  threadHref: string;
  /** The chapter page (at the paragraph when there is one). */
  chapterHref: string;
  /** May the recipient read it now (gate, chapter open, not moderated or deleted)? */
  readable: boolean;
}

async function commentPlace(db: Db, t: Translator, access: ClubAccess, commentId: number | null, lookups: Lookups, now: number): Promise<CommentPlace | null> {
  if (commentId === null) return null;
  const comment = await commentFacts(db, commentId);
  if (!comment || comment.clubId !== access.club.id) return null;
  const reading = await getReading(db, access.club.id, comment.readingId);
  const chapter = await getChapterById(db, comment.chapterId);
  if (!reading || !chapter) return null;
  const paragraph = comment.paragraphId !== null ? await getParagraph(db, comment.paragraphId) : undefined;
  const readingQuery = reading.endedAt === null ? '' : `?reading=${reading.id}`;
  const base = `/clubs/${access.club.id}`;
  const threadHref = paragraph ? `${base}/paragraphs/${paragraph.id}/comments${readingQuery}#c-${comment.id}` : `${base}/discussion/${chapter.id}${readingQuery}#c-${comment.id}`;
  const chapterHref = `${chapterBasePath(access.club.id, reading)}/${chapter.ordinal}${paragraph ? `#p-${paragraph.ordinal}` : ''}`;
  const open = chapterOpenTo(access, await chapterOpensAt(db, reading.id, chapter.id), now);
  const gate = { authorId: comment.authorId, anchorPosition: comment.anchorPosition, visibility: comment.visibility, chapterId: comment.chapterId };
  const readable = open && comment.deletedAt === null && comment.moderation === null && commentVisibleTo(gate, await lookups.viewerIn(access, reading.id));
  return { comment, chapterName: chapterLabel(t, chapter), threadHref, chapterHref: open ? chapterHref : base, readable };
}

async function say(db: Db, recipient: Recipient, row: NotificationRow, access: ClubAccess, lookups: Lookups, now: number): Promise<Said | null> {
  const { t } = recipient;
  const facts = row.facts;
  const club = access.club.name;
  const clubHref = `/clubs/${access.club.id}`;
  switch (row.kind) {
    case 'reply':
    case 'mention': {
      const place = await commentPlace(db, t, access, num(facts.commentId), lookups, now);
      if (!place) return { text: t('notifications.comment_gone'), href: clubHref };
      const name = await lookups.nameOf(num(facts.actorId), t);
      if (place.comment.deletedAt !== null || place.comment.moderation !== null) return { text: t('notifications.comment_gone'), href: place.chapterHref };
      if (!place.readable) {
        return { text: t(row.kind === 'reply' ? 'notifications.reply.ahead' : 'notifications.mention.ahead', { chapter: place.chapterName }), href: place.chapterHref };
      }
      return {
        text: t(row.kind === 'reply' ? 'notifications.reply' : 'notifications.mention', { name, chapter: place.chapterName }),
        href: place.threadHref,
        excerpt: plainExcerpt(place.comment.body),
      };
    }
    case 'reactions': {
      const place = await commentPlace(db, t, access, num(facts.commentId), lookups, now);
      if (!place || place.comment.deletedAt !== null) return null;
      const count = Array.isArray(facts.actorIds) ? facts.actorIds.length : 1;
      // The recipient wrote the comment: the author always sees their own.
      return { text: t('notifications.reactions', { count, chapter: place.chapterName }), href: place.threadHref, excerpt: place.comment.moderation === null ? plainExcerpt(place.comment.body) : null };
    }
    case 'poll_opened':
    case 'poll_closing':
    case 'poll_results': {
      const pollId = num(facts.pollId);
      const poll = pollId !== null ? await pollRow(db, pollId) : undefined;
      if (!poll || poll.clubId !== access.club.id) return null;
      const situation = await pollSituation(db, access, poll, now);
      const visible = pollCan(access, 'view', situation.facts);
      if (!visible) return { text: t('notifications.poll.hidden', { club }), href: clubHref };
      const href = pollPath(access.club.id, poll.id);
      const question = poll.question;
      if (row.kind === 'poll_opened') return { text: t('notifications.poll_opened', { question }), href };
      if (row.kind === 'poll_closing') {
        return { text: t('notifications.poll_closing', { question, date: poll.closesAt !== null ? formatDateTime(poll.closesAt, recipient.locale, recipient.timeZone) : '' }), href };
      }
      return { text: t(situation.facts.resultsVisible ? 'notifications.poll_results' : 'notifications.poll_results.hidden_again', { question }), href };
    }
    case 'chapter_opened': {
      const readingId = num(facts.readingId);
      const chapterId = num(facts.chapterId);
      const reading = readingId !== null ? await getReading(db, access.club.id, readingId) : undefined;
      const chapter = chapterId !== null ? await getChapterById(db, chapterId) : undefined;
      if (!reading || !chapter || chapter.editionId !== reading.editionId) return null;
      return { text: t('notifications.chapter_opened', { chapter: chapterLabel(t, chapter), club }), href: `${chapterBasePath(access.club.id, reading)}/${chapter.ordinal}` };
    }
    case 'moderated': {
      const logId = num(facts.logId);
      const entry = logId !== null ? await logEntry(db, logId) : undefined;
      if (!entry || entry.targetUserId !== recipient.id) return null;
      const place = await commentPlace(db, t, access, entry.subjectId, lookups, now);
      const action = (['hidden', 'removed', 'flag_hidden', 'restored', 'warned'] as const).find((a) => a === entry.action) ?? 'warned';
      const where = place ? place.chapterName : club;
      return {
        text: t(`notifications.moderated.${action}`, { chapter: where }) + (entry.reason ? ` ${t('notifications.moderated.reason', { reason: entry.reason })}` : ''),
        href: '/account/moderation',
      };
    }
    case 'member_joined':
      return { text: t('notifications.member_joined', { name: await lookups.nameOf(num(facts.userId), t), club }), href: `${clubHref}#members-title` };
    case 'invitation_accepted':
      return { text: t('notifications.invitation_accepted', { name: await lookups.nameOf(num(facts.userId), t), club }), href: `${clubHref}#members-title` };
    case 'meeting_soon': {
      // A meeting's title and time are the club's, not the book's: no gate to pass; gone when the meeting is.
      const id = num(facts.meetingId);
      const meeting = id === null ? undefined : await meetingIn(db, access.club.id, id);
      if (!meeting || meeting.startsAt === null) return null;
      return {
        text: t('notifications.meeting_soon', { title: meeting.title, when: formatDateTime(meeting.startsAt, recipient.locale, recipient.timeZone), club }),
        href: `${clubHref}/meetings/${meeting.id}`,
      };
    }
    case 'meeting_changed': {
      // Club life (src/clublife): a new time, a cancellation or a restoring, to those who said going or maybe.
      // The new time is in the facts (what it was changed to then); the reason is read from the meeting now.
      const id = num(facts.meetingId);
      const meeting = id === null ? undefined : await meetingIn(db, access.club.id, id);
      if (!meeting) return null;
      const href = `${clubHref}/meetings/${meeting.id}`;
      const title = meeting.title;
      if (facts.change === 'cancelled') return { text: t('notifications.meeting_changed.cancelled', { club, title }), href, excerpt: meeting.cancelledAt !== null && meeting.cancelReason ? excerpt(meeting.cancelReason, EXCERPT_MAX - 1) : null };
      if (facts.change === 'restored') return { text: t('notifications.meeting_changed.restored', { club, title }), href };
      const startsAt = num(facts.startsAt);
      if (startsAt === null) return null;
      return { text: t('notifications.meeting_changed.time', { club, title, when: formatDateTime(startsAt, recipient.locale, recipient.timeZone) }), href };
    }
    default:
      return null;
  }
}
