/**
 * The message catalogue. Every string a reader sees goes through `translate()`.
 *
 * Each area keeps its strings in `messages/<area>.ts` as an `en` object (the source of the
 * key type) and a `ko` object that must have exactly the same keys, so a missing translation
 * is a type error, not a blank on the page.
 *
 * The formatting layer, all on the platform's `Intl` (Node 20 has full ICU):
 * - Placeholders are `{name}`. A number is written with `Intl.NumberFormat` in the reader's
 *   language (`3034` → "3,034"); a string is inserted as it is.
 * - `{name, duration}` takes a number of seconds and says it the way people do: "45 seconds",
 *   "about an hour", "약 1시간" (see {@link formatDuration}).
 * - Plurals are families of keys with a CLDR plural category after the last dot
 *   (`clubs.invitations.days.one`, `….other`), as i18next does. Asking for the family
 *   (`t('clubs.invitations.days', { count: 7 })`) picks the member `Intl.PluralRules` names for
 *   `count`, falling back to `.other` (Korean has only `other`). A count is always a family,
 *   so "1 times" and "7 day(s)" cannot be written (the catalogue test checks).
 *
 * ICU MessageFormat (`intl-messageformat`) was considered and not taken: its inline plural
 * syntax changes how every one of the catalogue's placeholders, apostrophes and missing values
 * behave, for two plural categories in English and one in Korean.
 *
 * @example
 * const t = translator('ko');
 * t('home.welcome', { name: '민지' }); // '민지님, 어서 오세요.'
 * translate('en', 'error.429.body', { seconds: 3562 }); // 'Please try again in about an hour.'
 */
import * as account from './messages/account';
import * as api from './messages/api';
import * as annotations from './messages/annotations';
import * as auth from './messages/auth';
import * as books from './messages/books';
import * as clubs from './messages/clubs';
import * as clublife from './messages/clublife';
import * as core from './messages/core';
import * as exportsMessages from './messages/exports';
import * as importMessages from './messages/import';
import * as moderation from './messages/moderation';
import * as live from './messages/live';
import * as notifications from './messages/notifications';
import * as polls from './messages/polls';
import * as search from './messages/search';

export const LOCALES = ['ko', 'en'] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = 'en';
/** The cookie that keeps a signed-out reader's language choice. */
export const LOCALE_COOKIE = 'marginalia_lang';

const catalogues = [core, auth, account, books, clubs, annotations, polls, importMessages, moderation, search, live, clublife, exportsMessages, notifications, api] as const;

type Merge<T extends readonly { en: object }[]> = T extends readonly [infer H, ...infer R]
  ? H extends { en: infer E }
    ? E & (R extends readonly { en: object }[] ? Merge<R> : unknown)
    : never
  : unknown;

type English = Merge<typeof catalogues>;
type CatalogueKey = keyof English & string;
/** `a.b` for every `a.b.other` in the catalogue: a plural family, chosen by its `count`. */
type PluralFamily<K extends string> = K extends `${infer F}.other` ? F : never;
export type MessageKey = CatalogueKey | PluralFamily<CatalogueKey>;
export type MessageParams = Record<string, string | number>;

/** CLDR plural categories, the suffixes of a plural family's keys. */
export const PLURAL_CATEGORIES = ['zero', 'one', 'two', 'few', 'many', 'other'] as const;

const messages: Record<Locale, Record<string, string>> = {
  en: Object.assign({}, ...catalogues.map((c) => c.en)),
  ko: Object.assign({}, ...catalogues.map((c) => c.ko)),
};

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

const numberFormats = new Map<string, Intl.NumberFormat>();
const pluralRules = new Map<string, Intl.PluralRules>();

function numberFormat(locale: string): Intl.NumberFormat {
  let format = numberFormats.get(locale);
  if (!format) numberFormats.set(locale, (format = new Intl.NumberFormat(locale)));
  return format;
}

/** A number as the reader writes it: "3,034" in English and Korean alike, "3.034" in German. */
export function formatNumber(locale: string, value: number): string {
  return numberFormat(locale).format(value);
}

/** The CLDR plural category of `count` in `locale` ("one", "other", …). */
export function pluralCategory(locale: string, count: number): Intl.LDMLPluralRule {
  let rules = pluralRules.get(locale);
  if (!rules) pluralRules.set(locale, (rules = new Intl.PluralRules(locale)));
  return rules.select(count);
}

/**
 * A wait or a span of time in words, as people say it: exact below a minute ("45 seconds"),
 * then rounded the way moment's `humanize` rounds: minutes below 45 of them, hours below 22,
 * else days, with "about" whenever the rounding changed the value ("about 5 minutes",
 * 3,562 s → "about an hour", "약 1시간").
 */
export function formatDuration(locale: Locale, seconds: number): string {
  const s = Math.max(1, Math.ceil(Number.isFinite(seconds) ? seconds : 1));
  if (s < 60) return translate(locale, 'time.seconds', { count: s });
  const minutes = Math.round(s / 60);
  const hours = Math.max(1, Math.round(s / 3600));
  const [family, count, size] =
    minutes < 45 ? (['time.minutes', minutes, 60] as const) : hours < 22 ? (['time.hours', hours, 3600] as const) : (['time.days', Math.max(1, Math.round(s / 86_400)), 86_400] as const);
  const amount = translate(locale, family, { count });
  return s === count * size ? amount : translate(locale, 'time.about', { amount });
}

const PLACEHOLDER = /\{(\w+)(?:,\s*(duration))?\}/g;

/**
 * Fills placeholders (numbers through `Intl.NumberFormat`, `{x, duration}` through
 * `formatDuration`); unknown placeholders are left as written so they show up in review.
 */
function interpolate(locale: Locale, template: string, params?: MessageParams): string {
  if (!params) return template;
  return template.replace(PLACEHOLDER, (whole, name: string, type: string | undefined) => {
    if (!Object.hasOwn(params, name)) return whole;
    const value = params[name]!;
    if (type === 'duration') return formatDuration(locale, Number(value));
    return typeof value === 'number' ? formatNumber(locale, value) : String(value);
  });
}

/** The catalogue entry for a key, or for a plural family the member its `count` calls for. */
function template(locale: Locale, key: string, params?: MessageParams): string | undefined {
  const table = messages[locale];
  const direct = table[key];
  if (direct !== undefined) return direct;
  const other = table[`${key}.other`];
  if (other === undefined) return undefined;
  const count = Number(params?.count);
  return Number.isFinite(count) ? (table[`${key}.${pluralCategory(locale, count)}`] ?? other) : other;
}

export function translate(locale: Locale, key: MessageKey, params?: MessageParams): string {
  const text = template(locale, key, params) ?? template('en', key, params) ?? key;
  return interpolate(locale, text, params);
}

export type Translator = (key: MessageKey, params?: MessageParams) => string;

export function translator(locale: Locale): Translator {
  return (key, params) => translate(locale, key, params);
}

/**
 * Picks the reader's language: their saved setting first, then the best `Accept-Language`
 * entry we support (by q-value, primary subtag only), then English.
 */
export function negotiateLocale(setting: string | null | undefined, acceptLanguage: string | null | undefined): Locale {
  if (isLocale(setting)) return setting;
  if (acceptLanguage) {
    const ranked = acceptLanguage
      .split(',')
      .map((part, index) => {
        const [tag = '', ...rest] = part.trim().split(';');
        const q = rest.map((p) => p.trim()).find((p) => p.startsWith('q='));
        const quality = q ? Number(q.slice(2)) : 1;
        return { primary: tag.trim().toLowerCase().split('-')[0] ?? '', quality: Number.isFinite(quality) ? quality : 0, index };
      })
      .filter((entry) => entry.quality > 0)
      .sort((a, b) => b.quality - a.quality || a.index - b.index);
    for (const entry of ranked) if (isLocale(entry.primary)) return entry.primary;
  }
  return DEFAULT_LOCALE;
}
