/**
 * Pure logic of a club's reading: progress as fractions, opening dates for a run of chapters,
 * where the club is in its schedule, and what state an invitation is in. No I/O.
 */
import { bodyStartPosition, type ChapterKind } from '../books';
import { addDays, parseWallTime, toDateTimeLocalValue, wallTimeAt, wallTimeToUtc } from '../i18n/zoned-time';

export type ProgressMode = 'forward' | 'set';

/** The stored position after a report: forward only, unless the reader deliberately sets it. */
export function nextProgress(old: number, reported: number, mode: ProgressMode): number {
  return mode === 'set' ? reported : Math.max(old, reported);
}

export interface ChapterSpan {
  firstPosition: number;
  lastPosition: number;
  paragraphCount: number;
}

/** How much of a chapter a progress position covers, 0 … 1. */
export function chapterFraction(progress: number, chapter: ChapterSpan): number {
  if (chapter.paragraphCount <= 0 || progress < chapter.firstPosition) return 0;
  if (progress >= chapter.lastPosition) return 1;
  return (progress - chapter.firstPosition + 1) / chapter.paragraphCount;
}

/** How much of the book a progress position covers, 0 … 1. */
export function bookFraction(progress: number, paragraphCount: number): number {
  if (paragraphCount <= 0) return 0;
  return Math.min(1, Math.max(0, progress / paragraphCount));
}

/** Whole percent, rounded down so 99.6 % is not shown as finished. */
export function percent(fraction: number): number {
  return Math.floor(fraction * 100 + 1e-9);
}

/**
 * The chapter a reader should continue in: the one holding the next unread paragraph. Someone
 * who has read nothing (or only some of the front matter) starts at the body, not at the
 * copyright page (`bodyStartPosition`).
 */
export function continueOrdinal<C extends ChapterSpan & { ordinal: number; kind: ChapterKind }>(chapters: readonly C[], progress: number): number | null {
  if (chapters.length === 0) return null;
  const from = Math.max(progress, bodyStartPosition(chapters) - 1);
  const next = chapters.find((chapter) => chapter.lastPosition > from);
  return (next ?? chapters[chapters.length - 1]!).ordinal;
}

export interface SchedulePlanInput {
  fromOrdinal: number;
  toOrdinal: number;
  /** `datetime-local` value of the first opening. */
  startsAt: string;
  /** 0: every chapter of the run opens at the same time; N: each chapter N days after the previous one. */
  everyDays: number;
  timeZone: string;
}

/** Opening instants for a run of chapters, stepping on the calendar in the reader's zone. */
export function planOpenings(input: SchedulePlanInput): { ordinal: number; opensAt: number }[] | null {
  const start = parseWallTime(input.startsAt);
  if (!start || input.fromOrdinal > input.toOrdinal) return null;
  const plan: { ordinal: number; opensAt: number }[] = [];
  for (let ordinal = input.fromOrdinal, step = 0; ordinal <= input.toOrdinal; ordinal++, step++) {
    plan.push({ ordinal, opensAt: wallTimeToUtc(addDays(start, step * input.everyDays), input.timeZone) });
  }
  return plan;
}

/**
 * What the schedule form offers, so that after saving a run it shows the next one instead of
 * starting over at "chapter 1 → last, no date":
 * - nothing dated yet: from the first chapter of the body (not the copyright page) to the last;
 * - otherwise from the chapter after the last dated one to the last chapter, opening one step
 *   after it, the step being the days between the last two dated chapters (0: no date offered);
 * - every chapter dated: the last run as saved (its first chapter, date and step).
 */
export function scheduleFormDefaults(
  chapters: readonly { ordinal: number; kind: ChapterKind; opensAt: number | null }[],
  timeZone: string,
): { fromOrdinal: string; toOrdinal: string; opensAt: string; everyDays: string } {
  const last = chapters[chapters.length - 1]?.ordinal ?? 1;
  const dated = chapters.filter((chapter) => chapter.opensAt !== null);
  const latest = dated[dated.length - 1];
  if (!latest) {
    const first = chapters.find((chapter) => chapter.kind === 'body') ?? chapters[0];
    return { fromOrdinal: String(first?.ordinal ?? 1), toOrdinal: String(last), opensAt: '', everyDays: '0' };
  }
  const before = dated[dated.length - 2];
  const step = before ? Math.max(0, Math.round((latest.opensAt! - before.opensAt!) / 86_400_000)) : 0;
  if (latest.ordinal >= last) {
    // Everything is dated: show the last run as it was saved.
    let start = dated.length - 1;
    while (start > 0 && Math.round((dated[start]!.opensAt! - dated[start - 1]!.opensAt!) / 86_400_000) === step && dated[start - 1]!.ordinal === dated[start]!.ordinal - 1) start -= 1;
    const first = dated[start]!;
    return { fromOrdinal: String(first.ordinal), toOrdinal: String(last), opensAt: toDateTimeLocalValue(first.opensAt!, timeZone), everyDays: String(step) };
  }
  const next = step > 0 ? toDateTimeLocalValue(wallTimeToUtc(addDays(wallTimeAt(latest.opensAt!, timeZone), step), timeZone), timeZone) : '';
  return { fromOrdinal: String(latest.ordinal + 1), toOrdinal: String(last), opensAt: next, everyDays: String(step) };
}

export interface ScheduledChapter {
  ordinal: number;
  title: string;
  opensAt: number | null;
}

export interface ScheduleSummary {
  /** Chapters open to members now. */
  openCount: number;
  total: number;
  /** Ordinal of the last chapter in reading order that is open, with all before it open. */
  openThrough: number;
  /** The next chapter to open, if any is still closed. */
  nextOpening: { ordinal: number; title: string; opensAt: number } | null;
}

/** Where the club is in its schedule at `now`. */
export function scheduleSummary(chapters: readonly ScheduledChapter[], now: number): ScheduleSummary {
  const isOpen = (chapter: ScheduledChapter) => chapter.opensAt === null || chapter.opensAt <= now;
  let openThrough = 0;
  for (const chapter of chapters) {
    if (!isOpen(chapter)) break;
    openThrough = chapter.ordinal;
  }
  let nextOpening: ScheduleSummary['nextOpening'] = null;
  for (const chapter of chapters) {
    if (isOpen(chapter) || chapter.opensAt === null) continue;
    if (!nextOpening || chapter.opensAt < nextOpening.opensAt) nextOpening = { ordinal: chapter.ordinal, title: chapter.title, opensAt: chapter.opensAt };
  }
  return { openCount: chapters.filter(isOpen).length, total: chapters.length, openThrough, nextOpening };
}

export type InvitationState = 'active' | 'expired' | 'used_up' | 'revoked';

export function invitationState(invitation: { revokedAt: number | null; expiresAt: number; uses: number; maxUses: number }, now: number): InvitationState {
  if (invitation.revokedAt !== null) return 'revoked';
  if (invitation.uses >= invitation.maxUses) return 'used_up';
  if (invitation.expiresAt <= now) return 'expired';
  return 'active';
}
