/**
 * The PostgreSQL search tables (migrations/pg/0001; docs/postgres.md, "Search"): the app's own
 * index text (src/search/tokens.ts `indexText`, the same the SQLite FTS5 tables get) in a
 * `tsvector` with a GIN index answers 1- and 2-character Korean queries as one lexeme or one
 * prefix, longer ones as a phrase of bigrams, English stemmed; pg_trgm's GIN index answers
 * substrings of 3 characters or more. Each query is checked for its answer and for using its index.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { indexText } from '../../src/search/tokens';
import { freshDatabase, insertComment, seedClub, type FreshDatabase } from './helpers';

const BODIES = [
  '국가정책을 읽었어요.', // 0
  '정책은 어렵네요.', // 1
  '책정된 예산이 없어요.', // 2: 책정, not 정책
  '정말 좋은 문단이에요.', // 3: 정, not 정책
  'The keepers climbed the hill; Loopt의 등불.', // 4
  'A café at dusk.', // 5
  '책방에서 만나요.', // 6
  '정책 기업 이야기', // 7: the words 정책 then 기업
  '정책기업', // 8: one run, not the two words
];

let fresh: FreshDatabase;
const ids: number[] = [];

beforeAll(async () => {
  fresh = await freshDatabase();
  const seeded = await seedClub(fresh.db);
  // Enough other comments that the index matters.
  const filler = Array.from({ length: 300 }, (_, i) => `다른 이야기 ${i}번, nothing to find here.`);
  for (const body of [...BODIES, ...filler]) {
    const comment = await insertComment(fresh.db, seeded, { authorId: seeded.owner.id, body });
    ids.push(comment.id);
    await fresh.pool.query("INSERT INTO search_comment_text (id, body, tokens) VALUES ($1, $2, to_tsvector('marginalia_search', $3))", [
      comment.id,
      body,
      indexText(body),
    ]);
  }
  await fresh.pool.query('ANALYZE search_comment_text');
});
afterAll(async () => {
  await fresh?.drop();
});

/** The BODIES (by position) a WHERE clause over search_comment_text finds. */
async function found(where: string, params: unknown[] = []): Promise<number[]> {
  const { rows } = await fresh.pool.query<{ id: number }>(`SELECT id FROM search_comment_text WHERE ${where} ORDER BY id`, params);
  return rows.map((row) => ids.indexOf(row.id));
}

/** The plan of the query with sequential scans priced out, so it names an index if one can serve it. */
async function plan(where: string, params: unknown[] = []): Promise<string> {
  const client = await fresh.pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SET LOCAL enable_seqscan = off');
    const { rows } = await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN SELECT id FROM search_comment_text WHERE ${where}`, params);
    await client.query('ROLLBACK');
    return rows.map((row) => row['QUERY PLAN']).join('\n');
  } finally {
    client.release();
  }
}

const TOKENS = "tokens @@ to_tsquery('marginalia_search', $1)";

describe('search on PostgreSQL', () => {
  it('finds a two-syllable Korean word (정책) through the bigram index, and not 책정 or 정 alone', async () => {
    expect(await found(TOKENS, ["'정책'"])).toEqual([0, 1, 7, 8]);
    const explained = await plan(TOKENS, ["'정책'"]);
    expect(explained).toContain('Bitmap Index Scan on search_comment_text_tokens_idx');
    expect(explained).not.toContain('Seq Scan');
  });

  it('finds a one-syllable Korean query as a prefix (정), through the same index', async () => {
    expect(await found(TOKENS, ["'정':*"])).toEqual([0, 1, 2, 3, 7, 8]);
    expect(await plan(TOKENS, ["'정':*"])).toContain('Bitmap Index Scan on search_comment_text_tokens_idx');
  });

  it('finds a longer Korean query as a phrase of its bigrams (정책을), and by trigram substring', async () => {
    expect(await found(TOKENS, ["'정책' <-> '책을'"])).toEqual([0]);
    expect(await found('body LIKE $1', ['%정책을%'])).toEqual([0]);
    expect(await plan('body LIKE $1', ['%정책을%'])).toContain('Bitmap Index Scan on search_comment_text_trgm_idx');
  });

  it('stems English like the porter tokenizer, folds case and diacritics, and takes the word being typed as a prefix', async () => {
    expect(await found(TOKENS, ['climbing'])).toEqual([4]);
    expect(await found(TOKENS, ["'loo':*"])).toEqual([4]);
    expect(await found(TOKENS, ['cafe'])).toEqual([5]);
    expect(await found(TOKENS, ['the'])).toEqual([4]); // no stop words dropped, as in FTS5
    expect(await plan(TOKENS, ['climbing'])).toContain('Bitmap Index Scan on search_comment_text_tokens_idx');
  });

  it('finds an English substring of three or more letters by trigram, in any case', async () => {
    expect(await found('body ILIKE $1', ['%loopt%'])).toEqual([4]);
    expect(await plan('body ILIKE $1', ['%loopt%'])).toContain('Bitmap Index Scan on search_comment_text_trgm_idx');
  });

  it('tells a phrase across words (정책 기업) from the same letters in one run, by the run ends', async () => {
    expect(await found(TOKENS, ["'정책' <-> '책' <-> '기업'"])).toEqual([7]);
    expect(await found(TOKENS, ["'정책' <-> '책기' <-> '기업'"])).toEqual([8]);
  });

  it('mixes Korean and English in one query', async () => {
    expect(await found(TOKENS, ["'loopt' & '등불'"])).toEqual([4]);
  });
});
