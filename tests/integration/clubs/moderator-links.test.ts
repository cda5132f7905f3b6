/**
 * The moderators' pages are reachable from the club's own pages: the moderation queue from the
 * club tabs, and moving to another edition and the re-anchoring queue from the book page. Members
 * see none of these links.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTestApp, signUp, type Client, type TestApp } from '../../helpers/app';
import { addMemberRow, createClubRow, importSampleBook, startReadingRow, userIdOf } from '../../helpers/fixtures';

let testApp: TestApp;
let owner: Client;
let member: Client;
let clubId: number;
let readingId: number;

beforeEach(async () => {
  testApp = await makeTestApp();
  owner = await signUp(testApp, 'owner');
  member = await signUp(testApp, 'member');
  const club = await createClubRow(testApp, { ownerId: await userIdOf(testApp, 'owner') });
  await addMemberRow(testApp, club.id, await userIdOf(testApp, 'member'));
  clubId = club.id;
  readingId = (await startReadingRow(testApp, club.id, (await importSampleBook(testApp)).editionId)).id;
});
afterEach(async () => await testApp.close());

describe("the moderators' pages are linked from the club", () => {
  const links = () => [`href="/clubs/${clubId}/moderation"`, `href="/clubs/${clubId}/readings/${readingId}/edition"`, `href="/clubs/${clubId}/orphans"`];

  it('for a moderator, from the book page, and each link answers', async () => {
    const page = await (await owner.get(`/clubs/${clubId}/readings/${readingId}`)).text();
    for (const link of links()) expect(page).toContain(link);
    for (const link of links()) expect((await owner.get(link.slice(6, -1))).status).toBe(200);
  });

  it('not for a member', async () => {
    const page = await (await member.get(`/clubs/${clubId}/readings/${readingId}`)).text();
    expect(page).toContain(`/clubs/${clubId}/readings/${readingId}`);
    for (const link of links()) expect(page).not.toContain(link);
  });
});
