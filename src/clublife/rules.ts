/**
 * The pure rules of club life: how two nominations are recognised as one book, which candidate
 * time wins a date poll, and how RSVPs are counted. No I/O.
 */
import type { RsvpAnswer, SlotMark } from '../../db/schema';

/** NFC, lower case (locale-free), every run of white space one space, other control characters dropped, trimmed. */
export function normaliseForKey(value: string): string {
  return value
    .normalize('NFC')
    .toLowerCase()
    .replace(/[\u0000-\u0008\u000e-\u001f\u007f]/gu, '')
    .replace(/\s+/gu, ' ')
    .trim();
}

/** Between title and author in a key: a control character, so never part of either (normalised). */
const KEY_SEPARATOR = '\u001f';

/**
 * The key two nominations share when they are the same book: a library book is itself
 * (`book:<id>`, whatever edition was chosen), anything else is its title and author
 * normalised ("  Der  Process " by "kafka" = "Der Process" by "Kafka"), joined by the unit
 * separator (U+001F; not NUL, which PostgreSQL's text cannot hold).
 */
export function nominationKey(input: { bookId: number | null; title: string; author: string }): string {
  if (input.bookId !== null) return `book:${input.bookId}`;
  return `t:${normaliseForKey(input.title)}${KEY_SEPARATOR}${normaliseForKey(input.author)}`;
}

export interface SlotTally {
  slotId: number;
  startsAt: number;
  yes: number;
  maybe: number;
  no: number;
}

/**
 * The date poll's winner rule: the candidate time with the most "yes"; among those, the one
 * with the fewest "no". Every time still level after both is returned (a tie, shown as such;
 * the moderator picks). No marks at all: no winner. "If need be" only counts as not-a-no.
 */
export function dateWinners(tallies: readonly SlotTally[]): SlotTally[] {
  const marked = tallies.filter((t) => t.yes + t.maybe + t.no > 0);
  if (marked.length === 0) return [];
  const mostYes = Math.max(...marked.map((t) => t.yes));
  const top = marked.filter((t) => t.yes === mostYes);
  const fewestNo = Math.min(...top.map((t) => t.no));
  return top.filter((t) => t.no === fewestNo).sort((a, b) => a.startsAt - b.startsAt);
}

/** Counts of marks per slot from rows of `{ slotId, mark }`. */
export function tallySlots(slots: readonly { id: number; startsAt: number }[], marks: readonly { slotId: number; mark: SlotMark }[]): SlotTally[] {
  const bySlot = new Map(slots.map((s) => [s.id, { slotId: s.id, startsAt: s.startsAt, yes: 0, maybe: 0, no: 0 }]));
  for (const m of marks) {
    const t = bySlot.get(m.slotId);
    if (t) t[m.mark] += 1;
  }
  return [...bySlot.values()];
}

export function rsvpCounts(rows: readonly { answer: RsvpAnswer }[]): Record<RsvpAnswer, number> {
  const counts: Record<RsvpAnswer, number> = { going: 0, maybe: 0, not_going: 0 };
  for (const r of rows) counts[r.answer] += 1;
  return counts;
}

/** Books finished per calendar year (in `timeZone`), newest year first. */
export function booksPerYear(endedAts: readonly number[], timeZone: string): { year: number; count: number }[] {
  const format = new Intl.DateTimeFormat('en', { year: 'numeric', timeZone });
  const counts = new Map<number, number>();
  for (const at of endedAts) {
    const year = Number(format.format(at));
    counts.set(year, (counts.get(year) ?? 0) + 1);
  }
  return [...counts.entries()].map(([year, count]) => ({ year, count })).sort((a, b) => b.year - a.year);
}

/** Mean of the ratings given (1–5), one decimal, or null when nobody rated. */
export function averageRating(ratings: readonly (number | null)[]): number | null {
  const given = ratings.filter((r): r is number => r !== null);
  if (given.length === 0) return null;
  return Math.round((given.reduce((a, b) => a + b, 0) / given.length) * 10) / 10;
}

/** The day of an instant in `timeZone`, in the reader's language ("December 1, 2026", "2026년 12월 1일"). */
export function formatDay(ms: number, locale: string, timeZone: string): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone }).format(ms);
}
