import { describe, expect, it } from 'vitest';
import { DEFAULT_LOCALE, formatDuration, formatNumber, isLocale, negotiateLocale, pluralCategory, translate, translator } from '../../../src/i18n';

describe('negotiateLocale', () => {
  it.each([
    [null, undefined, 'en'],
    [null, '', 'en'],
    [null, 'ko-KR,ko;q=0.9', 'ko'],
    [null, 'ko', 'ko'],
    [null, 'KO-kr', 'ko'],
    [null, 'en-US,en;q=0.9,ko;q=0.8', 'en'],
    [null, 'ko;q=0.8, en;q=0.9', 'en'],
    [null, 'en;q=0.5, ko;q=0.5', 'en'],
    [null, 'ko;q=0.5, en;q=0.5', 'ko'],
    [null, 'fr-FR,fr;q=0.9,ko;q=0.3', 'ko'],
    [null, 'fr, de', 'en'],
    [null, 'ko;q=0', 'en'],
    [null, 'ko;q=0, en;q=0', 'en'],
    [null, 'ko;q=abc', 'en'],
    [null, '*', 'en'],
    [null, 'zh-Hant-TW, ko-Kore-KR;q=0.7', 'ko'],
    [null, ' , ;;, ko ', 'ko'],
    ['ko', 'en-US', 'ko'],
    ['en', 'ko-KR', 'en'],
    ['fr', 'ko-KR', 'ko'],
    ['', 'ko-KR', 'ko'],
    [undefined, 'ko', 'ko'],
  ] as const)('setting %j with Accept-Language %j → %s', (setting, acceptLanguage, expected) => {
    expect(negotiateLocale(setting, acceptLanguage)).toBe(expected);
  });

  it('falls back to English', () => {
    expect(DEFAULT_LOCALE).toBe('en');
  });

  it('copes with a hostile header', () => {
    expect(negotiateLocale(null, `${'x;q=1,'.repeat(10_000)}ko`)).toBe('ko');
    expect(negotiateLocale(null, '\u0000;q=\u0000')).toBe('en');
  });
});

describe('isLocale', () => {
  it('accepts exactly the supported languages', () => {
    expect(isLocale('ko')).toBe(true);
    expect(isLocale('en')).toBe(true);
    for (const value of ['KO', 'ko-KR', 'fr', '', null, undefined, 1, {}]) expect(isLocale(value)).toBe(false);
  });
});

describe('translate', () => {
  it('fills placeholders in either language', () => {
    expect(translate('en', 'home.welcome', { name: 'Minji' })).toBe('Welcome, Minji.');
    expect(translate('ko', 'home.welcome', { name: '민지' })).toBe('민지님, 어서 오세요.');
    expect(translate('en', 'error.429.body', { seconds: 42 })).toBe('Please try again in 42 seconds.');
  });

  it('fills a placeholder that appears more than once and leaves unknown ones visible', () => {
    expect(translate('en', 'error.413.body', {})).toContain('{limit}');
    expect(translate('en', 'error.413.body')).toContain('{limit}');
  });

  it('does not interpret the values it inserts', () => {
    expect(translate('en', 'home.welcome', { name: '{name} $& $1' })).toBe('Welcome, {name} $& $1.');
    expect(translate('en', 'error.413.body', { toString: 'x' } as never)).toContain('{limit}');
  });

  it('translator binds a locale', () => {
    const t = translator('ko');
    expect(t('nav.login')).toBe('로그인');
    expect(translator('en')('nav.login')).toBe('Sign in');
  });

  it('returns the key itself for a key that does not exist, rather than throwing', () => {
    expect(translate('ko', 'no.such.key' as never)).toBe('no.such.key');
  });
});

describe('the formatting layer', () => {
  it('writes numbers with Intl.NumberFormat in the reader’s language', () => {
    expect(formatNumber('en', 3034)).toBe('3,034');
    expect(formatNumber('ko', 3034)).toBe('3,034');
    expect(translate('en', 'books.count.paragraphs', { count: 3034 })).toBe('3,034 paragraphs');
    expect(translate('ko', 'books.count.paragraphs', { count: 3034 })).toBe('문단 3,034개');
    // Every number placeholder, not only counts.
    expect(translate('en', 'annotations.error.too_long', { max: 10000 })).toBe('A comment can be at most 10,000 characters.');
  });

  it('picks a plural family member with Intl.PluralRules', () => {
    expect(pluralCategory('en', 1)).toBe('one');
    expect(pluralCategory('en', 0)).toBe('other');
    expect(pluralCategory('ko', 1)).toBe('other');
    expect(translate('en', 'clubs.invitations.days', { count: 1 })).toBe('1 day');
    expect(translate('en', 'clubs.invitations.days', { count: 7 })).toBe('7 days');
    expect(translate('ko', 'clubs.invitations.days', { count: 7 })).toBe('7일');
    expect(translate('en', 'clubs.invitations.created_hint', { count: 1, role: 'member', date: 'May 1' })).toBe('One person can join with it, as member, until May 1.');
    expect(translate('en', 'clubs.invitations.created_hint', { count: 3, role: 'member', date: 'May 1' })).toBe('Up to 3 people can join with it, as member, until May 1.');
    expect(translate('ko', 'clubs.invitations.created_hint', { count: 1, role: '멤버', date: '5월 1일' })).toBe('5월 1일까지 최대 1명이 멤버로 가입할 수 있어요.');
    expect(translate('en', 'polls.error.too_many', { count: 1 })).toBe('Choose at most 1 option.');
    // Without a count, a family says its `other` form.
    expect(translate('en', 'clubs.member_count')).toBe('{count} members');
  });

  it.each([
    [1, 'a second', '1초'],
    [45, '45 seconds', '45초'],
    [60, 'a minute', '1분'],
    [90, 'about 2 minutes', '약 2분'],
    [1800, '30 minutes', '30분'],
    [2700, 'about an hour', '약 1시간'],
    [3562, 'about an hour', '약 1시간'],
    [3600, 'an hour', '1시간'],
    [7200, '2 hours', '2시간'],
    [80_000, 'about a day', '약 1일'],
    [3 * 86_400, '3 days', '3일'],
    [0, 'a second', '1초'],
    [Number.NaN, 'a second', '1초'],
  ])('a wait of %d seconds is “%s” / “%s”', (seconds, en, ko) => {
    expect(formatDuration('en', seconds)).toBe(en);
    expect(formatDuration('ko', seconds)).toBe(ko);
  });

  it('says a wait in words in the refusal', () => {
    expect(translate('en', 'error.429.body', { seconds: 3562 })).toBe('Please try again in about an hour.');
    expect(translate('ko', 'error.429.body', { seconds: 3562 })).toBe('약 1시간 뒤에 다시 시도해 주세요.');
  });
});
