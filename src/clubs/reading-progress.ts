/**
 * Reading progress on a club's chapter page: what the page says about it, and what a report
 * from the page may do. The decision of when progress moves by itself is the shared rule in
 * `./progress-rule.js` (the browser runs the same file, served as `/static/progress-rule.js`); this module feeds it the
 * chapter and refuses what it does not allow.
 *
 * Three ways progress changes, each a `mode` of `POST …/progress`:
 * - `auto`: the page's script saw the reader read on. Allowed only as far as the rule allows
 *   from the *stored* position with the time-on-screen evidence sent along (`from` + `dwell`:
 *   milliseconds per paragraph from position `from`), never in a chapter members cannot read
 *   yet (a moderator's preview), and otherwise refused with 409: a report that skips ahead is
 *   a bug or a modified client, and either way must not spoil its reader.
 * - `forward`: the reader said "I have read up to here". Deliberate, so any paragraph of an
 *   open chapter; the page says beforehand how many comments it will open.
 * - `set`: "Set my progress here", the deliberate step back.
 */
import type { Chapter, Edition, Paragraph, Reading } from '../../db/schema';
import { bodyStartPosition, getEdition, listChapters, listParagraphs } from '../books';
import type { AppDeps, AreaDeps } from '../http/types';
import type { Translator } from '../i18n';
import { chapterOpensAt, progressOf, type ClubAccess } from './access';
import { clubCan } from './policy';
import { chapterAtPosition, recordProgress } from './queries';
import { chapterLabel } from './present';
import { automaticAdvance, chapterStanding, readingUnits } from './progress-rule.js';
import { bookFraction, chapterFraction, percent, type ProgressMode } from './reading';
import type { OpenedByProgress } from './slots';
import type { ChapterProgressView } from './types';

/** Most paragraphs one automatic report may carry evidence for (a long chapter, screen by screen). */
export const MAX_EVIDENCE = 5000;
/** Longest time on screen one paragraph may report, in ms (an hour; more says nothing more). */
const MAX_DWELL_REPORTED = 3_600_000;

export type ReportMode = ProgressMode | 'auto';

/** Milliseconds on screen per position, from the report's `from` and comma-separated `dwell`; null when malformed. */
export function parseEvidence(from: string | undefined, dwell: string | undefined): ((position: number) => number) | null {
  if (!from || !/^\d{1,9}$/.test(from) || dwell === undefined || dwell.length > MAX_EVIDENCE * 9) return null;
  const parts = dwell === '' ? [] : dwell.split(',');
  if (parts.length > MAX_EVIDENCE || parts.some((part) => !/^\d{1,7}$/.test(part))) return null;
  const start = Number(from);
  const times = parts.map((part) => Math.min(Number(part), MAX_DWELL_REPORTED));
  return (position) => times[position - start] ?? 0;
}

export type ReportVerdict = { ok: true; position: number; mode: ProgressMode } | { ok: false; reason: 'skip' | 'preview' };

/**
 * What a progress report may do. Pure: the chapter's paragraphs, the stored position and where
 * the body starts come from the caller.
 */
export function judgeReport(input: {
  mode: ReportMode;
  position: number;
  stored: number;
  bodyStart: number;
  paragraphs: readonly Pick<Paragraph, 'position' | 'text'>[];
  /** The chapter opens to members later than now: a moderator's preview. */
  preview: boolean;
  evidence: { from?: string; dwell?: string };
}): ReportVerdict {
  if (input.mode !== 'auto') return { ok: true, position: input.position, mode: input.mode };
  if (input.preview) return { ok: false, reason: 'preview' };
  if (input.position <= input.stored) return { ok: true, position: input.position, mode: 'forward' };
  const dwellMs = parseEvidence(input.evidence.from, input.evidence.dwell);
  if (!dwellMs) return { ok: false, reason: 'skip' };
  const { to } = automaticAdvance({
    stored: input.stored,
    bodyStart: input.bodyStart,
    paragraphs: input.paragraphs.map((paragraph) => ({ position: paragraph.position, units: readingUnits(paragraph.text) })),
    dwellMs,
  });
  return input.position <= to ? { ok: true, position: input.position, mode: 'forward' } : { ok: false, reason: 'skip' };
}

/**
 * `judgeReport` for a report posted to a chapter of a reading: loads the stored position, the
 * chapter's paragraphs and where the body starts.
 */
export async function judgeReportFor(
  deps: Pick<AppDeps, 'db'>,
  report: { reading: Reading; edition: Edition; chapter: Chapter; userId: number; mode: ReportMode; position: number; preview: boolean; form: Record<string, string | undefined> },
): Promise<ReportVerdict> {
  if (report.mode !== 'auto') return { ok: true, position: report.position, mode: report.mode };
  const [stored, chapters, paragraphs] = await Promise.all([
    progressOf(deps.db, report.reading.id, report.userId),
    listChapters(deps.db, report.edition.id),
    listParagraphs(deps.db, report.chapter.id),
  ]);
  return judgeReport({
    mode: report.mode,
    position: report.position,
    stored,
    bodyStart: bodyStartPosition(chapters),
    paragraphs,
    preview: report.preview,
    evidence: { from: report.form.from, dwell: report.form.dwell },
  });
}

/**
 * The progress part of a chapter page for a member: the meters, where the chapter stands for
 * them (reading on, already read, or ahead — with the chapter their progress is in), whether
 * the script may report automatically, and for each unread paragraph how many comments
 * "I have read up to here" would open.
 */
export async function chapterProgressFor(input: {
  deps: AppDeps;
  access: ClubAccess;
  reading: Reading;
  edition: Edition;
  chapter: Chapter;
  /** The chapter's paragraphs (empty when only the meters are wanted: then nothing is counted). */
  paragraphs: readonly Paragraph[];
  progress: number;
  preview: boolean;
  t: Translator;
  /** Counts for the "I have read up to here" buttons, from the areas that know (`ClubPageContributions.openedByProgress`). */
  openedByProgress?: OpenedByProgress;
}): Promise<ChapterProgressView> {
  const { chapter, progress } = input;
  const chapters = await listChapters(input.deps.db, input.edition.id);
  const bodyStart = bodyStartPosition(chapters);
  const standing = chapterStanding({ stored: progress, bodyStart, firstPosition: chapter.firstPosition, lastPosition: chapter.lastPosition });
  const progressChapter = progress > 0 ? chapters.find((other) => other.firstPosition <= progress && progress <= other.lastPosition) : undefined;
  const unread = input.paragraphs.filter((paragraph) => paragraph.kind === 'text' && paragraph.position > progress).map((paragraph) => paragraph.position);
  const opens = input.openedByProgress && unread.length > 0 ? await input.openedByProgress(input, unread) : new Map<number, number>();
  return {
    url: `/clubs/${input.access.club.id}/readings/${input.reading.id}/progress`,
    position: progress,
    chapterPercent: percent(chapterFraction(progress, chapter)),
    bookPercent: percent(bookFraction(progress, input.edition.paragraphCount)),
    standing,
    progressChapter: progressChapter ? chapterLabel(input.t, progressChapter) : null,
    bodyStart,
    automatic: !input.preview && standing === 'reading',
    opens,
  };
}

/** Why a progress move was refused (a translated message on the page, a problem in the API). */
export type ProgressRefusal = 'position' | 'position_closed' | 'preview' | 'skip';

/**
 * Moves `access`'s reader's progress in `reading` to `position` (the caller asked `clubCan(access,
 * 'recordProgress')` first): the position must be in a chapter open to the reader, and an `auto`
 * report only as far as the shared rule allows. Publishes `progress.moved`. The chapter page's
 * POST and the JSON API both call this.
 */
export async function moveProgress(
  deps: AreaDeps,
  access: ClubAccess,
  reading: Reading,
  report: { position: number; mode: ReportMode; form: Record<string, string | undefined> },
): Promise<{ ok: true; stored: number; chapter: Chapter; edition: Edition } | { ok: false; reason: ProgressRefusal }> {
  const { db, clock } = deps;
  const edition = (await getEdition(db, reading.editionId))!;
  const chapter = await chapterAtPosition(db, edition.id, report.position);
  if (!chapter) return { ok: false, reason: 'position' };
  const now = clock();
  const opensAt = await chapterOpensAt(db, reading.id, chapter.id);
  if (!clubCan(access, 'readChapter', { opensAt, now })) return { ok: false, reason: 'position_closed' };
  const verdict = await judgeReportFor(deps, { reading, edition, chapter, userId: access.userId!, mode: report.mode, position: report.position, preview: opensAt !== null && opensAt > now, form: report.form });
  if (!verdict.ok) return { ok: false, reason: verdict.reason };
  const stored = await recordProgress(db, reading.id, access.userId!, verdict.position, verdict.mode, now);
  await deps.events.publish({ type: 'progress.moved', actorId: access.userId, clubId: access.club.id, readingId: reading.id, userId: access.userId!, position: stored });
  return { ok: true, stored, chapter, edition };
}
