/**
 * The search indexes' SQL: keeping them current, rebuilding them, and reading matches. No
 * decisions here — who may see a match is `present.ts`'s business, through the annotations
 * area's spoiler gate.
 *
 * The outbox, the gate tables, the reading versions and the indexed-editions marker are the same
 * tables with the same SQL on SQLite and PostgreSQL (`migrations/0004_search_fts.sql`,
 * `0007_search_gate_columns.sql`; `migrations/pg/0001_triggers_and_search.sql`); the text
 * indexes themselves are each engine's own (FTS5, tsvector): `text-index.ts`.
 */
import { sql } from 'drizzle-orm';
import { execute, idsParameter, rows, transaction, type Db } from '../../db/connection';
import { commentPlainText } from '../annotations';
import type { SearchExpression } from './query';
import { idList, textIndexOf, type CommentMatchFacts, type LibraryMatch, type ParagraphMatch } from './text-index';

export type { CommentMatchFacts, LibraryMatch, ParagraphMatch } from './text-index';

// ---------------------------------------------------------------- keeping the indexes current

/** The columns `search_comment_gate` copies from `comments` (same names; see the migration). */
const COMMENT_GATE_COLUMNS = sql.raw('id, reading_id, chapter_id, anchor_position, author_id, visibility');
/** Comments the index holds: not deleted, hidden or removed. */
const LIVE_COMMENT = sql.raw('deleted_at is null and moderation is null');

const drains = new WeakMap<Db, Promise<void>>();

/**
 * Brings the comment index up to date with the outbox the triggers fill: each listed comment
 * is re-read, and indexed again when it is live (not deleted, hidden or removed), or dropped.
 * One transaction per `batch` comments, a handful of statements each; returns how many
 * comments it looked at.
 *
 * Drains of one database run one after another in this process (a search that drains first
 * waits for the listener's drain rather than racing it: on PostgreSQL two at once would fail
 * one with a serialization error). `db` is the outer handle, never a transaction's.
 */
export function drainCommentOutbox(db: Db, batch = 5000): Promise<number> {
  const run = () => drainNow(db, batch);
  const queued = drains.get(db);
  const drain = queued ? queued.then(run) : run();
  const settled = drain.then(
    () => {},
    () => {},
  );
  drains.set(db, settled);
  void settled.then(() => {
    if (drains.get(db) === settled) drains.delete(db);
  });
  return drain;
}

async function drainNow(db: Db, batch: number): Promise<number> {
  if ((await rows(db, sql`select comment_id from search_comment_outbox limit 1`)).length === 0) return 0;
  let total = 0;
  for (;;) {
    const count = await transaction(db, async (tx) => {
      const ids = (await rows<{ id: number }>(tx, sql`select comment_id as id from search_comment_outbox order by comment_id limit ${batch}`)).map((row) => row.id);
      if (ids.length === 0) return 0;
      const index = textIndexOf(tx);
      const before = await rows<{ readingId: number }>(tx, sql`select distinct reading_id as "readingId" from search_comment_gate where id in (${idList(ids)})`);
      await index.dropComments(tx, ids);
      await execute(tx, sql`delete from search_comment_gate where id in (${idList(ids)})`);
      const live = await rows<{ id: number; readingId: number; body: string }>(
        tx,
        sql`select id, reading_id as "readingId", body from comments where id in (${idList(ids)}) and ${LIVE_COMMENT}`,
      );
      await index.addComments(tx, live.map((row) => ({ id: row.id, text: commentPlainText(row.body) })));
      if (live.length > 0) {
        await execute(tx, sql`insert into search_comment_gate (${COMMENT_GATE_COLUMNS}) select ${COMMENT_GATE_COLUMNS} from comments where id in (${idList(live.map((row) => row.id))})`);
      }
      await execute(tx, sql`delete from search_comment_outbox where comment_id in (${idList(ids)})`);
      await bumpReadingVersions(tx, [...new Set([...before, ...live].map((row) => row.readingId))]);
      return ids.length;
    });
    total += count;
    if (count < batch) return total;
  }
}

/** Says the index of these readings' comments changed (see `search_reading_versions` in the migration). */
async function bumpReadingVersions(db: Db, readingIds: readonly number[]): Promise<void> {
  if (readingIds.length === 0) return;
  await execute(
    db,
    sql`insert into search_reading_versions (reading_id, version) values ${sql.join(
      readingIds.map((id) => sql`(${id}, 1)`),
      sql`, `,
    )} on conflict (reading_id) do update set version = search_reading_versions.version + 1`,
  );
}

/** The version of a reading's comment index (0 before its first comment); it only ever grows. */
export async function readingIndexVersion(db: Db, readingId: number): Promise<number> {
  const [row] = await rows<{ version: number }>(db, sql`select version from search_reading_versions where reading_id = ${readingId}`);
  return row?.version ?? 0;
}

async function editionIndexed(db: Db, editionId: number): Promise<boolean> {
  return (await rows(db, sql`select edition_id from search_indexed_editions where edition_id = ${editionId}`)).length > 0;
}

/** Indexes an edition's paragraphs once (editions never change); false when it already was. */
export async function indexEdition(db: Db, editionId: number, now: number): Promise<boolean> {
  // Asked before every search: answer "already indexed" without opening a write transaction.
  if (await editionIndexed(db, editionId)) return false;
  return transaction(db, async (tx) => {
    if (await editionIndexed(tx, editionId)) return false;
    const texts = await rows<{ id: number; text: string }>(tx, sql`select id, text from paragraphs where edition_id = ${editionId} order by position`);
    if (texts.length === 0 && (await rows(tx, sql`select id from editions where id = ${editionId}`)).length === 0) return false;
    await textIndexOf(tx).addParagraphs(tx, texts);
    await execute(
      tx,
      sql`insert into search_paragraph_gate (id, edition_id, chapter_id, ordinal, position)
          select id, edition_id, chapter_id, ordinal, position from paragraphs where edition_id = ${editionId}`,
    );
    await execute(tx, sql`insert into search_indexed_editions (edition_id, paragraph_count, indexed_at) values (${editionId}, ${texts.length}, ${now})`);
    return true;
  });
}

/** Editions not indexed yet (imported before search existed, or by a process that did not index). */
export async function unindexedEditionIds(db: Db): Promise<number[]> {
  const found = await rows<{ id: number }>(db, sql`select id from editions where id not in (select edition_id from search_indexed_editions) order by id`);
  return found.map((row) => row.id);
}

/** Comments read per page while rebuilding. */
const REBUILD_PAGE = 10_000;

/**
 * Empties both indexes and builds them again from `paragraphs` and `comments`: the comments in
 * one transaction, then each edition in one of its own.
 */
export async function rebuildSearchIndexes(db: Db, now: number): Promise<{ editions: number; paragraphs: number; comments: number }> {
  const comments = await transaction(db, async (tx) => {
    const index = textIndexOf(tx);
    await index.empty(tx);
    for (const table of ['search_comment_gate', 'search_paragraph_gate', 'search_indexed_editions', 'search_comment_outbox']) await execute(tx, sql`delete from ${sql.raw(table)}`);
    // Every reading's matches change: versions move on (never back, so no memory mistakes old for new).
    await execute(
      tx,
      sql`insert into search_reading_versions (reading_id, version) select id, 1 from readings where true
          on conflict (reading_id) do update set version = search_reading_versions.version + 1`,
    );
    await execute(tx, sql`insert into search_comment_gate (${COMMENT_GATE_COLUMNS}) select ${COMMENT_GATE_COLUMNS} from comments where ${LIVE_COMMENT}`);
    let count = 0;
    for (let after = 0; ; ) {
      const page = await rows<{ id: number; body: string }>(tx, sql`select id, body from comments where id > ${after} and ${LIVE_COMMENT} order by id limit ${REBUILD_PAGE}`);
      if (page.length === 0) break;
      await index.addComments(tx, page.map((row) => ({ id: row.id, text: commentPlainText(row.body) })));
      count += page.length;
      after = page[page.length - 1]!.id;
    }
    return count;
  });
  const editions = await unindexedEditionIds(db);
  for (const id of editions) await indexEdition(db, id, now);
  const [indexed] = await rows<{ paragraphs: number }>(db, sql`select coalesce(sum(paragraph_count), 0) as paragraphs from search_indexed_editions`);
  await textIndexOf(db).tidy(db);
  return { editions: editions.length, paragraphs: Number(indexed?.paragraphs ?? 0), comments };
}

/** Bytes the indexes take on disk, each with its gate table. */
export function searchIndexBytes(db: Db): Promise<{ paragraphs: number; comments: number }> {
  return textIndexOf(db).bytes(db);
}

// ---------------------------------------------------------------- reading matches

/**
 * Most matches one search reads for its counts and groups, newest (comments) or first in the
 * book (paragraphs) first: beyond it the counts say "at least" ("1,000+"), so a word in every
 * other comment costs what a word in a thousand does.
 */
export const MATCHES_READ = 1000;

/**
 * Matching paragraphs of one edition in reading order, at most `limit`, read from the index and
 * its gate table only (never the paragraphs' text).
 */
export async function paragraphMatches(db: Db, editionId: number, query: SearchExpression, limit = MATCHES_READ): Promise<ParagraphMatch[]> {
  const matches = await textIndexOf(db).paragraphMatches(db, editionId, query, limit);
  return matches.sort((a, b) => a.position - b.position);
}

/** The text of some paragraphs, by id. */
export async function paragraphTexts(db: Db, ids: readonly number[]): Promise<Map<number, string>> {
  if (ids.length === 0) return new Map();
  const found = await rows<{ id: number; text: string }>(db, sql`select id, text from paragraphs where id in (${idList(ids)})`);
  return new Map(found.map((row) => [row.id, row.text]));
}

/** The best `limit` matching paragraphs anywhere in the library (the site admin's search), best first. */
export function libraryMatches(db: Db, query: SearchExpression, limit: number): Promise<LibraryMatch[]> {
  return textIndexOf(db).libraryMatches(db, query, limit);
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
 * The newest {@link MATCHES_READ} matching comments of a reading, with what the spoiler gate
 * reads of each, from the index and its gate table only (never the comments' bodies). Nothing
 * here is about a viewer: the caller runs the gate over these, and may keep them (in memory)
 * until `readingIndexVersion` moves on.
 *
 * The index finds the id of the last of the newest {@link MATCHES_READ} matches first (no table
 * read), and the pass starts there (on SQLite a rowid range FTS5 serves itself), so a word in
 * every other comment costs what a word in a thousand does; `atLeast` says there may be older ones.
 */
export async function commentMatchFacts(db: Db, readingId: number, query: SearchExpression): Promise<{ facts: CommentMatchFacts[]; atLeast: boolean }> {
  const index = textIndexOf(db);
  const threshold = await index.commentIdAt(db, query, MATCHES_READ - 1);
  const facts = await index.commentMatchFacts(db, readingId, query, threshold ?? 0);
  return { facts, atLeast: threshold !== undefined };
}

/** Some comments, in the order given, with what a result shows (authors and paragraphs joined for these only). */
export async function commentsShown(db: Db, ids: readonly number[]): Promise<CommentMatch[]> {
  if (ids.length === 0) return [];
  const found = await rows<CommentMatch>(
    db,
    sql`select comments.id, comments.chapter_id as "chapterId", comments.paragraph_id as "paragraphId", paragraphs.ordinal as "paragraphOrdinal",
               comments.author_id as "authorId", users.display_name as "authorDisplayName", comments.anchor_position as "anchorPosition",
               comments.visibility, comments.body, comments.created_at as "createdAt"
        from comments
        join users on users.id = comments.author_id
        left join paragraphs on paragraphs.id = comments.paragraph_id
        where comments.id in ${idsParameter(db, JSON.stringify(ids))} and comments.deleted_at is null and comments.moderation is null`,
  );
  const byId = new Map(found.map((row) => [row.id, row]));
  return ids.flatMap((id) => byId.get(id) ?? []);
}
