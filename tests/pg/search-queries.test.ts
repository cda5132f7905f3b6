/**
 * The search area's own functions on PostgreSQL (src/search/queries.ts, text-index.ts): the
 * outbox drain writes `search_comment_text` and the gate, an edition is indexed into
 * `search_paragraph_text`, and the tsquery `query.ts` builds from the same token split as FTS5
 * finds what SQLite finds (정책 and not 책정, 정 as a prefix, 정책을 as a phrase, English stems and
 * prefixes, café, a quoted phrase across words), ranked by ts_rank, through the GIN index. Edits,
 * deletes and moderation reach the index; the rebuild and `npm run reindex` give the same matches.
 */
import { eq, sql } from 'drizzle-orm';
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows, type Db } from '../../db/connection';
import { openPostgresEngine, type PostgresEngine } from '../../db/connection-pg';
import { comments } from '../../db/schema-pg';
import { buildSearchQuery, type SearchExpression } from '../../src/search/query';
import {
  commentMatchFacts,
  commentsShown,
  drainCommentOutbox,
  indexEdition,
  libraryMatches,
  MATCHES_READ,
  paragraphMatches,
  readingIndexVersion,
  rebuildSearchIndexes,
  searchIndexBytes,
  unindexedEditionIds,
} from '../../src/search/queries';
import { HOSTILE_STRINGS } from '../fixtures/hostile-strings';
import { randomQueries } from '../fixtures/random-queries';
import { freshDatabase, insertComment, NOW, seedClub, type FreshDatabase, type Seeded } from './helpers';

const PARAGRAPHS = [
  '국가정책을 읽었어요.', // 0
  '책정된 예산이 없어요.', // 1: 책정, not 정책
  'The keepers climbed the hill at dusk.', // 2
  'A café by the Loopt lantern.', // 3
  '정책 기업 이야기', // 4: the words 정책 then 기업
  '정책기업', // 5: one run
];

const BODIES = [
  '**정책**은 어렵네요. [링크](https://example.org/x)', // 0: Markdown: its plain text is indexed
  '정말 좋은 문단이에요.', // 1: 정, not 정책
  '정책 정책 정책, 또 정책.', // 2: 정책 many times: the best match
  'The keepers climbed on; Loopt의 등불.', // 3
];

let fresh: FreshDatabase;
let engine: PostgresEngine;
let db: Db;
let seeded: Seeded;
const commentIds: number[] = [];

/** Only a search with something to search for. */
function expression(input: string): SearchExpression {
  const query = buildSearchQuery(input);
  if (query.match === null) throw new Error(`nothing to search in ${JSON.stringify(input)}`);
  return query;
}

/** The PARAGRAPHS (by position) a query finds in the edition. */
async function paragraphsFound(input: string): Promise<number[]> {
  const matches = await paragraphMatches(db, seeded.edition.id, expression(input));
  return matches.map((m) => seeded.paragraphs.findIndex((p) => p.id === m.id)).sort((a, b) => a - b);
}

/** The BODIES (by position) a query finds in the reading's comments. */
async function commentsFound(input: string): Promise<number[]> {
  const { facts } = await commentMatchFacts(db, seeded.reading.id, expression(input));
  return facts.map((f) => commentIds.indexOf(f.id)).sort((a, b) => a - b);
}

beforeAll(async () => {
  fresh = await freshDatabase();
  engine = await openPostgresEngine(fresh.url, { migrate: false });
  db = engine.db;
  seeded = await seedClub(fresh.db, { paragraphs: PARAGRAPHS });
  for (const body of BODIES) commentIds.push((await insertComment(fresh.db, seeded, { authorId: seeded.owner.id, body })).id);
  // Other comments, so the index has something to skip.
  for (let i = 0; i < 200; i++) await insertComment(fresh.db, seeded, { authorId: seeded.owner.id, body: `다른 이야기 ${i}번, nothing to find here.` });
});
afterAll(async () => {
  await engine?.close();
  await fresh?.drop();
});

describe('keeping the PostgreSQL indexes current', () => {
  it('drains the outbox the triggers filled into search_comment_text and the gate, and bumps the reading version', async () => {
    expect(await readingIndexVersion(db, seeded.reading.id)).toBe(0);
    expect(await drainCommentOutbox(db)).toBe(BODIES.length + 200);
    expect(await rows(db, sql`select comment_id from search_comment_outbox`)).toEqual([]);
    const [indexed] = await rows<{ body: string; tokens: string }>(db, sql`select body, tokens::text as tokens from search_comment_text where id = ${commentIds[0]!}`);
    // The text as a reader reads it (no Markdown), and its bigram lexemes.
    expect(indexed!.body).toBe('정책은 어렵네요. 링크');
    expect(indexed!.tokens).toContain("'정책'");
    expect(indexed!.tokens).not.toContain('example');
    const [gate] = await rows(db, sql`select reading_id as "readingId", anchor_position as "anchorPosition", author_id as "authorId", visibility from search_comment_gate where id = ${commentIds[0]!}`);
    expect(gate).toEqual({ readingId: seeded.reading.id, anchorPosition: 1, authorId: seeded.owner.id, visibility: 'club' });
    expect(await readingIndexVersion(db, seeded.reading.id)).toBe(1);
    expect(await drainCommentOutbox(db)).toBe(0);
  });

  it('indexes an edition once into search_paragraph_text, with its gate rows', async () => {
    expect(await unindexedEditionIds(db)).toEqual([seeded.edition.id]);
    expect(await indexEdition(db, seeded.edition.id, NOW)).toBe(true);
    expect(await indexEdition(db, seeded.edition.id, NOW)).toBe(false);
    expect(await unindexedEditionIds(db)).toEqual([]);
    const [counted] = await rows<{ texts: number; gates: number }>(
      db,
      sql`select (select count(*) from search_paragraph_text) as texts, (select count(*) from search_paragraph_gate where edition_id = ${seeded.edition.id}) as gates`,
    );
    expect(counted).toEqual({ texts: PARAGRAPHS.length, gates: PARAGRAPHS.length });
    const [text] = await rows<{ text: string }>(db, sql`select text from search_paragraph_text where id = ${seeded.paragraphs[3]!.id}`);
    expect(text!.text).toBe(PARAGRAPHS[3]);
  });
});

describe('the tsquery of query.ts finds what FTS5 finds', () => {
  it('a two-syllable Korean word (정책) is one lexeme: not 책정, not 정 alone', async () => {
    expect(await paragraphsFound('정책')).toEqual([0, 4, 5]);
    expect(await commentsFound('정책')).toEqual([0, 2]);
  });

  it('one syllable is a prefix (정), a longer word a phrase of bigrams (정책을)', async () => {
    expect(await paragraphsFound('정')).toEqual([0, 1, 4, 5]);
    expect(await commentsFound('정')).toEqual([0, 1, 2]);
    expect(await paragraphsFound('정책을')).toEqual([0]);
  });

  it('English by stem, the word being typed as a prefix, diacritics folded, a Korean-English mix', async () => {
    expect(await paragraphsFound('climbing ')).toEqual([2]);
    expect(await paragraphsFound('keep')).toEqual([2]);
    expect(await paragraphsFound('keep ')).toEqual([]);
    expect(await paragraphsFound('cafe')).toEqual([3]);
    expect(await paragraphsFound('"the hill at dusk"')).toEqual([2]);
    expect(await paragraphsFound('"the dusk at hill"')).toEqual([]);
    expect(await commentsFound('loo')).toEqual([3]);
    expect(await commentsFound('Loopt 등불')).toEqual([3]);
    expect(await commentsFound('Loopt의')).toEqual([3]);
  });

  it('tells a quoted phrase across words (정책 기업) from the same letters in one run', async () => {
    expect(await paragraphsFound('"정책 기업"')).toEqual([4]);
    expect(await paragraphsFound('정책기업')).toEqual([5]);
  });

  it('ranks by ts_rank, best (lowest score) first', async () => {
    const { facts } = await commentMatchFacts(db, seeded.reading.id, expression('정책'));
    const best = [...facts].sort((a, b) => a.score - b.score)[0]!;
    expect(best.id).toBe(commentIds[2]);
    expect(facts.every((f) => f.score < 0)).toBe(true);
    // Newest first, as on SQLite.
    expect(facts.map((f) => f.id)).toEqual([commentIds[2], commentIds[0]]);
    const library = await libraryMatches(db, expression('정책'), 10);
    expect(library.map((m) => m.text)).toEqual(expect.arrayContaining([PARAGRAPHS[0], PARAGRAPHS[4], PARAGRAPHS[5]]));
    expect(library[0]).toMatchObject({ editionId: seeded.edition.id, chapterOrdinal: 1, chapterKind: 'body' });
  });

  it('runs every hostile or random query without an error', async () => {
    for (const input of [...HOSTILE_STRINGS, ...randomQueries(300, 7), "'", "\\'", '\\', "a'b", '!', '&|', '<->', ':*']) {
      const query = buildSearchQuery(input);
      if (query.match === null) continue;
      await expect(commentMatchFacts(db, seeded.reading.id, query), JSON.stringify(input)).resolves.toBeDefined();
      await expect(paragraphMatches(db, seeded.edition.id, query), JSON.stringify(input)).resolves.toBeDefined();
    }
  }, 60_000);

  it('answers through the GIN index of the tokens', async () => {
    // The statements as Drizzle sends them to the pool (the text, and the values beside it).
    const seen: { text: string; values: unknown[] }[] = [];
    const query = engine.pool.query.bind(engine.pool);
    engine.pool.query = ((config: { text?: string; values?: unknown[] }, values?: unknown[], ...rest: unknown[]) => {
      if (typeof config === 'object' && config.text?.includes('@@')) seen.push({ text: config.text, values: config.values ?? values ?? [] });
      return (query as (...args: unknown[]) => unknown)(config, values, ...rest);
    }) as typeof engine.pool.query;
    try {
      await commentMatchFacts(db, seeded.reading.id, expression('정책'));
      await paragraphMatches(db, seeded.edition.id, expression('정'));
    } finally {
      engine.pool.query = query;
    }
    expect(seen.length).toBeGreaterThanOrEqual(3);
    // With the statistics a live database has (autovacuum), as the migration's own search test does.
    await fresh.pool.query('ANALYZE search_comment_text, search_comment_gate, search_paragraph_text, search_paragraph_gate');
    const client = await fresh.pool.connect();
    try {
      for (const { text, values } of seen) {
        await client.query('BEGIN');
        try {
          // Sequential scans and plain index scans priced out (for a word in many comments the
          // planner may rightly walk the primary key backwards to the newest): what is checked is
          // that each statement can be answered by the GIN index of the tokens.
          await client.query('SET LOCAL enable_seqscan = off');
          await client.query('SET LOCAL enable_indexscan = off');
          const plan = (await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${text}`, values)).rows.map((row) => row['QUERY PLAN']).join('\n');
          expect(plan, text).toMatch(/Bitmap Index Scan on search_(comment|paragraph)_text_tokens_idx/);
        } finally {
          await client.query('ROLLBACK');
        }
      }
    } finally {
      client.release();
    }
  });
});

describe('the index follows the comments', () => {
  it('an edit, a hide and a delete reach the index at the next drain, and move the version', async () => {
    const version = await readingIndexVersion(db, seeded.reading.id);
    await fresh.db.update(comments).set({ body: '바뀐 글 omegaword' }).where(eq(comments.id, commentIds[1]!));
    await fresh.db.update(comments).set({ moderation: 'hidden' }).where(eq(comments.id, commentIds[2]!));
    await fresh.db.update(comments).set({ deletedAt: NOW }).where(eq(comments.id, commentIds[3]!));
    expect(await drainCommentOutbox(db)).toBe(3);
    expect(await readingIndexVersion(db, seeded.reading.id)).toBe(version + 1);
    expect(await commentsFound('omegaword')).toEqual([1]);
    expect(await commentsFound('정')).toEqual([0]);
    expect(await commentsFound('loopt')).toEqual([]);
    expect(await rows(db, sql`select id from search_comment_gate where id in (${commentIds[2]!}, ${commentIds[3]!})`)).toEqual([]);
    // Shown with what a result shows, in the order asked; the hidden one is not.
    const shown = await commentsShown(db, [commentIds[1]!, commentIds[2]!, commentIds[0]!]);
    expect(shown.map((c) => c.id)).toEqual([commentIds[1], commentIds[0]]);
    expect(shown[0]).toMatchObject({ authorId: seeded.owner.id, paragraphOrdinal: 1, visibility: 'club', createdAt: NOW });
  });

  it('counts at most the newest MATCHES_READ matches and says "at least"', async () => {
    const crowd = Array.from({ length: MATCHES_READ + 5 }, (_, i) => ({
      clubId: seeded.club.id,
      readingId: seeded.reading.id,
      chapterId: seeded.chapter.id,
      paragraphId: seeded.paragraphs[0]!.id,
      anchorPosition: 1,
      authorId: seeded.owner.id,
      body: `crowdword ${i}`,
      visibility: 'club' as const,
      createdAt: NOW + i,
    }));
    for (let at = 0; at < crowd.length; at += 200) await fresh.db.insert(comments).values(crowd.slice(at, at + 200));
    await drainCommentOutbox(db);
    const { facts, atLeast } = await commentMatchFacts(db, seeded.reading.id, expression('crowdword'));
    expect(atLeast).toBe(true);
    expect(facts).toHaveLength(MATCHES_READ);
    expect(facts[0]!.id).toBeGreaterThan(facts[1]!.id);
  });
});

describe('rebuilding on PostgreSQL', () => {
  const probes = ['정책', '정', 'omegaword', 'crowdword', 'cafe', '"정책 기업"'];
  async function answers() {
    const out: unknown[] = [];
    for (const q of probes) out.push(await commentMatchFacts(db, seeded.reading.id, expression(q)), await paragraphMatches(db, seeded.edition.id, expression(q)));
    return out;
  }

  it('rebuildSearchIndexes and `npm run reindex` give the same matches', async () => {
    const before = await answers();
    const built = await rebuildSearchIndexes(db, NOW);
    expect(built).toEqual({ editions: 1, paragraphs: PARAGRAPHS.length, comments: BODIES.length + 200 + MATCHES_READ + 5 - 2 });
    expect(await answers()).toEqual(before);
    const bytes = await searchIndexBytes(db);
    expect(bytes.comments).toBeGreaterThan(0);
    expect(bytes.paragraphs).toBeGreaterThan(0);

    const cli = spawnSync(process.execPath, ['--import', 'tsx', 'src/search/cli-reindex.ts'], {
      cwd: resolve(import.meta.dirname, '../..'),
      env: { ...process.env, DATABASE_URL: fresh.url },
      encoding: 'utf8',
    });
    expect(cli.status, cli.stderr).toBe(0);
    expect(cli.stdout).toMatch(new RegExp(`search index rebuilt in \\d+ ms: 1 editions \\(${PARAGRAPHS.length} paragraphs, \\d+ KB\\), ${built.comments} comments`));
    expect(await answers()).toEqual(before);
  }, 60_000);
});
