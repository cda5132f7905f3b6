import { describe, expect, it } from 'vitest';
import { DEFAULT_LOCALE, isLocale, negotiateLocale, translate, translator } from '../../../src/i18n';

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
    expect(translate('en', 'error.429.body', { seconds: 42 })).toBe('Please wait 42 seconds and try again.');
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
