/**
 * Turning club facts into the plain data the views show: the club's heading, chapter rows with
 * their opening dates and the viewer's own progress. Decisions come from `policy.ts`.
 */
import type { Db } from '../../db/connection';
import type { Chapter, Reading } from '../../db/schema';
import { chapterName } from '../books';
import type { Translator } from '../i18n';
import { currentReading, type ClubAccess } from './access';
import { chapterOpenTo } from './policy';
import { memberCounts } from './queries';
import { chapterFraction, continueOrdinal, percent } from './reading';
import type { ChapterRowView, ClubHeading } from './types';

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
export async function clubHeading(db: Db, access: ClubAccess, memberCount?: number): Promise<ClubHeading> {
  const club = access.club;
  return {
    id: club.id,
    name: club.name,
    description: club.description,
    language: club.language,
    visibility: club.visibility,
    memberCount: memberCount ?? (await memberCounts(db, [club.id])).get(club.id) ?? 0,
    role: access.role,
  };
}

/** A reading as one reader stands in it: what chapter rows and the continue link are made from. */
export interface ReadingFacts {
  access: ClubAccess;
  reading: Reading;
  chapters: readonly Chapter[];
  /** Opening dates by chapter id. */
  schedule: ReadonlyMap<number, number>;
  progress: number;
  now: number;
  t: Translator;
}

export function chapterRows(input: ReadingFacts & { format: DateFormatter }): ChapterRowView[] {
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

/**
 * Where a reader picks the book up: the first chapter open to them past their progress
 * (members), or the first open chapter (everyone else); null when none is open.
 */
export function continueLink(input: ReadingFacts): { href: string; title: string } | null {
  const { access, reading, chapters, schedule, progress, now, t } = input;
  const readable = chapters.filter((chapter) => chapterOpenTo(access, schedule.get(chapter.id) ?? null, now));
  const ordinal = continueOrdinal(readable, access.isMember ? progress : 0);
  const chapter = chapters.find((candidate) => candidate.ordinal === ordinal);
  return chapter ? { href: `${chapterBasePath(access.club.id, reading)}/${chapter.ordinal}`, title: chapterLabel(t, chapter) } : null;
}

/**
 * What a club page's header shows: the club's heading and its current reading (for the tabs).
 * A caller that has already loaded the current reading passes it (`null` when there is none).
 */
export async function clubHeader(db: Db, access: ClubAccess, current?: { id: number } | null): Promise<{ club: ClubHeading; currentReadingId: number | null }> {
  const [club, reading] = await Promise.all([clubHeading(db, access), current === undefined ? currentReading(db, access.club.id) : current]);
  return { club, currentReadingId: reading?.id ?? null };
}

/** The header, and whether the reader moderates (the pages whose views take both). */
export async function clubFrame(db: Db, access: ClubAccess): Promise<{ club: ClubHeading; isModerator: boolean; currentReadingId: number | null }> {
  return { ...(await clubHeader(db, access)), isModerator: access.isModerator };
}
