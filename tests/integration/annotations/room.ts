/**
 * A ready room for the annotations tests: a three-chapter book, a club reading it, and signed-in
 * clients for each role (owner, moderator, two members, a signed-in outsider, a signed-out
 * visitor). Not a test file itself.
 *
 * Positions in the sample book: each chapter is a heading and 6 paragraphs, so chapter 1 is
 * positions 1–7, chapter 2 is 8–14, chapter 3 is 15–21.
 */
import { Client, makeTestApp, signUp, type TestApp } from '../../helpers/app';
import { addMemberRow, createClubRow, importSampleBook, paragraphsOf, setProgressRow, startReadingRow, userIdOf } from '../../helpers/fixtures';
import type { Paragraph } from '../../../db/schema';
import type { RateLimitRule } from '../../../src/http/rate-limit';

export interface AnnotationRoom {
  testApp: TestApp;
  clubId: number;
  readingId: number;
  editionId: number;
  chapters: Awaited<ReturnType<typeof importSampleBook>>['chapters'];
  /** Paragraph rows of chapter n (1-based), heading first (read once: the book does not change). */
  paragraphs: (chapterOrdinal: number) => Paragraph[];
  owner: Client;
  moderator: Client;
  alice: Client;
  bob: Client;
  outsider: Client;
  visitor: Client;
  ids: Record<'owner' | 'moderator' | 'alice' | 'bob' | 'outsider', number>;
  usernames: Record<'owner' | 'moderator' | 'alice' | 'bob' | 'outsider', string>;
  setProgress: (who: 'owner' | 'moderator' | 'alice' | 'bob', position: number) => Promise<void>;
}

let roomCounter = 0;

export async function makeRoom(options: { visibility?: 'private' | 'public'; rateLimits?: Record<string, RateLimitRule>; testApp?: TestApp; names?: string } = {}): Promise<AnnotationRoom> {
  const testApp = options.testApp ?? (await makeTestApp({ rateLimits: options.rateLimits }));
  const n = options.names ?? String(++roomCounter);
  const owner = await signUp(testApp, `owner${n}`);
  const moderator = await signUp(testApp, `moder${n}`);
  const alice = await signUp(testApp, `alice${n}`);
  const bob = await signUp(testApp, `bob${n}`);
  const outsider = await signUp(testApp, `outsider${n}`);
  const ids = {
    owner: await userIdOf(testApp, `owner${n}`),
    moderator: await userIdOf(testApp, `moder${n}`),
    alice: await userIdOf(testApp, `alice${n}`),
    bob: await userIdOf(testApp, `bob${n}`),
    outsider: await userIdOf(testApp, `outsider${n}`),
  };
  const book = await importSampleBook(testApp, options.testApp ? { title: `Lanterns ${n}` } : {});
  const club = await createClubRow(testApp, { ownerId: ids.owner, visibility: options.visibility ?? 'private', name: `Club ${n}` });
  await addMemberRow(testApp, club.id, ids.moderator, 'moderator');
  await addMemberRow(testApp, club.id, ids.alice);
  await addMemberRow(testApp, club.id, ids.bob);
  const reading = await startReadingRow(testApp, club.id, book.editionId);
  const paragraphsByChapter: Paragraph[][] = [];
  for (const chapter of book.chapters) paragraphsByChapter.push(await paragraphsOf(testApp, chapter.id));
  return {
    testApp,
    clubId: club.id,
    readingId: reading.id,
    editionId: book.editionId,
    chapters: book.chapters,
    paragraphs: (ordinal) => paragraphsByChapter[ordinal - 1]!,
    owner,
    moderator,
    alice,
    bob,
    outsider,
    visitor: new Client(testApp),
    ids,
    usernames: { owner: `owner${n}`, moderator: `moder${n}`, alice: `alice${n}`, bob: `bob${n}`, outsider: `outsider${n}` },
    setProgress: (who, position) => setProgressRow(testApp, reading.id, ids[who], position),
  };
}

/** A room in which the owner, the moderator and Alice have read the whole book and Bob only chapter 1. */
export async function makeReadingRoom(options: Parameters<typeof makeRoom>[0] = {}): Promise<AnnotationRoom> {
  const room = await makeRoom(options);
  for (const who of ['alice', 'owner', 'moderator'] as const) await room.setProgress(who, 21);
  await room.setProgress('bob', 7);
  return room;
}
