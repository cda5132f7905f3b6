/**
 * Club life's policy through HTTP: roles × private and public clubs × each page and action, and
 * ids from another club answering 404 exactly like ids that do not exist.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '../../helpers/app';
import { DAY, makeRoom, openRound, roomIn, type PollRoom } from './room';

type Role = 'owner' | 'moderator' | 'member' | 'non-member' | 'signed-out';
const ROLES: Role[] = ['owner', 'moderator', 'member', 'non-member', 'signed-out'];

let priv: PollRoom;
let pub: PollRoom;
let other: PollRoom;
const ids: Record<string, { pickId: number; meetingId: number; pollMeetingId: number; questionId: number }> = {};

async function seed(room: PollRoom) {
  const pickId = await openRound(room);
  const future = new Date(room.app.clock.now + DAY).toISOString().slice(0, 16);
  const fixed = await room.moderator.post(`/clubs/${room.clubId}/meetings`, { title: 'Fixed', place: 'Café', when: 'fixed', startsAt: future });
  const poll = await room.moderator.post(`/clubs/${room.clubId}/meetings`, { title: 'Poll', place: 'Café', when: 'poll', slot_1: future, slot_2: new Date(room.app.clock.now + 2 * DAY).toISOString().slice(0, 16) });
  const q = await room.moderator.post(`/clubs/${room.clubId}/readings/${room.readingId}/chapters/${room.chapters[0]!.id}/questions`, { body: 'Why?' });
  const num = (res: Response, re: RegExp) => Number(re.exec(res.headers.get('location') ?? '')![1]);
  return { pickId, meetingId: num(fixed, /meetings\/(\d+)/), pollMeetingId: num(poll, /meetings\/(\d+)/), questionId: num(q, /question-(\d+)/) };
}

beforeAll(async () => {
  priv = await makeRoom();
  pub = await roomIn(priv.app, { visibility: 'public', prefix: 'pub' });
  other = await roomIn(priv.app, { prefix: 'other' });
  for (const [name, room] of [['priv', priv], ['pub', pub], ['other', other]] as const) ids[name] = await seed(room);
}, 60_000);
afterAll(() => priv.app.close());

const clientOf = (room: PollRoom, role: Role): Client => ({ owner: room.owner, moderator: room.moderator, member: room.members[0], 'non-member': room.outsider, 'signed-out': room.anonymous })[role];

type Outcome = 'ok' | 404 | 403 | 'sign_in';
function outcomeOf(res: Response): Outcome {
  if (res.status === 200 || (res.status === 303 && !(res.headers.get('location') ?? '').startsWith('/login'))) return 'ok';
  if (res.status === 303 || res.status === 302) return 'sign_in';
  if (res.status === 404 || res.status === 403) return res.status;
  throw new Error(`unexpected ${res.status}`);
}

/** Each case: what it does, with ids (of the room, or of another club), and whether only moderators may. */
const CASES: { name: string; moderator: boolean; run: (c: Client, clubId: number, i: (typeof ids)[string]) => Promise<Response> }[] = [
  { name: 'see the next book', moderator: false, run: (c, id) => c.get(`/clubs/${id}/next-book`) },
  { name: 'see the meetings', moderator: false, run: (c, id) => c.get(`/clubs/${id}/meetings`) },
  { name: 'see a meeting', moderator: false, run: (c, id, i) => c.get(`/clubs/${id}/meetings/${i.meetingId}`) },
  { name: 'download its ICS', moderator: false, run: (c, id, i) => c.get(`/clubs/${id}/meetings/${i.meetingId}/meeting.ics`) },
  { name: 'see the shelf', moderator: false, run: (c, id) => c.get(`/clubs/${id}/shelf`) },
  { name: 'nominate', moderator: false, run: (c, id, i) => c.post(`/clubs/${id}/next-book/${i.pickId}/nominate`, { title: `Book ${Math.random()}` }) },
  { name: 'RSVP', moderator: false, run: (c, id, i) => c.post(`/clubs/${id}/meetings/${i.meetingId}/rsvp`, { answer: 'going' }) },
  { name: 'make a feed', moderator: false, run: (c, id) => c.post(`/clubs/${id}/meetings/feed`, {}) },
  { name: 'propose a meeting', moderator: true, run: (c, id) => c.post(`/clubs/${id}/meetings`, { title: 'M', place: 'P', when: 'fixed', startsAt: '2030-01-01T10:00' }) },
  { name: 'open a meeting’s edit page', moderator: true, run: (c, id, i) => c.get(`/clubs/${id}/meetings/${i.meetingId}/edit`) },
  // Renaming the poll meeting (its candidate times stay; cancelling is in meeting-changes.test.ts, as it would close the RSVP cases here).
  { name: 'edit a meeting', moderator: true, run: (c, id, i) => c.post(`/clubs/${id}/meetings/${i.pollMeetingId}/edit`, { title: `Poll ${Math.random()}`, place: 'Café' }) },
];

function expected(role: Role, visibility: 'private' | 'public', moderatorOnly: boolean): Outcome {
  const member = role === 'owner' || role === 'moderator' || role === 'member';
  if (!member && visibility === 'private') return 404;
  if (role === 'signed-out') return 'sign_in';
  if (role === 'non-member') return 403;
  if (moderatorOnly && role === 'member') return 403;
  return 'ok';
}

describe('roles × clubs × actions', () => {
  for (const [label, get] of [['private', () => priv], ['public', () => pub]] as const) {
    for (const role of ROLES) {
      for (const action of CASES) {
        it(`${label} · ${role} · ${action.name}`, async () => {
          const room = get();
          const res = await action.run(clientOf(room, role), room.clubId, ids[label === 'private' ? 'priv' : 'pub']!);
          expect(outcomeOf(res)).toBe(expected(role, label, action.moderator));
        });
      }
    }
  }
});

describe('ids from another club are 404, like missing ids', () => {
  const FOREIGN: { name: string; run: (c: Client, clubId: number, o: (typeof ids)[string]) => Promise<Response> }[] = [
    { name: 'meeting page', run: (c, id, o) => c.get(`/clubs/${id}/meetings/${o.meetingId}`) },
    { name: 'meeting ICS', run: (c, id, o) => c.get(`/clubs/${id}/meetings/${o.meetingId}/meeting.ics`) },
    { name: 'RSVP', run: (c, id, o) => c.post(`/clubs/${id}/meetings/${o.meetingId}/rsvp`, { answer: 'going' }) },
    { name: 'mark a slot', run: (c, id, o) => c.post(`/clubs/${id}/meetings/${o.pollMeetingId}/marks`, {}) },
    { name: 'decide a time', run: (c, id, o) => c.post(`/clubs/${id}/meetings/${o.pollMeetingId}/decide`, { slotId: '1' }) },
    { name: 'edit page of a meeting', run: (c, id, o) => c.get(`/clubs/${id}/meetings/${o.meetingId}/edit`) },
    { name: 'edit a meeting', run: (c, id, o) => c.post(`/clubs/${id}/meetings/${o.meetingId}/edit`, { title: 'X', place: 'Y', startsAt: '2030-01-01T10:00' }) },
    { name: 'cancel a meeting', run: (c, id, o) => c.post(`/clubs/${id}/meetings/${o.meetingId}/cancel`, { reason: 'x' }) },
    { name: 'restore a meeting', run: (c, id, o) => c.post(`/clubs/${id}/meetings/${o.meetingId}/restore`, {}) },
    { name: 'nominate', run: (c, id, o) => c.post(`/clubs/${id}/next-book/${o.pickId}/nominate`, { title: 'X' }) },
    { name: 'start the vote', run: (c, id, o) => c.post(`/clubs/${id}/next-book/${o.pickId}/start-vote`, {}) },
    { name: 'vote', run: (c, id, o) => c.post(`/clubs/${id}/next-book/${o.pickId}/vote`, {}) },
    { name: 'close the vote', run: (c, id, o) => c.post(`/clubs/${id}/next-book/${o.pickId}/close`, {}) },
    { name: 'adopt', run: (c, id, o) => c.post(`/clubs/${id}/next-book/${o.pickId}/adopt`, {}) },
    { name: 'answer', run: (c, id, o) => c.post(`/clubs/${id}/questions/${o.questionId}/answers`, { body: 'x' }) },
    { name: 'add a question to another club’s reading', run: (c, id) => c.post(`/clubs/${id}/readings/${other.readingId}/chapters/${other.chapters[0]!.id}/questions`, { body: 'x' }) },
    { name: 'mark another club’s reading on the shelf', run: (c, id) => c.post(`/clubs/${id}/shelf/${other.readingId}/mark`, { mark: 'all' }) },
  ];
  for (const role of ['owner', 'moderator', 'member'] as const) {
    for (const action of FOREIGN) {
      it(`${role} · ${action.name}`, async () => {
        const foreign = await action.run(clientOf(priv, role), priv.clubId, ids.other!);
        const missing = await action.run(clientOf(priv, role), priv.clubId, { pickId: 999999, meetingId: 999999, pollMeetingId: 999999, questionId: 999999 });
        expect(foreign.status).toBe(404);
        if (!action.name.includes('another club')) expect(missing.status).toBe(404);
      });
    }
  }
});
