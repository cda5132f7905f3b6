/**
 * A cache of whole personal pages, for the page readers load most: a club's chapter page.
 *
 * The page is personal (the reader's own progress, the comments the spoiler gate lets them
 * see, their name in the header), so no shared cache can hold it; but a reader reloads it,
 * follows links back to it and reads it while others talk, and rendering 500 paragraphs with
 * their margins costs tens of milliseconds. So each signed-in reader's rendered page is kept,
 * gzipped, keyed by reader, language and path, and thrown away when it may be out of date:
 *
 * - any state change the reader makes (every domain event they cause, see
 *   {@link invalidateOnEvents}) retires their pages at once, so their own comment, progress or
 *   setting always shows on the next load;
 * - any state change anyone makes in the club retires every page of that club, at once when
 *   `othersStaleMs` is 0, or after at most `othersStaleMs` (others' comments appear within that
 *   time instead of forcing a re-render on every post in a busy club);
 * - nothing is older than `maxAgeMs`, so changes that come from the clock alone (a chapter
 *   opening on its date, a poll closing) show within that time.
 *
 * The cache sits *after* every access check: it never decides who may see a page.
 *
 * Memory is bounded twice: by a number of pages and by bytes (`maxBytes`, `PAGE_CACHE_MB`,
 * 64 MB by default; a page counts its gzipped bytes and its key). The least recently used page
 * goes first.
 *
 * @example
 * const hit = cache.get(key, { userId, clubId }, now);
 * if (hit) return sendGzip(hit.gzip);
 * cache.set(key, { userId, clubId }, html, now);
 */
import type { EventBus } from '../events';
import { LruCache } from '../lib/lru-cache';
import { gzipHtml } from './page';
import type { RememberedAnswer } from './warm-answers';

export interface PageCacheOptions {
  maxEntries: number;
  /** What the kept pages may take in all (gzipped bytes plus keys); 64 MB when not given. */
  maxBytes?: number;
  othersStaleMs: number;
  maxAgeMs: number;
}

export interface PageScope {
  userId: number;
  clubId: number;
}

interface Entry {
  gzip: Uint8Array<ArrayBuffer>;
  bytes: number;
  createdAt: number;
  userVersion: number;
  clubVersion: number;
  clubId: number;
}

export const DEFAULT_PAGE_CACHE_MB = 64;
export const DEFAULT_PAGE_CACHE_OPTIONS: PageCacheOptions = { maxEntries: 2000, maxBytes: DEFAULT_PAGE_CACHE_MB * 1024 * 1024, othersStaleMs: 1000, maxAgeMs: 15_000 };

/** What one kept page is counted as: its gzipped bytes, its key, and the entry's own bookkeeping. */
const entryBytes = (key: string, gzip: Uint8Array) => gzip.byteLength + key.length * 2 + 120;

/** The change counters of a reader and a club, as a kept page records them. */
export interface PageVersions {
  userVersion: number;
  clubVersion: number;
}

export class PersonalPageCache {
  /** Least recently used first, bounded by `maxEntries` and by `maxBytes` (src/lib's LruCache). */
  private readonly entries: LruCache<string, Entry>;
  /** What the full pipeline decided for a request's inputs (src/http/warm-answers.ts), as many as pages. */
  private readonly answers: LruCache<string, RememberedAnswer>;
  private readonly userVersions = new Map<number, number>();
  private readonly clubVersions = new Map<number, number>();

  constructor(readonly options: PageCacheOptions = DEFAULT_PAGE_CACHE_OPTIONS) {
    this.entries = new LruCache(options.maxEntries, { maxBytes: options.maxBytes ?? DEFAULT_PAGE_CACHE_MB * 1024 * 1024, sizeOf: (entry) => entry.bytes });
    this.answers = new LruCache(options.maxEntries);
  }

  /** Remembers what the full pipeline decided for a request (see warm-answers.ts). */
  remember(answerKey: string, answer: RememberedAnswer): void {
    this.answers.set(answerKey, answer);
  }

  answer(answerKey: string): RememberedAnswer | undefined {
    return this.answers.get(answerKey);
  }

  get hasAnswers(): boolean {
    return this.answers.size > 0;
  }

  /** Records that `userId` changed something (in `clubId`, when known). */
  noteChange(userId: number | null, clubId: number | null): void {
    if (userId !== null) this.userVersions.set(userId, (this.userVersions.get(userId) ?? 0) + 1);
    if (clubId !== null) this.clubVersions.set(clubId, (this.clubVersions.get(clubId) ?? 0) + 1);
  }

  get(key: string, scope: PageScope, now: number): { gzip: Uint8Array<ArrayBuffer> } | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    const age = now - entry.createdAt;
    const fresh =
      entry.clubId === scope.clubId &&
      entry.userVersion === (this.userVersions.get(scope.userId) ?? 0) &&
      age >= 0 &&
      age < this.options.maxAgeMs &&
      (entry.clubVersion === (this.clubVersions.get(scope.clubId) ?? 0) || age < this.options.othersStaleMs);
    if (!fresh) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }

  /**
   * The versions a page drawn now is drawn at: read them *before* reading what the page shows
   * and hand them to {@link set}, so a change that lands while the page is drawn (its reads
   * await the database) leaves the kept page already stale.
   */
  versionsOf(scope: PageScope): PageVersions {
    return { userVersion: this.userVersions.get(scope.userId) ?? 0, clubVersion: this.clubVersions.get(scope.clubId) ?? 0 };
  }

  /** Keeps the page (unless it alone is larger than the whole budget: then it is only sent), as of `versions`. */
  set(key: string, scope: PageScope, html: string, now: number, versions: PageVersions = this.versionsOf(scope)): { gzip: Uint8Array<ArrayBuffer> } {
    const gzip = gzipHtml(html, 6);
    return this.entries.set(key, {
      gzip,
      bytes: entryBytes(key, gzip),
      createdAt: now,
      ...versions,
      clubId: scope.clubId,
    });
  }

  get size(): number {
    return this.entries.size;
  }

  /** What the kept pages take, as counted against `maxBytes`. */
  get bytes(): number {
    return this.entries.bytes;
  }
}

/**
 * The page cache listens to the domain events: whatever a reader changes retires their own
 * pages at once, and whatever happens in a club retires that club's pages (after
 * `othersStaleMs` for everyone else). Invitation joins, poll votes and progress arrive the
 * same way as comments.
 */
export function invalidateOnEvents(cache: PersonalPageCache, events: EventBus): () => void {
  return events.subscribe('*', (event) => cache.noteChange(event.actorId, event.clubId), 'every-process');
}
