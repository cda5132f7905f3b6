/**
 * A small least-recently-used cache (the rendered text of chapters, rendered comment bodies).
 *
 * A `Map` keeps insertion order, so the first key is the least recently used one: a hit
 * deletes and re-inserts its key; an insert beyond the capacity evicts the first key.
 *
 * @example
 * const cache = new LruCache<number, string>(200);
 * const html = cache.get(chapterId) ?? cache.set(chapterId, render(chapter));
 */
export class LruCache<K, V> {
  private readonly entries = new Map<K, V>();

  constructor(readonly capacity: number) {
    if (!(capacity >= 1)) throw new Error('LruCache capacity must be at least 1');
  }

  get size(): number {
    return this.entries.size;
  }

  get(key: K): V | undefined {
    const value = this.entries.get(key);
    if (value === undefined) return undefined;
    this.entries.delete(key);
    this.entries.set(key, value);
    return value;
  }

  /** Stores `value` and returns it. */
  set(key: K, value: V): V {
    this.entries.delete(key);
    this.entries.set(key, value);
    while (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value as K;
      this.entries.delete(oldest);
    }
    return value;
  }

  has(key: K): boolean {
    return this.entries.has(key);
  }

  clear(): void {
    this.entries.clear();
  }
}
