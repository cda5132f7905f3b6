/**
 * A room for club-life tests: the polls room (a club reading a book; owner, moderator, three
 * members, an outsider, a signed-out reader), plus helpers to write comments and open rounds.
 */
import { eq } from 'drizzle-orm';
import { comments, users } from '../../../db/schema';
import { makeTestApp, type Client, type TestApp } from '../../helpers/app';
import type { EventBus } from '../../../src/events';
import type { AppOptions } from '../../../src/app';
import { paragraphsOf } from '../../helpers/fixtures';
import { roomIn, type PollRoom } from '../polls/room';

export { roomIn, type PollRoom };

/** The polls room in a fresh app (with `events`, a bus the test listens on; `appOptions`, e.g. to get the notifications service). */
export async function makeRoom(options: { events?: EventBus; visibility?: 'private' | 'public'; appOptions?: Pick<AppOptions, 'notifications' | 'onNotifications'> } = {}): Promise<PollRoom> {
  const app = await makeTestApp({ rateLimits: { postingPerUser: { limit: 10_000, windowMs: 60_000 } }, events: options.events, appOptions: options.appOptions });
  return roomIn(app, { visibility: options.visibility });
}

export const DAY = 86_400_000;

/** A root comment on a paragraph of `chapterId` (its anchor is that paragraph's position), with `replies` replies. */
export async function commentRow(app: TestApp, room: PollRoom, authorId: number, chapterId: number, paragraphIndex: number, body: string, replies = 0): Promise<number> {
  const paragraph = (await paragraphsOf(app, chapterId))[paragraphIndex]!;
  const now = app.clock.now;
  const [root] = await app.db
    .insert(comments)
    .values({ clubId: room.clubId, readingId: room.readingId, chapterId, paragraphId: paragraph.id, anchorPosition: paragraph.position, authorId, body, createdAt: now })
    .returning({ id: comments.id });
  for (let i = 0; i < replies; i += 1) {
    await app.db
      .insert(comments)
      .values({ clubId: room.clubId, readingId: room.readingId, chapterId, paragraphId: paragraph.id, parentId: root!.id, rootId: root!.id, anchorPosition: paragraph.position, authorId, body: `${body} reply ${i}`, createdAt: now });
  }
  return root!.id;
}

export async function setTimeZone(app: TestApp, userId: number, zone: string): Promise<void> {
  await app.db.update(users).set({ timeZone: zone }).where(eq(users.id, userId));
}

/** Opens a round as the moderator; returns its id (from the page's forms). */
export async function openRound(room: PollRoom): Promise<number> {
  const res = await room.moderator.post(`/clubs/${room.clubId}/next-book/open`, {});
  if (res.status !== 303) throw new Error(`open: ${res.status}`);
  const html = await (await room.moderator.get(`/clubs/${room.clubId}/next-book`)).text();
  const match = html.match(/next-book\/(\d+)\/nominate/);
  if (!match) throw new Error('no round');
  return Number(match[1]);
}

export async function textOf(client: Client, path: string): Promise<string> {
  const res = await client.get(path);
  if (res.status !== 200) throw new Error(`${path}: ${res.status}`);
  return res.text();
}
