/**
 * Turning club facts into the plain data the views show: the club's heading, chapter rows with
 * their opening dates and the viewer's own progress. Decisions come from `policy.ts`.
 */
import type { Db } from '../../db/connection';
import type { Chapter, Reading } from '../../db/schema';
import type { ChapterRowView, ClubHeading } from '../../views/clubs/parts';
import { chapterName } from '../books/reading-order';
import type { Translator } from '../i18n';
import type { ClubAccess } from './access';
import { chapterOpenTo } from './policy';
import { memberCounts } from './queries';
import { chapterFraction, percent } from './reading';

export type DateFormatter = (utcMs: number) => string;

/** A chapter's name for people, as every page says it (`chapterName`: the book's own title). */
export function chapterLabel(t: Translator, chapter: Pick<Chapter, 'title' | 'kind'>): string {
  return chapterName(t, chapter);
}

/** Chapters of the current reading live at `/clubs/:id/chapters/:n`; earlier readings keep their own path. */
export function chapterBasePath(clubId: number, reading: Pick<Reading, 'id' | 'endedAt'>): string {
  return reading.endedAt === null ? `/clubs/${clubId}/chapters` : `/clubs/${clubId}/readings/${reading.id}/chapters`;
}

/** The heading of every club page; counts the members unless the caller already knows. */
export function clubHeading(db: Db, access: ClubAccess, memberCount?: number): ClubHeading {
  const club = access.club;
  return {
    id: club.id,
    name: club.name,
    description: club.description,
    language: club.language,
    visibility: club.visibility,
    memberCount: memberCount ?? memberCounts(db, [club.id]).get(club.id) ?? 0,
    role: access.role,
  };
}

export function chapterRows(input: {
  access: ClubAccess;
  reading: Reading;
  chapters: readonly Chapter[];
  schedule: ReadonlyMap<number, number>;
  progress: number;
  now: number;
  format: DateFormatter;
  t: Translator;
}): ChapterRowView[] {
  const { access, reading, chapters, schedule, progress, now, format, t } = input;
  const base = chapterBasePath(access.club.id, reading);
  return chapters.map((chapter) => {
    const opensAt = schedule.get(chapter.id) ?? null;
    return {
      ordinal: chapter.ordinal,
      title: chapterLabel(t, chapter),
      href: `${base}/${chapter.ordinal}`,
      opensAtText: opensAt === null ? null : format(opensAt),
      closedToMembers: opensAt !== null && opensAt > now,
      openToViewer: chapterOpenTo(access, opensAt, now),
      myPercent: access.isMember ? percent(chapterFraction(progress, chapter)) : null,
    };
  });
}
