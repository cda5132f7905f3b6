/** The library, a book's page and the chapter reader: anchors, navigation, language, font size, bookmark. */
import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bookmarks, users } from '../../../db/schema';
import { importBook } from '../../../src/books/store';
import { importSampleBook, userIdOf } from '../../helpers/fixtures';
import { Client, makeTestApp, signUp, type TestApp } from '../../helpers/app';

const KOREAN_MD = [
  '---',
  'title: 함께 읽는 시험',
  'author: 시험 작가',
  'lang: ko',
  '---',
  '',
  '머리말 문단이에요.',
  '',
  '# 제1부 시작',
  '',
  '## 1장. 책 고르기',
  '',
  '첫 문단이에요.',
  '',
  '### 분량',
  '',
  '둘째 문단이에요.',
  '',
  '## 2장. 사람 찾기',
  '',
  '셋째 문단이에요.',
  '',
  '# 제2부 함께',
  '',
  '## 3장. 속도',
  '',
  '넷째 문단이에요.',
  '',
  '## 4장. 여백',
  '',
  '다섯째 문단이에요.',
  '',
].join('\n');

let testApp: TestApp;
let editionId: number;

beforeEach(async () => {
  testApp = await makeTestApp();
  editionId = (await importBook(testApp, { bytes: new TextEncoder().encode(KOREAN_MD), filename: 'ko.md', now: testApp.clock.now })).editionId;
});
afterEach(async () => await testApp.close());

const anonymous = () => new Client(testApp);

describe('library and book page', () => {
  it('lists every book with its editions, languages and counts, signed out included', async () => {
    await importSampleBook(testApp);
    const response = await anonymous().get('/library');
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('함께 읽는 시험');
    expect(html).toContain('The Lantern Keepers');
    expect(html).toContain('Books: 2 · editions: 2');
    expect(html).toContain('Korean');
    expect(html).toContain('Markdown');
    expect(html).not.toContain('href="/library/upload"');
  });

  it('shows the contents as a nested tree linking to chapter anchors', async () => {
    const html = await (await anonymous().get(`/books/${editionId}`)).text();
    expect(html).toContain(`<main id="main" lang="ko">`);
    const toc = html.slice(html.indexOf('class="book-toc"'), html.indexOf('class="book-aside"'));
    // Front matter (untitled) first, then the part with its chapters nested beneath it.
    expect(toc).toMatch(/<a href="\/books\/\d+\/chapters\/1" lang="en">Opening pages<\/a>/);
    expect(toc).toMatch(
      /<li class="toc-entry toc-depth-1"><a href="\/books\/\d+\/chapters\/2#p-1">제1부 시작<\/a><ol class="toc-list toc-nested"><li class="toc-entry toc-depth-2"><a href="\/books\/\d+\/chapters\/2#p-2">1장. 책 고르기<\/a><ol class="toc-list toc-nested"><li class="toc-entry toc-depth-3"><a href="\/books\/\d+\/chapters\/2#p-4">분량<\/a>/,
    );
    expect(toc).toContain(`/books/${editionId}/chapters/3#p-1">2장. 사람 찾기`);
    expect(toc).toContain(`/books/${editionId}/chapters/4#p-1">제2부 함께`);
    expect(html).toContain('Start reading');
  });

  it('shows import warnings to uploaders only', async () => {
    const plain = await importBook(testApp, { bytes: new TextEncoder().encode('제목 줄\n\n문단 하나.\n\n문단 둘.\n'), filename: 'plain.txt', now: 1 });
    const admin = await signUp(testApp, 'admin');
    const reader = await signUp(testApp, 'reader');
    expect(await (await admin.get(`/books/${plain.editionId}`)).text()).toContain('Import warnings');
    expect(await (await reader.get(`/books/${plain.editionId}`)).text()).not.toContain('Import warnings');
  });

  it('404s for unknown editions and chapters', async () => {
    const client = anonymous();
    expect((await client.get('/books/99999')).status).toBe(404);
    expect((await client.get('/books/abc')).status).toBe(404);
    expect((await client.get(`/books/${editionId}/chapters/99`)).status).toBe(404);
    expect((await client.get(`/books/${editionId}/chapters/0`)).status).toBe(404);
  });
});

describe('chapter page', () => {
  it('anchors every paragraph with id="p-N" and the same ids on every render', async () => {
    const first = await (await anonymous().get(`/books/${editionId}/chapters/2`)).text();
    const second = await (await (await signUp(testApp, 'someone')).get(`/books/${editionId}/chapters/2`)).text();
    const anchors = (html: string) => [...html.matchAll(/<div class="para[^"]*" id="(p-\d+)" data-paragraph-id="(\d+)" data-ordinal="(\d+)" data-position="(\d+)"/g)].map((m) => m.slice(1).join('/'));
    expect(anchors(first).map((a) => a.split('/')[0])).toEqual(['p-1', 'p-2', 'p-3', 'p-4', 'p-5']);
    expect(anchors(second)).toEqual(anchors(first));
    const text = (html: string) => {
      const start = html.indexOf('<div class="reader-text"');
      return html.slice(start, html.indexOf('</div></div>', start) + 12);
    };
    expect(text(first)).toContain('둘째 문단이에요.');
    expect(text(second)).toBe(text(first));
  });

  it('puts the book language on the text container and headings as h2/h3/h4', async () => {
    const html = await (await anonymous().get(`/books/${editionId}/chapters/2`)).text();
    expect(html).toContain('<html lang="en">');
    expect(html).toContain('<main id="main" lang="ko">');
    expect(html).toMatch(/<nav class="chapter-nav chapter-nav-top" aria-label="Chapters" lang="en">/);
    expect(html).toContain('<h2 class="paragraph-text">제1부 시작</h2>');
    expect(html).toContain('<h3 class="paragraph-text">1장. 책 고르기</h3>');
    expect(html).toContain('<h4 class="paragraph-text">분량</h4>');
    expect(html).toMatch(/src="\/static\/reader\.js\?v=/);
  });

  it('links to the previous and next chapters, with untitled matter named', async () => {
    const client = anonymous();
    const first = await (await client.get(`/books/${editionId}/chapters/1`)).text();
    expect(first).toContain('<h2 class="reader-untitled" lang="en">Opening pages</h2>');
    expect(first).not.toContain('rel="prev"');
    expect(first).toContain(`rel="next" href="/books/${editionId}/chapters/2"`);
    const middle = await (await client.get(`/books/${editionId}/chapters/2`)).text();
    expect(middle).toContain(`rel="prev" href="/books/${editionId}/chapters/1"`);
    expect(middle).toContain('Previous: <span lang="en">Opening pages</span>');
    // The book's own title, marked as the book's language (so Korean wraps between words).
    expect(middle).toContain('Next: <span lang="ko">2장. 사람 찾기</span>');
    // No app ordinal that could clash with the book's numbering ("Chapter 2" above "1장").
    expect(middle).toContain('2 of 5 in the book');
    const last = await (await client.get(`/books/${editionId}/chapters/5`)).text();
    expect(last).not.toContain('rel="next"');
    expect(last).toContain('End of the book.');
  });

  it('names untitled matter in Korean for a Korean reader', async () => {
    const html = await (await new Client(testApp, { acceptLanguage: 'ko-KR' }).get(`/books/${editionId}/chapters/1`)).text();
    expect(html).toContain('앞부분');
    expect(html).toContain('글자 크게');
  });
});

describe('reading comfort', () => {
  it('saves the font step on the account and renders it', async () => {
    const reader = await signUp(testApp, 'reader');
    const response = await reader.post('/reader/font', { step: 2, next: `/books/${editionId}/chapters/2` });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe(`/books/${editionId}/chapters/2`);
    const row = (await testApp.db.select({ fontStep: users.fontStep }).from(users).where(eq(users.id, await userIdOf(testApp, 'reader'))).limit(1))[0];
    expect(row?.fontStep).toBe(2);
    const html = await (await reader.get(`/books/${editionId}/chapters/2`)).text();
    expect(html).toContain('class="reader font-step-2"');
    expect(html).toContain('name="step" value="3"');
  });

  it('refuses steps outside −2…+3 and open redirects', async () => {
    const reader = await signUp(testApp, 'reader');
    await reader.post('/reader/font', { step: 9, next: 'https://evil.example/' });
    const row = (await testApp.db.select({ fontStep: users.fontStep }).from(users).where(eq(users.id, await userIdOf(testApp, 'reader'))).limit(1))[0];
    expect(row?.fontStep).toBe(0);
    const response = await reader.post('/reader/font', { step: -2, next: '//evil.example/' });
    expect(response.headers.get('location')).toBe('/library');
  });

  it('keeps a signed-out reader’s font step in a cookie', async () => {
    const client = anonymous();
    const response = await client.post('/reader/font', { step: -1, next: `/books/${editionId}/chapters/1` });
    expect(response.status).toBe(303);
    expect(client.cookies.get('font_step')).toBe('-1');
    expect(await (await client.get(`/books/${editionId}/chapters/1`)).text()).toContain('class="reader font-step--1"');
  });

  it('remembers the reader’s place and offers to continue from it', async () => {
    const reader = await signUp(testApp, 'reader');
    const chapter = await (await reader.get(`/books/${editionId}/chapters/3`)).text();
    expect(chapter).toContain(`data-bookmark-url="/books/${editionId}/bookmark"`);
    const saved = await reader.post(`/books/${editionId}/bookmark`, { chapter: 3, paragraph: 2 }, { 'x-requested-with': 'fetch' });
    expect(saved.status).toBe(204);
    const row = (await testApp.db.select().from(bookmarks).where(eq(bookmarks.userId, await userIdOf(testApp, 'reader'))).limit(1))[0];
    expect(row).toMatchObject({ editionId, chapterOrdinal: 3, paragraphOrdinal: 2 });
    const book = await (await reader.get(`/books/${editionId}`)).text();
    expect(book).toContain(`href="/books/${editionId}/chapters/3#p-2">Continue reading: 2장. 사람 찾기`);
    // Without JS: the plain form redirects back to the paragraph.
    const plain = await reader.post(`/books/${editionId}/bookmark`, { chapter: 4, paragraph: 1 });
    expect(plain.status).toBe(303);
    expect(plain.headers.get('location')).toBe(`/books/${editionId}/chapters/4#p-1`);
  });

  it('refuses a bookmark outside the chapter, and has none for signed-out readers', async () => {
    const reader = await signUp(testApp, 'reader');
    expect((await reader.post(`/books/${editionId}/bookmark`, { chapter: 3, paragraph: 999 }, { 'x-requested-with': 'fetch' })).status).toBe(400);
    expect((await reader.post(`/books/${editionId}/bookmark`, { chapter: 77, paragraph: 1 }, { 'x-requested-with': 'fetch' })).status).toBe(400);
    expect((await testApp.db.select().from(bookmarks))).toEqual([]);
    const client = anonymous();
    expect(await (await client.get(`/books/${editionId}/chapters/2`)).text()).not.toContain('data-bookmark-url');
    expect((await client.post(`/books/${editionId}/bookmark`, { chapter: 2, paragraph: 1 }, { 'x-requested-with': 'fetch' })).status).toBe(204);
    expect((await testApp.db.select().from(bookmarks))).toEqual([]);
  });
});
