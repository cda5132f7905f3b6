/**
 * The search indexes' SQL: keeping them current, rebuilding them, and reading matches. No
 * decisions here — who may see a match is `present.ts`'s business, through the annotations
 * area's spoiler gate (its SQL form where the database must filter, see {@link commentMatches}).
 *
 * The FTS5 tables and triggers are in `migrations/0002_search_fts.sql`. Statements go through
 * `sqlite.prepare`, which the connection caches by SQL text.
 */
import { sql } from 'drizzle-orm';
import type { Db, Sqlite } from '../../db/connection';
import { visibleToSql, type GateViewer } from '../annotations';
import { indexText } from './tokens';

// ---------------------------------------------------------------- keeping the indexes current

/**
 * Brings the comment index up to date with the outbox the triggers fill: each listed comment
 * is re-read, and indexed again when it is live (not deleted, hidden or removed), or dropped.
 * One immediate transaction; returns how many comments it looked at.
 */
export function drainCommentOutbox(sqlite: Sqlite, batch = 5000): number {
  const pending = sqlite.prepare('select comment_id as id from search_comment_outbox limit 1');
  if (pending.get() === undefined) return 0;
  const take = sqlite.prepare('select comment_id as id from search_comment_outbox order by comment_id limit ?');
  const read = sqlite.prepare('select body from comments where id = ? and deleted_at is null and moderation is null');
  const drop = sqlite.prepare('delete from search_comment_text where rowid = ?');
  const add = sqlite.prepare('insert into search_comment_text (rowid, body) values (?, ?)');
  const done = sqlite.prepare('delete from search_comment_outbox where comment_id = ?');
  let total = 0;
  for (;;) {
    const count = sqlite
      .transaction(() => {
        const ids = take.all(batch) as { id: number }[];
        for (const { id } of ids) {
          drop.run(id);
          const row = read.get(id) as { body: string } | undefined;
          if (row) add.run(id, indexText(row.body));
          done.run(id);
        }
        return ids.length;
      })
      .immediate();
    total += count;
    if (count < batch) return total;
  }
}

/** Indexes an edition's paragraphs once (editions never change); false when it already was. */
export function indexEdition(sqlite: Sqlite, editionId: number, now: number): boolean {
  // Asked before every search: answer "already indexed" without opening a write transaction.
  if (sqlite.prepare('select 1 from search_indexed_editions where edition_id = ?').get(editionId)) return false;
  return sqlite
    .transaction(() => {
      if (sqlite.prepare('select 1 from search_indexed_editions where edition_id = ?').get(editionId)) return false;
      const rows = sqlite.prepare('select id, text from paragraphs where edition_id = ? order by position').all(editionId) as { id: number; text: string }[];
      if (rows.length === 0 && !sqlite.prepare('select 1 from editions where id = ?').get(editionId)) return false;
      const add = sqlite.prepare('insert into search_paragraph_text (rowid, text) values (?, ?)');
      for (const row of rows) add.run(row.id, indexText(row.text));
      sqlite.prepare('insert into search_indexed_editions (edition_id, paragraph_count, indexed_at) values (?, ?, ?)').run(editionId, rows.length, now);
      return true;
    })
    .immediate();
}

/** Editions not indexed yet (imported before search existed, or by a process that did not index). */
export function unindexedEditionIds(sqlite: Sqlite): number[] {
  return (sqlite.prepare('select id from editions where id not in (select edition_id from search_indexed_editions) order by id').all() as { id: number }[]).map((r) => r.id);
}

/** Empties both indexes and builds them again from `paragraphs` and `comments`. */
export function rebuildSearchIndexes(sqlite: Sqlite, now: number): { editions: number; paragraphs: number; comments: number } {
  const comments = sqlite
    .transaction(() => {
      sqlite.exec(`insert into search_paragraph_text (search_paragraph_text) values ('delete-all');
        insert into search_comment_text (search_comment_text) values ('delete-all');
        delete from search_indexed_editions;
        delete from search_comment_outbox;`);
      const add = sqlite.prepare('insert into search_comment_text (rowid, body) values (?, ?)');
      let count = 0;
      // In pages by id (better-sqlite3 cannot write while a statement is still iterating).
      const page = sqlite.prepare('select id, body from comments where id > ? and deleted_at is null and moderation is null order by id limit 10000');
      for (let after = 0; ; ) {
        const rows = page.all(after) as { id: number; body: string }[];
        for (const row of rows) add.run(row.id, indexText(row.body));
        count += rows.length;
        if (rows.length === 0) break;
        after = rows[rows.length - 1]!.id;
      }
      return count;
    })
    .immediate();
  const editions = unindexedEditionIds(sqlite);
  for (const id of editions) indexEdition(sqlite, id, now);
  const paragraphs = (sqlite.prepare('select coalesce(sum(paragraph_count), 0) as n from search_indexed_editions').get() as { n: number }).n;
  sqlite.exec(`insert into search_paragraph_text (search_paragraph_text) values ('optimize');
    insert into search_comment_text (search_comment_text) values ('optimize');`);
  return { editions: editions.length, paragraphs, comments };
}

/** Bytes the two indexes take (their FTS5 segment data). */
export function searchIndexBytes(sqlite: Sqlite): { paragraphs: number; comments: number } {
  const size = (table: string) => (sqlite.prepare(`select coalesce(sum(length(block)), 0) as n from ${table}_data`).get() as { n: number }).n;
  return { paragraphs: size('search_paragraph_text'), comments: size('search_comment_text') };
}

// ---------------------------------------------------------------- reading matches

/** A paragraph of an edition that matches (no text: most matches are only counted). */
export interface ParagraphMatch {
  id: number;
  chapterId: number;
  ordinal: number;
  position: number;
  score: number;
}

/** Every matching paragraph of one edition, best first (an edition has a few thousand at most). */
export function paragraphMatches(sqlite: Sqlite, editionId: number, match: string): ParagraphMatch[] {
  return sqlite
    .prepare(
      `select p.id, p.chapter_id as chapterId, p.ordinal, p.position, bm25(search_paragraph_text) as score
       from search_paragraph_text join paragraphs p on p.id = search_paragraph_text.rowid
       where search_paragraph_text match ? and p.edition_id = ?
       order by score, p.position`,
    )
    .all(match, editionId) as ParagraphMatch[];
}

/** The text of some paragraphs, by id. */
export function paragraphTexts(sqlite: Sqlite, ids: readonly number[]): Map<number, string> {
  if (ids.length === 0) return new Map();
  const rows = sqlite.prepare(`select id, text from paragraphs where id in (${ids.map(() => '?').join(',')})`).all(...ids) as { id: number; text: string }[];
  return new Map(rows.map((row) => [row.id, row.text]));
}

/** A matching paragraph anywhere in the library (the site admin's search). */
export interface LibraryMatch {
  id: number;
  editionId: number;
  editionTitle: string;
  chapterId: number;
  chapterOrdinal: number;
  chapterTitle: string;
  chapterKind: 'front' | 'body' | 'back';
  ordinal: number;
  text: string;
}

export function libraryMatches(sqlite: Sqlite, match: string, limit: number): LibraryMatch[] {
  return sqlite
    .prepare(
      `select p.id, p.edition_id as editionId, e.title as editionTitle, p.chapter_id as chapterId, c.ordinal as chapterOrdinal,
              c.title as chapterTitle, c.kind as chapterKind, p.ordinal, p.text
       from (select rowid, bm25(search_paragraph_text) as score from search_paragraph_text where search_paragraph_text match ? order by score limit ?) hit
       join paragraphs p on p.id = hit.rowid join chapters c on c.id = p.chapter_id join editions e on e.id = p.edition_id
       order by hit.score`,
    )
    .all(match, limit) as LibraryMatch[];
}

/** A matching comment the viewer may see, with what a result shows. */
export type SearchOrder = 'best' | 'newest';

export interface CommentMatch {
  id: number;
  chapterId: number;
  paragraphId: number | null;
  paragraphOrdinal: number | null;
  authorId: number;
  authorDisplayName: string;
  anchorPosition: number;
  visibility: 'club' | 'private';
  body: string;
  createdAt: number;
}



/**
 * The best (or newest) `limit` live comments of a reading that match and that the spoiler
 * gate lets `viewer` see. The gate runs in SQL here (`visibleToSql`, the annotations area's
 * own SQL form of `commentVisibleTo`) so the limit counts only visible comments; the caller
 * still passes every row through `commentVisibleTo`.
 */
export function commentMatches(db: Db, readingId: number, match: string, viewer: GateViewer, order: SearchOrder, limit: number): CommentMatch[] {
  // The gate and the order on the matches alone; authors and paragraphs joined for the few kept.
  const sortKey = order === 'newest' ? sql`-comments.created_at` : sql`bm25(search_comment_text)`;
  return db.all<CommentMatch>(sql`
    select comments.id, comments.chapter_id as chapterId, comments.paragraph_id as paragraphId, paragraphs.ordinal as paragraphOrdinal,
           comments.author_id as authorId, users.display_name as authorDisplayName, comments.anchor_position as anchorPosition,
           comments.visibility, comments.body, comments.created_at as createdAt
    from (
      select comments.id, ${sortKey} as sortKey from search_comment_text join comments on comments.id = search_comment_text.rowid
      where search_comment_text match ${match} and comments.reading_id = ${readingId}
        and comments.deleted_at is null and comments.moderation is null and ${visibleToSql(viewer)}
      order by sortKey, comments.id desc
      limit ${limit}
    ) kept
    join comments on comments.id = kept.id
    join users on users.id = comments.author_id
    left join paragraphs on paragraphs.id = comments.paragraph_id
    order by kept.sortKey, kept.id desc`);
}

/**
 * How many live comments of a reading match, split by the gate: those `viewer` may see, and the
 * club comments hidden from them ("N more further on"). Other people's private notes are in
 * neither (the gate's `partitionVisible` counts the same way). One pass over the matches.
 */
export function commentMatchCounts(db: Db, readingId: number, match: string, viewer: GateViewer): { visible: number; hidden: number } {
  const visible = visibleToSql(viewer);
  const row = db.get<{ visible: number | null; hidden: number | null }>(sql`
    select sum(seen) as visible, sum(club and not seen) as hidden from (
      select (${visible}) as seen, comments.visibility = 'club' as club
      from search_comment_text join comments on comments.id = search_comment_text.rowid
      where search_comment_text match ${match} and comments.reading_id = ${readingId}
        and comments.deleted_at is null and comments.moderation is null)`);
  return { visible: row?.visible ?? 0, hidden: row?.hidden ?? 0 };
}
