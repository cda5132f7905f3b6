/**
 * The clubs policy over HTTP: every role (owner, moderator, member, signed-in non-member,
 * signed out) × the club's requests × private and public clubs, and requests that name ids of
 * ANOTHER club under this club's URL (they must answer exactly as if the thing did not exist).
 *
 * Every cell runs against a fresh club, and every refused cell checks that nothing changed.
 */
import { sql } from 'drizzle-orm';
import { rows } from '../../../db/connection';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Client } from '../../helpers/app';
import { makeWorld, textOf, WHO, type ClubSetup, type ClubWorld, type Who } from './world';

let world: ClubWorld;
beforeAll(async () => {
  world = await makeWorld();
});
afterAll(async () => await world.close());

interface Cell {
  name: string;
  method: 'GET' | 'POST';
  path: (s: ClubSetup) => string;
  fields?: (s: ClubSetup) => Record<string, string | number>;
  /** Expected status for owner, moderator, member, outsider, visitor. */
  private: [number, number, number, number, number];
  public: [number, number, number, number, number];
}

const R = (...codes: [number, number, number, number, number]) => codes;

const CELLS: Cell[] = [
  { name: 'club home', method: 'GET', path: (s) => `/clubs/${s.clubId}`, private: R(200, 200, 200, 404, 404), public: R(200, 200, 200, 200, 200) },
  { name: 'book page', method: 'GET', path: (s) => `/clubs/${s.clubId}/readings/${s.readingId}`, private: R(200, 200, 200, 404, 404), public: R(200, 200, 200, 200, 200) },
  { name: 'open chapter', method: 'GET', path: (s) => `/clubs/${s.clubId}/chapters/1`, private: R(200, 200, 200, 404, 404), public: R(200, 200, 200, 200, 200) },
  { name: 'closed chapter (a normal page)', method: 'GET', path: (s) => `/clubs/${s.clubId}/chapters/3`, private: R(200, 200, 200, 404, 404), public: R(200, 200, 200, 200, 200) },
  { name: 'chapter by reading', method: 'GET', path: (s) => `/clubs/${s.clubId}/readings/${s.readingId}/chapters/2`, private: R(200, 200, 200, 404, 404), public: R(200, 200, 200, 200, 200) },
  { name: 'invitation list', method: 'GET', path: (s) => `/clubs/${s.clubId}/invitations`, private: R(200, 200, 403, 404, 404), public: R(200, 200, 403, 403, 303) },
  {
    name: 'create member invitation',
    method: 'POST',
    path: (s) => `/clubs/${s.clubId}/invitations`,
    fields: () => ({ expiresInHours: 24, maxUses: 2, role: 'member' }),
    private: R(200, 200, 403, 404, 404),
    public: R(200, 200, 403, 403, 303),
  },
  {
    name: 'create moderator invitation',
    method: 'POST',
    path: (s) => `/clubs/${s.clubId}/invitations`,
    fields: () => ({ expiresInHours: 24, maxUses: 2, role: 'moderator' }),
    private: R(200, 403, 403, 404, 404),
    public: R(200, 403, 403, 403, 303),
  },
  { name: 'revoke invitation', method: 'POST', path: (s) => `/clubs/${s.clubId}/invitations/${s.invitationId}/revoke`, private: R(303, 303, 403, 404, 404), public: R(303, 303, 403, 403, 303) },
  { name: 'remove a member', method: 'POST', path: (s) => `/clubs/${s.clubId}/members/${world.ids.extra}/remove`, private: R(303, 303, 403, 404, 404), public: R(303, 303, 403, 403, 303) },
  { name: 'remove the moderator', method: 'POST', path: (s) => `/clubs/${s.clubId}/members/${world.ids.moderator}/remove`, private: R(303, 403, 403, 404, 404), public: R(303, 403, 403, 403, 303) },
  { name: 'remove the owner', method: 'POST', path: (s) => `/clubs/${s.clubId}/members/${world.ids.owner}/remove`, private: R(403, 403, 403, 404, 404), public: R(403, 403, 403, 403, 303) },
  {
    name: 'promote a member',
    method: 'POST',
    path: (s) => `/clubs/${s.clubId}/members/${world.ids.extra}/role`,
    fields: () => ({ role: 'moderator' }),
    private: R(303, 403, 403, 404, 404),
    public: R(303, 403, 403, 403, 303),
  },
  {
    name: 'demote the moderator',
    method: 'POST',
    path: (s) => `/clubs/${s.clubId}/members/${world.ids.moderator}/role`,
    fields: () => ({ role: 'member' }),
    private: R(303, 403, 403, 404, 404),
    public: R(303, 403, 403, 403, 303),
  },
  {
    name: 'hand over ownership',
    method: 'POST',
    path: (s) => `/clubs/${s.clubId}/transfer`,
    fields: () => ({ userId: world.ids.extra, confirm: 'yes' }),
    private: R(303, 403, 403, 404, 404),
    public: R(303, 403, 403, 403, 303),
  },
  { name: 'book picker', method: 'GET', path: (s) => `/clubs/${s.clubId}/readings/new`, private: R(200, 200, 403, 404, 404), public: R(200, 200, 403, 403, 303) },
  {
    name: 'pick a book',
    method: 'POST',
    path: (s) => `/clubs/${s.clubId}/readings`,
    fields: () => ({ editionId: world.otherBook.editionId }),
    private: R(303, 303, 403, 404, 404),
    public: R(303, 303, 403, 403, 303),
  },
  { name: 'schedule editor', method: 'GET', path: (s) => `/clubs/${s.clubId}/readings/${s.readingId}/schedule`, private: R(200, 200, 403, 404, 404), public: R(200, 200, 403, 403, 303) },
  {
    name: 'set the schedule',
    method: 'POST',
    path: (s) => `/clubs/${s.clubId}/readings/${s.readingId}/schedule`,
    fields: () => ({ action: 'set', fromOrdinal: 1, toOrdinal: 2, opensAt: '2027-01-01T10:00', everyDays: 0 }),
    private: R(303, 303, 403, 404, 404),
    public: R(303, 303, 403, 403, 303),
  },
  {
    name: 'record progress',
    method: 'POST',
    path: (s) => `/clubs/${s.clubId}/readings/${s.readingId}/progress`,
    fields: () => ({ position: 3 }),
    private: R(303, 303, 303, 404, 404),
    public: R(303, 303, 303, 403, 303),
  },
  {
    name: 'hide progress',
    method: 'POST',
    path: (s) => `/clubs/${s.clubId}/progress-visibility`,
    fields: () => ({ hidden: 'yes' }),
    private: R(303, 303, 303, 404, 404),
    public: R(303, 303, 303, 403, 303),
  },
  { name: 'join', method: 'POST', path: (s) => `/clubs/${s.clubId}/join`, private: R(303, 303, 303, 404, 404), public: R(303, 303, 303, 303, 303) },
  { name: 'leave', method: 'POST', path: (s) => `/clubs/${s.clubId}/leave`, private: R(409, 303, 303, 404, 404), public: R(409, 303, 303, 403, 303) },
];

/** Everything a club request could change, for "nothing changed" checks. */
async function snapshot(clubId: number): Promise<string> {
  const db = world.testApp.db;
  return JSON.stringify({
    clubs: await rows(db, sql`select * from clubs where id = ${clubId}`),
    memberships: await rows(db, sql`select * from memberships where club_id = ${clubId} order by user_id`),
    invitations: await rows(db, sql`select * from invitations where club_id = ${clubId} order by id`),
    readings: await rows(db, sql`select * from readings where club_id = ${clubId} order by id`),
    schedule: await rows(db, sql`select s.* from schedule_entries s join readings r on r.id = s.reading_id where r.club_id = ${clubId} order by s.chapter_id`),
    progress: await rows(db, sql`select p.* from reading_progress p join readings r on r.id = p.reading_id where r.club_id = ${clubId} order by p.user_id`),
  });
}

const client = (who: Who): Client => world.clients[who];

async function send(who: Who, cell: Cell, setup: ClubSetup) {
  const path = cell.path(setup);
  return cell.method === 'GET' ? client(who).get(path) : client(who).post(path, cell.fields?.(setup) ?? {});
}

for (const visibility of ['private', 'public'] as const) {
  describe(`${visibility} club`, () => {
    for (const cell of CELLS) {
      test.each(WHO.map((who, index) => [who, cell[visibility][index]!] as const))(`${cell.name}: %s → %i`, async (who, expected) => {
        const setup = await world.makeClub({ visibility });
        const before = await snapshot(setup.clubId);
        const rivalBefore = await snapshot(setup.rival.clubId);
        const response = await send(who, cell, setup);
        expect(response.status).toBe(expected);
        const location = response.headers.get('location') ?? '';
        const refused = expected >= 400 || location.startsWith('/login');
        if (refused && cell.method === 'POST') expect(await snapshot(setup.clubId)).toBe(before);
        if (refused && who === 'visitor' && expected === 303) expect(location).toBe(`/login?next=${encodeURIComponent(`/clubs/${setup.clubId}`)}`);
        if (expected === 404) {
          // A hidden club answers exactly like a club that does not exist.
          const missing = cell.path({ ...setup, clubId: 999_999 });
          const other = cell.method === 'GET' ? await client(who).get(missing) : await client(who).post(missing, cell.fields?.(setup) ?? {});
          expect(other.status).toBe(404);
          expect(textOf(await response.text())).toBe(textOf(await other.text()));
        }
        expect(await snapshot(setup.rival.clubId)).toBe(rivalBefore);
      });
    }
  });
}

describe('ids of another club under this club’s URL behave as if they did not exist', () => {
  interface Misuse {
    name: string;
    method: 'GET' | 'POST';
    path: (s: ClubSetup) => string;
    fields?: Record<string, string | number>;
  }
  const MISUSES: Misuse[] = [
    { name: 'reading of club B (book page)', method: 'GET', path: (s) => `/clubs/${s.clubId}/readings/${s.rival.readingId}` },
    { name: 'reading of club B (chapter)', method: 'GET', path: (s) => `/clubs/${s.clubId}/readings/${s.rival.readingId}/chapters/1` },
    { name: 'reading of club B (schedule editor)', method: 'GET', path: (s) => `/clubs/${s.clubId}/readings/${s.rival.readingId}/schedule` },
    {
      name: 'reading of club B (set schedule)',
      method: 'POST',
      path: (s) => `/clubs/${s.clubId}/readings/${s.rival.readingId}/schedule`,
      fields: { action: 'set', fromOrdinal: 1, toOrdinal: 1, opensAt: '2027-01-01T10:00' },
    },
    { name: 'reading of club B (progress)', method: 'POST', path: (s) => `/clubs/${s.clubId}/readings/${s.rival.readingId}/progress`, fields: { position: 1 } },
    { name: 'invitation of club B (revoke)', method: 'POST', path: (s) => `/clubs/${s.clubId}/invitations/${s.rival.invitationId}/revoke` },
    { name: 'member of club B (remove)', method: 'POST', path: (s) => `/clubs/${s.clubId}/members/${world.ids.bee}/remove` },
    { name: 'member of club B (promote)', method: 'POST', path: (s) => `/clubs/${s.clubId}/members/${world.ids.bee}/role`, fields: { role: 'moderator' } },
    { name: 'owner of club B (remove)', method: 'POST', path: (s) => `/clubs/${s.clubId}/members/${world.ids.rival}/remove` },
  ];
  /** The same request with the foreign id replaced by one that never existed. */
  const neverExisted = (s: ClubSetup): ClubSetup => ({ ...s, rival: { ...s.rival, readingId: 999_999, invitationId: 999_999 } });

  /**
   * Member actions check the permission before looking the member up (so the answer never tells
   * members from non-members): a reader who may not act at all is refused (403) whatever id they
   * name; one who may act gets 404 for a member of another club.
   */
  const mayAct = (misuse: Misuse, who: 'owner' | 'moderator' | 'member') =>
    misuse.name.endsWith('(promote)') ? who === 'owner' : misuse.name.endsWith('(remove)') && (misuse.name.startsWith('member') || misuse.name.startsWith('owner')) ? who !== 'member' : true;
  const withGhostMember = (path: string) => path.replace(/\/members\/\d+\//, '/members/999999/');

  for (const visibility of ['private', 'public'] as const) {
    for (const misuse of MISUSES) {
      test.each(['owner', 'moderator', 'member'] as const)(`${visibility} · ${misuse.name} · as %s → as if it did not exist, nothing changes`, async (who) => {
        const setup = await world.makeClub({ visibility });
        const before = [await snapshot(setup.clubId), await snapshot(setup.rival.clubId)];
        const response = misuse.method === 'GET' ? await client(who).get(misuse.path(setup)) : await client(who).post(misuse.path(setup), misuse.fields ?? {});
        expect(response.status).toBe(mayAct(misuse, who) ? 404 : 403);
        expect([await snapshot(setup.clubId), await snapshot(setup.rival.clubId)]).toEqual(before);
        const ghostPath = misuse.name.startsWith('member') || misuse.name.startsWith('owner') ? withGhostMember(misuse.path(setup)) : misuse.path(neverExisted(setup));
        const other = misuse.method === 'GET' ? await client(who).get(ghostPath) : await client(who).post(ghostPath, misuse.fields ?? {});
        expect(other.status).toBe(response.status);
        expect(textOf(await response.text())).toBe(textOf(await other.text()));
      });
    }
  }

  test('a member of club B named in club A’s hand-over form is refused like any non-member (422)', async () => {
    const setup = await world.makeClub();
    const response = await world.clients.owner.post(`/clubs/${setup.clubId}/transfer`, { userId: world.ids.bee, confirm: 'yes' });
    expect(response.status).toBe(422);
    expect(await snapshot(setup.rival.clubId)).toContain('"role":"member"');
  });

  test('club B’s owner gets nothing from club A’s ids, and vice versa', async () => {
    const setup = await world.makeClub();
    expect((await world.clients.rival.get(`/clubs/${setup.clubId}`)).status).toBe(404);
    expect((await world.clients.rival.post(`/clubs/${setup.rival.clubId}/invitations/${setup.invitationId}/revoke`)).status).toBe(404);
    expect((await world.clients.rival.get(`/clubs/${setup.rival.clubId}/readings/${setup.readingId}`)).status).toBe(404);
    expect((await world.clients.rival.post(`/clubs/${setup.rival.clubId}/members/${world.ids.member}/remove`)).status).toBe(404);
  });

  test('a chapter ordinal beyond club B’s shorter book is a 404 there even though it exists in club A’s book', async () => {
    const setup = await world.makeClub();
    expect((await world.clients.rival.get(`/clubs/${setup.rival.clubId}/chapters/3`)).status).toBe(404);
    expect((await world.clients.owner.get(`/clubs/${setup.clubId}/chapters/3`)).status).toBe(200);
  });
});
