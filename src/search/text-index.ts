/**
 * The text indexes' SQL, the one part of search each engine writes its own way (everything else,
 * the outbox, the gate tables, the versions and the indexed editions, is the same SQL on both:
 * `queries.ts`). Each engine gives the same functions ({@link TextIndex}); {@link textIndexOf}
 * picks the one of a handle.
 *
 * - **SQLite**: two contentless FTS5 tables (`migrations/0004_search_fts.sql`) keyed by `rowid`,
 *   holding the app's index text (`tokens.ts` `indexText`), searched with `MATCH` (the FTS5
 *   expression of `query.ts`) and ranked by `bm25` (lower is better).
 * - **PostgreSQL**: two plain tables (`migrations/pg/0001_triggers_and_search.sql`) keyed by
 *   `id`, each row the text as written (for pg_trgm) and `tokens`, the same index text read by
 *   `to_tsvector('marginalia_search', …)`; searched with `@@` and the tsquery of `query.ts`,
 *   ranked by `ts_rank`, given negated as `score` so that lower is better on both.
 *
 * Every function takes the handle to run on: inside a transaction, its `tx`.
 */
import { sql, type SQL } from 'drizzle-orm';
import { engineOf, execute, rows, type Db } from '../../db/connection';
import type { GateComment } from '../annotations';
import type { SearchExpression } from './query';
import { indexText } from './tokens';

/** A paragraph or a comment to index: its id and its text as a reader reads it (a comment's plain text). */
export interface IndexedText {
  id: number;
  text: string;
}

/** A paragraph of an edition that matches (no text: most matches are only counted). */
export interface ParagraphMatch {
  id: number;
  chapterId: number;
  ordinal: number;
  position: number;
  /** Lower is a better match: bm25 (SQLite), minus ts_rank (PostgreSQL). */
  score: number;
}

/** What the gate reads of a matching comment, and its id. */
export interface CommentMatchFacts extends GateComment {
  id: number;
  /** Lower is a better match: bm25 (SQLite), minus ts_rank (PostgreSQL). */
  score: number;
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

export interface TextIndex {
  addParagraphs(db: Db, texts: readonly IndexedText[]): Promise<void>;
  addComments(db: Db, texts: readonly IndexedText[]): Promise<void>;
  dropComments(db: Db, ids: readonly number[]): Promise<void>;
  /** Empties both text tables (their gate tables are `queries.ts`'s). */
  empty(db: Db): Promise<void>;
  /** After a rebuild: merges FTS5's segments; has PostgreSQL's statistics read again. */
  tidy(db: Db): Promise<void>;
  /** Bytes each index takes with its gate table. */
  bytes(db: Db): Promise<{ paragraphs: number; comments: number }>;
  /** Matching paragraphs of one edition: the first `limit` by id, in no particular order; from the index and its gate table only. */
  paragraphMatches(db: Db, editionId: number, query: SearchExpression, limit: number): Promise<ParagraphMatch[]>;
  /** The best `limit` matching paragraphs of every edition, best first, with their text and where they are. */
  libraryMatches(db: Db, query: SearchExpression, limit: number): Promise<LibraryMatch[]>;
  /** The id of the `offset`-th newest matching comment of any reading (0: the newest), if there are that many. */
  commentIdAt(db: Db, query: SearchExpression, offset: number): Promise<number | undefined>;
  /** A reading's matching comments of id `fromId` or more, newest first, from the index and its gate table only. */
  commentMatchFacts(db: Db, readingId: number, query: SearchExpression, fromId: number): Promise<CommentMatchFacts[]>;
}

/** Rows per INSERT: well under both engines' limit of bound values (SQLite 32,766; PostgreSQL 65,535). */
const ROWS_PER_INSERT = 500;

/** Runs `insert` on `texts` in slices of {@link ROWS_PER_INSERT}: one statement each. */
async function inSlices(texts: readonly IndexedText[], insert: (slice: readonly IndexedText[]) => Promise<unknown>): Promise<void> {
  for (let at = 0; at < texts.length; at += ROWS_PER_INSERT) await insert(texts.slice(at, at + ROWS_PER_INSERT));
}

/** The list of `id in (…)`, one bound value each. */
export const idList = (values: readonly number[]): SQL => sql.join(values.map((value) => sql`${value}`), sql`, `);

/** The library's matches of `hits` (ids and scores, lower is better), with what a result shows: one query. */
const libraryOf = (hits: SQL): SQL =>
  sql`select p.id, p.edition_id as "editionId", e.title as "editionTitle", p.chapter_id as "chapterId", c.ordinal as "chapterOrdinal",
             c.title as "chapterTitle", c.kind as "chapterKind", p.ordinal, p.text
      from (${hits}) hit
      join paragraphs p on p.id = hit.id join chapters c on c.id = p.chapter_id join editions e on e.id = p.edition_id
      order by hit.score, p.id`;

const sqliteTextIndex: TextIndex = {
  addParagraphs: (db, texts) =>
    inSlices(texts, (slice) => execute(db, sql`insert into search_paragraph_text (rowid, text) values ${sql.join(slice.map((t) => sql`(${t.id}, ${indexText(t.text)})`), sql`, `)}`)),
  addComments: (db, texts) =>
    inSlices(texts, (slice) => execute(db, sql`insert into search_comment_text (rowid, body) values ${sql.join(slice.map((t) => sql`(${t.id}, ${indexText(t.text)})`), sql`, `)}`)),
  async dropComments(db, ids) {
    // A rowid IN list is one lookup per id (FTS5 serves `rowid =` itself).
    if (ids.length > 0) await execute(db, sql`delete from search_comment_text where rowid in (${idList(ids)})`);
  },
  async empty(db) {
    await execute(db, sql`insert into search_paragraph_text (search_paragraph_text) values ('delete-all')`);
    await execute(db, sql`insert into search_comment_text (search_comment_text) values ('delete-all')`);
  },
  async tidy(db) {
    await execute(db, sql`insert into search_paragraph_text (search_paragraph_text) values ('optimize')`);
    await execute(db, sql`insert into search_comment_text (search_comment_text) values ('optimize')`);
  },
  async bytes(db) {
    // Every b-tree of the FTS5 tables (segments, document sizes, indexes) and of their gate tables, as `dbstat` counts pages.
    const size = async (prefix: string, gate: string) =>
      (await rows<{ n: number }>(db, sql`select coalesce(sum(pgsize), 0) as n from dbstat where name like ${`${prefix}%`} or name = ${gate}`))[0]!.n;
    return { paragraphs: await size('search_paragraph_text', 'search_paragraph_gate'), comments: await size('search_comment_text', 'search_comment_gate') };
  },
  paragraphMatches: (db, editionId, query, limit) =>
    rows<ParagraphMatch>(
      db,
      sql`select g.id, g.chapter_id as "chapterId", g.ordinal, g.position, bm25(search_paragraph_text) as score
          from search_paragraph_text join search_paragraph_gate g on g.id = search_paragraph_text.rowid
          where search_paragraph_text match ${query.match} and g.edition_id = ${editionId}
          order by search_paragraph_text.rowid limit ${limit}`,
    ),
  libraryMatches: (db, query, limit) =>
    rows<LibraryMatch>(
      db,
      libraryOf(sql`select rowid as id, bm25(search_paragraph_text) as score from search_paragraph_text
                    where search_paragraph_text match ${query.match} order by score limit ${limit}`),
    ),
  async commentIdAt(db, query, offset) {
    const [row] = await rows<{ id: number }>(db, sql`select rowid as id from search_comment_text where search_comment_text match ${query.match} order by rowid desc limit 1 offset ${offset}`);
    return row?.id;
  },
  // The rowid range is one FTS5 serves itself, so a pass starting at the threshold reads no older
  // matches. The rows come back as ONE JSON array of arrays: up to MATCHES_READ rows, each made
  // an object by better-sqlite3, cost a fifth more than the query itself (measured at 100k
  // comments); SQLite builds the JSON in C, and JSON.parse is quick. Materialized, because bm25
  // may not be read inside the aggregate a flattened subquery would put it in; sorted again
  // here, since no aggregate promises its input's order (an ORDER BY inside it measured slower).
  async commentMatchFacts(db, readingId, query, fromId) {
    const [row] = await rows<{ facts: string | null }>(
      db,
      sql`with hits as materialized (
            select g.id, g.chapter_id, g.anchor_position, g.author_id, g.visibility, bm25(search_comment_text) as score
            from search_comment_text join search_comment_gate g on g.id = search_comment_text.rowid
            where search_comment_text match ${query.match} and search_comment_text.rowid >= ${fromId} and g.reading_id = ${readingId}
            order by search_comment_text.rowid desc)
          select json_group_array(json_array(id, chapter_id, anchor_position, author_id, visibility, score)) as facts from hits`,
    );
    const facts = JSON.parse(row?.facts ?? '[]') as [number, number, number, number, 'club' | 'private', number][];
    return facts
      .map(([id, chapterId, anchorPosition, authorId, visibility, score]) => ({ id, chapterId, anchorPosition, authorId, visibility, score }))
      .sort((a, b) => b.id - a.id);
  },
};

/** The index text of `text` as a tsvector (the configuration of the migration). */
const tokensOf = (text: string): SQL => sql`to_tsvector('marginalia_search', ${indexText(text)})`;
const tsqueryOf = (query: SearchExpression): SQL => sql`to_tsquery('marginalia_search', ${query.tsquery})`;

const pgTextIndex: TextIndex = {
  // On conflict: another process indexing the same edition, or draining the same comments, at
  // the same moment may have written the row first (SERIALIZABLE usually fails one of the two).
  addParagraphs: (db, texts) =>
    inSlices(texts, (slice) =>
      execute(db, sql`insert into search_paragraph_text (id, text, tokens) values ${sql.join(slice.map((t) => sql`(${t.id}, ${t.text}, ${tokensOf(t.text)})`), sql`, `)}
        on conflict (id) do update set text = excluded.text, tokens = excluded.tokens`),
    ),
  addComments: (db, texts) =>
    inSlices(texts, (slice) =>
      execute(db, sql`insert into search_comment_text (id, body, tokens) values ${sql.join(slice.map((t) => sql`(${t.id}, ${t.text}, ${tokensOf(t.text)})`), sql`, `)}
        on conflict (id) do update set body = excluded.body, tokens = excluded.tokens`),
    ),
  async dropComments(db, ids) {
    if (ids.length > 0) await execute(db, sql`delete from search_comment_text where id in (${idList(ids)})`);
  },
  async empty(db) {
    await execute(db, sql`delete from search_paragraph_text`);
    await execute(db, sql`delete from search_comment_text`);
  },
  async tidy(db) {
    await execute(db, sql`analyze search_paragraph_text, search_paragraph_gate, search_comment_text, search_comment_gate`);
  },
  async bytes(db) {
    const [row] = await rows<{ paragraphs: number; comments: number }>(
      db,
      sql`select pg_total_relation_size('search_paragraph_text') + pg_total_relation_size('search_paragraph_gate') as paragraphs,
                 pg_total_relation_size('search_comment_text') + pg_total_relation_size('search_comment_gate') as comments`,
    );
    return { paragraphs: Number(row!.paragraphs), comments: Number(row!.comments) };
  },
  paragraphMatches: (db, editionId, query, limit) =>
    rows<ParagraphMatch>(
      db,
      sql`select g.id, g.chapter_id as "chapterId", g.ordinal, g.position, -ts_rank(t.tokens, q.q) as score
          from search_paragraph_text t join search_paragraph_gate g on g.id = t.id cross join ${tsqueryOf(query)} as q(q)
          where t.tokens @@ q.q and g.edition_id = ${editionId}
          order by t.id limit ${limit}`,
    ),
  libraryMatches: (db, query, limit) =>
    rows<LibraryMatch>(
      db,
      libraryOf(sql`select t.id, -ts_rank(t.tokens, q.q) as score from search_paragraph_text t cross join ${tsqueryOf(query)} as q(q)
                    where t.tokens @@ q.q order by score, t.id limit ${limit}`),
    ),
  async commentIdAt(db, query, offset) {
    const [row] = await rows<{ id: number }>(db, sql`select id from search_comment_text where tokens @@ ${tsqueryOf(query)} order by id desc limit 1 offset ${offset}`);
    return row?.id;
  },
  // No id range below MATCHES_READ matches: `id >= 0` would tempt the planner to the primary key.
  commentMatchFacts: (db, readingId, query, fromId) =>
    rows<CommentMatchFacts>(
      db,
      sql`select g.id, g.chapter_id as "chapterId", g.anchor_position as "anchorPosition", g.author_id as "authorId", g.visibility, -ts_rank(t.tokens, q.q) as score
          from search_comment_text t join search_comment_gate g on g.id = t.id cross join ${tsqueryOf(query)} as q(q)
          where t.tokens @@ q.q ${fromId > 0 ? sql`and t.id >= ${fromId}` : sql``} and g.reading_id = ${readingId}
          order by t.id desc`,
    ),
};

/** The text index of the engine that runs `db`. */
export function textIndexOf(db: Db): TextIndex {
  return engineOf(db) === 'pg' ? pgTextIndex : sqliteTextIndex;
}
