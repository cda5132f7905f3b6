/**
 * What the live area adds to the chapter page: the element that opens the page's stream
 * (htmx's `hx-sse` extension) with the line saying who is reading the chapter now, and the
 * scripts. Without JavaScript the element stays empty and the page is what it always was.
 */
import { MeetingBanner, MeetingRecords } from '../../views/live/meeting';
import { LiveConnector, PresenceLine } from '../../views/live/stream';
import type { ChapterSlots, ClubChapterContext, ClubHomeContext, ClubHomeSlots } from '../clubs';
import type { Translator } from '../i18n';
import { viewerTimeZone } from '../i18n/zoned-time';
import type { LiveHub } from './hub';
import { meetingBannerFor, meetingRecordsFor } from './meetings';
import { addAttendee, runningMeeting } from './queries';
import type { PresenceView } from './types';

/** The stream's URL for a chapter of a reading. */
export function streamPath(clubId: number, readingId: number, chapterId: number): string {
  return `/clubs/${clubId}/live/${readingId}/${chapterId}`;
}

/**
 * The chapter page's contribution, bound to this process's streams: the meeting banner (a
 * moderator's "start a meeting here" when none runs), and — when live updates are on — the
 * element that opens the stream. A member who opens the meeting's chapter counts as come.
 */
export function liveOnChapter(hub: LiveHub, streaming: boolean) {
  return async (ctx: ClubChapterContext): Promise<ChapterSlots> => {
    // Events after this id are news to the page being drawn: the stream replays them. Read
    // before this (and every other) contribution awaits its reads — the chapter page starts them
    // all at once — so an event heard while the page reads is never counted as already drawn.
    const since = hub.currentId(ctx.now);
    const meeting = await runningMeeting(ctx.deps.db, ctx.access.club.id);
    if (meeting && ctx.access.isMember && ctx.access.userId !== null && meeting.readingId === ctx.reading.id && meeting.chapterId === ctx.chapter.id) {
      await addAttendee(ctx.deps.db, meeting.id, ctx.access.userId, ctx.now);
    }
    const banner = <MeetingBanner t={ctx.t} view={await meetingBannerFor(ctx.deps, ctx, { readingId: ctx.reading.id, chapterId: ctx.chapter.id })} />;
    if (!streaming) return { beforeText: banner };
    const url = `${streamPath(ctx.access.club.id, ctx.reading.id, ctx.chapter.id)}?since=${since}`;
    return {
      beforeText: banner,
      panels: <LiveConnector t={ctx.t} url={url} />,
      scripts: ['hx-sse.js', 'live.js'],
    };
  };
}

/** The club home: the running meeting's banner (with its link), and the record of the last meetings. */
export async function liveOnClubHome(ctx: ClubHomeContext): Promise<ClubHomeSlots> {
  const records = await meetingRecordsFor(ctx.deps, ctx.access);
  const view = await meetingBannerFor(ctx.deps, ctx, null);
  return {
    panels: (
      <>
        {view?.meeting && <MeetingBanner t={ctx.t} view={view} />}
        <MeetingRecords t={ctx.t} locale={ctx.locale} timeZone={viewerTimeZone(ctx.timeZone)} records={records} />
      </>
    ),
  };
}

/** The banner as a fragment the stream swaps in (by its id). */
export async function meetingFragment(ctx: ClubChapterContext): Promise<string> {
  const view = await meetingBannerFor(ctx.deps, ctx, { readingId: ctx.reading.id, chapterId: ctx.chapter.id });
  return String(
    <hx-partial hx-target="#meeting-banner" hx-swap="outerHTML settle:0">
      <MeetingBanner t={ctx.t} view={view} />
    </hx-partial>,
  );
}

/** The presence line as a fragment swapped into the page. */
export function presenceFragment(t: Translator, presence: PresenceView): string {
  return String(
    <hx-partial hx-target="#live-presence" hx-swap="innerHTML settle:0">
      <PresenceLine t={t} presence={presence} />
    </hx-partial>,
  );
}
