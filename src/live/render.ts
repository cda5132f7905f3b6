/**
 * What each domain event changes on an open chapter page, and drawing it for each reader.
 *
 * The bus says what happened (ids and facts). For every stream the event concerns, this module
 * decides which parts of the page it touches ({@link changeFor}), then draws those parts for
 * the reader on that stream through the same functions the page itself uses — the annotations
 * area's margins, discussion and reveal control (`annotationsLive`, behind the spoiler gate)
 * and the polls area's chapter section (`pollsOnChapter`, behind `pollResultsVisibleTo`) — with
 * the reader's access, progress and reveals read again now. So a stream never shows what the
 * reader's next page load would not.
 *
 * Streams whose readers see the same page (same reader, language and time zone: the gate's
 * inputs and the words) share one render; the chapter's comments are read once per event for
 * all of them.
 */
import { annotationsLive, type ChapterChange } from '../annotations';
import type { Paragraph } from '../../db/schema';
import { getChapterById } from '../books';
import { chapterContextFor, chapterOpensAt, chapterOpenTo, getReading, loadClubAccess, type ClubChapterContext } from '../clubs';
import type { DomainEvent } from '../events';
import type { AreaDeps } from '../http/types';
import { translator } from '../i18n';
import { pollsOnChapter } from '../polls';
import { meetingFragment } from './club-pages';
import type { LiveStream } from './hub';
import type { StreamPlace } from './types';

/** The parts of a chapter page an event touches. */
export interface PageChange {
  annotations: ChapterChange | null;
  polls: boolean;
  /** A paragraph whose open thread the page should fetch again (live.js). */
  threadsOf: number | null;
  /** The meeting banner (started, spotlight moved, ended). */
  meeting?: boolean;
}

const NOTHING: PageChange = { annotations: null, polls: false, threadsOf: null };
export const EVERYTHING: PageChange = { annotations: { paragraphIds: 'all', discussion: true, reveal: true }, polls: true, threadsOf: null, meeting: true };

/** Where a chapter's paragraphs are in the book (books never change once imported). */
export interface ChapterLayout {
  lastPosition: number;
  paragraphs: readonly { id: number; position: number }[];
}

/**
 * What a reader's own progress moving from `from` to `to` changes on their page of this
 * chapter: the margins of the paragraphs between the two places (their comments open, or close
 * when the reader sets progress back), the reveal control's count, and — when the chapter's
 * end is crossed — its own discussion and the polls shown after the chapter. Nothing else is
 * redrawn (the reader is reading there).
 */
export function progressChange(layout: ChapterLayout, from: number, to: number): PageChange | null {
  const low = Math.min(from, to);
  const high = Math.max(from, to);
  if (low === high) return null;
  const paragraphIds = layout.paragraphs.filter((p) => p.position > low && p.position <= high).map((p) => p.id);
  const end = low < layout.lastPosition && layout.lastPosition <= high;
  const first = layout.paragraphs[0]?.position ?? layout.lastPosition;
  if (paragraphIds.length === 0 && !end && (high < first || low >= layout.lastPosition)) return null;
  // The meeting banner too: whether the spotlight is ahead of the reader depends on their progress.
  return { annotations: { paragraphIds, discussion: end, reveal: true }, polls: end, threadsOf: null, meeting: true };
}

/** A stream as {@link changeFor} sees it: where it is, and the reader's progress as it knows it. */
export interface StreamState extends StreamPlace {
  viewer: LiveStream['viewer'];
  progress: number;
}

/** Does this event change anything on this stream's page? */
export function changeFor(event: DomainEvent, stream: StreamState, layout: ChapterLayout): PageChange | null {
  const onThisChapter = (e: { readingId: number; chapterId: number }) => e.readingId === stream.readingId && e.chapterId === stream.chapterId;
  switch (event.type) {
    case 'comment.posted':
    case 'comment.edited':
    case 'comment.deleted':
    case 'comment.moderated':
      if (!onThisChapter(event)) return null;
      return event.paragraphId === null
        ? { ...NOTHING, annotations: { paragraphIds: [], discussion: true, reveal: true } }
        : { ...NOTHING, annotations: { paragraphIds: [event.paragraphId], discussion: false, reveal: true }, threadsOf: event.paragraphId };
    case 'reaction.toggled':
      if (!onThisChapter(event)) return null;
      return event.paragraphId === null ? { ...NOTHING, annotations: { paragraphIds: [], discussion: true, reveal: false } } : { ...NOTHING, threadsOf: event.paragraphId };
    case 'poll.voted':
      // The voter's own page swapped its card from the vote's answer (and put focus on "You
      // voted."): redrawing it again under them would take that away. Their other tabs show
      // their ballot on the next change or load.
      if (event.actorId !== null && event.actorId === stream.viewer.user?.id) return null;
      return { ...NOTHING, polls: true };
    case 'poll.opened':
    case 'poll.changed':
    case 'poll.closed':
    case 'poll.deleted':
      return { ...NOTHING, polls: true };
    case 'meeting.started':
    case 'meeting.spotlighted':
    case 'meeting.ended':
      return { ...NOTHING, meeting: true };
    case 'progress.moved':
      // What a reader's own progress opens (or closes), and only that.
      return event.readingId === stream.readingId && event.userId === stream.viewer.user?.id ? progressChange(layout, stream.progress, event.position) : null;
    case 'spoilers.revealed':
      // The reader chose to see this chapter's comments further on (or to hide them again).
      return event.readingId === stream.readingId && event.chapterId === stream.chapterId && event.actorId === stream.viewer.user?.id
        ? { annotations: { paragraphIds: 'all', discussion: true, reveal: true }, polls: false, threadsOf: null }
        : null;
    case 'club.changed':
      // A role changed: what that member may do (and see of polls) may change.
      if (event.what !== 'role' || (event.targetUserId !== undefined && event.targetUserId !== stream.viewer.user?.id)) return null;
      return EVERYTHING;
    default:
      return null;
  }
}

/** Both changes at once (a batch of events drawn together). */
export function mergeChanges(a: PageChange, b: PageChange): PageChange {
  let annotations: ChapterChange | null = a.annotations ?? b.annotations;
  if (a.annotations && b.annotations) {
    const x = a.annotations;
    const y = b.annotations;
    annotations = {
      paragraphIds: x.paragraphIds === 'all' || y.paragraphIds === 'all' ? 'all' : [...new Set([...x.paragraphIds, ...y.paragraphIds])],
      discussion: x.discussion || y.discussion,
      reveal: x.reveal || y.reveal,
    };
  }
  return { annotations, polls: a.polls || b.polls, threadsOf: null, meeting: Boolean(a.meeting || b.meeting) };
}

/** The rendered parts for one group of streams; `null` when the reader may no longer see the chapter. */
export type GroupRender = { html: string } | null;

/**
 * Draws `change` for each group of streams on one chapter (all of `groups` share `place`):
 * one context per group, built as the chapter page builds it, then one batched call per area.
 */
export async function renderGroups(
  deps: AreaDeps,
  place: StreamPlace,
  groups: readonly (readonly LiveStream[])[],
  change: PageChange,
  now: number,
  /** The chapter's paragraphs (kept by the service: the text of an edition never changes). */
  paragraphs: readonly Paragraph[],
): Promise<GroupRender[]> {
  const { db } = deps;
  const reading = await getReading(db, place.clubId, place.readingId);
  const chapter = await getChapterById(db, place.chapterId);
  if (!reading || !chapter) return groups.map(() => null);
  const opensAt = await chapterOpensAt(db, reading.id, chapter.id);
  const contexts: (ClubChapterContext | null)[] = await Promise.all(
    groups.map(async (streams) => {
      const { user, locale, timeZone } = streams[0]!.viewer;
      const access = await loadClubAccess(db, place.clubId, user);
      if (!access || !access.canSee || !chapterOpenTo(access, opensAt, now)) return null;
      return chapterContextFor({ deps, access, viewer: user, reading, chapter, paragraphs, t: translator(locale), locale, timeZone, now });
    }),
  );
  const allowed = contexts.filter((ctx): ctx is ClubChapterContext => ctx !== null);
  const margins = change.annotations ? await annotationsLive(allowed, change.annotations) : [];
  // `annotationsLive` answers in the order of `allowed`.
  const marginOf = new Map(allowed.map((ctx, index) => [ctx, margins[index] ?? '']));
  return Promise.all(
    contexts.map(async (ctx) => {
      if (!ctx) return null;
      let html = marginOf.get(ctx) ?? '';
      if (change.polls) {
        const polls = await pollsOnChapter(ctx);
        html += `<hx-partial hx-target="#chapter-polls" hx-swap="outerHTML settle:0">${String(polls.panels ?? '')}</hx-partial>`;
      }
      if (change.meeting) html += await meetingFragment(ctx);
      return { html };
    }),
  );
}
