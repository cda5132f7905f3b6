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
import type { RateLimitRule } from '../../../src/http/rate-limit';

export interface AnnotationRoom {
  testApp: TestApp;
  clubId: number;
  readingId: number;
  editionId: number;
  chapters: ReturnType<typeof importSampleBook>['chapters'];
  /** Paragraph rows of chapter n (1-based), heading first. */
  paragraphs: (chapterOrdinal: number) => ReturnType<typeof paragraphsOf>;
  owner: Client;
  moderator: Client;
  alice: Client;
  bob: Client;
  outsider: Client;
  visitor: Client;
  ids: Record<'owner' | 'moderator' | 'alice' | 'bob' | 'outsider', number>;
  usernames: Record<'owner' | 'moderator' | 'alice' | 'bob' | 'outsider', string>;
  setProgress: (who: 'owner' | 'moderator' | 'alice' | 'bob', position: number) => void;
}

let roomCounter = 0;

export async function makeRoom(options: { visibility?: 'private' | 'public'; rateLimits?: Record<string, RateLimitRule>; testApp?: TestApp; names?: string } = {}): Promise<AnnotationRoom> {
  const testApp = options.testApp ?? makeTestApp({ rateLimits: options.rateLimits });
  const n = options.names ?? String(++roomCounter);
  const owner = await signUp(testApp, `owner${n}`);
  const moderator = await signUp(testApp, `moder${n}`);
  const alice = await signUp(testApp, `alice${n}`);
  const bob = await signUp(testApp, `bob${n}`);
  const outsider = await signUp(testApp, `outsider${n}`);
  const ids = {
    owner: userIdOf(testApp, `owner${n}`),
    moderator: userIdOf(testApp, `moder${n}`),
    alice: userIdOf(testApp, `alice${n}`),
    bob: userIdOf(testApp, `bob${n}`),
    outsider: userIdOf(testApp, `outsider${n}`),
  };
  const book = importSampleBook(testApp, options.testApp ? { title: `Lanterns ${n}` } : {});
  const club = createClubRow(testApp, { ownerId: ids.owner, visibility: options.visibility ?? 'private', name: `Club ${n}` });
  addMemberRow(testApp, club.id, ids.moderator, 'moderator');
  addMemberRow(testApp, club.id, ids.alice);
  addMemberRow(testApp, club.id, ids.bob);
  const reading = startReadingRow(testApp, club.id, book.editionId);
  return {
    testApp,
    clubId: club.id,
    readingId: reading.id,
    editionId: book.editionId,
    chapters: book.chapters,
    paragraphs: (ordinal) => paragraphsOf(testApp, book.chapters[ordinal - 1]!.id),
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
  for (const who of ['alice', 'owner', 'moderator'] as const) room.setProgress(who, 21);
  room.setProgress('bob', 7);
  return room;
}
