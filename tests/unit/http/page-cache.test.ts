import { describe, expect, it } from 'vitest';
import { gunzipSync } from 'node:zlib';
import { PersonalPageCache } from '../../../src/http/page-cache';

const scope = { userId: 1, clubId: 10 };
const html = (text: string) => `<!doctype html><p>${text}</p>`;
const read = (page: { gzip: Uint8Array } | undefined) => (page ? gunzipSync(page.gzip).toString('utf8') : undefined);

describe('PersonalPageCache', () => {
  it('returns what was stored, gzipped, until something changes', () => {
    const cache = new PersonalPageCache({ maxEntries: 10, othersStaleMs: 0, maxAgeMs: 15_000 });
    cache.set('k', scope, html('one'), 1000);
    expect(read(cache.get('k', scope, 1500))).toBe(html('one'));
  });

  it("retires a reader's pages at once when they change something, in any club", () => {
    const cache = new PersonalPageCache({ maxEntries: 10, othersStaleMs: 60_000, maxAgeMs: 60_000 });
    cache.set('k', scope, html('one'), 1000);
    cache.noteChange(1, null);
    expect(cache.get('k', scope, 1001)).toBeUndefined();
  });

  it("retires every page of a club when anyone changes something there, after the stale window", () => {
    const cache = new PersonalPageCache({ maxEntries: 10, othersStaleMs: 1000, maxAgeMs: 60_000 });
    cache.set('k', scope, html('one'), 1000);
    cache.noteChange(2, 10);
    expect(read(cache.get('k', scope, 1999))).toBe(html('one'));
    expect(cache.get('k', scope, 2000)).toBeUndefined();
  });

  it('with no stale window, a change by someone else retires the page immediately', () => {
    const cache = new PersonalPageCache({ maxEntries: 10, othersStaleMs: 0, maxAgeMs: 60_000 });
    cache.set('k', scope, html('one'), 1000);
    cache.noteChange(2, 10);
    expect(cache.get('k', scope, 1000)).toBeUndefined();
  });

  it('ignores changes in other clubs and by other readers elsewhere', () => {
    const cache = new PersonalPageCache({ maxEntries: 10, othersStaleMs: 0, maxAgeMs: 60_000 });
    cache.set('k', scope, html('one'), 1000);
    cache.noteChange(2, 11);
    cache.noteChange(3, null);
    expect(read(cache.get('k', scope, 1000))).toBe(html('one'));
  });

  it('never serves a page older than maxAge (clock-driven changes: schedules, poll dates)', () => {
    const cache = new PersonalPageCache({ maxEntries: 10, othersStaleMs: 0, maxAgeMs: 15_000 });
    cache.set('k', scope, html('one'), 1000);
    expect(cache.get('k', scope, 15_999)).toBeDefined();
    expect(cache.get('k', scope, 16_000)).toBeUndefined();
    cache.set('k', scope, html('two'), 20_000);
    expect(cache.get('k', scope, 19_000)).toBeUndefined();
  });

  it('does not answer for another club under the same key', () => {
    const cache = new PersonalPageCache({ maxEntries: 10, othersStaleMs: 0, maxAgeMs: 60_000 });
    cache.set('k', scope, html('one'), 1000);
    expect(cache.get('k', { userId: 1, clubId: 11 }, 1000)).toBeUndefined();
  });

  it('keeps at most maxEntries, dropping the least recently used', () => {
    const cache = new PersonalPageCache({ maxEntries: 2, othersStaleMs: 0, maxAgeMs: 60_000 });
    cache.set('a', scope, html('a'), 0);
    cache.set('b', scope, html('b'), 0);
    cache.get('a', scope, 1);
    cache.set('c', scope, html('c'), 2);
    expect(cache.size).toBe(2);
    expect(cache.get('b', scope, 3)).toBeUndefined();
    expect(read(cache.get('a', scope, 3))).toBe(html('a'));
    expect(read(cache.get('c', scope, 3))).toBe(html('c'));
  });

  it('keeps its pages within maxBytes, the least recently used going first', () => {
    // Incompressible text, so each page's gzip is about its length.
    const page = (seed: number) => html(Array.from({ length: 2000 }, (_, i) => ((i * 7919 + seed * 104729) % 65521).toString(36)).join(''));
    const one = new PersonalPageCache({ maxEntries: 100, othersStaleMs: 0, maxAgeMs: 60_000 });
    one.set('probe', scope, page(0), 1000);
    const pageBytes = one.bytes;
    const cache = new PersonalPageCache({ maxEntries: 100, maxBytes: Math.floor(pageBytes * 2.5), othersStaleMs: 0, maxAgeMs: 60_000 });
    cache.set('a', scope, page(1), 1000);
    cache.set('b', scope, page(2), 1000);
    expect(cache.get('a', scope, 1001)).toBeDefined(); // b is now the least recently used
    cache.set('c', scope, page(3), 1000);
    expect(cache.size).toBe(2);
    expect(cache.get('b', scope, 1001)).toBeUndefined();
    expect(read(cache.get('a', scope, 1001))).toBe(page(1));
    expect(read(cache.get('c', scope, 1001))).toBe(page(3));
    expect(cache.bytes).toBeLessThanOrEqual(pageBytes * 2.5);
    // A page larger than the whole budget is sent, not kept.
    const tiny = new PersonalPageCache({ maxEntries: 100, maxBytes: 10, othersStaleMs: 0, maxAgeMs: 60_000 });
    expect(read(tiny.set('k', scope, page(4), 1000))).toBe(page(4));
    expect(tiny.size).toBe(0);
  });
});
