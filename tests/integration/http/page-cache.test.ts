/**
 * The chapter page through the personal page cache: a reader's own changes show at once,
 * others' changes within the stale window, and access is checked before the cache is asked.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { gunzipSync } from 'node:zlib';
import { makeTestApp, signUp, type TestApp } from '../../helpers/app';
import { addMemberRow, createClubRow, importSampleBook, paragraphsOf, setProgressRow, startReadingRow, userIdOf } from '../../helpers/fixtures';

let testApp: TestApp;
afterEach(async () => {
  await testApp?.close();
});

async function room(staleMs: number) {
  testApp = await makeTestApp({ config: { pageCacheStaleMs: staleMs } });
  const alice = await signUp(testApp, 'alice');
  const bob = await signUp(testApp, 'bob');
  const book = await importSampleBook(testApp);
  const club = await createClubRow(testApp, { ownerId: await userIdOf(testApp, 'alice') });
  await addMemberRow(testApp, club.id, await userIdOf(testApp, 'bob'));
  const reading = await startReadingRow(testApp, club.id, book.editionId);
  const chapter = book.chapters.find((c) => c.kind === 'body')!;
  for (const name of ['alice', 'bob']) await setProgressRow(testApp, reading.id, await userIdOf(testApp, name), chapter.lastPosition);
  const paragraph = (await paragraphsOf(testApp, chapter.id)).find((p) => p.kind === 'text')!;
  const url = `/clubs/${club.id}/chapters/${chapter.ordinal}`;
  const comment = (client: typeof alice, body: string) =>
    client.post(`/clubs/${club.id}/comments`, { reading_id: reading.id, paragraph_id: paragraph.id, body, visibility: 'club' });
  const count = async (client: typeof alice) => {
    const html = await (await client.get(url)).text();
    return Number(/>(\d+) comments?</.exec(html)?.[1] ?? 0);
  };
  return { alice, bob, club, url, comment, count };
}

describe('the cached chapter page', () => {
  it('shows a reader their own comment on the very next load', async () => {
    const { alice, comment, count } = await room(60_000);
    expect(await count(alice)).toBe(0);
    expect((await comment(alice, 'first')).status).toBe(303);
    expect(await count(alice)).toBe(1);
  });

  it.each([1000, 0])("shows others' comments once a stale window of %i ms has passed, not before", async (staleMs) => {
    const { alice, bob, comment, count } = await room(staleMs);
    expect(await count(bob)).toBe(0);
    await comment(alice, 'from alice');
    if (staleMs > 0) {
      expect(await count(bob)).toBe(0);
      testApp.clock.advance(staleMs);
    }
    expect(await count(bob)).toBe(1);
  });

  it('retires the club’s pages when someone joins through an invitation link', async () => {
    const { alice, club, url } = await room(0);
    const members = async () => /(\d+) members?\b/.exec(await (await alice.get(url)).text())?.[1];
    expect(await members()).toBe('2');
    const invited = await alice.post(`/clubs/${club.id}/invitations`, { expiresInHours: 24, maxUses: 5, role: 'member' });
    const token = /\/invite\/([a-z2-7]{32})/.exec(await invited.text())?.[1];
    const carol = await signUp(testApp, 'carol');
    expect(await members()).toBe('2'); // cached again after Alice's own change
    expect((await carol.post(`/invite/${token}`)).status).toBe(303);
    expect(await members()).toBe('3');
  });

  it('is served gzipped to browsers that accept it, and identical to the uncompressed page', async () => {
    const { alice, url } = await room(60_000);
    const plain = await (await alice.get(url)).text();
    const zipped = await alice.get(url, { 'accept-encoding': 'gzip, deflate, br' });
    expect(zipped.headers.get('content-encoding')).toBe('gzip');
    expect(zipped.headers.get('cache-control')).toBe('no-store');
    expect(gunzipSync(Buffer.from(await zipped.arrayBuffer())).toString('utf8')).toBe(plain);
  });

  it('never serves a cached page to someone who lost access: removal is checked first', async () => {
    const { alice, bob, club, url } = await room(60_000);
    expect((await bob.get(url)).status).toBe(200);
    expect((await alice.post(`/clubs/${club.id}/members/${await userIdOf(testApp, 'bob')}/remove`)).status).toBe(303);
    expect((await bob.get(url)).status).toBe(404);
  });
});
