/**
 * The search benchmark's data, added to the bench database: a club of the bench members
 * reading the generated Korean book (~525 KB, as the real one) with `comments` comments on its
 * paragraphs, then the search indexes built from scratch (`rebuildSearchIndexes`, what
 * `npm run reindex` runs), timed, and measured.
 *
 * Comment bodies: a sentence of the book (so the book's everyday words are everywhere, like
 * "책방", in about one comment in ten) and, in two comments out of five, a topic word of
 * its language (20 Korean, 15 English), so a topic word like 정책 (policy) is in about 1.3 % of the
 * comments (~1,300 of 100,000) and "Loopt" in about 0.9 % — the "where did we talk about 정책?"
 * question. Case 10 asks an everyday word of the book instead (책방, several thousand matches).
 */
import { openDatabase } from '../db/connection';
import { contentHash, parseBook } from '../src/books/import';
import { storeParsedBook } from '../src/books/store';
import { rebuildSearchIndexes, searchIndexBytes } from '../src/search';
import { generateKoreanBook } from '../tests/fixtures/books/korean-book';

const TOPICS_KO = ['정책', '기업', '투자', '시장', '경제', '규제', '창업', '성장', '위기', '혁신', '노동', '교육', '기술', '금융', '세금', '복지', '환경', '도시', '주거', '인구'];
const TOPICS_EN = ['Loopt', 'startup', 'venture', 'founder', 'pivot', 'market', 'growth', 'funding', 'product', 'users', 'mobile', 'location', 'scale', 'exit', 'team'];
const EN = ['I think this is where the whole argument turns.', 'The translation keeps the rhythm of the original here.', 'Does anyone else read this as ironic?', 'This reminded me of our last meeting.', 'Worth coming back to after the next chapter.'];

export interface SearchBenchData {
  clubId: number;
  comments: number;
  paragraphs: number;
  build_ms: number;
  index_bytes: { paragraphs: number; comments: number };
  book_bytes: number;
}

export async function seedSearchClub(path: string, options: { comments: number; bookBytes: number }): Promise<SearchBenchData> {
  const { db, sqlite } = openDatabase(path);
  const memberIds = (sqlite.prepare('select id from users order by id').all() as { id: number }[]).map((u) => u.id);
  const now = Date.now();
  let seed = 7;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!;

  const bytes = new TextEncoder().encode(generateKoreanBook({ targetBytes: options.bookBytes }).text);
  const book = parseBook({ bytes, filename: 'search-bench.txt' });
  const stored = await storeParsedBook({ db }, book, { hash: contentHash(bytes), filename: 'search-bench.txt', userId: null, now });
  const paragraphs = sqlite.prepare("select id, chapter_id as chapterId, position, text from paragraphs where edition_id = ? and kind = 'text' order by position").all(stored.editionId) as { id: number; chapterId: number; position: number; text: string }[];
  const last = paragraphs[paragraphs.length - 1]!.position;

  const clubId = sqlite
    .transaction(() => {
      const club = sqlite.prepare("insert into clubs (name, description, language, visibility, created_at) values ('검색 벤치마크 클럽', 'search bench', 'ko', 'private', ?) returning id").get(now) as { id: number };
      const reading = sqlite.prepare('insert into readings (club_id, edition_id, started_at) values (?, ?, ?) returning id').get(club.id, stored.editionId, now) as { id: number };
      memberIds.forEach((userId, i) => {
        sqlite.prepare('insert into memberships (club_id, user_id, role, joined_at) values (?, ?, ?, ?)').run(club.id, userId, i === 0 ? 'owner' : 'member', now);
        sqlite.prepare('insert into reading_progress (reading_id, user_id, position, updated_at) values (?, ?, ?, ?)').run(reading.id, userId, last, now);
      });
      const insert = sqlite.prepare(
        "insert into comments (club_id, reading_id, chapter_id, paragraph_id, anchor_position, author_id, body, visibility, created_at) values (?, ?, ?, ?, ?, ?, ?, 'club', ?)",
      );
      for (let i = 0; i < options.comments; i++) {
        const paragraph = paragraphs[Math.floor(random() ** 1.5 * paragraphs.length)]!;
        const korean = random() < 0.65;
        const sentences = paragraph.text.split(/(?<=[.!?。])\s+/);
        const base = korean ? pick(sentences) : pick(EN);
        const topics = random() < 0.4 ? ` ${pick(korean ? TOPICS_KO : TOPICS_EN)}` : '';
        insert.run(club.id, reading.id, paragraph.chapterId, paragraph.id, paragraph.position, pick(memberIds), `${base}${topics}`, now - (options.comments - i) * 1000);
      }
      return club.id;
    })
    .immediate();

  const started = performance.now();
  await rebuildSearchIndexes(db, now);
  const build_ms = Math.round(performance.now() - started);
  const index_bytes = await searchIndexBytes(db);
  sqlite.close();
  return { clubId, comments: options.comments, paragraphs: paragraphs.length, build_ms, index_bytes, book_bytes: bytes.length };
}
