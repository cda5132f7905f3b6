/** Invitation links: creating, listing, revoking, following them signed out, and using them up. */
import { eq, sql } from 'drizzle-orm';
import { rows as rawRows } from '../../../db/connection';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { invitations, memberships } from '../../../db/schema';
import { hashInvitationToken } from '../../../src/clubs/invitation-token';
import { Client, DEFAULT_PASSWORD, signUp } from '../../helpers/app';
import { userIdOf } from '../../helpers/fixtures';
import { DAY, makeWorld, roleIn, textOf, type ClubWorld } from './world';

let world: ClubWorld;
beforeAll(async () => {
  world = await makeWorld();
});
afterAll(async () => await world.close());

const roleOf = (clubId: number, userId: number) => roleIn(world, clubId, userId);

/** Creates an invitation through the form and returns the token shown on the page. */
async function createInvitation(client: Client, clubId: number, fields: Record<string, string | number> = {}) {
  const response = await client.post(`/clubs/${clubId}/invitations`, { expiresInHours: 168, maxUses: 10, role: 'member', ...fields });
  expect(response.status).toBe(200);
  const html = await response.text();
  const token = html.match(/\/invite\/([a-z2-7]{32})/)?.[1];
  if (!token) throw new Error('no invitation link on the page');
  return { token, html };
}

let readerCounter = 0;
const newReader = () => signUp(world.testApp, `reader${++readerCounter}`);

describe('creating invitations', () => {
  test('a moderator creates a link; it is shown once and only its SHA-256 is stored', async () => {
    const setup = await world.makeClub();
    const { token, html } = await createInvitation(world.clients.moderator, setup.clubId, { expiresInHours: 24, maxUses: 3 });
    expect(html).toContain(`value="http://localhost:3000/invite/${token}"`);
    expect(textOf(html)).toContain('cannot be shown again');
    const rows = (await world.testApp.db.select().from(invitations).where(eq(invitations.clubId, setup.clubId)));
    const row = rows.find((r) => r.tokenHash === hashInvitationToken(token))!;
    expect(row).toMatchObject({ role: 'member', maxUses: 3, uses: 0, expiresAt: world.testApp.clock.now + DAY, createdBy: world.ids.moderator, revokedAt: null });
    // Nowhere in the database is the token itself.
    const dump = JSON.stringify(await rawRows(world.testApp.db, sql`select * from invitations`));
    expect(dump).not.toContain(token);
    // The list page shows the invitation but never the link again.
    const list = await (await world.clients.moderator.get(`/clubs/${setup.clubId}/invitations`)).text();
    expect(list).toContain(`id="invitation-${row.id}"`);
    expect(list).not.toContain(token);
  });

  test.each([
    [{ maxUses: 0 }, 'maxUses', 'An invitation can be used 1 to 100 times.'],
    [{ maxUses: 101 }, 'maxUses', 'An invitation can be used 1 to 100 times.'],
    [{ maxUses: 'lots' }, 'maxUses', 'An invitation can be used 1 to 100 times.'],
    [{ expiresInHours: 0 }, 'expiresInHours', 'An invitation is valid for 1 hour to 30 days.'],
    [{ expiresInHours: 721 }, 'expiresInHours', 'An invitation is valid for 1 hour to 30 days.'],
    [{ role: 'owner' }, 'role', 'Choose member or moderator.'],
  ])('refuses %o (422, translated, input kept)', async (override, _field, message) => {
    const setup = await world.makeClub();
    const response = await world.clients.owner.post(`/clubs/${setup.clubId}/invitations`, { expiresInHours: 24, maxUses: 7, role: 'member', ...override });
    expect(response.status).toBe(422);
    const html = await response.text();
    expect(textOf(html)).toContain(message);
    if (!('maxUses' in override)) expect(html).toContain('value="7"');
    expect((await world.testApp.db.select().from(invitations).where(eq(invitations.clubId, setup.clubId)))).toHaveLength(1); // only the fixture's
  });

  test('limits at the edges are accepted: 1 hour, 30 days, 1 and 100 uses', async () => {
    const setup = await world.makeClub();
    await createInvitation(world.clients.owner, setup.clubId, { expiresInHours: 1, maxUses: 1 });
    await createInvitation(world.clients.owner, setup.clubId, { expiresInHours: 720, maxUses: 100 });
  });

  test('only the owner may create moderator invitations', async () => {
    const setup = await world.makeClub();
    const moderatorPage = await (await world.clients.moderator.get(`/clubs/${setup.clubId}/invitations`)).text();
    expect(moderatorPage).not.toContain('<option value="moderator"');
    expect((await world.clients.moderator.post(`/clubs/${setup.clubId}/invitations`, { expiresInHours: 24, maxUses: 1, role: 'moderator' })).status).toBe(403);
    const ownerPage = await (await world.clients.owner.get(`/clubs/${setup.clubId}/invitations`)).text();
    expect(ownerPage).toContain('<option value="moderator"');
    const { token } = await createInvitation(world.clients.owner, setup.clubId, { role: 'moderator', maxUses: 1 });
    const reader = await newReader();
    expect((await reader.post(`/invite/${token}`)).status).toBe(303);
    expect(await roleOf(setup.clubId, world.ids.owner)).toBe('owner');
    const readerId = (await world.testApp.db.select().from(memberships).where(eq(memberships.clubId, setup.clubId))).find((m) => m.role === 'moderator' && m.userId !== world.ids.moderator)?.userId;
    expect(readerId).toBeDefined();
  });

  test('members cannot list or create invitations (403); outsiders of a private club get 404', async () => {
    const setup = await world.makeClub();
    expect((await world.clients.member.get(`/clubs/${setup.clubId}/invitations`)).status).toBe(403);
    expect((await world.clients.member.post(`/clubs/${setup.clubId}/invitations`, { expiresInHours: 24, maxUses: 1 })).status).toBe(403);
    expect((await world.clients.outsider.get(`/clubs/${setup.clubId}/invitations`)).status).toBe(404);
    expect((await world.clients.visitor.post(`/clubs/${setup.clubId}/invitations`, { expiresInHours: 24, maxUses: 1 })).status).toBe(404);
  });

  test('invitation creation is rate limited', async () => {
    const limited = await makeWorld({ rateLimits: { postingPerUser: { limit: 2, windowMs: 60_000 } } });
    try {
      const setup = await limited.makeClub();
      const fields = { expiresInHours: 24, maxUses: 1, role: 'member' };
      expect((await limited.clients.owner.post(`/clubs/${setup.clubId}/invitations`, fields)).status).toBe(200);
      expect((await limited.clients.owner.post(`/clubs/${setup.clubId}/invitations`, fields)).status).toBe(200);
      const from = `http://localhost/clubs/${setup.clubId}/invitations`; // the host app.request() answers on
      const refused = await limited.clients.owner.post(`/clubs/${setup.clubId}/invitations`, fields, { referer: from });
      expect(refused.status).toBe(429);
      // In words, and a way back to the page the request came from.
      const text = textOf(await refused.text());
      expect(text).toContain('Please try again in a minute.');
      expect(text).toContain('Back to where you were');
      expect(await (await limited.clients.owner.post(`/clubs/${setup.clubId}/invitations`, fields, { referer: from })).text()).toContain(`<a class="button" href="/clubs/${setup.clubId}/invitations">`);
      // Another site's page is not "where you were".
      expect(await (await limited.clients.owner.post(`/clubs/${setup.clubId}/invitations`, fields, { referer: 'https://evil.example/x' })).text()).not.toContain('Back to where you were');
      expect((await limited.testApp.db.select().from(invitations).where(eq(invitations.clubId, setup.clubId)))).toHaveLength(3); // fixture + 2
    } finally {
      await limited.close();
    }
  });
});

describe('following a link', () => {
  test('signed out: the link shows the club and two ways in; signing up through it joins at once', async () => {
    const setup = await world.makeClub();
    const { token } = await createInvitation(world.clients.owner, setup.clubId);
    const browser = new Client(world.testApp);
    const first = await browser.get(`/invite/${token}`);
    expect(first.status).toBe(200);
    const invite = await first.text();
    const next = encodeURIComponent(`/invite/${token}`);
    expect(textOf(invite)).toMatch(/Join Club A\d+ .*You have been invited to join as Member\. Create an account and join I have an account: sign in/);
    expect(invite).toContain(`href="/register?next=${next}"`);
    expect(invite).toContain(`href="/login?next=${next}"`);
    // Looking joined nobody and used nothing.
    expect((await world.testApp.db.select().from(invitations).where(eq(invitations.tokenHash, hashInvitationToken(token))).limit(1))[0]!.uses).toBe(0);
    const form = textOf(await (await browser.get(`/register?next=${next}`)).text());
    expect(form).toMatch(/You were invited to “Club A\d+”: creating your account joins the club\./);
    const registered = await browser.post('/register', {
      username: 'linkfollower',
      displayName: 'Link Follower',
      password: DEFAULT_PASSWORD,
      passwordConfirm: DEFAULT_PASSWORD,
      next: `/invite/${token}`,
    });
    expect(registered.status).toBe(303);
    // No "Join" page to click through: the new account is in the club.
    expect(registered.headers.get('location')).toBe(`/clubs/${setup.clubId}?done=joined`);
    const userId = await userIdOf(world.testApp, 'linkfollower');
    expect(await roleOf(setup.clubId, userId)).toBe('member');
    expect((await world.testApp.db.select().from(invitations).where(eq(invitations.tokenHash, hashInvitationToken(token))).limit(1))[0]!.uses).toBe(1);
    const home = textOf(await (await browser.get(`/clubs/${setup.clubId}?done=joined`)).text());
    expect(home).toContain('Welcome to the club!');
  });

  test('a club signs up together from one address through one link; a refusal says how long in words and keeps the form', async () => {
    const setup = await world.makeClub();
    const { token } = await createInvitation(world.clients.owner, setup.clubId, { maxUses: 8 });
    const cafe = '198.51.100.77';
    // Eight people on one café wifi: far over the general 5 sign-ups an hour, all in.
    for (let i = 1; i <= 8; i++) {
      const person = new Client(world.testApp, { ip: cafe });
      const response = await person.post('/register', { username: `cafe${i}`, displayName: `카페 ${i}`, password: DEFAULT_PASSWORD, passwordConfirm: DEFAULT_PASSWORD, next: `/invite/${token}` });
      expect(response.status, `person ${i}`).toBe(303);
      expect(response.headers.get('location')).toBe(`/clubs/${setup.clubId}?done=joined`);
    }
    // The link is used up now, so the next sign-up from there counts against the general limit.
    for (let i = 1; i <= 5; i++) {
      const response = await new Client(world.testApp, { ip: cafe }).post('/register', { username: `later${i}`, displayName: 'Later', password: DEFAULT_PASSWORD, passwordConfirm: DEFAULT_PASSWORD });
      expect(response.status).toBe(303);
    }
    world.testApp.clock.advance(38_000); // 3,562 seconds left in the hour
    const refused = await new Client(world.testApp, { ip: cafe, acceptLanguage: 'ko' })
      .post('/register', { username: 'toolate', displayName: '늦은 사람', password: DEFAULT_PASSWORD, passwordConfirm: DEFAULT_PASSWORD, next: `/invite/${token}` })
      .finally(() => world.testApp.clock.advance(-38_000));
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('3562');
    const html = await refused.text();
    expect(textOf(html)).toContain('약 1시간 뒤에 다시 시도해 주세요.');
    // The same form, with what was typed and the way back to the invitation.
    expect(html).toContain('action="/register"');
    expect(html).toContain('value="toolate"');
    expect(html).toContain(`name="next" value="/invite/${token}"`);
  });

  test('signed in through the login form with next, the reader lands on the confirmation', async () => {
    const setup = await world.makeClub();
    const { token } = await createInvitation(world.clients.owner, setup.clubId);
    await signUp(world.testApp, 'returning');
    const browser = new Client(world.testApp);
    const signedIn = await browser.post('/login', { username: 'returning', password: DEFAULT_PASSWORD, next: `/invite/${token}` });
    expect(signedIn.status).toBe(303);
    expect(signedIn.headers.get('location')).toBe(`/invite/${token}`);
    expect((await browser.get(`/invite/${token}`)).status).toBe(200);
  });

  test('a member following the link is told they are in already, and uses nothing up', async () => {
    const setup = await world.makeClub();
    const page = await world.clients.member.get(`/invite/${setup.token}`);
    expect(page.status).toBe(200);
    expect(textOf(await page.text())).toContain('You are already a member of this club.');
    const post = await world.clients.member.post(`/invite/${setup.token}`);
    expect(post.status).toBe(303);
    expect((await world.testApp.db.select().from(invitations).where(eq(invitations.id, setup.invitationId)).limit(1))[0]!.uses).toBe(0);
  });

  test('an invitation works on a private club the reader could not even see', async () => {
    const setup = await world.makeClub();
    const reader = await newReader();
    expect((await reader.get(`/clubs/${setup.clubId}`)).status).toBe(404);
    expect((await reader.post(`/invite/${setup.token}`)).status).toBe(303);
    expect((await reader.get(`/clubs/${setup.clubId}`)).status).toBe(200);
  });

  test('an expired link says so clearly (410), whether signed in or not', async () => {
    const setup = await world.makeClub();
    const { token } = await createInvitation(world.clients.owner, setup.clubId, { expiresInHours: 1 });
    world.testApp.clock.advance(3_600_000);
    try {
      const reader = await newReader();
      for (const client of [reader, new Client(world.testApp)]) {
        const page = await client.get(`/invite/${token}`);
        expect(page.status).toBe(410);
        expect(textOf(await page.text())).toContain('This invitation link has expired.');
      }
      const post = await reader.post(`/invite/${token}`);
      expect(post.status).toBe(410);
      expect(await roleOf(setup.clubId, world.ids.outsider)).toBeUndefined();
    } finally {
      world.testApp.clock.advance(-3_600_000);
    }
  });

  test('uses are counted: a 2-use link admits two readers and then says it is used up', async () => {
    const setup = await world.makeClub();
    const { token } = await createInvitation(world.clients.owner, setup.clubId, { maxUses: 2 });
    const [a, b, c] = [await newReader(), await newReader(), await newReader()];
    expect((await a.post(`/invite/${token}`)).status).toBe(303);
    expect((await b.post(`/invite/${token}`)).status).toBe(303);
    const third = await c.post(`/invite/${token}`);
    expect(third.status).toBe(410);
    expect(textOf(await third.text())).toContain('already been used as many times as it allows');
    expect((await c.get(`/invite/${token}`)).status).toBe(410);
    expect((await c.get(`/clubs/${setup.clubId}`)).status).toBe(404);
    expect((await world.testApp.db.select().from(invitations).where(eq(invitations.tokenHash, hashInvitationToken(token))).limit(1))[0]!.uses).toBe(2);
  });

  test('racing for the last use lets exactly one reader in', async () => {
    const setup = await world.makeClub();
    const { token } = await createInvitation(world.clients.owner, setup.clubId, { maxUses: 1 });
    const readers = [await newReader(), await newReader(), await newReader(), await newReader()];
    const results = await Promise.all(readers.map((reader) => reader.post(`/invite/${token}`)));
    expect(results.filter((r) => r.status === 303)).toHaveLength(1);
    expect(results.filter((r) => r.status === 410)).toHaveLength(3);
    expect((await world.testApp.db.select().from(memberships).where(eq(memberships.clubId, setup.clubId)))).toHaveLength(5);
  });

  test('a revoked link says so; revoking is for moderators, and only for this club’s links', async () => {
    const setup = await world.makeClub();
    expect((await world.clients.member.post(`/clubs/${setup.clubId}/invitations/${setup.invitationId}/revoke`)).status).toBe(403);
    // Club B's invitation id under club A's URL: as if it did not exist.
    expect((await world.clients.owner.post(`/clubs/${setup.clubId}/invitations/${setup.rival.invitationId}/revoke`)).status).toBe(404);
    expect((await world.testApp.db.select().from(invitations).where(eq(invitations.id, setup.rival.invitationId)).limit(1))[0]!.revokedAt).toBeNull();
    const revoke = await world.clients.moderator.post(`/clubs/${setup.clubId}/invitations/${setup.invitationId}/revoke`);
    expect(revoke.status).toBe(303);
    expect(revoke.headers.get('location')).toBe(`/clubs/${setup.clubId}/invitations`);
    const list = textOf(await (await world.clients.moderator.get(`/clubs/${setup.clubId}/invitations`)).text());
    expect(list).toContain('Revoked');
    const reader = await newReader();
    const page = await reader.get(`/invite/${setup.token}`);
    expect(page.status).toBe(410);
    expect(textOf(await page.text())).toContain('This invitation link was withdrawn by the club.');
    expect((await reader.post(`/invite/${setup.token}`)).status).toBe(410);
  });

  test.each(['abc', 'a'.repeat(32), 'A'.repeat(32), '%2e%2e%2fetc'])('a link that is not valid (%s) gives a clear 404 page', async (token) => {
    const reader = await newReader();
    const page = await reader.get(`/invite/${token}`);
    expect(page.status).toBe(404);
    expect(textOf(await page.text())).toContain('This invitation link is not valid.');
    expect((await reader.post(`/invite/${token}`)).status).toBe(404);
  });

  test('the invitation pages speak Korean to Korean readers', async () => {
    const setup = await world.makeClub();
    const reader = await signUp(world.testApp, 'hangul_invitee', { acceptLanguage: 'ko' });
    const page = textOf(await (await reader.get(`/invite/${setup.token}`)).text());
    expect(page).toMatch(/Club A\d+에 가입하기/);
    expect(page).toContain('멤버로 초대받았어요.');
  });

  test('the list shows states and uses', async () => {
    const setup = await world.makeClub();
    await createInvitation(world.clients.owner, setup.clubId, { maxUses: 1, expiresInHours: 1 });
    world.testApp.clock.advance(2 * 3_600_000);
    try {
      const list = textOf(await (await world.clients.owner.get(`/clubs/${setup.clubId}/invitations`)).text());
      expect(list).toContain('Expired');
      expect(list).toContain('Active');
      expect(list).toContain('0 / 5');
    } finally {
      world.testApp.clock.advance(-2 * 3_600_000);
    }
  });
});
