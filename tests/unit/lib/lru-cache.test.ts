import { describe, expect, it } from 'vitest';
import { LruCache } from '../../../src/lib/lru-cache';

describe('LruCache', () => {
  it('evicts the least recently used entry beyond its capacity', () => {
    const cache = new LruCache<number, string>(2);
    cache.set(1, 'a');
    cache.set(2, 'b');
    expect(cache.get(1)).toBe('a'); // 1 is now the most recent
    cache.set(3, 'c');
    expect(cache.has(2)).toBe(false);
    expect(cache.get(1)).toBe('a');
    expect(cache.get(3)).toBe('c');
    expect(cache.size).toBe(2);
  });

  it('set returns the value and replaces an existing key', () => {
    const cache = new LruCache<string, number>(3);
    expect(cache.set('x', 1)).toBe(1);
    cache.set('x', 2);
    expect(cache.get('x')).toBe(2);
    expect(cache.size).toBe(1);
    expect(() => new LruCache(0)).toThrow();
  });
});
