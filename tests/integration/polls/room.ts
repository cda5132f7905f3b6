/**
 * A ready room for the polls integration tests: a book, a club reading it, an owner, a
 * moderator, three members and an outsider, each signed in as a client.
 */
import { asc, eq } from 'drizzle-orm';
import { pollOptions, pollVotes, polls } from '../../../db/schema';
import { makeTestApp, signUp, type Client, type FormFields, type TestApp } from '../../helpers/app';
import { addMemberRow, createClubRow, importSampleBook, startReadingRow, userIdOf } from '../../helpers/fixtures';

export interface PollRoom {
  app: TestApp;
  clubId: number;
  readingId: number;
  chapters: Awaited<ReturnType<typeof importSampleBook>>['chapters'];
  owner: Client;
  moderator: Client;
  members: [Client, Client, Client];
  outsider: Client;
  anonymous: Client;
  ids: Record<'owner' | 'moderator' | 'member1' | 'member2' | 'member3' | 'outsider', number>;
}

export async function makeRoom(options: { visibility?: 'private' | 'public'; rateLimits?: NonNullable<Parameters<typeof makeTestApp>[0]>['rateLimits']; prefix?: string } = {}): Promise<PollRoom> {
  const app = await makeTestApp({ rateLimits: options.rateLimits ?? { postingPerUser: { limit: 10_000, windowMs: 60_000 } } });
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
    owner: await userIdOf(app, `${p}owner`),
    moderator: await userIdOf(app, `${p}moddy`),
    member1: await userIdOf(app, `${p}minji`),
    member2: await userIdOf(app, `${p}jisoo`),
    member3: await userIdOf(app, `${p}arthur`),
    outsider: await userIdOf(app, `${p}outsider`),
  };
  const book = await importSampleBook(app, { title: `${p}Lantern Keepers` });
  const club = await createClubRow(app, { ownerId: ids.owner, visibility: options.visibility ?? 'private', name: `${p}Lantern Club` });
  await addMemberRow(app, club.id, ids.moderator, 'moderator');
  await addMemberRow(app, club.id, ids.member1);
  await addMemberRow(app, club.id, ids.member2);
  await addMemberRow(app, club.id, ids.member3);
  const reading = await startReadingRow(app, club.id, book.editionId);
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

/** The poll's option ids in their order. */
export async function optionIdsOf(room: Pick<PollRoom, 'app'>, pollId: number): Promise<number[]> {
  const rows = await room.app.db.select({ id: pollOptions.id }).from(pollOptions).where(eq(pollOptions.pollId, pollId)).orderBy(asc(pollOptions.ordinal));
  return rows.map((row) => row.id);
}

/** The poll's option labels in their order. */
export async function optionLabelsOf(room: Pick<PollRoom, 'app'>, pollId: number): Promise<string[]> {
  const rows = await room.app.db.select({ label: pollOptions.label }).from(pollOptions).where(eq(pollOptions.pollId, pollId)).orderBy(asc(pollOptions.ordinal));
  return rows.map((row) => row.label);
}

export async function voteCount(room: Pick<PollRoom, 'app'>, pollId: number): Promise<number> {
  return (await room.app.db.select().from(pollVotes).where(eq(pollVotes.pollId, pollId))).length;
}

export async function pollRow(room: Pick<PollRoom, 'app'>, pollId: number) {
  return (await room.app.db.select().from(polls).where(eq(polls.id, pollId)).limit(1))[0];
}

export async function pollCount(room: Pick<PollRoom, 'app'>): Promise<number> {
  return (await room.app.db.select().from(polls)).length;
}

/** `datetime-local` value in UTC (the test server's readers have no zone set; see `tz`). */
export function localValue(ms: number, timeZone = 'UTC'): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(ms);
  const get = (type: string) => parts.find((p) => p.type === type)!.value;
  return `${get('year')}-${get('month')}-${get('day')}T${get('hour')}:${get('minute')}`;
}
