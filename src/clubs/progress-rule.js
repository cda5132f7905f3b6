// @ts-check
/**
 * When reading progress may move forward by itself: ONE rule, in one file, used by the browser
 * (`progress.js` imports it to decide what to report) and by the server (the progress route
 * refuses an automatic report the rule does not allow, so a modified or confused client cannot
 * spoil its reader by accident either). Pure: no DOM, no I/O, no clock.
 *
 * Progress moves forward by itself only when the reader reads on from where they are:
 *
 * 1. From their stored position, paragraph after paragraph. The first paragraph that counts is
 *    the one right after the stored position. Front matter is not required reading: a reader
 *    who has not reached the body yet may also start at any chapter up to the body's first
 *    paragraph (the prologue), skipping the copyright page.
 * 2. At a pace a person reads. A paragraph counts as read once it has been on screen for at
 *    least {@link minimumDwellMs} of its length; the run of read paragraphs stops at the first
 *    one that was not (a fast scroll, a skim), and the rest of the chapter does not count.
 * 3. A chapter that starts after that point (opened from the contents, through a `#p-N` link
 *    from a friend, or to see how long it is) is *ahead*: nothing read there moves progress.
 *    Neither does a chapter already read (rereading never moves progress back).
 *
 * The numbers (documented in the README): a paragraph needs 400 ms plus 15 ms per reading
 * unit, at most 30 s. A letter or digit is one unit, a Hangul syllable or a CJK character two
 * (they carry more per character), spaces and punctuation none. 15 ms a unit is 67 units a
 * second: an English reader at 600+ words a minute or a Korean reader at 2,000 syllables a
 * minute, both well above how fast people read, so a real reader always qualifies and a flick
 * never does.
 *
 * How time on screen is measured (only while the page is visible and the reader is not idle,
 * and given to one paragraph at a time, top to bottom) is `progress.js`'s business; this rule
 * only judges the evidence.
 *
 * @example
 * const { to, standing } = automaticAdvance({
 *   stored: 130, bodyStart: 13,
 *   paragraphs: [{ position: 131, units: 12 }, { position: 132, units: 180 }],
 *   dwellMs: (position) => seen.get(position) ?? 0,
 * });
 * // standing 'reading'; to is 132 when both were on screen long enough, 131 when only the first
 */

/** Every paragraph needs at least this long on screen. */
export const BASE_DWELL_MS = 400;
/** …plus this much per reading unit of its text. */
export const DWELL_MS_PER_UNIT = 15;
/** …but never more than this (a very long paragraph is read in several screens). */
export const MAX_DWELL_MS = 30_000;

const WIDE = /[\p{Script=Hangul}\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u;
const COUNTED = /[\p{L}\p{N}]/u;

/**
 * How much there is to read in a text: one unit per letter or digit, two per Hangul syllable
 * or CJK character, none for spaces and punctuation.
 * @param {string} text
 * @returns {number}
 */
export function readingUnits(text) {
  let units = 0;
  for (const ch of text) {
    if (WIDE.test(ch)) units += 2;
    else if (COUNTED.test(ch)) units += 1;
  }
  return units;
}

/**
 * The shortest time on screen in which a person can have read a paragraph of `units`.
 * @param {number} units
 * @returns {number} milliseconds
 */
export function minimumDwellMs(units) {
  return Math.min(MAX_DWELL_MS, BASE_DWELL_MS + Math.max(0, units) * DWELL_MS_PER_UNIT);
}

/**
 * Where a chapter stands for a reader: `read` when all of it is at or before their progress,
 * `reading` when reading on from their progress leads into it, `ahead` when it starts further on.
 * @param {{ stored: number, bodyStart: number, firstPosition: number, lastPosition: number }} input
 * @returns {'read' | 'reading' | 'ahead'}
 */
export function chapterStanding({ stored, bodyStart, firstPosition, lastPosition }) {
  if (lastPosition <= stored) return 'read';
  const start = Math.max(stored + 1, firstPosition);
  return start === stored + 1 || start <= bodyStart ? 'reading' : 'ahead';
}

/**
 * @typedef {{ position: number, units: number }} RuleParagraph
 * @typedef {{
 *   stored: number,
 *   bodyStart: number,
 *   paragraphs: readonly RuleParagraph[],
 *   dwellMs: (position: number) => number,
 * }} AdvanceInput
 * @typedef {{ to: number, standing: 'read' | 'reading' | 'ahead' }} AdvanceDecision
 */

/**
 * How far progress may move by itself, given one chapter's paragraphs (in reading order, with
 * their reading units) and how long each was on screen. `to` is the new position, or `stored`
 * when nothing may move.
 * @param {AdvanceInput} input
 * @returns {AdvanceDecision}
 */
export function automaticAdvance({ stored, bodyStart, paragraphs, dwellMs }) {
  const first = paragraphs[0];
  const last = paragraphs[paragraphs.length - 1];
  if (!first || !last) return { to: stored, standing: 'read' };
  const standing = chapterStanding({ stored, bodyStart, firstPosition: first.position, lastPosition: last.position });
  if (standing !== 'reading') return { to: stored, standing };
  let to = stored;
  for (const paragraph of paragraphs) {
    if (paragraph.position <= stored) continue;
    const dwell = Number(dwellMs(paragraph.position));
    if (Number.isFinite(dwell) && dwell >= minimumDwellMs(paragraph.units)) to = paragraph.position;
    // Front matter may be skipped unread; in the body the run of read paragraphs ends here.
    else if (paragraph.position >= bodyStart) break;
  }
  return { to, standing };
}
