import { z } from 'zod';
import { cleanText } from '../http/forms';
import { isLocale } from '../i18n';

export const USERNAME_PATTERN = /^[A-Za-z0-9_-]{3,32}$/;
export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 255;
export const DISPLAY_NAME_MAX = 50;

/** Time zones the reader may pick; Node 20 ships full ICU, so this is the IANA list. */
export const TIME_ZONES: readonly string[] = Intl.supportedValuesOf('timeZone');

const username = z.preprocess(cleanText, z.string().regex(USERNAME_PATTERN, { error: 'auth.error.username_format' }));

/** Letters of any script, marks, digits, spaces and ordinary punctuation; no control or format characters. */
const displayName = z.preprocess(
  (value) => cleanText(value).replace(/\s+/g, ' '),
  z
    .string()
    .refine((name) => [...name].length >= 1 && [...name].length <= DISPLAY_NAME_MAX, { error: 'auth.error.display_name_length' })
    .refine((name) => !/[\p{Cc}\p{Cf}\p{Co}\p{Cn}]/u.test(name), { error: 'auth.error.display_name_chars' }),
);

/** Passwords are not trimmed or normalised beyond NFC: what the reader typed is what counts. */
const password = z.preprocess(
  (value) => (typeof value === 'string' ? value.normalize('NFC') : ''),
  z.string().refine((p) => p.length >= PASSWORD_MIN && p.length <= PASSWORD_MAX, { error: 'auth.error.password_length' }),
);

export const registerSchema = z
  .object({ username, displayName, password, passwordConfirm: z.string().optional() })
  .refine((form) => form.passwordConfirm === undefined || form.passwordConfirm.normalize('NFC') === form.password, {
    path: ['passwordConfirm'],
    error: 'auth.error.password_mismatch',
  });

export const loginSchema = z.object({
  username: z.preprocess(cleanText, z.string().max(64)),
  password: z.preprocess((value) => (typeof value === 'string' ? value.normalize('NFC') : ''), z.string().max(1024)),
});

export const profileSchema = z.object({
  displayName,
  locale: z.preprocess(cleanText, z.string().refine((v) => v === '' || isLocale(v), { error: 'auth.error.locale' })),
  timeZone: z.preprocess(cleanText, z.string().refine((v) => v === '' || TIME_ZONES.includes(v), { error: 'auth.error.time_zone' })),
});

export const passwordChangeSchema = z
  .object({ currentPassword: z.string().max(1024), newPassword: password, newPasswordConfirm: z.string().optional() })
  .refine((form) => form.newPasswordConfirm === undefined || form.newPasswordConfirm.normalize('NFC') === form.newPassword, {
    path: ['newPasswordConfirm'],
    error: 'auth.error.password_mismatch',
  });
