/**
 * Uploading a book through the browser flow: form → preview → confirm or cancel, who may do it,
 * and every bad input refused with a clear message and nothing left in the database.
 */
import { sql } from 'drizzle-orm';
import { zipSync, strToU8 } from 'fflate';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addMemberRow, createClubRow, importSampleBook, startReadingRow, userIdOf } from '../../helpers/fixtures';
import { generateKoreanBook } from '../../fixtures/books/korean-book';
import { textOf } from '../clubs/world';
import { makeTestApp, signUp, type Client, type TestApp } from '../../helpers/app';
import { PENDING_UPLOAD_TTL_MS } from '../../../src/books/uploads';
import { rows } from '../../../db/connection';
import { editions } from '../../../db/schema';

const TABLES = ['books', 'editions', 'chapters', 'paragraphs', 'pending_imports'] as const;
async function counts(testApp: TestApp): Promise<Record<(typeof TABLES)[number], number>> {
  const entries: [string, number][] = [];
  for (const table of TABLES) {
    const [row] = await rows<{ n: number }>(testApp.db, sql`select count(*) as n from ${sql.identifier(table)}`);
    entries.push([table, Number(row!.n)]);
  }
  return Object.fromEntries(entries) as Record<(typeof TABLES)[number], number>;
}

const KOREAN_BOOK = [
  '작은 시험 책',
  '',
  '차례',
  '',
  '제1장 봄 8',
  '제2장 여름 12',
  '',
  '제1장 봄',
  '',
  '봄에는 책방 문을 열었어요.',
  '',
  '첫 모임에는 여섯 사람이 왔어요.',
  '',
  '제2장 여름',
  '',
  '여름에는 긴 책을 읽었어요.',
  '',
].join('\n');

function bookForm(content: string | Uint8Array, filename: string, fields: Record<string, string> = {}): FormData {
  const form = new FormData();
  const bytes = typeof content === 'string' ? new TextEncoder().encode(content) : content;
  form.append('file', new File([new Uint8Array(bytes)], filename));
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  return form;
}

let testApp: TestApp;
let admin: Client;

beforeEach(async () => {
  testApp = await makeTestApp();
  admin = await signUp(testApp, 'admin'); // first account: site admin
});
afterEach(async () => await testApp.close());

async function upload(client: Client, content: string | Uint8Array, filename: string, fields: Record<string, string> = {}) {
  return client.post('/library/upload', bookForm(content, filename, fields));
}

describe('upload form and preview', () => {
  it('shows the form to the admin, with the progress bar script and a file input', async () => {
    const response = await admin.get('/library/upload');
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('enctype="multipart/form-data"');
    expect(html).toContain('type="file"');
    expect(html).toMatch(/<progress[^>]*>/);
    expect(html).toMatch(/src="\/static\/upload\.js\?v=/);
  });

  it('uploads, previews the outline, and confirms into the library', async () => {
    const before = await counts(testApp);
    const response = await upload(admin, KOREAN_BOOK, 'small.txt', { author: '시험 작가' });
    expect(response.status).toBe(303);
    const location = response.headers.get('location')!;
    expect(location).toMatch(/^\/library\/uploads\/[a-z2-7]{32}$/);
    // Only the pending upload was stored so far.
    expect(await counts(testApp)).toEqual({ ...before, pending_imports: 1 });

    const preview = await admin.get(location);
    expect(preview.status).toBe(200);
    const html = await preview.text();
    expect(html).toContain('작은 시험 책');
    expect(html).toContain('시험 작가');
    expect(html).toContain('utf-8');
    expect(html).toMatch(/outline-depth-1[^>]*><span class="outline-title">제1장 봄<\/span><span[^>]*>2 ¶/);
    expect(html).toContain(`action="${location}/confirm"`);
    expect(html).toContain(`action="${location}/cancel"`);

    const confirm = await admin.post(`${location}/confirm`);
    expect(confirm.status).toBe(303);
    const bookUrl = confirm.headers.get('location')!;
    expect(bookUrl).toMatch(/^\/books\/\d+\?imported=1$/);
    const after = await counts(testApp);
    expect(after.pending_imports).toBe(0);
    expect(after.editions).toBe(before.editions + 1);
    const book = await (await admin.get(bookUrl)).text();
    expect(book).toContain('작은 시험 책');
    expect(book).toContain('The book was added to the library.');
    // The preview is gone once confirmed.
    expect((await admin.get(location)).status).toBe(404);
  });

  it('shows the preview in Korean for a Korean reader, warnings translated', async () => {
    const ko = await signUp(testApp, 'mina', { acceptLanguage: 'ko' });
    const club = await createClubRow(testApp, { ownerId: await userIdOf(testApp, 'mina') });
    expect(club.id).toBeGreaterThan(0);
    const response = await upload(ko, '첫 줄 제목\n\n그냥 문단이에요.\n\n또 다른 문단이에요.\n', 'plain.txt');
    expect(response.status).toBe(303);
    const html = await (await ko.get(response.headers.get('location')!)).text();
    expect(html).toContain('추가하기 전에 확인해 주세요');
    expect(html).toContain('서재에 추가하기');
  });

  it('cancel deletes the pending upload and stores nothing', async () => {
    const before = await counts(testApp);
    const location = (await upload(admin, KOREAN_BOOK, 'small.txt')).headers.get('location')!;
    const cancel = await admin.post(`${location}/cancel`);
    expect(cancel.status).toBe(303);
    expect(cancel.headers.get('location')).toBe('/library');
    expect(await counts(testApp)).toEqual(before);
    expect((await admin.post(`${location}/confirm`)).status).toBe(404);
  });

  it("another reader's pending upload is 404, even for another uploader", async () => {
    const location = (await upload(admin, KOREAN_BOOK, 'small.txt')).headers.get('location')!;
    const other = await signUp(testApp, 'other');
    await createClubRow(testApp, { ownerId: await userIdOf(testApp, 'other') }); // may upload, but not this one
    expect((await other.get(location)).status).toBe(404);
    expect((await other.post(`${location}/confirm`)).status).toBe(404);
    expect((await other.post(`${location}/cancel`)).status).toBe(404);
    expect((await counts(testApp)).pending_imports).toBe(1);
    expect((await admin.get(location)).status).toBe(200);
  });

  it('pending uploads expire after 24 hours and are swept lazily', async () => {
    const location = (await upload(admin, KOREAN_BOOK, 'small.txt')).headers.get('location')!;
    testApp.clock.advance(PENDING_UPLOAD_TTL_MS + 1);
    expect((await admin.get(location)).status).toBe(404);
    expect((await counts(testApp)).pending_imports).toBe(0);
  });

  it('recognises a file that is already in the library and adds nothing on confirm', async () => {
    const first = (await upload(admin, KOREAN_BOOK, 'small.txt')).headers.get('location')!;
    const firstBook = (await admin.post(`${first}/confirm`)).headers.get('location')!;
    const before = await counts(testApp);
    const again = (await upload(admin, KOREAN_BOOK, 'same-again.txt')).headers.get('location')!;
    const preview = await (await admin.get(again)).text();
    expect(preview).toContain('This exact file is already in the library');
    const confirm = await admin.post(`${again}/confirm`);
    expect(confirm.headers.get('location')).toBe(firstBook.replace('imported=1', 'duplicate=1'));
    expect(await counts(testApp)).toEqual(before);
  });

  it('a changed file of the same book becomes a new edition beside the old one', async () => {
    const first = (await upload(admin, KOREAN_BOOK, 'small.txt')).headers.get('location')!;
    await admin.post(`${first}/confirm`);
    const changed = KOREAN_BOOK.replace('여섯 사람이', '일곱 사람이');
    const second = (await upload(admin, changed, 'small-v2.txt')).headers.get('location')!;
    expect(await (await admin.get(second)).text()).toContain('as a new edition beside the existing one');
    await admin.post(`${second}/confirm`);
    const c = await counts(testApp);
    expect(c.books).toBe(1);
    expect(c.editions).toBe(2);
    const library = await (await admin.get('/library')).text();
    expect(library).toContain('Editions (2)');
  });
});

describe('who may upload', () => {
  it('signed-out readers are sent to sign in', async () => {
    const anonymous = new (admin.constructor as typeof Client)(testApp);
    const response = await anonymous.get('/library/upload');
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/login?next=%2Flibrary%2Fupload');
    const post = await anonymous.post('/library/upload', bookForm(KOREAN_BOOK, 'a.txt'));
    expect(post.status).toBe(303);
    expect((await counts(testApp)).pending_imports).toBe(0);
  });

  it('a reader who is neither admin nor moderator gets 403, and the library shows no upload link', async () => {
    const reader = await signUp(testApp, 'reader');
    const club = await createClubRow(testApp, { ownerId: await userIdOf(testApp, 'admin') });
    await addMemberRow(testApp, club.id, await userIdOf(testApp, 'reader'), 'member');
    expect((await reader.get('/library/upload')).status).toBe(403);
    expect((await reader.post('/library/upload', bookForm(KOREAN_BOOK, 'a.txt'))).status).toBe(403);
    expect((await counts(testApp)).pending_imports).toBe(0);
    expect(await (await reader.get('/library')).text()).not.toContain('href="/library/upload"');
    expect(await (await admin.get('/library')).text()).toContain('href="/library/upload"');
  });

  it('a club moderator uploads for their club: the preview says what confirming does, and the club reads it', async () => {
    const moderator = await signUp(testApp, 'mod');
    const club = await createClubRow(testApp, { ownerId: await userIdOf(testApp, 'admin'), name: 'Lantern Club' });
    await addMemberRow(testApp, club.id, await userIdOf(testApp, 'mod'), 'moderator');
    const current = await importSampleBook(testApp, { title: 'The Book Before' });
    await startReadingRow(testApp, club.id, current.editionId);
    const form = await moderator.get(`/library/upload?club=${club.id}`);
    expect(form.status).toBe(200);
    const html = await form.text();
    expect(html).toContain(`name="clubId" value="${club.id}"`);
    expect(textOf(html)).toContain('This book is for the club “Lantern Club”. When you confirm the preview, the club starts reading it.');
    const location = (await upload(moderator, KOREAN_BOOK, 'club.txt', { clubId: String(club.id) })).headers.get('location')!;
    const preview = textOf(await (await moderator.get(location)).text());
    expect(preview).toContain('Confirming adds the book to the library and makes it the book “Lantern Club” reads. “The Book Before”, which the club reads now, then ends');
    expect(preview).toContain('Add it and start reading in Lantern Club');
    // One step: confirming lands on the club, reading the new book (no picker to click through).
    const confirm = await moderator.post(`${location}/confirm`);
    expect(confirm.headers.get('location')).toBe(`/clubs/${club.id}?done=book`);
    const home = textOf(await (await moderator.get(confirm.headers.get('location')!)).text());
    expect(home).toContain('The club is reading a new book.');
    expect(home).toContain('작은 시험 책');
    expect(home).toContain('Earlier books The Book Before');
  });

  it('one book shows one paragraph count everywhere: preview, library, book page, picker', async () => {
    const book = generateKoreanBook({ targetBytes: 300_000 });
    const club = await createClubRow(testApp, { ownerId: await userIdOf(testApp, 'admin'), name: 'Counting Club' });
    const expected = `${book.expected.paragraphs.toLocaleString('en')} paragraphs`;
    expect(book.expected.paragraphs).toBeGreaterThan(1000); // so the grouping separator shows
    const location = (await upload(admin, book.text, 'book.txt')).headers.get('location')!;
    expect(textOf(await (await admin.get(location)).text())).toContain(expected);
    const bookPage = (await admin.post(`${location}/confirm`)).headers.get('location')!.split('?')[0]!;
    expect(textOf(await (await admin.get('/library')).text())).toContain(expected);
    expect(textOf(await (await admin.get(bookPage)).text())).toContain(`Paragraphs ${book.expected.paragraphs.toLocaleString('en')}`);
    expect(textOf(await (await admin.get(`/clubs/${club.id}/readings/new`)).text())).toContain(expected);
    // Headings are positions (progress counts them) but not paragraphs.
    const [{ positions } = { positions: 0 }] = await testApp.db.select({ positions: editions.paragraphCount }).from(editions);
    expect(positions).toBeGreaterThan(book.expected.paragraphs);
  });

  it('a club the uploader does not moderate behaves as if it did not exist', async () => {
    const moderator = await signUp(testApp, 'mod');
    const mine = await createClubRow(testApp, { ownerId: await userIdOf(testApp, 'mod') });
    const theirs = await createClubRow(testApp, { ownerId: await userIdOf(testApp, 'admin'), name: 'Private' });
    expect((await moderator.get(`/library/upload?club=${theirs.id}`)).status).toBe(404);
    expect((await moderator.get(`/library/upload?club=99999`)).status).toBe(404);
    expect((await upload(moderator, KOREAN_BOOK, 'x.txt', { clubId: String(theirs.id) })).status).toBe(404);
    expect((await moderator.get(`/library/upload?club=${mine.id}`)).status).toBe(200);
    expect((await counts(testApp)).pending_imports).toBe(0);
  });

  it('uploads are rate-limited per reader', async () => {
    await testApp.close();
    testApp = await makeTestApp({ rateLimits: { postingPerUser: { limit: 2, windowMs: 60_000 } } });
    admin = await signUp(testApp, 'admin');
    expect((await upload(admin, KOREAN_BOOK, 'a.txt')).status).toBe(303);
    expect((await upload(admin, KOREAN_BOOK, 'b.txt')).status).toBe(303);
    const third = await upload(admin, KOREAN_BOOK, 'c.txt');
    expect(third.status).toBe(429);
    expect(third.headers.get('retry-after')).toBeTruthy();
    expect((await counts(testApp)).pending_imports).toBe(2);
  });
});

describe('bad input: a clear message, status 422, and nothing stored', () => {
  function escapingEpub(): Uint8Array {
    return zipSync({
      mimetype: strToU8('application/epub+zip'),
      'META-INF/container.xml': strToU8(
        '<?xml version="1.0"?><container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container"><rootfiles><rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/></rootfiles></container>',
      ),
      'OEBPS/content.opf': strToU8('<?xml version="1.0"?><package xmlns="http://www.idpf.org/2007/opf" version="3.0"><metadata/><manifest/><spine/></package>'),
      '../../etc/evil.xhtml': strToU8('<html><body><p>escape</p></body></html>'),
    });
  }

  const cases: [string, () => FormData, RegExp][] = [
    ['an empty file', () => bookForm('', 'empty.txt'), /The file is empty/],
    ['blank space only', () => bookForm('  \n\n \t \n', 'blank.txt'), /empty|No readable text/],
    ['binary junk', () => bookForm(new Uint8Array(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)), 'junk.txt'), /does not look like a text file|could not be decoded/],
    ['an unsupported format', () => bookForm('%PDF-1.7', 'book.pdf'), /cannot be imported/],
    ['a broken EPUB', () => bookForm('PK\u0003\u0004 definitely not a zip', 'broken.epub'), /damaged or incomplete/],
    ['an EPUB with a path leaving the archive', () => bookForm(escapingEpub(), 'escape.epub'), /points outside the book/],
    ['no file at all', () => {
      const form = new FormData();
      form.append('title', 'x');
      return form;
    }, /Choose a file to upload/],
    ['a language that is not a language code', () => bookForm(KOREAN_BOOK, 'a.txt', { lang: 'Korean!!' }), /language code/],
    ['a title over 300 characters', () => bookForm(KOREAN_BOOK, 'a.txt', { title: 'x'.repeat(301) }), /at most 300 characters/],
  ];

  for (const [name, form, message] of cases) {
    it(`refuses ${name}`, async () => {
      await importSampleBook(testApp);
      const before = await counts(testApp);
      const response = await admin.post('/library/upload', form());
      expect(response.status).toBe(422);
      const html = await response.text();
      expect(html).toMatch(message);
      expect(html).toContain('role="alert"');
      expect(await counts(testApp)).toEqual(before);
    });
  }

  it('refuses a file over the upload limit with the sizes in words, keeping the typed fields', async () => {
    await testApp.close();
    testApp = await makeTestApp({ config: { maxUploadBytes: 2048 } });
    admin = await signUp(testApp, 'admin');
    const before = await counts(testApp);
    const response = await admin.post('/library/upload', bookForm('가'.repeat(2000), 'big.txt', { title: 'Kept title' }));
    expect(response.status).toBe(422);
    const html = await response.text();
    expect(html).toContain('The file is 6 KB; the limit is 2 KB.');
    expect(html).toContain('value="Kept title"');
    expect(await counts(testApp)).toEqual(before);
  });

  it('shows the error in Korean to a Korean reader', async () => {
    admin.acceptLanguage = 'ko';
    const response = await admin.post('/library/upload', bookForm('', 'empty.txt'));
    expect(response.status).toBe(422);
    expect(await response.text()).toContain('파일이 비어 있거나 공백만 들어 있어요.');
  });
});
