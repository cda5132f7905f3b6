/**
 * The matches of a search, kept in memory per database, so search as you type (and many readers
 * of one club asking the same word) does not read the index again for every answer.
 *
 * What is kept is about no viewer: the ids of matching paragraphs and comments and what the
 * spoiler gate reads of each (position, chapter, author, visibility). Every answer runs the gate
 * over them again for its own reader (`present.ts`), so a reader's progress, reveals or
 * membership changing never needs the memory to be cleared.
 *
 * - A book's matches never change (an edition's text is fixed once imported): kept until evicted.
 * - A reading's comment matches are kept with the reading's index version
 *   (`search_reading_versions`, bumped in the same transaction as every change to that
 *   reading's comment index, by whichever process made it); an answer reads the version first
 *   (one row) and reads the index again when it moved. So no answer is staler than the index.
 *
 * Memory: at most {@link MEMORY_ENTRIES} searches per kind, each at most `MATCHES_READ` matches
 * of a few numbers (~50 bytes each): a few MB at worst. Searches are named by their FTS5
 * expression on both engines (the tsquery is made from the same terms).
 */
import type { Db } from '../../db/connection';
import { LruCache } from '../lib/lru-cache';
import { commentMatchFacts, paragraphMatches, readingIndexVersion, type CommentMatchFacts, type ParagraphMatch } from './queries';
import type { SearchExpression } from './query';

export const MEMORY_ENTRIES = 200;

interface Memory {
  paragraphs: LruCache<string, ParagraphMatch[]>;
  comments: LruCache<string, ReadingMatches & { version: number }>;
}

const memories = new WeakMap<Db, Memory>();

function memoryOf(db: Db): Memory {
  let memory = memories.get(db);
  if (!memory) memories.set(db, (memory = { paragraphs: new LruCache(MEMORY_ENTRIES), comments: new LruCache(MEMORY_ENTRIES) }));
  return memory;
}

/** The matching paragraphs of an edition, in reading order (see `paragraphMatches`). */
export async function editionMatches(db: Db, editionId: number, query: SearchExpression): Promise<ParagraphMatch[]> {
  const { paragraphs } = memoryOf(db);
  const key = `${editionId}\u0000${query.match}`;
  return paragraphs.get(key) ?? paragraphs.set(key, await paragraphMatches(db, editionId, query));
}

/** A reading's matching comments with their gate facts, in both orders a search lists them. */
export interface ReadingMatches {
  newestFirst: CommentMatchFacts[];
  /** Best match first (bm25 or ts_rank), ties newest first. */
  bestFirst: CommentMatchFacts[];
  /** There may be older matches than those read (see `MATCHES_READ`). */
  atLeast: boolean;
}

/** The newest matching comments of a reading with their gate facts (see `commentMatchFacts`). */
export async function readingMatches(db: Db, readingId: number, query: SearchExpression): Promise<ReadingMatches> {
  const { comments } = memoryOf(db);
  const key = `${readingId}\u0000${query.match}`;
  const version = await readingIndexVersion(db, readingId);
  const kept = comments.get(key);
  if (kept && kept.version === version) return kept;
  const { facts, atLeast } = await commentMatchFacts(db, readingId, query);
  const bestFirst = [...facts].sort((a, b) => a.score - b.score || b.id - a.id);
  return comments.set(key, { version, newestFirst: facts, bestFirst, atLeast });
}
