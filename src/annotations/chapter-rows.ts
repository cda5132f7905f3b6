/**
 * A chapter's comment rows ({@link GateRow}: the gate's facts, no bodies), kept in memory and
 * shared by every reader's render of the chapter page and by the live stream's redraws.
 *
 * Reading a busy chapter's rows is most of what a chapter page costs (20,000 comments: tens of
 * milliseconds of SQLite and object building, on every render, for every reader), and the rows
 * are the same for all readers: what differs is what the spoiler gate lets each one see, and the
 * gate is still asked for every reader on every render (`tallyChapter`). So nothing here decides
 * visibility; it only saves reading the same rows again.
 *
 * Kept rows are retired like the personal page cache's pages: any domain event in the club
 * (a comment posted, edited, deleted, moderated, moved…) retires that club's chapters at once,
 * and nothing is older than {@link ROWS_MAX_AGE_MS}. Memory is bounded by `COMMENT_CACHE_MB`
 * (half of it; rendered comment bodies have the other half), least recently used first.
 */
import type { Db } from '../../db/connection';
import type { EventBus } from '../events';
import { LruCache } from '../lib/lru-cache';
import { chapterGateRows, type GateRow } from './queries';

/** Nothing kept is older than this (changes that arrive without an event show within it). */
export const ROWS_MAX_AGE_MS = 15_000;
/** What one row is counted as in the byte budget (13 small fields of a V8 object, and its slot). */
const ROW_BYTES = 160;

interface Kept {
  rows: GateRow[];
  clubId: number;
  version: number;
  at: number;
}

export class ChapterRowsCache {
  private readonly kept: LruCache<string, Kept>;
  private readonly clubVersions = new Map<number, number>();

  constructor(maxBytes: number) {
    this.kept = new LruCache<string, Kept>(10_000, { maxBytes, sizeOf: (entry) => 200 + entry.rows.length * ROW_BYTES });
  }

  /** Something happened in `clubId`: its chapters' rows are read again on next use. */
  noteChange(clubId: number): void {
    this.clubVersions.set(clubId, (this.clubVersions.get(clubId) ?? 0) + 1);
  }

  rows(db: Db, clubId: number, readingId: number, chapterId: number, now: number): readonly GateRow[] {
    const key = `${readingId}:${chapterId}`;
    const version = this.clubVersions.get(clubId) ?? 0;
    const hit = this.kept.get(key);
    if (hit && hit.clubId === clubId && hit.version === version && now - hit.at >= 0 && now - hit.at < ROWS_MAX_AGE_MS) return hit.rows;
    const rows = chapterGateRows(db, readingId, chapterId);
    this.kept.set(key, { rows, clubId, version, at: now });
    return rows;
  }

  get bytes(): number {
    return this.kept.bytes;
  }
}

/**
 * Keeps chapters' rows for the app on `db`, retired by the events of `events` (called once per
 * app, by the annotations routes factory).
 */
const caches = new WeakMap<Db, ChapterRowsCache>();

export function keepChapterRows(db: Db, events: EventBus, maxBytes: number): ChapterRowsCache {
  let cache = caches.get(db);
  if (!cache) caches.set(db, (cache = new ChapterRowsCache(maxBytes)));
  events.subscribe(
    '*',
    (event) => {
      if (event.clubId !== null) cache.noteChange(event.clubId);
    },
    'every-process',
  );
  return cache;
}

/** A chapter's rows: kept ones when the app keeps them, else straight from the database. */
export function chapterRows(db: Db, clubId: number, readingId: number, chapterId: number, now: number): readonly GateRow[] {
  const cache = caches.get(db);
  return cache ? cache.rows(db, clubId, readingId, chapterId, now) : chapterGateRows(db, readingId, chapterId);
}
