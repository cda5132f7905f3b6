/**
 * What the search area contributes to club pages (slots of `src/clubs/slots.ts`, registered in
 * `src/app.tsx`): a search box on the club home's side column and among the chapter page's
 * panels. The results load below the box (htmx) or on the search page (no JavaScript).
 */
import { SearchPanel } from '../../views/search/parts';
import type { ChapterSlots, ClubChapterContext, ClubHomeContext, ClubHomeSlots } from '../clubs';
import { searchCan } from './policy';
import { clubSearchBox } from './routes';

export function searchOnClubHome(ctx: ClubHomeContext): ClubHomeSlots {
  if (!ctx.reading || !searchCan({ access: ctx.access }, 'searchClub')) return {};
  return { panels: <SearchPanel t={ctx.t} box={clubSearchBox(ctx.access.club.id)} /> };
}

export function searchOnChapter(ctx: ClubChapterContext): ChapterSlots {
  if (ctx.reading.endedAt !== null || !searchCan({ access: ctx.access }, 'searchClub')) return {};
  return { panels: <SearchPanel t={ctx.t} box={clubSearchBox(ctx.access.club.id)} /> };
}
