/**
 * The notifications tests' world: the annotations room (owner, moderator, alice, bob, an
 * outsider; a three-chapter book; chapter 1 = positions 1–7, 2 = 8–14, 3 = 15–21), an app whose
 * notification service the test drives by hand, and, when asked, a real SMTP server
 * (`smtp-server`) on a free port that keeps every mail it accepts, parsed by `mailparser`.
 */
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import type { AddressInfo } from 'node:net';
import { openDatabase, type Db } from '../../../db/connection';
import { makeTestApp, type TestApp } from '../../helpers/app';
import { makeRoom, type AnnotationRoom } from '../annotations/room';
import type { Notifications, NotificationsOptions } from '../../../src/notifications';
import { comments, notifications as notificationsTable } from '../../../db/schema';
import { desc, eq } from 'drizzle-orm';

export interface Inbox {
  port: number;
  mails: (ParsedMail & { raw: string; envelopeTo: string[] })[];
  close(): Promise<void>;
}

/** A real SMTP server on 127.0.0.1 and a free port; every accepted mail lands in `mails`. */
export async function startInbox(): Promise<Inbox> {
  const mails: Inbox['mails'] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        simpleParser(raw)
          .then((parsed) => {
            mails.push(Object.assign(parsed, { raw, envelopeTo: session.envelope.rcptTo.map((r) => r.address) }));
            callback();
          })
          .catch(callback);
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return { port, mails, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

export interface NotifyRoom extends AnnotationRoom {
  notifications: Notifications;
}

/** A room whose app sends mail to `inbox` (when given) and never runs notification timers. */
export async function makeNotifyRoom(options: { inbox?: Inbox; notifications?: NotificationsOptions } = {}): Promise<NotifyRoom> {
  let captured: Notifications | undefined;
  const testApp: TestApp = await makeTestApp({
    config: options.inbox ? { smtpUrl: `smtp://127.0.0.1:${options.inbox.port}`, mailFrom: 'Marginalia <club@example.org>' } : {},
    appOptions: { notifications: { timers: false, ...options.notifications }, onNotifications: (n) => (captured = n) },
  });
  const room = await makeRoom({ testApp });
  // The room's own set-up (members joining) notified the moderators: start from a clean slate.
  await captured!.service.settled();
  await captured!.service.drain();
  await testApp.db.delete(notificationsTable);
  return { ...room, notifications: captured! };
}

/**
 * Waits for the notifications the writes so far make (the bus listener drains their sources
 * asynchronously, right after each write), as a test must before it looks.
 */
export async function settled(room: AnnotationRoom | NotifyRoom): Promise<void> {
  if ('notifications' in room) await room.notifications.service.settled();
}

/** A reader's notifications, once the writes so far have made theirs. */
export async function notificationsOf(room: NotifyRoom, userId: number) {
  await settled(room);
  return room.testApp.db.select().from(notificationsTable).where(eq(notificationsTable.recipientId, userId)).orderBy(notificationsTable.id);
}

/**
 * The database as another app process on it would open it: on SQLite a connection of its own to
 * the same file; on PostgreSQL the test's own pool (a second app over it has its own bus, worker
 * and scheduler, which is what the tests of a second process look at).
 */
export async function anotherProcess(room: AnnotationRoom): Promise<{ db: Db; close(): Promise<void> }> {
  if (!room.testApp.sqlite) return { db: room.testApp.db, close: async () => {} };
  const { db, sqlite } = openDatabase(room.testApp.config.databasePath);
  return {
    db,
    close: async () => {
      sqlite.close();
    },
  };
}

/** Posts a root comment on paragraph `ordinal` of chapter `chapter` (1-based; 1 is the heading) and returns its id, once its notifications are made. */
export async function postRoot(room: AnnotationRoom, who: 'owner' | 'moderator' | 'alice' | 'bob', chapter: number, ordinal: number, body: string): Promise<number> {
  const paragraph = (await room.paragraphs(chapter))[ordinal - 1]!;
  const res = await room[who].post(`/clubs/${room.clubId}/comments`, { paragraph_id: paragraph.id, body });
  if (res.status !== 303) throw new Error(`posting failed: ${res.status} ${await res.text()}`);
  await settled(room);
  return newestCommentId(room);
}

export async function postReply(room: AnnotationRoom, who: 'owner' | 'moderator' | 'alice' | 'bob', parentId: number, body: string): Promise<number> {
  const res = await room[who].post(`/clubs/${room.clubId}/comments`, { parent_id: parentId, body });
  if (res.status !== 303) throw new Error(`reply failed: ${res.status} ${await res.text()}`);
  await settled(room);
  return newestCommentId(room);
}

async function newestCommentId(room: AnnotationRoom): Promise<number> {
  const [newest] = await room.testApp.db.select({ id: comments.id }).from(comments).orderBy(desc(comments.id)).limit(1);
  return newest!.id;
}

/** The notifications page's items as text (tags stripped), for asserting what a reader is told, once the writes so far have made theirs. */
export async function listText(room: NotifyRoom, client: AnnotationRoom['alice']): Promise<string> {
  await settled(room);
  const res = await client.get('/notifications');
  return (await res.text()).replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
}

/** The value of a header in a raw mail (folded lines unfolded). */
export function rawHeader(raw: string, name: string): string | null {
  const head = raw.split(/\r?\n\r?\n/)[0]!.replace(/\r?\n[ \t]+/g, ' ');
  const line = head.split(/\r?\n/).find((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`));
  return line ? line.slice(name.length + 1).trim() : null;
}

/** The one-click unsubscribe URL of a mail. */
export function unsubscribeUrlOf(raw: string): URL {
  return new URL(/<([^>]+)>/.exec(rawHeader(raw, 'List-Unsubscribe') ?? '')![1]!);
}
