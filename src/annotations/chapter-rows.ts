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
 * (a comment edited, deleted, moderated, moved…) retires that club's chapters at once, and
 * nothing is older than {@link ROWS_MAX_AGE_MS}. One event is cheaper: a comment *posted*
 * changes no row that exists, it adds one, to its own chapter. The kept rows of that chapter
 * then stay, and the new comment's row is read by its id and added on next use (a live
 * meeting posts several comments a second on one chapter, and every post was re-reading the
 * chapter's thousands of rows for the streams' redraw). The rows are the database's, never a
 * decision: the gate still runs on them for every reader. Memory is bounded by `COMMENT_CACHE_MB`
 * (half of it; rendered comment bodies have the other half), least recently used first.
 *
 * Reading is asynchronous, so a comment can be posted while a chapter's rows are being read:
 * its id is noted for the read in flight too (`reading`), and becomes a posted id of the rows
 * the read keeps, so it is added on next use like any other (ids the read already holds are
 * skipped, as ever, by `maxId`).
 */
import type { Db } from '../../db/connection';
import type { EventBus } from '../events';
import { LruCache } from '../lib/lru-cache';
import type { DomainEvent } from '../events';
import { chapterGateRows, gateRowsByIds, type GateRow } from './queries';

/** Nothing kept is older than this (changes that arrive without an event show within it). */
export const ROWS_MAX_AGE_MS = 15_000;
/** What one row is counted as in the byte budget (13 small fields of a V8 object, and its slot). */
const ROW_BYTES = 160;

interface Kept {
  rows: GateRow[];
  clubId: number;
  version: number;
  at: number;
  /** Comments posted on this chapter since `rows` were read: added on next use. */
  posted: number[];
  /** The largest id in `rows`: a comment with a larger one was written after they were read (ids only grow). */
  maxId: number;
}

const maxIdOf = (rows: readonly GateRow[]) => rows.reduce((max, row) => (row.id > max ? row.id : max), 0);

export class ChapterRowsCache {
  private readonly kept: LruCache<string, Kept>;
  private readonly clubVersions = new Map<number, number>();
  /** For each chapter whose rows are being read: the comments posted on it meanwhile, one list per read. */
  private readonly reading = new Map<string, Set<number[]>>();

  constructor(maxBytes: number) {
    this.kept = new LruCache<string, Kept>(10_000, { maxBytes, sizeOf: (entry) => 200 + entry.rows.length * ROW_BYTES });
  }

  /** Something happened in `clubId`: its chapters' rows are read again on next use. */
  noteChange(clubId: number): void {
    this.clubVersions.set(clubId, (this.clubVersions.get(clubId) ?? 0) + 1);
  }

  /**
   * What `event` changes: a comment posted adds its row to its chapter's kept rows (the other
   * chapters of the club are untouched); every other event of a club retires its chapters.
   */
  noteEvent(event: DomainEvent): void {
    if (event.clubId === null) return;
    if (event.type === 'comment.posted') {
      const key = `${event.readingId}:${event.chapterId}`;
      for (const posted of this.reading.get(key) ?? []) posted.push(event.commentId);
      const hit = this.kept.get(key);
      if (!hit || hit.clubId !== event.clubId || hit.version !== (this.clubVersions.get(event.clubId) ?? 0)) return;
      hit.posted.push(event.commentId);
      return;
    }
    this.noteChange(event.clubId);
  }

  async rows(db: Db, clubId: number, readingId: number, chapterId: number, now: number): Promise<readonly GateRow[]> {
    const key = `${readingId}:${chapterId}`;
    const version = this.clubVersions.get(clubId) ?? 0;
    const hit = this.kept.get(key);
    if (hit && hit.clubId === clubId && hit.version === version && now - hit.at >= 0 && now - hit.at < ROWS_MAX_AGE_MS) {
      if (hit.posted.length === 0) return hit.rows;
      // Rows read after a comment was written hold it already: add only those written after.
      const { result: found, postedMeanwhile } = await this.whileReading(key, () => gateRowsByIds(db, readingId, chapterId, hit.posted));
      const added = found.filter((row) => row.id > hit.maxId);
      const rows = added.length > 0 ? [...hit.rows, ...added] : hit.rows;
      this.kept.set(key, { rows, clubId, version, at: hit.at, posted: postedMeanwhile, maxId: Math.max(hit.maxId, maxIdOf(added)) });
      return rows;
    }
    const { result: rows, postedMeanwhile } = await this.whileReading(key, () => chapterGateRows(db, readingId, chapterId));
    this.kept.set(key, { rows, clubId, version, at: now, posted: postedMeanwhile, maxId: maxIdOf(rows) });
    return rows;
  }

  /** Runs `read` for the chapter `key`, noting the comments posted on it until it is done. */
  private async whileReading<T>(key: string, read: () => Promise<T>): Promise<{ result: T; postedMeanwhile: number[] }> {
    const postedMeanwhile: number[] = [];
    let reads = this.reading.get(key);
    if (!reads) this.reading.set(key, (reads = new Set()));
    reads.add(postedMeanwhile);
    try {
      return { result: await read(), postedMeanwhile };
    } finally {
      reads.delete(postedMeanwhile);
      if (reads.size === 0) this.reading.delete(key);
    }
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
  events.subscribe('*', (event) => cache.noteEvent(event), 'every-process');
  return cache;
}

/** A chapter's rows: kept ones when the app keeps them, else straight from the database. */
export function chapterRows(db: Db, clubId: number, readingId: number, chapterId: number, now: number): Promise<readonly GateRow[]> {
  const cache = caches.get(db);
  return cache ? cache.rows(db, clubId, readingId, chapterId, now) : chapterGateRows(db, readingId, chapterId);
}
