/**
 * Wall-clock time in a reader's time zone, with nothing but `Intl`.
 *
 * A schedule date is typed into `<input type="datetime-local">`, which yields a wall time with
 * no zone ("2026-11-20T19:00"). We read it in the reader's zone (their setting, else the
 * server's) and store UTC milliseconds. Across a daylight-saving change the same wall time can
 * be missing (clocks jump forward) or happen twice (clocks fall back); like Temporal's
 * `disambiguation: 'compatible'`, a missing time moves forward by the gap and a repeated time
 * takes the earlier instant.
 *
 * @example
 * zonedWallTimeToUtc('2026-11-20T19:00', 'Asia/Seoul'); // Date.UTC(2026, 10, 20, 10, 0)
 * formatDateTime(ms, 'ko', 'Asia/Seoul'); // '2026년 11월 20일 오후 7:00'
 */

const WALL_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/;
const DAY_MS = 86_400_000;

export interface WallTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

/** Parses `YYYY-MM-DDTHH:mm[:ss]`; null for anything malformed or impossible (Feb 30, 25:00). */
export function parseWallTime(value: string): WallTime | null {
  const match = WALL_TIME.exec(value);
  if (!match) return null;
  const [year, month, day, hour, minute, second] = match.slice(1).map((part) => Number(part ?? 0)) as [number, number, number, number, number, number];
  if (month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59) return null;
  const check = new Date(Date.UTC(year, month - 1, day));
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) return null;
  return { year, month, day, hour, minute, second };
}

const partFormatters = new Map<string, Intl.DateTimeFormat>();

function partsFormatter(timeZone: string): Intl.DateTimeFormat {
  let formatter = partFormatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    partFormatters.set(timeZone, formatter);
  }
  return formatter;
}

/** The wall time shown by clocks in `timeZone` at the instant `utcMs`. */
export function wallTimeAt(utcMs: number, timeZone: string): WallTime {
  const parts: Record<string, number> = {};
  for (const part of partsFormatter(timeZone).formatToParts(utcMs)) if (part.type !== 'literal') parts[part.type] = Number(part.value);
  return { year: parts.year!, month: parts.month!, day: parts.day!, hour: parts.hour! % 24, minute: parts.minute!, second: parts.second! };
}

function wallAsUtc(wall: WallTime): number {
  return Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second);
}

/** Offset of `timeZone` from UTC at `utcMs`, in ms (Seoul: +9 h). */
export function zoneOffsetAt(utcMs: number, timeZone: string): number {
  const whole = Math.floor(utcMs / 1000) * 1000;
  return wallAsUtc(wallTimeAt(whole, timeZone)) - whole;
}

/** UTC milliseconds of a wall time in `timeZone`; see the module comment for DST gaps and overlaps. */
export function wallTimeToUtc(wall: WallTime, timeZone: string): number {
  const local = wallAsUtc(wall);
  // The offsets in force a day either side cover any transition near this wall time.
  const before = zoneOffsetAt(local - DAY_MS, timeZone);
  const after = zoneOffsetAt(local + DAY_MS, timeZone);
  const candidates = [...new Set([before, after])].map((offset) => local - offset).filter((utc) => wallAsUtc(wallTimeAt(utc, timeZone)) === local);
  if (candidates.length > 0) return Math.min(...candidates);
  // A gap: read the wall time with the offset from before the jump, which lands after it.
  return local - before;
}

/** `<input type="datetime-local">` value in `timeZone` → UTC ms, or null when malformed. */
export function zonedWallTimeToUtc(value: string, timeZone: string): number | null {
  const wall = parseWallTime(value);
  return wall ? wallTimeToUtc(wall, timeZone) : null;
}

/** Adds whole days to a wall time on the calendar (7 pm stays 7 pm across a DST change). */
export function addDays(wall: WallTime, days: number): WallTime {
  const date = new Date(Date.UTC(wall.year, wall.month - 1, wall.day + days));
  return { ...wall, year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() };
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** The `datetime-local` value for an instant as seen in `timeZone` (minutes precision). */
export function toDateTimeLocalValue(utcMs: number, timeZone: string): string {
  const w = wallTimeAt(utcMs, timeZone);
  return `${pad(w.year, 4)}-${pad(w.month)}-${pad(w.day)}T${pad(w.hour)}:${pad(w.minute)}`;
}

/** The time zone of the machine running the server. */
let serverZone: string | undefined;

/** The server's own time zone (asked of ICU once; it is costly and does not change while we run). */
export function serverTimeZone(): string {
  serverZone ??= Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  return serverZone;
}

const knownZones = new Map<string, boolean>();

/** The zone dates are shown in for a reader: their setting when it is a real zone, else the server's. */
export function viewerTimeZone(setting: string | null | undefined): string {
  if (setting) {
    let known = knownZones.get(setting);
    if (known === undefined) {
      try {
        new Intl.DateTimeFormat('en', { timeZone: setting });
        known = true;
      } catch {
        known = false; // an unknown zone falls back to the server's
      }
      if (knownZones.size < 1000) knownZones.set(setting, known);
    }
    if (known) return setting;
  }
  return serverTimeZone();
}

const displayFormatters = new Map<string, Intl.DateTimeFormat>();

/**
 * A date and time for people: long date, short time, in the reader's language and zone. Korean
 * uses the 24-hour clock (`2026년 11월 20일 19:00`), as Korean apps do; this Node's CLDR data
 * would otherwise write the day period in English ("PM 7:00").
 */
export function formatDateTime(utcMs: number, locale: string, timeZone: string): string {
  const key = `${locale}|${timeZone}`;
  let formatter = displayFormatters.get(key);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeStyle: 'short', timeZone, ...(locale.startsWith('ko') ? { hourCycle: 'h23' as const } : {}) });
    displayFormatters.set(key, formatter);
  }
  return formatter.format(utcMs);
}
