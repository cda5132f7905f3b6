/**
 * Meeting mode, as plain data for the views: the banner a reader sees (on the club home and on
 * chapter pages, and pushed by the stream), and the short record an ended meeting leaves.
 *
 * What a banner may say follows the reader's progress: the meeting's chapter is named and
 * linked only when it is open to the reader and they have reached it; the spotlight ("now:
 * paragraph 12", a thread on it) is shown with its jump link only when it is not beyond the
 * reader's progress. Otherwise the banner says the meeting is ahead of them, and nothing of
 * where (no title, no paragraph). It never carries text of the book or of a comment.
 */
import type { LiveMeeting, Reading } from '../../db/schema';
import { chapterName, getChapterById, getParagraph, listParagraphs } from '../books';
import { chapterBasePath, chapterOpensAt, chapterOpenTo, getReading, type ClubAccess } from '../clubs';
import type { AppDeps } from '../http/types';
import type { Translator } from '../i18n';
import { meetingCan } from './policy';
import { pastMeetings, runningMeeting, spotlightableThreads, threadRoot } from './queries';
import type { MeetingBannerView, MeetingRecordView } from './types';

export const MEETING_RECORDS = 3;

export function meetingPaths(clubId: number) {
  return {
    start: `/clubs/${clubId}/meeting-mode`,
    spotlight: (id: number) => `/clubs/${clubId}/meeting-mode/${id}/spotlight`,
    end: (id: number) => `/clubs/${clubId}/meeting-mode/${id}/end`,
  };
}

interface Viewer {
  access: ClubAccess;
  /** The reader's progress (global position). */
  progress: number;
  t: Translator;
  now: number;
}

/** Where a spotlight points: its position (for the gate's comparison), the paragraph ordinal, the page anchor. */
async function spotlightPlace(deps: AppDeps, meeting: LiveMeeting): Promise<{ position: number; ordinal: number | null; anchor: string; kind: 'paragraph' | 'thread' } | null> {
  if (meeting.spotlightKind === null || meeting.spotlightId === null) return null;
  if (meeting.spotlightKind === 'paragraph') {
    const paragraph = await getParagraph(deps.db, meeting.spotlightId);
    if (!paragraph || paragraph.chapterId !== meeting.chapterId) return null;
    return { position: paragraph.position, ordinal: paragraph.ordinal, anchor: `#p-${paragraph.ordinal}`, kind: 'paragraph' };
  }
  const root = await threadRoot(deps.db, meeting.readingId, meeting.spotlightId);
  if (!root || root.chapterId !== meeting.chapterId) return null;
  const paragraph = root.paragraphId === null ? undefined : await getParagraph(deps.db, root.paragraphId);
  return { position: root.anchorPosition, ordinal: paragraph?.ordinal ?? null, anchor: paragraph ? `#p-${paragraph.ordinal}` : '#discussion', kind: 'thread' };
}

/**
 * The banner for one reader. `page` is the chapter page it is drawn on (null on the club home).
 * `null` when the reader sees no banner (not a member, or nothing to show and nothing to start).
 */
export async function meetingBannerFor(deps: AppDeps, viewer: Viewer, page: { readingId: number; chapterId: number } | null): Promise<MeetingBannerView | null> {
  const { access, t } = viewer;
  if (!meetingCan(access, 'see')) return null;
  const clubId = access.club.id;
  const paths = meetingPaths(clubId);
  const meeting = await runningMeeting(deps.db, clubId);
  if (!meeting) {
    const canStart = page !== null && meetingCan(access, 'start');
    return { meeting: null, start: canStart ? { url: paths.start, readingId: page!.readingId, chapterId: page!.chapterId } : null };
  }
  const reading = await getReading(deps.db, clubId, meeting.readingId);
  const chapter = await getChapterById(deps.db, meeting.chapterId);
  if (!reading || !chapter) return { meeting: null, start: null };
  const open = chapterOpenTo(access, await chapterOpensAt(deps.db, reading.id, chapter.id), viewer.now);
  const reached = viewer.progress >= chapter.firstPosition - 1 || access.isModerator;
  const chapterUrl = `${chapterBasePath(clubId, reading as Reading)}/${chapter.ordinal}`;
  const here = page !== null && page.readingId === meeting.readingId && page.chapterId === meeting.chapterId;
  const place = await spotlightPlace(deps, meeting);
  let spotlight: NonNullable<MeetingBannerView['meeting']>['spotlight'] = null;
  if (place) {
    spotlight =
      place.position > viewer.progress || !open
        ? 'ahead'
        : {
            label:
              place.kind === 'paragraph'
                ? t('live.meeting.now_paragraph', { ordinal: place.ordinal ?? 0 })
                : place.ordinal === null
                  ? t('live.meeting.now_discussion')
                  : t('live.meeting.now_thread', { ordinal: place.ordinal }),
            url: here ? place.anchor : `${chapterUrl}${place.anchor}`,
          };
  }
  let controls: NonNullable<MeetingBannerView['meeting']>['controls'] = null;
  if (here && meetingCan(access, 'spotlight', meeting)) {
    const paragraphs = await listParagraphs(deps.db, chapter.id);
    const ordinals = new Map(paragraphs.map((p) => [p.id, p.ordinal]));
    const threads = await spotlightableThreads(deps.db, meeting.readingId, chapter.id);
    controls = {
      spotlightUrl: paths.spotlight(meeting.id),
      endUrl: paths.end(meeting.id),
      paragraphs: paragraphs.filter((p) => p.kind !== 'heading').map((p) => ({ id: p.id, ordinal: p.ordinal })),
      current: meeting.spotlightKind === 'paragraph' ? meeting.spotlightId : null,
      threads: threads.map((thread) => ({
        id: thread.id,
        label:
          thread.paragraphId === null
            ? t('live.meeting.thread_option_chapter', { author: thread.author })
            : t('live.meeting.thread_option', { ordinal: ordinals.get(thread.paragraphId) ?? 0, author: thread.author }),
      })),
      currentThread: meeting.spotlightKind === 'thread' ? meeting.spotlightId : null,
    };
  }
  return {
    meeting: {
      id: meeting.id,
      here,
      chapter: open && reached ? { name: chapterName(t, chapter), url: chapterUrl } : null,
      chapterOpen: open,
      spotlight,
      controls,
    },
    start: null,
  };
}

/** The club home's record of the last meetings (when, who came, what was spotlighted), without any text of the book or the talk. */
export async function meetingRecordsFor(deps: AppDeps, access: ClubAccess): Promise<MeetingRecordView[]> {
  if (!meetingCan(access, 'see')) return [];
  const records: MeetingRecordView[] = [];
  for (const { meeting, names, unnamed, moments } of await pastMeetings(deps.db, access.club.id, MEETING_RECORDS)) {
    const paragraphs: number[] = [];
    let threads = 0;
    let polls = 0;
    for (const moment of moments) {
      if (moment.kind === 'paragraph') {
        const paragraph = await getParagraph(deps.db, moment.targetId);
        if (paragraph) paragraphs.push(paragraph.ordinal);
      } else if (moment.kind === 'thread') threads += 1;
      else polls += 1;
    }
    const chapter = await getChapterById(deps.db, meeting.chapterId);
    const reading = await getReading(deps.db, access.club.id, meeting.readingId);
    const open = chapter && reading ? chapterOpenTo(access, await chapterOpensAt(deps.db, reading.id, chapter.id), deps.clock()) : false;
    records.push({
      id: meeting.id,
      startedAt: meeting.startedAt,
      endedAt: meeting.endedAt ?? meeting.startedAt,
      chapterUrl: chapter && reading && open ? `${chapterBasePath(access.club.id, reading)}/${chapter.ordinal}` : null,
      chapterOrdinal: chapter?.ordinal ?? 0,
      names,
      unnamed,
      paragraphs,
      threads,
      polls,
    });
  }
  return records;
}
