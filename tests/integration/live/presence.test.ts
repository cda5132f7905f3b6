/**
 * "N reading this chapter now" over real HTTP: distinct readers (several tabs of one reader
 * count once), named only when they have not hidden their progress, updated as streams come
 * and go.
 */
import { and, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { memberships } from '../../../db/schema';
import { makeRoom, type AnnotationRoom } from '../annotations/room';
import { listen, openStream, partialFor, type SseReader } from './sse';

let room: AnnotationRoom;
let base: string;
const path = () => `/clubs/${room.clubId}/live/${room.readingId}/${room.chapters[1]!.id}`;

beforeAll(async () => {
  room = await makeRoom();
  for (const who of ['owner', 'alice', 'bob'] as const) await room.setProgress(who, 21);
  await room.testApp.db.update(memberships).set({ progressHidden: true }).where(and(eq(memberships.clubId, room.clubId), eq(memberships.userId, room.ids.alice)));
  ({ base } = await listen(room.testApp));
});

const presence = (reader: SseReader, test: (line: string) => boolean) =>
  reader.waitFor((m) => {
    const line = partialFor(m, '#live-presence');
    return line !== null && test(line);
  });

describe('presence', () => {
  it('counts readers once each and names only those who show their progress', async () => {
    const bob = await openStream(base, path(), room.bob);
    const bobAgain = await openStream(base, path(), room.bob);
    const alice = await openStream(base, path(), room.alice);
    const owner = await openStream(base, path(), room.owner);
    const m = await presence(owner, (line) => line.includes('3 reading this chapter now'));
    const line = partialFor(m, '#live-presence')!;
    expect(line).toContain(room.usernames.bob);
    expect(line).toContain(room.usernames.owner);
    expect(line).not.toContain(room.usernames.alice);
    bob.close();
    bobAgain.close();
    await presence(owner, (text) => text.includes('2 reading this chapter now') && !text.includes(room.usernames.bob));
    for (const reader of [alice, owner]) reader.close();
  });
});
