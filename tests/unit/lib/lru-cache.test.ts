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

  it('keeps within its byte budget, evicting the least recently used first, and skips a value larger than the budget', () => {
    const cache = new LruCache<string, string>(100, { maxBytes: 10, sizeOf: (value) => value.length });
    cache.set('a', 'xxxx');
    cache.set('b', 'yyyy');
    expect(cache.bytes).toBe(8);
    cache.get('a'); // b is now the least recent
    cache.set('c', 'zzzz');
    expect(cache.has('b')).toBe(false);
    expect(cache.has('a') && cache.has('c')).toBe(true);
    expect(cache.bytes).toBe(8);
    cache.set('big', 'x'.repeat(11));
    expect(cache.has('big')).toBe(false);
    expect(cache.bytes).toBe(8);
    cache.set('a', 'x');
    expect(cache.bytes).toBe(5);
    cache.clear();
    expect(cache.bytes).toBe(0);
  });
});
