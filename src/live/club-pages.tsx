/**
 * What the live area adds to the chapter page: the element that opens the page's stream
 * (htmx's `hx-sse` extension) with the line saying who is reading the chapter now, and the
 * scripts. Without JavaScript the element stays empty and the page is what it always was.
 */
import { LiveConnector, PresenceLine } from '../../views/live/stream';
import type { ChapterSlots, ClubChapterContext } from '../clubs';
import type { Translator } from '../i18n';
import type { LiveHub } from './hub';
import type { PresenceView } from './types';

/** The stream's URL for a chapter of a reading. */
export function streamPath(clubId: number, readingId: number, chapterId: number): string {
  return `/clubs/${clubId}/live/${readingId}/${chapterId}`;
}

/** The chapter page's contribution, bound to this process's streams. */
export function liveOnChapter(hub: LiveHub) {
  return (ctx: ClubChapterContext): ChapterSlots => {
    // Events after this id are news to the page being drawn: the stream replays them.
    const url = `${streamPath(ctx.access.club.id, ctx.reading.id, ctx.chapter.id)}?since=${hub.currentId(ctx.now)}`;
    return { panels: <LiveConnector t={ctx.t} url={url} />, scripts: ['hx-sse.js', 'live.js'] };
  };
}

/** The presence line as a fragment swapped into the page. */
export function presenceFragment(t: Translator, presence: PresenceView): string {
  return String(
    <hx-partial hx-target="#live-presence" hx-swap="innerHTML settle:0">
      <PresenceLine t={t} presence={presence} />
    </hx-partial>,
  );
}
