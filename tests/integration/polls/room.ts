/**
 * A ready room for the polls integration tests: a book, a club reading it, an owner, a
 * moderator, three members and an outsider, each signed in as a client.
 */
import { eq } from 'drizzle-orm';
import { pollVotes, polls } from '../../../db/schema';
import { makeTestApp, signUp, type Client, type FormFields, type TestApp } from '../../helpers/app';
import { addMemberRow, createClubRow, importSampleBook, startReadingRow, userIdOf } from '../../helpers/fixtures';

export interface PollRoom {
  app: TestApp;
  clubId: number;
  readingId: number;
  chapters: ReturnType<typeof importSampleBook>['chapters'];
  owner: Client;
  moderator: Client;
  members: [Client, Client, Client];
  outsider: Client;
  anonymous: Client;
  ids: Record<'owner' | 'moderator' | 'member1' | 'member2' | 'member3' | 'outsider', number>;
}

export async function makeRoom(options: { visibility?: 'private' | 'public'; rateLimits?: NonNullable<Parameters<typeof makeTestApp>[0]>['rateLimits']; prefix?: string } = {}): Promise<PollRoom> {
  const app = makeTestApp({ rateLimits: options.rateLimits ?? { postingPerUser: { limit: 10_000, windowMs: 60_000 } } });
  return roomIn(app, options);
}

/** A room in an existing app (a second club for "ids from another club" tests). */
export async function roomIn(app: TestApp, options: { visibility?: 'private' | 'public'; prefix?: string } = {}): Promise<PollRoom> {
  const p = options.prefix ?? '';
  const owner = await signUp(app, `${p}owner`, { displayName: `${p}Owner` });
  const moderator = await signUp(app, `${p}moddy`, { displayName: `${p}Moddy` });
  const m1 = await signUp(app, `${p}minji`, { displayName: `${p}Minji 민지` });
  const m2 = await signUp(app, `${p}jisoo`, { displayName: `${p}Jisoo` });
  const m3 = await signUp(app, `${p}arthur`, { displayName: `${p}Arthur` });
  const outsider = await signUp(app, `${p}outsider`, { displayName: `${p}Outsider` });
  const ids = {
    owner: userIdOf(app, `${p}owner`),
    moderator: userIdOf(app, `${p}moddy`),
    member1: userIdOf(app, `${p}minji`),
    member2: userIdOf(app, `${p}jisoo`),
    member3: userIdOf(app, `${p}arthur`),
    outsider: userIdOf(app, `${p}outsider`),
  };
  const book = importSampleBook(app, { title: `${p}Lantern Keepers` });
  const club = createClubRow(app, { ownerId: ids.owner, visibility: options.visibility ?? 'private', name: `${p}Lantern Club` });
  addMemberRow(app, club.id, ids.moderator, 'moderator');
  addMemberRow(app, club.id, ids.member1);
  addMemberRow(app, club.id, ids.member2);
  addMemberRow(app, club.id, ids.member3);
  const reading = startReadingRow(app, club.id, book.editionId);
  const { Client: ClientClass } = await import('../../helpers/app');
  return {
    app,
    clubId: club.id,
    readingId: reading.id,
    chapters: book.chapters,
    owner,
    moderator,
    members: [m1, m2, m3],
    outsider,
    anonymous: new ClientClass(app),
    ids,
  };
}

export const HOUR = 60 * 60 * 1000;

/** Fields of a valid poll form; override what the test is about. */
export function pollFields(overrides: FormFields = {}): FormFields {
  return {
    target: 'club',
    question: 'Which chapter should we discuss first?',
    option_1: 'The first evening',
    option_2: 'The second evening',
    option_3: 'The third evening',
    kind: 'single',
    voters: 'anonymous',
    resultsVisibility: 'always',
    opensAt: '',
    closesAt: '',
    ...overrides,
  };
}

/** Creates a poll through the form and returns its id. */
export async function createPoll(client: Client, clubId: number, overrides: FormFields = {}): Promise<number> {
  const response = await client.post(`/clubs/${clubId}/polls`, pollFields(overrides));
  if (response.status !== 303) throw new Error(`poll creation failed with ${response.status}: ${await response.text()}`);
  const match = /\/polls\/(\d+)$/.exec(response.headers.get('location') ?? '');
  if (!match) throw new Error(`unexpected location ${response.headers.get('location')}`);
  return Number(match[1]);
}

export function optionIdsOf(room: PollRoom, pollId: number): number[] {
  return room.app.sqlite
    .prepare('select id from poll_options where poll_id = ? order by ordinal')
    .all(pollId)
    .map((row) => (row as { id: number }).id);
}

export function voteCount(room: PollRoom, pollId: number): number {
  return room.app.db.select().from(pollVotes).where(eq(pollVotes.pollId, pollId)).all().length;
}

export function pollRow(room: PollRoom, pollId: number) {
  return room.app.db.select().from(polls).where(eq(polls.id, pollId)).get();
}

export function pollCount(room: PollRoom): number {
  return room.app.db.select().from(polls).all().length;
}

/** `datetime-local` value in UTC (the test server's readers have no zone set; see `tz`). */
export function localValue(ms: number, timeZone = 'UTC'): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(ms);
  const get = (type: string) => parts.find((p) => p.type === type)!.value;
  return `${get('year')}-${get('month')}-${get('day')}T${get('hour')}:${get('minute')}`;
}
