/**
 * Input limits of the clubs area, checked on the server for every form. Error messages are
 * catalogue keys (`clubs.error.*`), so a refused field becomes a sentence in the reader's language.
 */
import { z } from 'zod';
import { cleanText } from '../http/forms';
import { parseWallTime } from '../i18n/zoned-time';

export const CLUB_NAME_MAX = 80;
export const CLUB_DESCRIPTION_MAX = 500;
/** Languages a club may say it reads and talks in. */
export const CLUB_LANGUAGES = ['ko', 'en', 'ja', 'zh', 'fr', 'de', 'es'] as const;
export const INVITATION_MAX_USES = 100;
/** From one hour to thirty days. */
export const INVITATION_MIN_HOURS = 1;
export const INVITATION_MAX_HOURS = 30 * 24;
export const SCHEDULE_MAX_EVERY_DAYS = 365;
/** Schedule dates outside these years are surely a typo. */
export const SCHEDULE_MIN_YEAR = 2000;
export const SCHEDULE_MAX_YEAR = 2999;

const codePoints = (value: string) => [...value].length;
const FORBIDDEN_IN_LINE = /[\p{Cc}\p{Cf}\p{Co}\p{Cn}]/u;
const FORBIDDEN_IN_TEXT = /[\p{Cf}\p{Co}\p{Cn}]|[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/u;

/** A whole number from a form field, within limits. */
function wholeNumber(min: number, max: number, error: string) {
  return z.preprocess(
    (value) => {
      const text = cleanText(value);
      return /^\d{1,9}$/.test(text) ? Number(text) : Number.NaN;
    },
    z.number({ error }).int({ error }).min(min, { error }).max(max, { error }),
  );
}

export const clubSchema = z.object({
  name: z.preprocess(
    (value) => cleanText(value).replace(/\s+/g, ' '),
    z
      .string()
      .refine((name) => codePoints(name) >= 1 && codePoints(name) <= CLUB_NAME_MAX, { error: 'clubs.error.name_length' })
      .refine((name) => !FORBIDDEN_IN_LINE.test(name), { error: 'clubs.error.name_chars' }),
  ),
  description: z.preprocess(
    (value) => cleanText(value).replace(/\r\n?/g, '\n'),
    z
      .string()
      .refine((text) => codePoints(text) <= CLUB_DESCRIPTION_MAX, { error: 'clubs.error.description_length' })
      .refine((text) => !FORBIDDEN_IN_TEXT.test(text), { error: 'clubs.error.description_chars' }),
  ),
  language: z.preprocess(cleanText, z.enum(CLUB_LANGUAGES, { error: 'clubs.error.language' })),
  visibility: z.preprocess(cleanText, z.enum(['private', 'public'], { error: 'clubs.error.visibility' })),
});

export const invitationSchema = z.object({
  role: z.preprocess((value) => cleanText(value) || 'member', z.enum(['member', 'moderator'], { error: 'clubs.error.invite_role' })),
  expiresInHours: wholeNumber(INVITATION_MIN_HOURS, INVITATION_MAX_HOURS, 'clubs.error.invite_expiry'),
  maxUses: wholeNumber(1, INVITATION_MAX_USES, 'clubs.error.invite_max_uses'),
});

export const pickBookSchema = z.object({
  editionId: wholeNumber(1, 999_999_999, 'clubs.error.edition'),
});

const wallTime = z.preprocess(
  cleanText,
  z.string().refine(
    (value) => {
      const wall = parseWallTime(value);
      return wall !== null && wall.year >= SCHEDULE_MIN_YEAR && wall.year <= SCHEDULE_MAX_YEAR;
    },
    { error: 'clubs.error.schedule_date' },
  ),
);

export const scheduleSchema = z.discriminatedUnion('action', [
  z.object({
    action: z.literal('set'),
    fromOrdinal: wholeNumber(1, 999_999, 'clubs.error.schedule_chapter'),
    toOrdinal: wholeNumber(1, 999_999, 'clubs.error.schedule_chapter'),
    opensAt: wallTime,
    everyDays: z.preprocess((value) => cleanText(value) || '0', wholeNumber(0, SCHEDULE_MAX_EVERY_DAYS, 'clubs.error.schedule_every')),
  }),
  z.object({
    action: z.literal('clear'),
    fromOrdinal: wholeNumber(1, 999_999, 'clubs.error.schedule_chapter'),
    toOrdinal: wholeNumber(1, 999_999, 'clubs.error.schedule_chapter'),
  }),
], { error: 'clubs.error.schedule_action' });

export const transferSchema = z.object({
  userId: wholeNumber(1, 999_999_999, 'clubs.error.transfer_member'),
  confirm: z.literal('yes', { error: 'clubs.error.transfer_confirm' }),
});

export const roleChangeSchema = z.object({
  role: z.enum(['member', 'moderator'], { error: 'clubs.error.role' }),
});

export const progressSchema = z.object({
  position: wholeNumber(1, 999_999_999, 'clubs.error.position'),
  /** `auto`: reported by the page's script (the shared rule decides); `forward` / `set`: the reader's own choice. */
  mode: z.preprocess((value) => cleanText(value) || 'forward', z.enum(['auto', 'forward', 'set'], { error: 'clubs.error.position' })),
});

export const hideProgressSchema = z.object({
  hidden: z.enum(['yes', 'no'], { error: 'clubs.error.hidden' }),
});
