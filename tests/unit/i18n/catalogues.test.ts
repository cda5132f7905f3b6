/**
 * Every message module under src/i18n/messages — found at run time, so a new area is covered
 * without touching this test — has the same keys in Korean as in English, and no blanks.
 */
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { PLURAL_CATEGORIES, translate, type MessageKey } from '../../../src/i18n';

const MESSAGES = resolve(import.meta.dirname, '../../../src/i18n/messages');
const files = readdirSync(MESSAGES).filter((name) => /\.tsx?$/.test(name)).sort();

/** `name` or `name, duration` for every placeholder, sorted. */
const placeholders = (text: string) => [...text.matchAll(/\{(\w+)(?:,\s*(\w+))?\}/g)].map((m) => (m[2] ? `${m[1]}, ${m[2]}` : m[1])).sort();
const CATEGORY = new RegExp(`\\.(${PLURAL_CATEGORIES.join('|')})$`);

describe('message catalogues', () => {
  it('exist, including the foundation ones', () => {
    expect(files).toEqual(expect.arrayContaining(['core.ts', 'auth.ts']));
  });

  describe.each(files)('%s', (file) => {
    const load = async () => (await import(pathToFileURL(join(MESSAGES, file)).href)) as { en: Record<string, string>; ko: Record<string, string> };

    it('has exactly the English keys in Korean, none empty, with the same placeholders', async () => {
      const { en, ko } = await load();
      expect(en, 'exports en').toBeTypeOf('object');
      expect(ko, 'exports ko').toBeTypeOf('object');
      expect(Object.keys(ko).sort()).toEqual(Object.keys(en).sort());
      for (const [key, text] of [...Object.entries(en).map(([k, v]) => [`en ${k}`, v]), ...Object.entries(ko).map(([k, v]) => [`ko ${k}`, v])]) {
        expect(typeof text, key).toBe('string');
        expect(text!.trim(), key).not.toBe('');
      }
      for (const key of Object.keys(en)) expect(placeholders(ko[key]!), key).toEqual(placeholders(en[key]!));
    });

    it('says every count with a plural family, never "(s)"', async () => {
      const { en, ko } = await load();
      for (const [key, text] of [...Object.entries(en), ...Object.entries(ko)]) {
        // A count printed in a sentence must be able to agree with it ("1 day", "7 days").
        if (/\{count\}/.test(text!)) expect(key, `${key}: ${text}`).toMatch(CATEGORY);
        expect(text, key).not.toMatch(/\((?:s|es)\)/i);
        // The only typed placeholder is `{x, duration}`.
        expect(text, key).not.toMatch(/\{\w+,(?!\s*duration\})/);
      }
      for (const key of Object.keys(en).filter((k) => CATEGORY.test(k))) {
        const family = key.replace(CATEGORY, '');
        expect(en, `${family} needs .other`).toHaveProperty([`${family}.other`]);
        expect(en, `${family} is a family, not also a key`).not.toHaveProperty([family]);
      }
    });

    it('is merged into the catalogue that translate() reads', async () => {
      const { en, ko } = await load();
      for (const key of Object.keys(en)) {
        expect(translate('en', key as MessageKey), key).toBe(en[key]);
        expect(translate('ko', key as MessageKey), key).toBe(ko[key]);
      }
    });
  });

  it('no key is defined by two areas', async () => {
    const seen = new Map<string, string>();
    for (const file of files) {
      const { en } = (await import(pathToFileURL(join(MESSAGES, file)).href)) as { en: Record<string, string> };
      for (const key of Object.keys(en)) {
        expect(seen.get(key), `${key} in ${file}`).toBeUndefined();
        seen.set(key, file);
      }
    }
  });
});
