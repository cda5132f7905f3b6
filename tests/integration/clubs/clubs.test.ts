/** Clubs and their people: creating, listing, joining, leaving, roles, hand-over, hiding progress. */
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { clubs, memberships } from '../../../db/schema';
import { transferOwnership } from '../../../src/clubs/queries';
import { signUp } from '../../helpers/app';
import { setProgressRow } from '../../helpers/fixtures';
import { makeWorld, roleIn, textOf, type ClubWorld } from './world';

let world: ClubWorld;
beforeAll(async () => {
  world = await makeWorld();
});
afterAll(async () => await world.close());

const roleOf = (clubId: number, userId: number) => roleIn(world, clubId, userId);

describe('creating a club', () => {
  test('signed out, the form sends the reader to sign in and back', async () => {
    const response = await world.clients.visitor.get('/clubs/new');
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/login?next=%2Fclubs%2Fnew');
    const post = await world.clients.visitor.post('/clubs', { name: 'X', language: 'en', visibility: 'private' });
    expect(post.status).toBe(303);
    expect(post.headers.get('location')).toMatch(/^\/login\?next=/);
  });

  test('a reader creates a club and becomes its owner', async () => {
    const form = await world.clients.outsider.get('/clubs/new');
    expect(form.status).toBe(200);
    const response = await world.clients.outsider.post('/clubs', { name: '  등불 모임  ', description: 'Evenings with lanterns.', language: 'ko', visibility: 'public' });
    expect(response.status).toBe(303);
    const id = Number(response.headers.get('location')!.match(/^\/clubs\/(\d+)\?done=created$/)![1]);
    const club = (await world.testApp.db.select().from(clubs).where(eq(clubs.id, id)).limit(1))[0]!;
    expect(club).toMatchObject({ name: '등불 모임', description: 'Evenings with lanterns.', language: 'ko', visibility: 'public' });
    expect(await roleOf(id, world.ids.outsider)).toBe('owner');
    const home = await world.clients.outsider.get(`/clubs/${id}?done=created`);
    const text = textOf(await home.text());
    expect(text).toContain('등불 모임');
    expect(text).toContain('Your club is ready');
    expect(text).toContain('Owner');
    const mine = textOf(await (await world.clients.outsider.get('/clubs')).text());
    expect(mine).toContain('등불 모임');
  });

  test.each([
    [{ name: '' }, 'Give the club a name of 1 to 80 characters.'],
    [{ name: 'x'.repeat(81) }, 'Give the club a name of 1 to 80 characters.'],
    [{ name: 'bad\u0007bell' }, 'The name contains characters that cannot be shown.'],
    [{ description: 'd'.repeat(501) }, 'Keep the description to 500 characters.'],
    [{ language: 'tlh' }, 'Choose a language from the list.'],
    [{ visibility: 'secret' }, 'Choose private or public.'],
  ])('refuses %o with a translated error and keeps the input', async (override, message) => {
    const fields = { name: 'Keep me', description: 'Also kept', language: 'en', visibility: 'private', ...override };
    const before = (await world.testApp.db.select().from(clubs)).length;
    const response = await world.clients.member.post('/clubs', fields);
    expect(response.status).toBe(422);
    const html = await response.text();
    expect(textOf(html)).toContain(message);
    if (fields.name === 'Keep me') expect(html).toContain('value="Keep me"');
    if (fields.description === 'Also kept') expect(html).toContain('Also kept');
    else expect(html).toContain(fields.description);
    expect((await world.testApp.db.select().from(clubs)).length).toBe(before);
  });

  test('80 characters of Hangul are fine (limits count characters, not bytes)', async () => {
    const response = await world.clients.member.post('/clubs', { name: '가'.repeat(80), description: '', language: 'ko', visibility: 'private' });
    expect(response.status).toBe(303);
  });

  test('errors are translated for Korean readers', async () => {
    const reader = await signUp(world.testApp, 'hangul_reader', { acceptLanguage: 'ko' });
    const response = await reader.post('/clubs', { name: '', language: 'ko', visibility: 'private' });
    expect(response.status).toBe(422);
    expect(textOf(await response.text())).toContain('클럽 이름은 1자에서 80자 사이로 정해 주세요.');
  });
});

describe('my clubs and discovering public clubs', () => {
  test('my clubs lists the reader’s clubs; public clubs they are not in are offered, private ones never', async () => {
    const privateClub = await world.makeClub({ visibility: 'private' });
    const publicClub = await world.makeClub({ visibility: 'public' });
    const mine = textOf(await (await world.clients.member.get('/clubs')).text());
    const outsiderPage = textOf(await (await world.clients.outsider.get('/clubs')).text());
    const publicName = (await world.testApp.db.select().from(clubs).where(eq(clubs.id, publicClub.clubId)).limit(1))[0]!.name;
    const privateName = (await world.testApp.db.select().from(clubs).where(eq(clubs.id, privateClub.clubId)).limit(1))[0]!.name;
    expect(outsiderPage).toContain(publicName);
    expect(outsiderPage).not.toContain(privateName + ' ');
    expect(mine).toContain(privateName);
    const visitorPage = await world.clients.visitor.get('/clubs');
    expect(visitorPage.status).toBe(200);
    const visitorText = textOf(await visitorPage.text());
    expect(visitorText).toContain(publicName);
    expect(visitorText).toContain('Sign in to see your clubs');
  });

  test('my clubs shows the reader’s progress in the current book', async () => {
    const setup = await world.makeClub();
    await setProgressRow(world.testApp, setup.readingId, world.ids.member, 7);
    const html = await (await world.clients.member.get('/clubs')).text();
    expect(html).toContain('Reading: The Lantern Keepers');
    expect(html).toContain('value="33"'); // 7 of 21 paragraphs
  });
});

describe('joining a public club', () => {
  test('a signed-in reader joins with one click (POST), never by GET', async () => {
    const setup = await world.makeClub({ visibility: 'public' });
    const home = await world.clients.outsider.get(`/clubs/${setup.clubId}`);
    expect(await home.text()).toContain(`action="/clubs/${setup.clubId}/join"`);
    expect(await roleOf(setup.clubId, world.ids.outsider)).toBeUndefined();
    const response = await world.clients.outsider.post(`/clubs/${setup.clubId}/join`);
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe(`/clubs/${setup.clubId}?done=joined`);
    expect(await roleOf(setup.clubId, world.ids.outsider)).toBe('member');
    const again = await world.clients.outsider.post(`/clubs/${setup.clubId}/join`);
    expect(again.status).toBe(303);
    expect(await roleOf(setup.clubId, world.ids.outsider)).toBe('member');
  });

  test('a visitor is sent to sign in and come back to the club', async () => {
    const setup = await world.makeClub({ visibility: 'public' });
    const home = textOf(await (await world.clients.visitor.get(`/clubs/${setup.clubId}`)).text());
    expect(home).toContain('Sign in to join');
    const response = await world.clients.visitor.post(`/clubs/${setup.clubId}/join`);
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe(`/login?next=${encodeURIComponent(`/clubs/${setup.clubId}`)}`);
  });

  test('a private club cannot be joined without an invitation: 404, as if it did not exist', async () => {
    const setup = await world.makeClub({ visibility: 'private' });
    expect((await world.clients.outsider.post(`/clubs/${setup.clubId}/join`)).status).toBe(404);
    expect(await roleOf(setup.clubId, world.ids.outsider)).toBeUndefined();
  });

  test('joins are rate limited per reader', async () => {
    const limited = await makeWorld({ rateLimits: { postingPerUser: { limit: 2, windowMs: 60_000 } } });
    try {
      const a = await limited.makeClub({ visibility: 'public' });
      const b = await limited.makeClub({ visibility: 'public' });
      const c = await limited.makeClub({ visibility: 'public' });
      expect((await limited.clients.outsider.post(`/clubs/${a.clubId}/join`)).status).toBe(303);
      expect((await limited.clients.outsider.post(`/clubs/${b.clubId}/join`)).status).toBe(303);
      const refused = await limited.clients.outsider.post(`/clubs/${c.clubId}/join`);
      expect(refused.status).toBe(429);
      expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
      limited.testApp.clock.advance(61_000);
      expect((await limited.clients.outsider.post(`/clubs/${c.clubId}/join`)).status).toBe(303);
    } finally {
      await limited.close();
    }
  });
});

describe('leaving', () => {
  test('a member leaves; the private club is then gone for them', async () => {
    const setup = await world.makeClub();
    const response = await world.clients.member.post(`/clubs/${setup.clubId}/leave`);
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/clubs');
    expect(await roleOf(setup.clubId, world.ids.member)).toBeUndefined();
    expect((await world.clients.member.get(`/clubs/${setup.clubId}`)).status).toBe(404);
  });

  test('the owner cannot leave without handing over, and is told so clearly', async () => {
    const setup = await world.makeClub();
    const home = textOf(await (await world.clients.owner.get(`/clubs/${setup.clubId}`)).text());
    expect(home).toContain('Hand ownership over to another member first');
    const response = await world.clients.owner.post(`/clubs/${setup.clubId}/leave`);
    expect(response.status).toBe(409);
    expect(textOf(await response.text())).toContain('As the owner you cannot leave the club. Hand ownership over to another member first');
    expect(await roleOf(setup.clubId, world.ids.owner)).toBe('owner');
  });

  test('after handing over, the former owner can leave', async () => {
    const setup = await world.makeClub();
    expect((await world.clients.owner.post(`/clubs/${setup.clubId}/transfer`, { userId: world.ids.member, confirm: 'yes' })).status).toBe(303);
    expect((await world.clients.owner.post(`/clubs/${setup.clubId}/leave`)).status).toBe(303);
    expect(await roleOf(setup.clubId, world.ids.owner)).toBeUndefined();
    expect(await roleOf(setup.clubId, world.ids.member)).toBe('owner');
  });
});

describe('roles', () => {
  test('the owner promotes a member and demotes a moderator', async () => {
    const setup = await world.makeClub();
    const promote = await world.clients.owner.post(`/clubs/${setup.clubId}/members/${world.ids.extra}/role`, { role: 'moderator' });
    expect(promote.status).toBe(303);
    expect(await roleOf(setup.clubId, world.ids.extra)).toBe('moderator');
    const demote = await world.clients.owner.post(`/clubs/${setup.clubId}/members/${world.ids.moderator}/role`, { role: 'member' });
    expect(demote.status).toBe(303);
    expect(await roleOf(setup.clubId, world.ids.moderator)).toBe('member');
  });

  test('moderators and members cannot change roles (403); nobody changes the owner’s role', async () => {
    const setup = await world.makeClub();
    expect((await world.clients.moderator.post(`/clubs/${setup.clubId}/members/${world.ids.extra}/role`, { role: 'moderator' })).status).toBe(403);
    expect((await world.clients.member.post(`/clubs/${setup.clubId}/members/${world.ids.extra}/role`, { role: 'moderator' })).status).toBe(403);
    expect((await world.clients.owner.post(`/clubs/${setup.clubId}/members/${world.ids.owner}/role`, { role: 'member' })).status).toBe(403);
    expect((await world.clients.owner.post(`/clubs/${setup.clubId}/members/${world.ids.extra}/role`, { role: 'owner' })).status).toBe(422);
    expect(await roleOf(setup.clubId, world.ids.extra)).toBe('member');
    expect(await roleOf(setup.clubId, world.ids.owner)).toBe('owner');
  });

  test('promoting a moderator or demoting a member is refused (nothing to do)', async () => {
    const setup = await world.makeClub();
    expect((await world.clients.owner.post(`/clubs/${setup.clubId}/members/${world.ids.moderator}/role`, { role: 'moderator' })).status).toBe(403);
    expect((await world.clients.owner.post(`/clubs/${setup.clubId}/members/${world.ids.member}/role`, { role: 'member' })).status).toBe(403);
  });

  test('the club home shows the controls only to whom the policy allows', async () => {
    const setup = await world.makeClub();
    const ownerHtml = await (await world.clients.owner.get(`/clubs/${setup.clubId}`)).text();
    expect(ownerHtml).toContain(`/members/${world.ids.extra}/role`);
    expect(ownerHtml).toContain(`/members/${world.ids.moderator}/remove`);
    expect(ownerHtml).not.toContain(`/members/${world.ids.owner}/remove`);
    expect(ownerHtml).toContain(`action="/clubs/${setup.clubId}/transfer"`);
    const moderatorHtml = await (await world.clients.moderator.get(`/clubs/${setup.clubId}`)).text();
    expect(moderatorHtml).not.toContain('/role"');
    expect(moderatorHtml).toContain(`/members/${world.ids.extra}/remove`);
    expect(moderatorHtml).not.toContain(`/members/${world.ids.moderator}/remove`);
    expect(moderatorHtml).not.toContain('/transfer"');
    const memberHtml = await (await world.clients.member.get(`/clubs/${setup.clubId}`)).text();
    expect(memberHtml).not.toContain('/remove"');
    expect(memberHtml).not.toContain('/invitations"');
    expect(memberHtml).toContain(`action="/clubs/${setup.clubId}/leave"`);
  });
});

describe('removing members', () => {
  test('a moderator removes a member', async () => {
    const setup = await world.makeClub();
    const response = await world.clients.moderator.post(`/clubs/${setup.clubId}/members/${world.ids.extra}/remove`);
    expect(response.status).toBe(303);
    expect(await roleOf(setup.clubId, world.ids.extra)).toBeUndefined();
  });

  test('a moderator cannot remove the owner or another moderator; the owner can remove a moderator', async () => {
    const setup = await world.makeClub();
    await world.testApp.db.update(memberships).set({ role: 'moderator' }).where(and(eq(memberships.clubId, setup.clubId), eq(memberships.userId, world.ids.extra)));
    expect((await world.clients.moderator.post(`/clubs/${setup.clubId}/members/${world.ids.owner}/remove`)).status).toBe(403);
    expect((await world.clients.moderator.post(`/clubs/${setup.clubId}/members/${world.ids.extra}/remove`)).status).toBe(403);
    expect((await world.clients.owner.post(`/clubs/${setup.clubId}/members/${world.ids.owner}/remove`)).status).toBe(403);
    expect(await roleOf(setup.clubId, world.ids.extra)).toBe('moderator');
    expect((await world.clients.owner.post(`/clubs/${setup.clubId}/members/${world.ids.extra}/remove`)).status).toBe(303);
    expect(await roleOf(setup.clubId, world.ids.extra)).toBeUndefined();
  });

  test('a member cannot remove anyone', async () => {
    const setup = await world.makeClub();
    expect((await world.clients.member.post(`/clubs/${setup.clubId}/members/${world.ids.extra}/remove`)).status).toBe(403);
    expect(await roleOf(setup.clubId, world.ids.extra)).toBe('member');
  });

  test('removing someone who is not in the club is a 404', async () => {
    const setup = await world.makeClub();
    expect((await world.clients.owner.post(`/clubs/${setup.clubId}/members/${world.ids.outsider}/remove`)).status).toBe(404);
    expect((await world.clients.owner.post(`/clubs/${setup.clubId}/members/999999/remove`)).status).toBe(404);
    expect((await world.clients.owner.post(`/clubs/${setup.clubId}/members/abc/remove`)).status).toBe(404);
  });
});

describe('handing over ownership', () => {
  test('is atomic: the new owner is owner, the old owner becomes a moderator', async () => {
    const setup = await world.makeClub();
    const response = await world.clients.owner.post(`/clubs/${setup.clubId}/transfer`, { userId: world.ids.member, confirm: 'yes' });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe(`/clubs/${setup.clubId}?done=transferred`);
    expect(await roleOf(setup.clubId, world.ids.member)).toBe('owner');
    expect(await roleOf(setup.clubId, world.ids.owner)).toBe('moderator');
    const owners = (await world.testApp.db.select().from(memberships).where(and(eq(memberships.clubId, setup.clubId), eq(memberships.role, 'owner'))));
    expect(owners).toHaveLength(1);
    // The old owner can no longer do owner things.
    expect((await world.clients.owner.post(`/clubs/${setup.clubId}/transfer`, { userId: world.ids.extra, confirm: 'yes' })).status).toBe(403);
  });

  test('needs the confirmation box and a member of this club (422, input kept)', async () => {
    const setup = await world.makeClub();
    const unconfirmed = await world.clients.owner.post(`/clubs/${setup.clubId}/transfer`, { userId: world.ids.member });
    expect(unconfirmed.status).toBe(422);
    const html = await unconfirmed.text();
    expect(textOf(html)).toContain('Tick the box to confirm the hand-over.');
    expect(html).toMatch(new RegExp(`<option value="${world.ids.member}" selected`));
    const stranger = await world.clients.owner.post(`/clubs/${setup.clubId}/transfer`, { userId: world.ids.bee, confirm: 'yes' });
    expect(stranger.status).toBe(422);
    expect(textOf(await stranger.text())).toContain('Choose another member of the club.');
    const self = await world.clients.owner.post(`/clubs/${setup.clubId}/transfer`, { userId: world.ids.owner, confirm: 'yes' });
    expect(self.status).toBe(422);
    expect(await roleOf(setup.clubId, world.ids.owner)).toBe('owner');
    expect(await roleOf(setup.clubId, world.ids.bee)).toBeUndefined();
  });

  test('a hand-over to someone who is not a member rolls back completely (no club without an owner)', async () => {
    const setup = await world.makeClub();
    expect(await transferOwnership(world.testApp, setup.clubId, world.ids.owner, world.ids.outsider)).toBe(false);
    expect(await roleOf(setup.clubId, world.ids.owner)).toBe('owner');
    expect(await transferOwnership(world.testApp, setup.clubId, world.ids.moderator, world.ids.member)).toBe(false);
    expect(await roleOf(setup.clubId, world.ids.member)).toBe('member');
  });

  test('moderators and members cannot hand over ownership', async () => {
    const setup = await world.makeClub();
    expect((await world.clients.moderator.post(`/clubs/${setup.clubId}/transfer`, { userId: world.ids.moderator, confirm: 'yes' })).status).toBe(403);
    expect((await world.clients.member.post(`/clubs/${setup.clubId}/transfer`, { userId: world.ids.member, confirm: 'yes' })).status).toBe(403);
    expect(await roleOf(setup.clubId, world.ids.owner)).toBe('owner');
  });
});

describe('members’ progress on the club home', () => {
  test('members see each other’s progress; a member may hide theirs (and still sees it themselves)', async () => {
    const setup = await world.makeClub();
    await setProgressRow(world.testApp, setup.readingId, world.ids.member, 14);
    const before = await (await world.clients.owner.get(`/clubs/${setup.clubId}`)).text();
    expect(before).toMatch(new RegExp(`id="member-progress-${world.ids.member}"[\\s\\S]*?value="66"`));

    const hide = await world.clients.member.post(`/clubs/${setup.clubId}/progress-visibility`, { hidden: 'yes' });
    expect(hide.status).toBe(303);
    for (const viewer of ['owner', 'moderator', 'extra'] as const) {
      const html = await (await world.clients[viewer].get(`/clubs/${setup.clubId}`)).text();
      expect(html).not.toContain(`id="member-progress-${world.ids.member}"`);
      expect(textOf(html)).toContain('Progress hidden');
    }
    const own = await (await world.clients.member.get(`/clubs/${setup.clubId}`)).text();
    expect(own).toMatch(new RegExp(`id="member-progress-${world.ids.member}"[\\s\\S]*?value="66"`));
    expect(textOf(own)).toContain('Your progress is hidden from other members.');

    expect((await world.clients.member.post(`/clubs/${setup.clubId}/progress-visibility`, { hidden: 'no' })).status).toBe(303);
    expect(await (await world.clients.owner.get(`/clubs/${setup.clubId}`)).text()).toContain(`id="member-progress-${world.ids.member}"`);
  });

  test('visitors of a public club see the club but not the member list', async () => {
    const setup = await world.makeClub({ visibility: 'public' });
    const html = await (await world.clients.visitor.get(`/clubs/${setup.clubId}`)).text();
    expect(html).toContain('4 members');
    expect(html).not.toContain('member-progress-');
    expect((await world.clients.outsider.post(`/clubs/${setup.clubId}/progress-visibility`, { hidden: 'yes' })).status).toBe(403);
  });

  test('member actions cannot be used by outsiders to tell members from non-members', async () => {
    const setup = await world.makeClub({ visibility: 'public' });
    for (const action of ['remove', 'role']) {
      const aMember = await world.clients.outsider.post(`/clubs/${setup.clubId}/members/${world.ids.member}/${action}`, { role: 'moderator' });
      const notAMember = await world.clients.outsider.post(`/clubs/${setup.clubId}/members/${world.ids.outsider}/${action}`, { role: 'moderator' });
      expect(aMember.status).toBe(403);
      expect(notAMember.status).toBe(aMember.status);
    }
  });

  test('a bad toggle value is refused', async () => {
    const setup = await world.makeClub();
    expect((await world.clients.member.post(`/clubs/${setup.clubId}/progress-visibility`, { hidden: 'maybe' })).status).toBe(422);
  });
});
