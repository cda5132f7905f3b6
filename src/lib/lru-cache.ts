/**
 * A small least-recently-used cache (the rendered text of chapters, rendered comment bodies, a
 * chapter's comment rows), bounded by a number of entries and, when given, by bytes.
 *
 * A `Map` keeps insertion order, so the first key is the least recently used one: a hit
 * deletes and re-inserts its key; an insert beyond the capacity (or the byte budget) evicts
 * from the front. Sizes are what `sizeOf` estimates for a value (say, a string's length × 2, as
 * V8 may keep it in two bytes a character); a value larger than the whole budget is not kept.
 *
 * @example
 * const cache = new LruCache<number, string>(200, { maxBytes: 32 * 1024 * 1024, sizeOf: (html) => html.length * 2 });
 * const html = cache.get(chapterId) ?? cache.set(chapterId, render(chapter));
 */
export interface ByteBudget<V> {
  maxBytes: number;
  sizeOf: (value: V) => number;
}

export class LruCache<K, V> {
  private readonly entries = new Map<K, { value: V; bytes: number }>();
  private totalBytes = 0;

  constructor(
    readonly capacity: number,
    readonly budget?: ByteBudget<V>,
  ) {
    if (!(capacity >= 1)) throw new Error('LruCache capacity must be at least 1');
    if (budget && !(budget.maxBytes >= 0)) throw new Error('LruCache maxBytes must not be negative');
  }

  get size(): number {
    return this.entries.size;
  }

  /** What the kept values are estimated to take, in bytes (0 without a byte budget). */
  get bytes(): number {
    return this.totalBytes;
  }

  get(key: K): V | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.value;
  }

  /** Stores `value` and returns it. */
  set(key: K, value: V): V {
    this.delete(key);
    const bytes = this.budget ? this.budget.sizeOf(value) : 0;
    if (this.budget && bytes > this.budget.maxBytes) return value;
    this.entries.set(key, { value, bytes });
    this.totalBytes += bytes;
    while (this.entries.size > this.capacity || (this.budget && this.totalBytes > this.budget.maxBytes)) {
      this.delete(this.entries.keys().next().value as K);
    }
    return value;
  }

  has(key: K): boolean {
    return this.entries.has(key);
  }

  delete(key: K): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.totalBytes -= entry.bytes;
  }

  clear(): void {
    this.entries.clear();
    this.totalBytes = 0;
  }
}
