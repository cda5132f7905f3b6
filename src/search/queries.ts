/**
 * The search indexes' SQL: keeping them current, rebuilding them, and reading matches. No
 * decisions here — who may see a match is `present.ts`'s business, through the annotations
 * area's spoiler gate (its SQL form where the database must filter, see {@link commentMatches}).
 *
 * The FTS5 tables and triggers are in `migrations/0004_search_fts.sql` and `0006_search_gate_columns.sql`. Statements go through
 * `sqlite.prepare`, which the connection caches by SQL text.
 */
import type { Sqlite } from '../../db/connection';
import { commentPlainText, type GateComment } from '../annotations';
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
  const read = sqlite.prepare(`select ${COMMENT_GATE_COLUMNS}, body from comments where id = ? and deleted_at is null and moderation is null`);
  const done = sqlite.prepare('delete from search_comment_outbox where comment_id = ?');
  let total = 0;
  for (;;) {
    const count = sqlite
      .transaction(() => {
        const ids = take.all(batch) as { id: number }[];
        const readings = new Set<number>();
        for (const { id } of ids) {
          const before = sqlite.prepare('select reading_id as readingId from search_comment_gate where id = ?').get(id) as { readingId: number } | undefined;
          if (before) readings.add(before.readingId);
          dropComment(sqlite, id);
          const row = read.get(id) as CommentGateRow | undefined;
          if (row) {
            addComment(sqlite, row);
            readings.add(row.reading_id);
          }
          done.run(id);
        }
        for (const readingId of readings) bumpReadingVersion(sqlite, readingId);
        return ids.length;
      })
      .immediate();
    total += count;
    if (count < batch) return total;
  }
}

/** The columns `search_comment_gate` copies from `comments` (same names; see the migration). */
const COMMENT_GATE_COLUMNS = 'id, reading_id, chapter_id, anchor_position, author_id, visibility';

interface CommentGateRow {
  id: number;
  reading_id: number;
  chapter_id: number;
  anchor_position: number;
  author_id: number;
  visibility: string;
  body: string;
}

/** Says the index of a reading's comments changed (see `search_reading_versions` in the migration). */
function bumpReadingVersion(sqlite: Sqlite, readingId: number): void {
  sqlite.prepare('insert into search_reading_versions (reading_id, version) values (?, 1) on conflict (reading_id) do update set version = version + 1').run(readingId);
}

/** The version of a reading's comment index (0 before its first comment); it only ever grows. */
export function readingIndexVersion(sqlite: Sqlite, readingId: number): number {
  return (sqlite.prepare('select version from search_reading_versions where reading_id = ?').get(readingId) as { version: number } | undefined)?.version ?? 0;
}

function dropComment(sqlite: Sqlite, id: number): void {
  sqlite.prepare('delete from search_comment_text where rowid = ?').run(id);
  sqlite.prepare('delete from search_comment_gate where id = ?').run(id);
}

function addComment(sqlite: Sqlite, row: CommentGateRow): void {
  sqlite.prepare('insert into search_comment_text (rowid, body) values (?, ?)').run(row.id, indexText(commentPlainText(row.body)));
  sqlite
    .prepare(`insert into search_comment_gate (${COMMENT_GATE_COLUMNS}) values (?, ?, ?, ?, ?, ?)`)
    .run(row.id, row.reading_id, row.chapter_id, row.anchor_position, row.author_id, row.visibility);
}

/** Indexes an edition's paragraphs once (editions never change); false when it already was. */
export function indexEdition(sqlite: Sqlite, editionId: number, now: number): boolean {
  // Asked before every search: answer "already indexed" without opening a write transaction.
  if (sqlite.prepare('select 1 from search_indexed_editions where edition_id = ?').get(editionId)) return false;
  return sqlite
    .transaction(() => {
      if (sqlite.prepare('select 1 from search_indexed_editions where edition_id = ?').get(editionId)) return false;
      const rows = sqlite.prepare('select id, chapter_id, ordinal, position, text from paragraphs where edition_id = ? order by position').all(editionId) as { id: number; chapter_id: number; ordinal: number; position: number; text: string }[];
      if (rows.length === 0 && !sqlite.prepare('select 1 from editions where id = ?').get(editionId)) return false;
      const add = sqlite.prepare('insert into search_paragraph_text (rowid, text) values (?, ?)');
      const addGate = sqlite.prepare('insert into search_paragraph_gate (id, edition_id, chapter_id, ordinal, position) values (?, ?, ?, ?, ?)');
      for (const row of rows) {
        add.run(row.id, indexText(row.text));
        addGate.run(row.id, editionId, row.chapter_id, row.ordinal, row.position);
      }
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
        delete from search_comment_gate;
        delete from search_paragraph_gate;
        delete from search_indexed_editions;
        delete from search_comment_outbox;`);
      // Every reading's matches change: versions move on (never back, so no memory mistakes old for new).
      sqlite.exec(`insert into search_reading_versions (reading_id, version) select id, 1 from readings where true
        on conflict (reading_id) do update set version = version + 1`);
      let count = 0;
      // In pages by id (better-sqlite3 cannot write while a statement is still iterating).
      const page = sqlite.prepare(`select ${COMMENT_GATE_COLUMNS}, body from comments where id > ? and deleted_at is null and moderation is null order by id limit 10000`);
      for (let after = 0; ; ) {
        const rows = page.all(after) as CommentGateRow[];
        for (const row of rows) addComment(sqlite, row);
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

/**
 * Bytes the indexes take on disk: every b-tree of the FTS5 tables (segments, document sizes,
 * indexes) and of their gate tables, as SQLite's `dbstat` counts pages.
 */
export function searchIndexBytes(sqlite: Sqlite): { paragraphs: number; comments: number } {
  const size = (prefix: string, gate: string) =>
    (sqlite.prepare(`select coalesce(sum(pgsize), 0) as n from dbstat where name like ? or name = ?`).get(`${prefix}%`, gate) as { n: number }).n;
  return { paragraphs: size('search_paragraph_text', 'search_paragraph_gate'), comments: size('search_comment_text', 'search_comment_gate') };
}

// ---------------------------------------------------------------- reading matches

/**
 * Most matches one search reads for its counts and groups, newest (comments) or first in the
 * book (paragraphs) first: beyond it the counts say "at least" ("1,000+"), so a word in every
 * other comment costs what a word in a thousand does.
 */
export const MATCHES_READ = 1000;

/** A paragraph of an edition that matches (no text: most matches are only counted). */
export interface ParagraphMatch {
  id: number;
  chapterId: number;
  ordinal: number;
  position: number;
  /** bm25: lower is a better match. */
  score: number;
}

/**
 * Matching paragraphs of one edition in reading order, at most `limit`, read from the index and
 * its gate table only (never the paragraphs' text).
 */
export function paragraphMatches(sqlite: Sqlite, editionId: number, match: string, limit = MATCHES_READ): ParagraphMatch[] {
  return sqlite
    .prepare(
      `select g.id, g.chapter_id as chapterId, g.ordinal, g.position, bm25(search_paragraph_text) as score
       from search_paragraph_text join search_paragraph_gate g on g.id = search_paragraph_text.rowid
       where search_paragraph_text match ? and g.edition_id = ?
       order by search_paragraph_text.rowid limit ?`,
    )
    .all(match, editionId, limit)
    .sort((a, b) => (a as ParagraphMatch).position - (b as ParagraphMatch).position) as ParagraphMatch[];
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



/** What the gate reads of a matching comment, and its id. */
export interface CommentMatchFacts extends GateComment {
  id: number;
  /** bm25: lower is a better match. */
  score: number;
}

/**
 * The newest {@link MATCHES_READ} matching comments of a reading, with what the spoiler gate
 * reads of each, from the index and its gate table only (never the comments' bodies). Nothing
 * here is about a viewer: the caller runs the gate over these, and may keep them (in memory)
 * until `readingIndexVersion` moves on.
 *
 * The index finds the id of the last of the newest {@link MATCHES_READ} matches first (no table
 * read), and the pass starts there (a rowid range FTS5 serves itself), so a word in every other
 * comment costs what a word in a thousand does; `atLeast` says there may be older ones.
 */
export function commentMatchFacts(sqlite: Sqlite, readingId: number, match: string): { facts: CommentMatchFacts[]; atLeast: boolean } {
  const threshold = sqlite.prepare('select rowid as id from search_comment_text where search_comment_text match ? order by rowid desc limit 1 offset ?').get(match, MATCHES_READ - 1) as { id: number } | undefined;
  const rows = sqlite
    .prepare(
      `select g.id, g.chapter_id, g.anchor_position, g.author_id, g.visibility = 'private', bm25(search_comment_text)
       from search_comment_text join search_comment_gate g on g.id = search_comment_text.rowid
       where search_comment_text match ? and search_comment_text.rowid >= ? and g.reading_id = ?
       order by search_comment_text.rowid desc`,
    )
    .raw()
    .all(match, threshold?.id ?? 0, readingId) as [number, number, number, number, number, number][];
  const facts = rows.map(([id, chapterId, anchorPosition, authorId, isPrivate, score]): CommentMatchFacts => ({ id, chapterId, anchorPosition, authorId, visibility: isPrivate ? 'private' : 'club', score }));
  return { facts, atLeast: threshold !== undefined };
}

/** Some comments, in the order given, with what a result shows (authors and paragraphs joined for these only). */
export function commentsShown(sqlite: Sqlite, ids: readonly number[]): CommentMatch[] {
  if (ids.length === 0) return [];
  return sqlite
    .prepare(
      `select comments.id, comments.chapter_id as chapterId, comments.paragraph_id as paragraphId, paragraphs.ordinal as paragraphOrdinal,
              comments.author_id as authorId, users.display_name as authorDisplayName, comments.anchor_position as anchorPosition,
              comments.visibility, comments.body, comments.created_at as createdAt
       from json_each(?) shown
       join comments on comments.id = shown.value
       join users on users.id = comments.author_id
       left join paragraphs on paragraphs.id = comments.paragraph_id
       where comments.deleted_at is null and comments.moderation is null
       order by shown.key`,
    )
    .all(JSON.stringify(ids)) as CommentMatch[];
}
