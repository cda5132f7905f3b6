/**
 * Search through real HTTP on a real database (SQLite; PostgreSQL under `npm run test:pg`): the
 * spoiler matrix (viewer × item), the book text ahead of a reader, hostile queries, htmx
 * fragments and whole pages, the index following edits, deletes and moderation, and the site
 * admin's library search.
 *
 * Positions in the sample book: chapter 1 is 1–7, chapter 2 is 8–14, chapter 3 is 15–21. Every
 * paragraph says "등불 하나가 바람에 흔들렸다 (c.p)".
 */
import { sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { rows } from '../../../db/connection';
import type { Client } from '../../helpers/app';
import { HOSTILE_STRINGS } from '../../fixtures/hostile-strings';
import { randomQueries } from '../../fixtures/random-queries';
import { makeRoom, type AnnotationRoom } from '../annotations/room';

let room: AnnotationRoom;
let other: AnnotationRoom;

const search = (client: Client, q: string, extra = '') => client.get(`/clubs/${room.clubId}/search?q=${encodeURIComponent(q)}${extra}`);
const html = async (client: Client, q: string, extra = '') => {
  const response = await search(client, q, extra);
  expect(response.status).toBe(200);
  return response.text();
};
const para = async (chapter: number, n = 2) => (await room.paragraphs(chapter))[n]!;

async function post(client: Client, fields: Record<string, string | number>, target = room): Promise<number> {
  const response = await client.post(`/clubs/${target.clubId}/comments`, fields);
  expect(response.status).toBe(303);
  const [row] = await rows<{ id: number }>(target.testApp.db, sql`select max(id) as id from comments`);
  return row!.id;
}

let ids: Record<string, number>;

beforeEach(async () => {
  room = await makeRoom({ names: `s${Math.random().toString(36).slice(2, 7)}` });
  await room.setProgress('owner', 21);
  await room.setProgress('moderator', 21);
  await room.setProgress('alice', 21);
  // Alice writes everything first, then Bob is put back to chapter 1 (you can only post where you have read).
  await room.setProgress('bob', 21);
  ids = {
    aliceEarly: await post(room.alice, { paragraph_id: (await para(1)).id, body: '정책 이야기 alphaword' }),
    aliceLate: await post(room.alice, { paragraph_id: (await para(3)).id, body: '정책 결말 gammaword' }),
    alicePrivate: await post(room.alice, { paragraph_id: (await para(1)).id, body: '정책 메모 privateword', visibility: 'private' }),
    aliceHidden: await post(room.alice, { paragraph_id: (await para(1)).id, body: '정책 hiddenword' }),
    bobLate: await post(room.bob, { paragraph_id: (await para(3, 3)).id, body: '정책 bobsownword' }),
    chapterThread: await post(room.moderator, { chapter_id: room.chapters[2]!.id, body: '정책 threadword' }),
  };
  expect((await room.moderator.post(`/clubs/${room.clubId}/comments/${ids.aliceHidden}/moderate`, { action: 'hide', reason: 'off topic' })).status).toBe(303);
  await room.setProgress('bob', 7);
  other = await makeRoom({ testApp: room.testApp, names: `o${Math.random().toString(36).slice(2, 7)}` });
  await other.setProgress('alice', 21);
  await post(other.alice, { paragraph_id: (await other.paragraphs(1))[2]!.id, body: '정책 otherclubword' }, other);
});
afterEach(async () => {
  await room.testApp.close();
});

const WORDS = ['alphaword', 'gammaword', 'privateword', 'hiddenword', 'bobsownword', 'threadword', 'otherclubword'] as const;

describe('the spoiler matrix: who finds which comment', () => {
  const cases: { viewer: string; setup?: () => Promise<void>; sees: (typeof WORDS)[number][] }[] = [
    { viewer: 'alice (author, caught up)', sees: ['alphaword', 'gammaword', 'privateword', 'bobsownword', 'threadword'] },
    { viewer: 'moderator (caught up)', sees: ['alphaword', 'gammaword', 'bobsownword', 'threadword'] },
    { viewer: 'bob (behind: chapter 1)', sees: ['alphaword', 'bobsownword'] },
    {
      viewer: 'bob (behind, revealed chapter 3)',
      setup: async () => {
        expect((await room.bob.post(`/clubs/${room.clubId}/reveal/${room.chapters[2]!.id}`, { reading_id: room.readingId })).status).toBe(303);
      },
      sees: ['alphaword', 'gammaword', 'bobsownword', 'threadword'],
    },
  ];
  const clientOf = (viewer: string) => (viewer.startsWith('alice') ? room.alice : viewer.startsWith('moderator') ? room.moderator : room.bob);

  for (const { viewer, setup, sees } of cases) {
    it(viewer, async () => {
      await setup?.();
      const page = await html(clientOf(viewer), '정책');
      for (const word of WORDS) expect(page.includes(word), `${viewer} / ${word}`).toBe(sees.includes(word));
    });
  }

  it('bob is told how many matching comments lie ahead (club comments only), never their words', async () => {
    const page = await html(room.bob, '정책');
    // gammaword and threadword are ahead of Bob; Alice's private note is not counted, the hidden comment is not indexed.
    expect(page).toContain('2 more matching comments further on');
  });

  it('a signed-in non-member and a signed-out visitor get 404 from a private club', async () => {
    expect((await search(room.outsider, '정책')).status).toBe(404);
    expect((await search(room.visitor, '정책')).status).toBe(404);
  });

  it('in a public club, a non-member finds no comments (progress 0) but their count, and the book only as ahead', async () => {
    const pub = await makeRoom({ testApp: room.testApp, visibility: 'public', names: `p${Math.random().toString(36).slice(2, 7)}` });
    await pub.setProgress('alice', 21);
    await post(pub.alice, { paragraph_id: (await pub.paragraphs(1))[2]!.id, body: '정책 publicword' }, pub);
    for (const client of [pub.outsider, pub.visitor]) {
      const response = await client.get(`/clubs/${pub.clubId}/search?q=${encodeURIComponent('정책')}`);
      expect(response.status).toBe(200);
      const page = await response.text();
      expect(page).not.toContain('publicword');
      expect(page).toContain('1 more matching comment further on');
    }
    const book = await (await pub.visitor.get(`/clubs/${pub.clubId}/search?q=${encodeURIComponent('등불')}`)).text();
    expect(book).toContain('(ahead of you)');
    expect(book).not.toContain('<mark>등불</mark>');
  });

  it('another club never appears, whatever the query', async () => {
    expect(await html(room.alice, 'otherclubword')).toContain('Nothing found');
    for (const q of ['정책', '정']) expect(await html(room.alice, q)).not.toContain('otherclubword');
  });
});

describe('book text', () => {
  it('finds a 2-syllable Korean word, with snippets up to the reader and chapter labels beyond', async () => {
    const page = await html(room.bob, '등불');
    expect(page).toContain('<mark>등불</mark>');
    expect(page).toContain('(1.3)'); // chapter 1 text, Bob has read it
    expect(page).not.toContain('(2.3)'); // chapter 2 text: ahead, no words
    expect(page).not.toContain('(3.3)');
    expect(page).toContain(`In ${room.chapters[1]!.title} (ahead of you): 6 matches`);
    expect(page).toContain(`/clubs/${room.clubId}/chapters/1#p-`);
  });

  it('a revealed chapter shows its text', async () => {
    await room.bob.post(`/clubs/${room.clubId}/reveal/${room.chapters[2]!.id}`, { reading_id: room.readingId });
    const page = await html(room.bob, '등불');
    expect(page).toContain('(3.3)');
    expect(page).not.toContain('(2.3)');
  });

  it('finds 1-character Korean, English words by stem and prefix, and quoted phrases', async () => {
    expect(await html(room.alice, '불')).toContain('<mark>불</mark>');
    expect(await html(room.alice, 'climbing')).toContain('(1.3)'); // porter: climbing ~ climbed
    expect(await html(room.alice, 'keep')).toContain('<mark>keep</mark>ers'); // the word being typed is a prefix
    expect(await html(room.alice, '"the hill at dusk"')).toContain('(1.3)');
    expect(await html(room.alice, '"the dusk at hill"')).toContain('Nothing found');
    expect(await html(room.alice, '하나가 바람에')).toContain('(1.3)');
  });
});

describe('any input', () => {
  const hostile = ['"', '""', '"unbalanced', 'AND', 'OR NOT', 'NEAR(a b, 2)', '*', '^start', 'col:term', '-minus', '(((', ')', "'; drop table comments; --", '🎉🎉', '👩‍👩‍👧 정책', '\u0000\u0007', "\uE000", 'ｆｕｌｌ', 'x'.repeat(1000), '정'.repeat(1000), '%', '<script>alert(1)</script>', '{body}:x', 'a* b*'];
  it('answers 200 with no error for every hostile query', async () => {
    for (const q of hostile) {
      const response = await search(room.alice, q);
      expect(response.status, JSON.stringify(q)).toBe(200);
      const text = await response.text();
      expect(text).not.toContain('<script>alert(1)</script>');
    }
    for (const raw of ['%ED%A0%80', '%FF', '%', '&q=a&q=b', '[]=x'].map((r) => `/clubs/${room.clubId}/search?q=${r}`)) {
      expect((await room.alice.get(raw)).status, raw).toBe(200);
    }
  });

  it('fuzz: random and hostile queries, over random and hostile comments, through HTTP (htmx and page), never fail nor echo markup', async () => {
    for (const body of [...randomQueries(20, 3), ...HOSTILE_STRINGS.slice(0, 20)]) {
      if (body.trim() === '' || body.length > 2000) continue;
      await room.alice.post(`/clubs/${room.clubId}/comments`, { paragraph_id: (await para(1)).id, body: `정책 ${body}` });
    }
    const inputs = [...randomQueries(150, 11), ...HOSTILE_STRINGS];
    for (const [i, q] of inputs.entries()) {
      const path = `/clubs/${room.clubId}/search?${new URLSearchParams({ q })}`; // as a browser sends it (lone surrogates become U+FFFD)
      const response = i % 2 ? await room.alice.htmx(path) : await room.alice.get(path);
      expect(response.status, JSON.stringify(q)).toBe(200);
      const text = await response.text();
      // What they typed (or wrote) comes back as text only: no element of theirs.
      expect(text, JSON.stringify(q)).not.toMatch(/<(?:img|svg|iframe|object|embed|math|style|base|meta http|form action="javascript|a href="javascript|script(?![^>]*src="\/static\/))/i);
    }
    expect(room.testApp.logs.filter((line) => line.level === 'error')).toEqual([]);
  });

  it('NFC: a decomposed query finds composed text', async () => {
    expect(await html(room.alice, '등불'.normalize('NFD'))).toContain('<mark>등불</mark>');
  });

  it('answers a fragment to htmx and a whole page without it', async () => {
    const fragment = await (await room.alice.htmx(`/clubs/${room.clubId}/search?q=${encodeURIComponent('정책')}`)).text();
    expect(fragment).not.toContain('<html');
    expect(fragment).toContain('alphaword');
    const page = await html(room.alice, '정책');
    expect(page).toContain('<html');
    expect(page).toContain('aria-live="polite"');
  });

  it('orders newest first when asked', async () => {
    const page = await html(room.alice, '정책', '&order=newest');
    expect(page.indexOf('gammaword')).toBeLessThan(page.indexOf('alphaword'));
  });
});

describe('the index follows the discussion', () => {
  it('edits, deletes and moderation', async () => {
    expect((await room.alice.post(`/clubs/${room.clubId}/comments/${ids.aliceEarly}/edit`, { body: '바뀐 글 omegaword' })).status).toBe(303);
    expect(await html(room.alice, 'alphaword')).toContain('Nothing found');
    expect(await html(room.alice, 'omegaword')).toContain('omegaword');
    expect((await room.alice.post(`/clubs/${room.clubId}/comments/${ids.aliceEarly}/delete`, {})).status).toBe(303);
    expect(await html(room.alice, 'omegaword')).toContain('Nothing found');
    expect((await room.moderator.post(`/clubs/${room.clubId}/comments/${ids.aliceLate}/moderate`, { action: 'remove', reason: 'spoiler' })).status).toBe(303);
    expect(await html(room.moderator, 'gammaword')).toContain('Nothing found');
    const [outbox] = await rows<{ n: number }>(room.testApp.db, sql`select count(*) as n from search_comment_outbox`);
    expect(Number(outbox!.n)).toBe(0);
  });

  it('quotes a comment as the words a reader sees, not its Markdown', async () => {
    await post(room.alice, { paragraph_id: (await para(2)).id, body: '이 **책을 고르는 기준**이 [좋았어요](https://example.org/a) `markword`' });
    const page = await html(room.alice, '기준');
    expect(page).toContain('책을 고르는 <mark>기준</mark>이 좋았어요 markword');
    expect(page).not.toContain('**');
    expect(page).not.toContain('example.org/a');
  });

  it('links land on the thread, opened on the comment', async () => {
    const page = await html(room.alice, 'alphaword');
    expect(page).toContain(`/clubs/${room.clubId}/paragraphs/${(await para(1)).id}/comments#c-${ids.aliceEarly}`);
    const thread = await html(room.moderator, 'threadword');
    expect(thread).toContain(`/clubs/${room.clubId}/discussion/${room.chapters[2]!.id}#c-${ids.chapterThread}`);
  });
});

describe('the club pages and the library', () => {
  it('the club home and a chapter page carry the search box', async () => {
    const home = await (await room.alice.get(`/clubs/${room.clubId}`)).text();
    expect(home).toContain(`action="/clubs/${room.clubId}/search"`);
    expect(home).toContain('hx-sync="this:replace"');
    const chapter = await (await room.alice.get(`/clubs/${room.clubId}/chapters/1`)).text();
    expect(chapter).toContain(`action="/clubs/${room.clubId}/search"`);
  });

  it('the site admin searches every book; others get 404', async () => {
    const page = await (await room.owner.get(`/search?q=${encodeURIComponent('등불')}`)).text();
    expect(page).toContain('<mark>등불</mark>');
    expect(page).toContain('/books/');
    expect((await room.alice.get('/search?q=x')).status).toBe(404);
    expect((await room.visitor.get('/search?q=x')).status).toBe(303);
  });
});
