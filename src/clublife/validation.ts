/**
 * Reading club-life forms: clean values or catalogue keys for the fields that are wrong. Pure.
 *
 * Limits (characters as code points): title 1–200, author 0–200, link 0–500 (http or https
 * only), why 0–300; meeting title 1–120, place 0–200, call link 0–500 (http/https), 1–8
 * candidate times, duration 15–600 minutes; a cancellation's reason 0–500; a question 1–500; an answer or reply 1–2000;
 * a shelf line 0–300, a rating 1–5 or none; a vote ends 1 hour to 60 days from now.
 */
import { cleanText, parseId, type FieldErrors, type FormData } from '../http/forms';
import { zonedWallTimeToUtc } from '../i18n/zoned-time';
import { PICK_METHODS, RSVP_ANSWERS, SHELF_MARKS, SLOT_MARKS, type PickMethod, type RsvpAnswer, type ShelfMark, type SlotMark } from '../../db/schema';

export const LIMITS = {
  title: 200,
  author: 200,
  link: 500,
  why: 300,
  meetingTitle: 120,
  place: 200,
  slots: 8,
  question: 500,
  answer: 2000,
  line: 300,
  cancelReason: 500,
} as const;

const HOUR = 3_600_000;
const length = (s: string) => [...s].length;

type Result<T> = { ok: true; data: T } | { ok: false; errors: FieldErrors };

/** A URL a reader may follow: http or https with a host, nothing else (no `javascript:`). */
export function checkLink(raw: string): string | null | 'bad' {
  const value = cleanText(raw);
  if (value === '') return null;
  if (length(value) > LIMITS.link) return 'bad';
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'bad';
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.hostname === '') return 'bad';
  return url.href;
}

export interface NominationInput {
  editionId: number | null;
  title: string;
  author: string;
  link: string | null;
  reason: string;
}

export function parseNomination(form: FormData): Result<NominationInput> {
  const errors: FieldErrors = {};
  const editionId = form.editionId ? parseId(form.editionId) : null;
  if (form.editionId && editionId === null) errors.editionId = 'clublife.error.no_such_book';
  const title = cleanText(form.title);
  const author = cleanText(form.author);
  const reason = cleanText(form.reason);
  const link = checkLink(form.link ?? '');
  if (editionId === null) {
    if (title === '') errors.title = 'clublife.error.title_required';
    else if (length(title) > LIMITS.title) errors.title = 'clublife.error.too_long';
  }
  if (length(author) > LIMITS.author) errors.author = 'clublife.error.too_long';
  if (link === 'bad') errors.link = 'clublife.error.link';
  if (length(reason) > LIMITS.why) errors.reason = 'clublife.error.too_long';
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, data: { editionId, title, author, link: link === 'bad' ? null : link, reason } };
}

export function parseMethod(value: string | undefined): PickMethod {
  return (PICK_METHODS as readonly string[]).includes(value ?? '') ? (value as PickMethod) : 'ranked';
}

export function parseVoteStart(form: FormData, now: number, timeZone: string): Result<{ method: PickMethod; endsAt: number }> {
  const endsAt = zonedWallTimeToUtc(cleanText(form.endsAt), timeZone);
  if (endsAt === null) return { ok: false, errors: { endsAt: 'clublife.error.date' } };
  if (endsAt < now + HOUR || endsAt > now + 60 * 24 * HOUR) return { ok: false, errors: { endsAt: 'clublife.error.vote_end_range' } };
  return { ok: true, data: { method: parseMethod(form.method), endsAt } };
}

/**
 * A ballot from the vote form. Ranked: `rank_<nominationId>` = 1…n (blank = not ranked), the
 * ranks must be distinct; approval: `approve` checkboxes (`approve_<id>` = on). Unknown ids are
 * refused; at least one choice.
 */
export function parsePickBallot(form: FormData, method: PickMethod, nominationIds: readonly number[]): Result<number[]> {
  const known = new Set(nominationIds);
  if (method === 'approval') {
    const chosen = nominationIds.filter((id) => form[`approve_${id}`] === 'on');
    const stray = Object.keys(form).filter((k) => k.startsWith('approve_') && !known.has(Number(k.slice(8))));
    if (stray.length > 0) return { ok: false, errors: { ballot: 'clublife.error.ballot' } };
    return chosen.length === 0 ? { ok: false, errors: { ballot: 'clublife.error.ballot_empty' } } : { ok: true, data: chosen };
  }
  const ranked: { id: number; rank: number }[] = [];
  for (const [key, value] of Object.entries(form)) {
    if (!key.startsWith('rank_') || value === '') continue;
    const id = Number(key.slice(5));
    const rank = parseId(value);
    if (!known.has(id) || rank === null || rank > nominationIds.length) return { ok: false, errors: { ballot: 'clublife.error.ballot' } };
    ranked.push({ id, rank });
  }
  if (ranked.length === 0) return { ok: false, errors: { ballot: 'clublife.error.ballot_empty' } };
  if (new Set(ranked.map((r) => r.rank)).size !== ranked.length) return { ok: false, errors: { ballot: 'clublife.error.ballot_ranks' } };
  return { ok: true, data: ranked.sort((a, b) => a.rank - b.rank).map((r) => r.id) };
}

export interface MeetingDetails {
  title: string;
  place: string;
  callLink: string | null;
  durationMinutes: number;
  chapterId: number | null;
}

export interface MeetingInput extends MeetingDetails {
  startsAt: number | null;
  slots: number[];
}

/** What a meeting says apart from its time (proposing and editing): title, place or call link, length, chapter. Adds to `errors`. */
function readMeetingDetails(form: FormData, errors: FieldErrors): MeetingDetails {
  const title = cleanText(form.title);
  const place = cleanText(form.place);
  const callLink = checkLink(form.callLink ?? '');
  if (title === '') errors.title = 'clublife.error.title_required';
  else if (length(title) > LIMITS.meetingTitle) errors.title = 'clublife.error.too_long';
  if (length(place) > LIMITS.place) errors.place = 'clublife.error.too_long';
  if (callLink === 'bad') errors.callLink = 'clublife.error.link';
  if (place === '' && (callLink === null || callLink === 'bad') && !errors.callLink) errors.place = 'clublife.error.place_or_link';
  const duration = Number(form.durationMinutes || 90);
  if (!Number.isInteger(duration) || duration < 15 || duration > 600) errors.durationMinutes = 'clublife.error.duration';
  const chapterId = form.chapterId ? parseId(form.chapterId) : null;
  return { title, place, callLink: callLink === 'bad' ? null : callLink, durationMinutes: duration, chapterId };
}

/** A fixed time (`startsAt`, a wall time in the reader's zone), in the future. Adds to `errors`. */
function readStartsAt(form: FormData, now: number, timeZone: string, errors: FieldErrors): number | null {
  const startsAt = zonedWallTimeToUtc(cleanText(form.startsAt), timeZone);
  if (startsAt === null) errors.startsAt = 'clublife.error.date';
  else if (startsAt <= now) errors.startsAt = 'clublife.error.past';
  return startsAt;
}

/** `when` = `fixed` (one `startsAt`) or `poll` (`slot_1`…`slot_8`). Times are wall times in the reader's zone, in the future. */
export function parseMeeting(form: FormData, now: number, timeZone: string): Result<MeetingInput> {
  const errors: FieldErrors = {};
  const details = readMeetingDetails(form, errors);
  let startsAt: number | null = null;
  const slots: number[] = [];
  if (form.when === 'poll') {
    for (let i = 1; i <= LIMITS.slots; i += 1) {
      const raw = cleanText(form[`slot_${i}`]);
      if (raw === '') continue;
      const at = zonedWallTimeToUtc(raw, timeZone);
      if (at === null || at <= now) errors[`slot_${i}`] = at === null ? 'clublife.error.date' : 'clublife.error.past';
      else if (!slots.includes(at)) slots.push(at);
    }
    if (slots.length < 2 && !Object.keys(errors).some((k) => k.startsWith('slot_'))) errors.slot_1 = 'clublife.error.two_slots';
  } else {
    startsAt = readStartsAt(form, now, timeZone, errors);
  }
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, data: { ...details, startsAt, slots: slots.sort((a, b) => a - b) } };
}

/**
 * The edit form of a meeting: the same details and limits as proposing, and, for a meeting with
 * a fixed time, its time (in the future). A meeting still choosing among candidate times keeps
 * its candidates (`startsAt` is null here).
 */
export function parseMeetingEdit(form: FormData, fixedTime: boolean, now: number, timeZone: string): Result<MeetingDetails & { startsAt: number | null }> {
  const errors: FieldErrors = {};
  const details = readMeetingDetails(form, errors);
  const startsAt = fixedTime ? readStartsAt(form, now, timeZone, errors) : null;
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, data: { ...details, startsAt } };
}

/** A cancellation's reason: optional, up to {@link LIMITS.cancelReason} characters. */
export function parseCancelReason(form: FormData): Result<string> {
  const reason = cleanText(form.reason);
  if (length(reason) > LIMITS.cancelReason) return { ok: false, errors: { reason: 'clublife.error.too_long' } };
  return { ok: true, data: reason };
}

export function parseMarks(form: FormData, slotIds: readonly number[]): { slotId: number; mark: SlotMark }[] | null {
  const marks: { slotId: number; mark: SlotMark }[] = [];
  for (const slotId of slotIds) {
    const value = form[`slot_${slotId}`];
    if (value === undefined || value === '') continue;
    if (!(SLOT_MARKS as readonly string[]).includes(value)) return null;
    marks.push({ slotId, mark: value as SlotMark });
  }
  return marks.length > 0 ? marks : null;
}

export function parseRsvp(value: string | undefined): RsvpAnswer | null {
  return (RSVP_ANSWERS as readonly string[]).includes(value ?? '') ? (value as RsvpAnswer) : null;
}

export function parseText(raw: string | undefined, max: number): { ok: true; value: string } | { ok: false; key: 'clublife.error.required' | 'clublife.error.too_long' } {
  const value = cleanText(raw);
  if (value === '') return { ok: false, key: 'clublife.error.required' };
  if (length(value) > max) return { ok: false, key: 'clublife.error.too_long' };
  return { ok: true, value };
}

export function parseShelfMark(form: FormData): Result<{ mark: ShelfMark; rating: number | null; line: string }> {
  const errors: FieldErrors = {};
  const mark = form.mark as ShelfMark;
  if (!(SHELF_MARKS as readonly string[]).includes(form.mark ?? '')) errors.mark = 'clublife.error.required';
  let rating: number | null = null;
  if (form.rating) {
    rating = Number(form.rating);
    if (!Number.isInteger(rating) || rating < 1 || rating > 5) errors.rating = 'clublife.error.rating';
  }
  const line = cleanText(form.line);
  if (length(line) > LIMITS.line) errors.line = 'clublife.error.too_long';
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, data: { mark, rating, line } };
}
