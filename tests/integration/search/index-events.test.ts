/**
 * The search index follows what happens, even when a search was answered (and its matches kept
 * in memory) before it happened: a post, an edit, a delete, a hide and a restore, a write by
 * another process straight into the database, a reading moved to a new edition, an upload, and
 * `npm run reindex`. And a word in more comments than one search reads says "1,000+".
 */
import { eq, sql } from 'drizzle-orm';
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, rows, transaction } from '../../../db/connection';
import { comments, paragraphs } from '../../../db/schema';
import { importBook } from '../../../src/books/store';
import { MATCHES_READ, rebuildSearchIndexes } from '../../../src/search';
import { makeTestApp, signUp, type Client, type TestApp } from '../../helpers/app';
import { addMemberRow, createClubRow, setProgressRow, startReadingRow, userIdOf } from '../../helpers/fixtures';
import { editionOneMarkdown, editionTwoMarkdown, PARAGRAPHS } from '../../fixtures/books/two-editions';

let testApp: TestApp;
let owner: Client;
let bob: Client;
let clubId: number;
let readingId: number;
let ed1: number;
let ed2: number;

const importText = async (text: string, name: string) => (await importBook(testApp, { bytes: new TextEncoder().encode(text), filename: name, now: testApp.clock.now })).editionId;
const paragraphOf = async (editionId: number, text: string) => (await testApp.db.select().from(paragraphs).where(eq(paragraphs.editionId, editionId))).find((p) => p.text === text)!;
const newestCommentId = async () => (await rows<{ id: number }>(testApp.db, sql`select max(id) as id from comments`))[0]!.id;
const search = async (client: Client, q: string, extra = '') => {
  const response = await client.get(`/clubs/${clubId}/search?q=${encodeURIComponent(q)}${extra}`);
  expect(response.status).toBe(200);
  return response.text();
};
async function post(client: Client, fields: Record<string, string | number>): Promise<number> {
  expect((await client.post(`/clubs/${clubId}/comments`, fields)).status).toBe(303);
  return newestCommentId();
}

beforeEach(async () => {
  testApp = await makeTestApp();
  owner = await signUp(testApp, 'owner');
  bob = await signUp(testApp, 'bob');
  ed1 = await importText(editionOneMarkdown(), 'valley-1.md');
  ed2 = await importText(editionTwoMarkdown(), 'valley-2.md');
  const club = await createClubRow(testApp, { ownerId: await userIdOf(testApp, 'owner') });
  await addMemberRow(testApp, club.id, await userIdOf(testApp, 'bob'));
  clubId = club.id;
  readingId = (await startReadingRow(testApp, club.id, ed1)).id;
  await setProgressRow(testApp, readingId, await userIdOf(testApp, 'owner'), 100);
  await setProgressRow(testApp, readingId, await userIdOf(testApp, 'bob'), 100);
});
afterEach(async () => {
  await testApp.close();
});

describe('a remembered search is never stale', () => {
  it('sees a post, an edit, a hide, a restore and a delete made after it', async () => {
    const first = await post(bob, { paragraph_id: (await paragraphOf(ed1, PARAGRAPHS.lantern)).id, body: 'lantern gearword one' });
    expect(await search(owner, 'gearword')).toContain('1 match in the discussion');
    const second = await post(bob, { paragraph_id: (await paragraphOf(ed1, PARAGRAPHS.bell)).id, body: 'bell gearword two' });
    expect(await search(owner, 'gearword')).toContain('2 matches in the discussion');

    expect((await bob.post(`/clubs/${clubId}/comments/${second}/edit`, { body: 'bell cogword two' })).status).toBe(303);
    const afterEdit = await search(owner, 'gearword');
    expect(afterEdit).toContain('1 match in the discussion');
    // The edited comment's old words are gone from the results (the page's header has a bell of its own).
    expect(afterEdit).not.toMatch(/bell (<mark>)?gearword/);
    expect(await search(owner, 'cogword')).toContain('<mark>cogword</mark>');

    expect((await owner.post(`/clubs/${clubId}/comments/${first}/moderate`, { action: 'hide', reason: 'off topic' })).status).toBe(303);
    expect(await search(owner, 'gearword')).toContain('Nothing found');
    expect((await owner.post(`/clubs/${clubId}/moderation/comments/${first}`, { decision: 'restore', reason: '' })).status).toBe(303);
    expect(await search(owner, 'gearword')).toContain('<mark>gearword</mark>');

    expect((await bob.post(`/clubs/${clubId}/comments/${first}/delete`, {})).status).toBe(303);
    expect(await search(owner, 'gearword')).toContain('Nothing found');
  });

  it('sees a comment another process wrote straight into the database', async () => {
    expect(await search(owner, 'pipeword')).toContain('Nothing found');
    const paragraph = await paragraphOf(ed1, PARAGRAPHS.home);
    const row = { clubId, readingId, chapterId: paragraph.chapterId, paragraphId: paragraph.id, anchorPosition: paragraph.position, authorId: await userIdOf(testApp, 'bob'), body: 'written elsewhere pipeword', visibility: 'club' as const, createdAt: testApp.clock.now };
    if (testApp.sqlite) {
      // SQLite: another connection to the same file, as another process has.
      const other = openDatabase(testApp.config.databasePath);
      await other.db.insert(comments).values(row);
      other.sqlite.close();
    } else {
      // PostgreSQL: every connection is another's; this one is simply not the app's.
      await testApp.db.insert(comments).values(row);
    }
    expect(await search(owner, 'pipeword')).toContain('<mark>pipeword</mark>');
  });

  it('a reader who moves on finds what they could not before (the gate runs at every answer)', async () => {
    await post(owner, { paragraph_id: (await paragraphOf(ed1, PARAGRAPHS.home)).id, body: 'the ending lampword' });
    await setProgressRow(testApp, readingId, await userIdOf(testApp, 'bob'), 1);
    const behind = await search(bob, 'lampword');
    expect(behind).not.toContain('ending');
    expect(behind).toContain('1 more matching comment further on');
    await setProgressRow(testApp, readingId, await userIdOf(testApp, 'bob'), 100);
    expect(await search(bob, 'lampword')).toContain('<mark>lampword</mark>');
  });
});

describe('new editions', () => {
  it('a reading moved to a corrected edition searches its text, and its comments where they now are', async () => {
    const jun = await post(bob, { paragraph_id: (await paragraphOf(ed1, PARAGRAPHS.jun)).id, body: 'jun laughs junword' });
    expect(await search(owner, 'teh')).toContain('<mark>teh</mark>'); // the typo of edition 1
    expect((await owner.post(`/clubs/${clubId}/readings/${readingId}/edition`, { edition_id: ed2 })).status).toBe(303);
    expect(await search(owner, 'teh')).toContain('Not in the book');
    expect(await search(owner, 'recieved')).toContain('Not in the book');
    expect(await search(owner, '"received patience"')).toContain('<mark>received</mark>');
    const [moved] = await testApp.db.select().from(comments).where(eq(comments.id, jun));
    expect(moved!.paragraphId).toBe((await paragraphOf(ed2, PARAGRAPHS.junFixed)).id);
    expect(await search(owner, 'junword')).toContain(`/clubs/${clubId}/paragraphs/${moved!.paragraphId}/comments#c-${jun}`);
  });

  it('an uploaded book is indexed when it is imported, before anyone searches', async () => {
    const admin = owner; // the first account is the site admin
    const form = new FormData();
    form.append('file', new File([new TextEncoder().encode(['---', 'title: Uploaded', 'author: A', 'lang: en', '---', '', '# One', '', 'An uploaded zephyrword paragraph.', ''].join('\n'))], 'uploaded.md'));
    const upload = await admin.post('/library/upload', form);
    expect(upload.status).toBe(303);
    const confirm = await admin.post(`${upload.headers.get('location')!}/confirm`);
    expect(confirm.status).toBe(303);
    const editionId = Number(/^\/books\/(\d+)/.exec(confirm.headers.get('location')!)![1]);
    // Indexed by the book.imported listener, before any search asked for it.
    expect(await rows(testApp.db, sql`select paragraph_count as n from search_indexed_editions where edition_id = ${editionId}`)).toEqual([{ n: expect.any(Number) }]);
    expect(await (await admin.get(`/search?q=zephyrword`)).text()).toContain('<mark>zephyrword</mark>');
  });
});

describe('rebuilding', () => {
  const queries = ['lantern', '등불', 'gearword', '"drowned bell"', '소'];
  async function answers() {
    const out: string[] = [];
    for (const q of queries) out.push(await search(owner, q), await search(bob, q, '&order=newest'));
    return out;
  }

  it('rebuildSearchIndexes and `npm run reindex` give the same answers as the events did', async () => {
    await post(bob, { paragraph_id: (await paragraphOf(ed1, PARAGRAPHS.lantern)).id, body: 'lantern gearword 등불' });
    await post(owner, { paragraph_id: (await paragraphOf(ed1, PARAGRAPHS.korean)).id, body: '소년 gearword', visibility: 'private' });
    const hidden = await post(bob, { paragraph_id: (await paragraphOf(ed1, PARAGRAPHS.bell)).id, body: 'drowned bell gearword' });
    expect((await owner.post(`/clubs/${clubId}/comments/${hidden}/moderate`, { action: 'hide', reason: 'off topic' })).status).toBe(303);
    await setProgressRow(testApp, readingId, await userIdOf(testApp, 'bob'), 2);
    const before = await answers();
    await rebuildSearchIndexes(testApp.db, testApp.clock.now);
    expect(await answers()).toEqual(before);

    // The command on the SQLite file (on PostgreSQL: tests/pg/search-queries.test.ts).
    if (!testApp.sqlite) return;
    const cli = spawnSync(process.execPath, ['--import', 'tsx', 'src/search/cli-reindex.ts'], {
      cwd: resolve(import.meta.dirname, '../../..'),
      env: { ...process.env, DATABASE_PATH: testApp.config.databasePath },
      encoding: 'utf8',
    });
    expect(cli.status, cli.stderr).toBe(0);
    expect(cli.stdout).toMatch(/search index rebuilt in \d+ ms: \d+ editions .* 2 comments/);
    expect(await answers()).toEqual(before);
  });
});

describe('many matches', () => {
  it('counts at most the newest matches it reads, and says "at least"', async () => {
    const paragraph = await paragraphOf(ed1, PARAGRAPHS.home);
    const authorId = await userIdOf(testApp, 'owner');
    const crowd = Array.from({ length: MATCHES_READ + 5 }, (_, i) => ({ clubId, readingId, chapterId: paragraph.chapterId, paragraphId: paragraph.id, anchorPosition: paragraph.position, authorId, body: `crowdword ${i}`, visibility: 'club' as const, createdAt: testApp.clock.now + i }));
    // In one transaction, in order (ids grow with i); in slices, under every engine's limit of bound values.
    await transaction(testApp.db, async (tx) => {
      for (let at = 0; at < crowd.length; at += 200) await tx.insert(comments).values(crowd.slice(at, at + 200));
    });
    expect(await search(owner, 'crowdword')).toContain(`${MATCHES_READ.toLocaleString('en')}+ matches in the discussion`);
    await setProgressRow(testApp, readingId, await userIdOf(testApp, 'bob'), 1);
    const behind = await search(bob, 'crowdword');
    expect(behind).toContain(`At least ${MATCHES_READ.toLocaleString('en')} more matching comments further on`);
    expect(behind).not.toContain('crowdword 1');
    // Newest first: the last one written leads.
    const newest = await newestCommentId();
    const page = await search(owner, 'crowdword', '&order=newest');
    expect(page.indexOf(`#c-${newest}"`)).toBeGreaterThan(-1);
    expect(page.indexOf(`#c-${newest}"`)).toBeLessThan(page.indexOf(`#c-${newest - 1}"`));
  });
});
