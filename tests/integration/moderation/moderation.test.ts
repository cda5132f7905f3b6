import { afterEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { books as booksTable, comments, moderationLog, readings } from '../../../db/schema';
import { makeRoom, type AnnotationRoom } from '../annotations/room';
import { makeTestApp, type Client } from '../../helpers/app';

let room: AnnotationRoom;
afterEach(() => room?.testApp.close());

async function post(client: Client, r: AnnotationRoom, body: string, paragraphOrdinal = 2): Promise<number> {
  const paragraph = r.paragraphs(1)[paragraphOrdinal - 1]!;
  const res = await client.post(`/clubs/${r.clubId}/comments`, { paragraph_id: paragraph.id, body });
  expect(res.status).toBe(303);
  const [row] = await r.testApp.db.select({ id: comments.id }).from(comments).where(eq(comments.body, body));
  return row!.id;
}

const flag = (client: Client, r: AnnotationRoom, id: number, reason = 'rude', note = '') => client.post(`/clubs/${r.clubId}/comments/${id}/flag`, { reason, note });
const log = (r: AnnotationRoom) => r.testApp.db.select().from(moderationLog).orderBy(moderationLog.id);
const moderationOf = async (r: AnnotationRoom, id: number) => (await r.testApp.db.select({ moderation: comments.moderation }).from(comments).where(eq(comments.id, id)))[0]!.moderation;

async function setup() {
  room = await makeRoom({ visibility: 'public' });
  for (const who of ['owner', 'moderator', 'alice', 'bob'] as const) await room.setProgress(who, 21);
  return room;
}

describe('flags and the threshold', () => {
  it('one flag per member; flags from three members hide the comment on every output until a moderator keeps it', async () => {
    const r = await setup();
    const id = await post(r.alice, r, 'a rude remark SECRETWORD');
    expect((await flag(r.bob, r, id)).status).toBe(303);
    expect((await flag(r.bob, r, id)).status).toBe(409);
    expect((await flag(r.alice, r, id)).status).toBe(403); // the author does not flag their own
    expect((await flag(r.outsider, r, id)).status).toBe(404); // not a member: has read nothing, so the comment is not there for them
    expect((await flag(r.owner, r, id, 'other', '')).status).toBe(422); // "other" needs words
    await flag(r.owner, r, id, 'spam');
    expect(await moderationOf(r, id)).toBeNull();
    await flag(r.moderator, r, id, 'off_topic');
    expect(await moderationOf(r, id)).toBe('hidden');

    const paragraph = r.paragraphs(1)[1]!;
    const outputs = [
      await r.bob.get(`/clubs/${r.clubId}/chapters/1`),
      await r.bob.get(`/clubs/${r.clubId}/paragraphs/${paragraph.id}/comments`, { 'HX-Request': 'true' }),
      await r.bob.get(`/clubs/${r.clubId}/paragraphs/${paragraph.id}/comments`),
      await r.bob.get(`/clubs/${r.clubId}`),
      await r.visitor.get(`/clubs/${r.clubId}`),
    ];
    for (const res of outputs) {
      expect(res.status).toBe(200);
      expect(await res.text()).not.toContain('SECRETWORD');
    }
    expect((await log(r)).filter((e) => e.action === 'flag_hidden')).toHaveLength(1);

    // The queue shows it with the flags; the author is never told who flagged.
    const queue = await (await r.moderator.get(`/clubs/${r.clubId}/moderation?order=most`)).text();
    expect(queue).toContain('SECRETWORD');
    expect(queue).toContain('3 flags');
    const mine = await (await r.alice.get('/account/moderation')).text();
    expect(mine).not.toContain(r.usernames.bob);

    const kept = await r.moderator.post(`/clubs/${r.clubId}/moderation/comments/${id}`, { decision: 'keep' });
    expect(kept.status).toBe(303);
    expect(await moderationOf(r, id)).toBeNull();
    expect(await (await r.bob.get(`/clubs/${r.clubId}/paragraphs/${paragraph.id}/comments`)).text()).toContain('SECRETWORD');
    expect(await (await r.moderator.get(`/clubs/${r.clubId}/moderation`)).text()).not.toContain('SECRETWORD');
  });

  it('the threshold is configurable', async () => {
    const r = await setup();
    expect((await r.moderator.post(`/clubs/${r.clubId}/moderation/settings`, { slow_mode_seconds: '0', flag_threshold: '1' })).status).toBe(303);
    expect((await r.moderator.post(`/clubs/${r.clubId}/moderation/settings`, { slow_mode_seconds: '0', flag_threshold: '99' })).status).toBe(422);
    const id = await post(r.alice, r, 'one flag is enough');
    await flag(r.bob, r, id, 'spoiler');
    expect(await moderationOf(r, id)).toBe('hidden');
  });
});

describe('queue decisions and the audit log', () => {
  it('hide, restore, delete and warn are each recorded once with who and why; authors see actions on their content', async () => {
    const r = await setup();
    const id = await post(r.alice, r, 'heated words');
    expect((await r.moderator.post(`/clubs/${r.clubId}/moderation/comments/${id}`, { decision: 'hide', reason: '' })).status).toBe(422);
    await r.moderator.post(`/clubs/${r.clubId}/moderation/comments/${id}`, { decision: 'hide', reason: 'too heated' });
    await r.moderator.post(`/clubs/${r.clubId}/moderation/comments/${id}`, { decision: 'restore', reason: 'calmer now' });
    await r.moderator.post(`/clubs/${r.clubId}/moderation/comments/${id}`, { decision: 'warn', reason: 'be kind' });
    await r.moderator.post(`/clubs/${r.clubId}/moderation/comments/${id}`, { decision: 'delete', reason: 'spam after all' });
    const entries = await log(r);
    expect(entries.map((e) => e.action)).toEqual(['hidden', 'restored', 'warned', 'removed']);
    expect(entries.every((e) => e.actorId === r.ids.moderator && e.targetUserId === r.ids.alice)).toBe(true);
    expect(entries[0]!.reason).toBe('too heated');
    const page = await (await r.moderator.get(`/clubs/${r.clubId}/moderation/log`)).text();
    expect(page).toContain('too heated');
    expect((await r.alice.get(`/clubs/${r.clubId}/moderation/log`)).status).toBe(403);
    const mine = await (await r.alice.get('/account/moderation')).text();
    expect(mine).toContain('be kind');
    expect(mine).not.toContain(r.usernames.moderator);
  });

  it('owner and moderator actions of other areas are recorded exactly once (role change, removal, schedule, poll)', async () => {
    const r = await setup();
    await r.owner.post(`/clubs/${r.clubId}/members/${r.ids.alice}/role`, { role: 'moderator' });
    await r.owner.post(`/clubs/${r.clubId}/members/${r.ids.bob}/remove`);
    await r.moderator.post(`/clubs/${r.clubId}/comments/${await post(r.alice, r, 'to hide in place')}/moderate`, { action: 'hide', reason: 'in place' });
    const actions = (await log(r)).map((e) => e.action);
    expect(actions).toEqual(['role_changed', 'removed_member', 'hidden']);
    expect((await log(r))[0]!.detail).toEqual({ role: 'moderator' });
  });

  it('members cannot reach the queue or decide; signed-out readers are sent to sign in', async () => {
    const r = await setup();
    const id = await post(r.alice, r, 'fine words');
    for (const client of [r.alice, r.bob, r.outsider]) {
      expect((await client.get(`/clubs/${r.clubId}/moderation`)).status).toBe(403);
      expect((await client.post(`/clubs/${r.clubId}/moderation/comments/${id}`, { decision: 'hide', reason: 'x' })).status).toBe(403);
      expect((await client.post(`/clubs/${r.clubId}/moderation/settings`, { slow_mode_seconds: '5', flag_threshold: '3' })).status).toBe(403);
    }
    expect((await r.visitor.get(`/clubs/${r.clubId}/moderation`)).status).toBe(303);
    expect(await log(r)).toHaveLength(0);
  });
});

describe('mute, ban, slow mode', () => {
  it('a muted member reads but cannot post, react or vote until the mute ends', async () => {
    const r = await setup();
    const id = await post(r.bob, r, 'something to react to');
    expect((await r.moderator.post(`/clubs/${r.clubId}/moderation/restrictions`, { action: 'mute', user_id: r.ids.alice, hours: '2', reason: 'cool off' })).status).toBe(303);
    expect((await r.alice.get(`/clubs/${r.clubId}/chapters/1`)).status).toBe(200);
    const paragraph = r.paragraphs(1)[1]!;
    expect((await r.alice.post(`/clubs/${r.clubId}/comments`, { paragraph_id: paragraph.id, body: 'muted words' })).status).toBe(403);
    expect((await r.alice.post(`/clubs/${r.clubId}/comments/${id}/react`, { reaction: 'like' })).status).toBe(403);
    r.testApp.clock.advance(2 * 3_600_000 + 1000);
    expect((await r.alice.post(`/clubs/${r.clubId}/comments`, { paragraph_id: paragraph.id, body: 'free again' })).status).toBe(303);
    // Moderators cannot mute the owner; only the owner mutes a moderator.
    expect((await r.moderator.post(`/clubs/${r.clubId}/moderation/restrictions`, { action: 'mute', user_id: r.ids.owner, hours: '2', reason: 'x' })).status).toBe(403);
    expect((await r.alice.post(`/clubs/${r.clubId}/moderation/restrictions`, { action: 'mute', user_id: r.ids.bob, hours: '2', reason: 'x' })).status).toBe(403);
    expect((await log(r)).filter((e) => e.action === 'muted')).toHaveLength(1);
  });

  it('a banned member is removed and cannot rejoin a public club or use an invitation', async () => {
    const r = await setup();
    expect((await r.moderator.post(`/clubs/${r.clubId}/moderation/restrictions`, { action: 'ban', user_id: r.ids.bob, reason: 'trolling' })).status).toBe(303);
    expect((await r.bob.post(`/clubs/${r.clubId}/join`)).status).toBe(403);
    const created = await r.owner.post(`/clubs/${r.clubId}/invitations`, { role: 'member', expiresInHours: '24', maxUses: '5' });
    const token = /\/invite\/([a-z2-7]{32})/.exec(await created.text())?.[1];
    expect(token).toBeDefined();
    expect((await r.bob.get(`/invite/${token}`)).status).toBe(403);
    expect((await r.bob.post(`/invite/${token}`)).status).toBe(403);
    expect((await r.outsider.post(`/invite/${token}`)).status).toBe(303);
    expect((await log(r)).map((e) => e.action)).toEqual(['banned']);
    await r.moderator.post(`/clubs/${r.clubId}/moderation/restrictions`, { action: 'unban', user_id: r.ids.bob });
    expect((await r.bob.post(`/clubs/${r.clubId}/join`)).status).toBe(303);
  });

  it('slow mode allows one comment per N seconds', async () => {
    const r = await setup();
    await r.moderator.post(`/clubs/${r.clubId}/moderation/settings`, { slow_mode_seconds: '60', flag_threshold: '3' });
    await post(r.alice, r, 'first');
    const paragraph = r.paragraphs(1)[1]!;
    const second = await r.alice.post(`/clubs/${r.clubId}/comments`, { paragraph_id: paragraph.id, body: 'second' });
    expect(second.status).toBe(429);
    expect(second.headers.get('retry-after')).toBe('60');
    r.testApp.clock.advance(61_000);
    await post(r.alice, r, 'third');
  });

  it('slow mode holds for simultaneous comments: one is written, the others wait', async () => {
    const r = await setup();
    await r.moderator.post(`/clubs/${r.clubId}/moderation/settings`, { slow_mode_seconds: '60', flag_threshold: '3' });
    const paragraph = r.paragraphs(1)[1]!;
    const responses = await Promise.all([1, 2, 3].map((n) => r.alice.post(`/clubs/${r.clubId}/comments`, { paragraph_id: paragraph.id, body: `all at once ${n}` })));
    expect(responses.map((res) => res.status).sort()).toEqual([303, 429, 429]);
    expect(await r.testApp.db.select({ id: comments.id }).from(comments).where(eq(comments.authorId, r.ids.alice))).toHaveLength(1);
  });

  it('the young-account limit holds for simultaneous comments', async () => {
    room = await makeRoom({ visibility: 'public', testApp: await makeTestApp({ config: { youngAccountComments: 2 } }) });
    const r = room;
    await r.setProgress('alice', 21);
    const paragraph = r.paragraphs(1)[1]!;
    const responses = await Promise.all([1, 2, 3, 4].map((n) => r.alice.post(`/clubs/${r.clubId}/comments`, { paragraph_id: paragraph.id, body: `young and fast ${n}` })));
    expect(responses.map((res) => res.status).sort()).toEqual([303, 303, 429, 429]);
    expect(await r.testApp.db.select({ id: comments.id }).from(comments).where(eq(comments.authorId, r.ids.alice))).toHaveLength(2);
    // Ten minutes later the window has moved on.
    r.testApp.clock.advance(10 * 60_000 + 1000);
    await post(r.alice, r, 'later, calmly');
  });
});

describe('site administration', () => {
  it('the admin suspends an account: its sessions end at once and sign-in is refused', async () => {
    const r = await setup(); // the owner signed up first, so is the admin
    expect((await r.alice.get('/admin/users')).status).toBe(403);
    expect((await r.alice.get('/admin')).status).toBe(403);
    const index = await r.owner.get('/admin');
    expect(index.status).toBe(303);
    expect(index.headers.get('location')).toBe('/admin/users');
    const users = await r.owner.get('/admin/users');
    expect(users.status).toBe(200);
    const table = await users.text();
    // A table a screen reader can read: one header row naming each column, then one row per account.
    expect(table.match(/<th scope="col">/g)).toHaveLength(4);
    expect(table).toContain('aria-current="page"');
    expect(table).toContain(`@${r.usernames.bob}`);
    expect((await r.owner.post(`/admin/users/${r.ids.bob}/suspend`, { suspend: 'yes', reason: 'abuse' })).status).toBe(303);
    expect((await r.bob.get('/account')).status).toBe(303);
    const login = await r.bob.post('/login', { username: r.usernames.bob, password: 'correct horse battery' });
    expect(login.status).toBe(403);
    expect(await login.text()).toContain('suspended');
    expect((await log(r)).map((e) => e.action)).toEqual(['suspended']);
  });

  it('a book is removed only when no club reads it, else the clubs are named', async () => {
    const r = await setup();
    const books = await r.testApp.db.select({ id: booksTable.id }).from(booksTable).orderBy(booksTable.id);
    const refused = await r.owner.post(`/admin/books/${books[0]!.id}/remove`);
    expect(refused.status).toBe(409);
    expect(await refused.text()).toContain(`Club`);
    await r.testApp.db.delete(readings);
    expect((await r.owner.post(`/admin/books/${books[0]!.id}/remove`)).status).toBe(303);
    expect((await r.alice.post(`/admin/books/${books[0]!.id}/remove`)).status).toBe(403);
  });
});
