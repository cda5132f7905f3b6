/**
 * The message catalogue. Every string a reader sees goes through `translate()`.
 *
 * Each area keeps its strings in `messages/<area>.ts` as an `en` object (the source of the
 * key type) and a `ko` object that must have exactly the same keys, so a missing translation
 * is a type error, not a blank on the page. Placeholders are `{name}`.
 *
 * @example
 * const t = translator('ko');
 * t('home.welcome', { name: '민지' }); // '민지님, 어서 오세요.'
 */
import * as account from './messages/account';
import * as annotations from './messages/annotations';
import * as auth from './messages/auth';
import * as books from './messages/books';
import * as clubs from './messages/clubs';
import * as core from './messages/core';
import * as importMessages from './messages/import';
import * as moderation from './messages/moderation';
import * as live from './messages/live';
import * as polls from './messages/polls';
import * as search from './messages/search';

export const LOCALES = ['ko', 'en'] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = 'en';
/** The cookie that keeps a signed-out reader's language choice. */
export const LOCALE_COOKIE = 'marginalia_lang';

const catalogues = [core, auth, account, books, clubs, annotations, polls, importMessages, moderation, search, live] as const;

type Merge<T extends readonly { en: object }[]> = T extends readonly [infer H, ...infer R]
  ? H extends { en: infer E }
    ? E & (R extends readonly { en: object }[] ? Merge<R> : unknown)
    : never
  : unknown;

type English = Merge<typeof catalogues>;
export type MessageKey = keyof English & string;
export type MessageParams = Record<string, string | number>;

const messages: Record<Locale, Record<string, string>> = {
  en: Object.assign({}, ...catalogues.map((c) => c.en)),
  ko: Object.assign({}, ...catalogues.map((c) => c.ko)),
};

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

/** Fills `{name}` placeholders; unknown placeholders are left as written so they show up in review. */
function interpolate(template: string, params?: MessageParams): string {
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in params ? String(params[name]) : whole,
  );
}

export function translate(locale: Locale, key: MessageKey, params?: MessageParams): string {
  const template = messages[locale][key] ?? messages.en[key] ?? key;
  return interpolate(template, params);
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
