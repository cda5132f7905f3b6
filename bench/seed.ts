/**
 * The benchmark's own data, built in a fresh database: a club of 50 members reading a
 * 500-paragraph chapter with 2,000 comments and replies over it (passages and paragraphs,
 * Korean and English), and 10 polls with votes. The book and the sessions go through the app's
 * own storage functions, so the data has the shape real use gives it; the many rows of
 * comments, memberships and votes are written with plain prepared SQLite statements in one
 * transaction (100,000 rows in seconds). The bench seeds SQLite; `--engine pg` copies the
 * seeded file into PostgreSQL (db/copy-to-pg.ts, what `npm run migrate-to-pg` runs).
 */
import { eq } from 'drizzle-orm';
import { openDatabase } from '../db/connection';
import { chapters, paragraphs } from '../db/schema';
import { selectorFor } from '../src/annotations/selectors';
import { hashPassword } from '../src/auth/password';
import { createSession } from '../src/auth/session';
import { importBook } from '../src/books/store';

export interface BenchData {
  clubId: number;
  readingId: number;
  editionId: number;
  chapterOrdinal: number;
  chapterId: number;
  /** Paragraph ids of the big chapter, in order. */
  paragraphIds: number[];
  /** The paragraph with the most comments (its thread fragment is a case). */
  busiestParagraphId: number;
  /** How many comments that paragraph has. */
  busiestThreadComments: number;
  /** Session tokens of the members, index 0 is the owner. */
  tokens: string[];
  pollIds: number[];
  /** Option ids per poll. */
  pollOptionIds: number[][];
}

const KO = ['이 문단에서 주인공의 선택이 이해가 됐어요.', '저는 이 부분에서 조금 다르게 읽었어요. **왜** 그랬을까요?', '번역이 특히 좋네요.', '> 밑줄 그은 문장\n\n다시 읽어도 좋아요.', '다음 모임에서 이야기해 봐요, @member3 님 생각은요?'];
const EN = ['This paragraph changed how I read the whole chapter.', 'I disagree a little — *why* would she go back?', 'The rhythm of these sentences is lovely.', '- one thing\n- another thing', 'See `chapter 2` for the echo of this line.'];

function chapterMarkdown(paragraphCount: number): string {
  const lines = ['---', 'title: 벤치마크 책 — The Benchmark Book', 'author: Marginalia', 'lang: ko', '---', '', '# 1장. 긴 장', ''];
  for (let i = 1; i <= paragraphCount; i++) {
    lines.push(
      i % 3 === 0
        ? `Paragraph ${i}. The evening light fell across the shelves of the little bookshop, and the readers argued gently about the ending they had not yet reached, turning pages back and forth.`
        : `${i}번째 문단. 책방의 저녁 햇살이 서가 위로 길게 내려앉았고, 모임 사람들은 아직 다 읽지 못한 결말을 두고 조용히 이야기를 나누었다. 누군가는 밑줄을 그었고 누군가는 여백에 작은 글씨로 질문을 남겼다.`,
      '',
    );
  }
  lines.push('# 2장. 짧은 장', '', '짧은 장의 첫 문단.', '', 'The short chapter ends here.', '');
  return lines.join('\n');
}

export interface BenchSizes {
  members?: number;
  paragraphs?: number;
  comments?: number;
  polls?: number;
  /** Clubs on the site, the bench club included; each other club reads the same edition on its own. */
  clubs?: number;
}

/** Each of the other clubs: this many members (taken from the bench members) and comments. */
const OTHER_CLUB_MEMBERS = 8;
const OTHER_CLUB_COMMENTS = 60;

export async function seedBenchDatabase(path: string, options: BenchSizes = {}): Promise<BenchData> {
  const memberCount = options.members ?? 50;
  const clubCount = options.clubs ?? 1;
  const paragraphCount = options.paragraphs ?? 500;
  const commentCount = options.comments ?? 2000;
  const pollCount = options.polls ?? 10;
  const now = Date.now();
  const { db, sqlite } = openDatabase(path);
  let seed = 42;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);

  const passwordHash = await hashPassword('benchmark password');
  const insertUser = sqlite.prepare('insert into users (username, username_key, display_name, password_hash, is_admin, created_at) values (?, ?, ?, ?, ?, ?) returning id');
  const userIds = sqlite.transaction(() =>
    Array.from({ length: memberCount }, (_, i) => (insertUser.get(`member${i}`, `member${i}`, i % 2 ? `Member ${i}` : `회원 ${i}`, passwordHash, i === 0 ? 1 : 0, now) as { id: number }).id),
  )();
  const tokens: string[] = [];
  for (const id of userIds) tokens.push((await createSession(db, id, now)).token);

  const stored = await importBook({ db }, { bytes: new TextEncoder().encode(chapterMarkdown(paragraphCount)), filename: 'bench.md', now });
  const editionId = stored.editionId;
  const chapter = (await db.select().from(chapters).where(eq(chapters.editionId, editionId)).orderBy(chapters.ordinal)).find((c) => c.paragraphCount >= paragraphCount)!;
  const chapterParagraphs = await db.select().from(paragraphs).where(eq(paragraphs.chapterId, chapter.id)).orderBy(paragraphs.ordinal);
  const textParagraphs = chapterParagraphs.filter((p) => p.kind === 'text');
  const lastPosition = (await db.select().from(paragraphs).where(eq(paragraphs.editionId, editionId))).reduce((max, p) => Math.max(max, p.position), 0);

  const insertClub = sqlite.prepare("insert into clubs (name, description, language, visibility, created_at) values (?, 'bench', 'ko', 'private', ?) returning id");
  const insertMembership = sqlite.prepare('insert into memberships (club_id, user_id, role, joined_at) values (?, ?, ?, ?)');
  const insertReading = sqlite.prepare('insert into readings (club_id, edition_id, started_at) values (?, ?, ?) returning id');
  const insertProgress = sqlite.prepare('insert into reading_progress (reading_id, user_id, position, updated_at) values (?, ?, ?, ?)');
  const data = sqlite.transaction(() => {
    const club = insertClub.get('벤치마크 클럽', now) as { id: number };
    userIds.forEach((userId, i) => insertMembership.run(club.id, userId, i === 0 ? 'owner' : i < 3 ? 'moderator' : 'member', now));
    const reading = insertReading.get(club.id, editionId, now) as { id: number };
    for (const userId of userIds) insertProgress.run(reading.id, userId, lastPosition, now);

    // Comments: a skewed spread (some paragraphs are where the club talks most), 60% roots, 40% replies.
    // A trigger sets a root's root_id.
    const insertRoot = sqlite.prepare(
      'insert into comments (club_id, reading_id, chapter_id, paragraph_id, anchor_position, passage_start, passage_end, passage_exact, passage_prefix, passage_suffix, author_id, body, created_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) returning id',
    );
    const insertReply = sqlite.prepare(
      'insert into comments (club_id, reading_id, chapter_id, paragraph_id, parent_id, root_id, anchor_position, author_id, body, created_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    const commentCounts = new Map<number, number>();
    const roots: { id: number; paragraphId: number; anchorPosition: number }[] = [];
    for (let i = 0; i < commentCount; i++) {
      const authorId = userIds[Math.floor(random() * userIds.length)]!;
      const korean = random() < 0.6;
      const body = (korean ? KO : EN)[Math.floor(random() * 5)]!;
      const createdAt = now - (commentCount - i) * 1000;
      if (roots.length === 0 || random() < 0.6) {
        const paragraph = textParagraphs[Math.floor(random() ** 2 * textParagraphs.length)]!;
        const passage = random() < 0.35 ? selectorFor(paragraph.text, 4, Math.min(paragraph.text.length, 4 + 10 + Math.floor(random() * 20))) : null;
        const row = insertRoot.get(
          club.id, reading.id, chapter.id, paragraph.id, paragraph.position,
          passage?.start ?? null, passage?.end ?? null, passage?.exact ?? null, passage?.prefix ?? null, passage?.suffix ?? null,
          authorId, body, createdAt,
        ) as { id: number };
        roots.push({ id: row.id, paragraphId: paragraph.id, anchorPosition: paragraph.position });
        commentCounts.set(paragraph.id, (commentCounts.get(paragraph.id) ?? 0) + 1);
      } else {
        const root = roots[Math.floor(random() * roots.length)]!;
        insertReply.run(club.id, reading.id, chapter.id, root.paragraphId, root.id, root.id, root.anchorPosition, authorId, body, createdAt);
        commentCounts.set(root.paragraphId, (commentCounts.get(root.paragraphId) ?? 0) + 1);
      }
    }

    // The rest of the site: other clubs reading the same edition, each with a few members and comments.
    for (let c = 1; c < clubCount; c++) {
      const otherClub = insertClub.get(`클럽 ${c}`, now) as { id: number };
      const otherReading = insertReading.get(otherClub.id, editionId, now) as { id: number };
      const members = Array.from({ length: Math.min(OTHER_CLUB_MEMBERS, userIds.length) }, (_, m) => userIds[(c * 3 + m) % userIds.length]!);
      [...new Set(members)].forEach((userId, m) => {
        insertMembership.run(otherClub.id, userId, m === 0 ? 'owner' : 'member', now);
        insertProgress.run(otherReading.id, userId, lastPosition, now);
      });
      for (let i = 0; i < OTHER_CLUB_COMMENTS; i++) {
        const paragraph = textParagraphs[Math.floor(random() * textParagraphs.length)]!;
        insertRoot.get(otherClub.id, otherReading.id, chapter.id, paragraph.id, paragraph.position, null, null, null, null, null, members[i % members.length]!, KO[i % 5]!, now - i * 1000);
      }
    }
    const [busiestParagraphId, busiestThreadComments] = [...commentCounts].sort((a, b) => b[1] - a[1])[0]!;

    const insertPoll = sqlite.prepare(
      'insert into polls (club_id, reading_id, chapter_id, question, kind, min_choices, max_choices, voters, results_visibility, created_by, created_at) values (?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?) returning id',
    );
    const insertOption = sqlite.prepare('insert into poll_options (poll_id, ordinal, label) values (?, ?, ?) returning id');
    const insertVote = sqlite.prepare('insert into poll_votes (poll_id, user_id, created_at, updated_at) values (?, ?, ?, ?) returning id');
    const insertChoice = sqlite.prepare('insert into poll_vote_choices (vote_id, option_id, rank) values (?, ?, ?)');
    const pollIds: number[] = [];
    const pollOptionIds: number[][] = [];
    for (let p = 0; p < pollCount; p++) {
      const kind = (['single', 'multiple', 'ranked'] as const)[p % 3]!;
      const poll = insertPoll.get(
        club.id, reading.id, p % 2 ? chapter.id : null, `질문 ${p + 1}: 이 장의 결말은 설득력이 있었나요?`, kind,
        kind === 'multiple' ? 3 : kind === 'ranked' ? 4 : 1, p % 2 ? 'public' : 'anonymous', 'always', userIds[0]!, now,
      ) as { id: number };
      const optionIds = Array.from({ length: 4 }, (_, o) => (insertOption.get(poll.id, o + 1, `선택지 ${o + 1} / Option ${o + 1}`) as { id: number }).id);
      for (const userId of userIds.slice(0, Math.floor(memberCount * 0.8))) {
        const vote = insertVote.get(poll.id, userId, now, now) as { id: number };
        const shuffled = [...optionIds].sort(() => random() - 0.5);
        const picks = kind === 'single' ? 1 : kind === 'multiple' ? 1 + Math.floor(random() * 3) : 4;
        shuffled.slice(0, picks).forEach((optionId, rank) => insertChoice.run(vote.id, optionId, rank + 1));
      }
      pollIds.push(poll.id);
      pollOptionIds.push(optionIds);
    }
    return { clubId: club.id, readingId: reading.id, busiestParagraphId, busiestThreadComments, pollIds, pollOptionIds };
  })();

  // The seeded comments, votes and memberships are history, not news: the notification triggers
  // listed each of them as a source, and the server's notifications worker would otherwise spend
  // the measured cases fanning out (at 1,000 clubs) 60,000 of them, writing as it goes.
  sqlite.exec('delete from notification_sources');
  sqlite.close();
  return {
    ...data,
    editionId,
    chapterOrdinal: chapter.ordinal,
    chapterId: chapter.id,
    paragraphIds: textParagraphs.map((p) => p.id),
    tokens,
  };
}
