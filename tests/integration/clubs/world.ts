/**
 * A world for the clubs tests (not a test file itself): readers signed up once per file, and
 * clubs made cheaply from fixtures per test, so a test that removes or promotes someone never
 * disturbs the next one.
 *
 * Roles in every club made by `makeClub`: owner, moderator, member, plus `extra` (a second
 * plain member that member-management tests act on). `outsider` is signed in but not a member;
 * `visitor` is signed out. Every club also has a rival club B (another owner, its own member,
 * reading, invitation) whose ids tests use under club A's URLs.
 *
 * Sample book positions: chapter 1 is positions 1–7, chapter 2 is 8–14, chapter 3 is 15–21.
 */
import { and, eq } from 'drizzle-orm';
import { first } from '../../../db/connection';
import { invitations, memberships, readingProgress, users } from '../../../db/schema';
import { newInvitationToken } from '../../../src/clubs/invitation-token';
import type { RateLimitRule } from '../../../src/http/rate-limit';
import { Client, makeTestApp, signUp, type TestApp } from '../../helpers/app';
import { addMemberRow, createClubRow, importSampleBook, scheduleChapterRow, startReadingRow, userIdOf } from '../../helpers/fixtures';

export const WHO = ['owner', 'moderator', 'member', 'outsider', 'visitor'] as const;
export type Who = (typeof WHO)[number];

export interface ClubWorld {
  testApp: TestApp;
  book: Awaited<ReturnType<typeof importSampleBook>>;
  otherBook: Awaited<ReturnType<typeof importSampleBook>>;
  clients: Record<Who | 'extra' | 'rival' | 'bee', Client>;
  ids: Record<'owner' | 'moderator' | 'member' | 'outsider' | 'extra' | 'rival' | 'bee', number>;
  makeClub(options?: { visibility?: 'private' | 'public'; schedule?: boolean }): Promise<ClubSetup>;
  close(): Promise<void>;
}

export interface ClubSetup {
  clubId: number;
  readingId: number;
  chapterIds: number[];
  invitationId: number;
  token: string;
  /** Club B, with ids to misuse under club A. */
  rival: { clubId: number; readingId: number; invitationId: number; token: string };
}

/** Chapter 3 of a scheduled club opens one day after the test clock's start. */
export const DAY = 86_400_000;

export async function makeWorld(options: { rateLimits?: Record<string, RateLimitRule> } = {}): Promise<ClubWorld> {
  const testApp = await makeTestApp({ rateLimits: options.rateLimits ?? { postingPerUser: { limit: 10_000, windowMs: 60_000 } } });
  const names = ['owner', 'moderator', 'member', 'outsider', 'extra', 'rival', 'bee'] as const;
  const clients = {} as ClubWorld['clients'];
  for (const name of names) clients[name] = await signUp(testApp, name, { displayName: name[0]!.toUpperCase() + name.slice(1) });
  clients.visitor = new Client(testApp);
  const ids = {} as ClubWorld['ids'];
  for (const name of names) ids[name] = await userIdOf(testApp, name);
  const book = await importSampleBook(testApp);
  const otherBook = await importSampleBook(testApp, { title: 'The Other Book', chapters: 2 });
  let counter = 0;

  async function invitation(clubId: number, createdBy: number) {
    const { token, tokenHash } = newInvitationToken();
    const [row] = await testApp.db
      .insert(invitations)
      .values({ clubId, tokenHash, role: 'member', maxUses: 5, expiresAt: testApp.clock.now + 7 * DAY, createdBy, createdAt: testApp.clock.now })
      .returning();
    return { invitationId: row!.id, token };
  }

  return {
    testApp,
    book,
    otherBook,
    clients,
    ids,
    async makeClub({ visibility = 'private', schedule = true } = {}) {
      counter += 1;
      const club = await createClubRow(testApp, { ownerId: ids.owner, visibility, name: `Club A${counter}` });
      await addMemberRow(testApp, club.id, ids.moderator, 'moderator');
      await addMemberRow(testApp, club.id, ids.member);
      await addMemberRow(testApp, club.id, ids.extra);
      const reading = await startReadingRow(testApp, club.id, book.editionId);
      if (schedule) await scheduleChapterRow(testApp, reading.id, book.chapters[2]!.id, testApp.clock.now + DAY);
      const rivalClub = await createClubRow(testApp, { ownerId: ids.rival, visibility, name: `Club B${counter}` });
      await addMemberRow(testApp, rivalClub.id, ids.bee);
      const rivalReading = await startReadingRow(testApp, rivalClub.id, otherBook.editionId);
      const rivalInvitation = await invitation(rivalClub.id, ids.rival);
      const own = await invitation(club.id, ids.owner);
      return {
        clubId: club.id,
        readingId: reading.id,
        chapterIds: book.chapters.map((chapter) => chapter.id),
        ...own,
        rival: { clubId: rivalClub.id, readingId: rivalReading.id, ...rivalInvitation },
      };
    },
    close: () => testApp.close(),
  };
}

/** A member's stored reading progress (0 when none). */
export async function storedProgress(world: Pick<ClubWorld, 'testApp'>, readingId: number, userId: number): Promise<number> {
  const row = first(
    await world.testApp.db
      .select({ position: readingProgress.position })
      .from(readingProgress)
      .where(and(eq(readingProgress.readingId, readingId), eq(readingProgress.userId, userId))),
  );
  return row?.position ?? 0;
}

export async function setTimeZone(testApp: TestApp, userId: number, timeZone: string | null): Promise<void> {
  await testApp.db.update(users).set({ timeZone }).where(eq(users.id, userId));
}

/** Text of a page with tags removed and whitespace collapsed, for readable assertions. */
export function textOf(html: string): string {
  return html
    .replace(/<script[\s\S]*?<\/script>/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
}

/** A member's role in a club, or undefined when they are not a member. */
export async function roleIn(world: ClubWorld, clubId: number, userId: number) {
  const row = first(
    await world.testApp.db
      .select({ role: memberships.role })
      .from(memberships)
      .where(and(eq(memberships.clubId, clubId), eq(memberships.userId, userId))),
  );
  return row?.role;
}
