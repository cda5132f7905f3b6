/**
 * The spoiler gate on club life's outputs, as a matrix like the annotations gate's: a meeting's
 * agenda (busiest threads, polls, questions) and a chapter's answers, for readers at different
 * places in the book. Nothing past a reader's progress may show; counts may.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spoilerReveals } from '../../../db/schema';
import type { Client } from '../../helpers/app';
import { paragraphsOf, setProgressRow } from '../../helpers/fixtures';
import { createPoll } from '../polls/room';
import { commentRow, DAY, makeRoom, textOf, type PollRoom } from './room';

let room: PollRoom;
let meetingPath: string;
let chapterPath: string;
let questionId: number;
const EARLY = 'EARLY-THREAD the lamp flickers';
const LATE = 'LATE-THREAD the keeper was the thief all along';
const QUESTION = 'QUESTION-TEXT why did the keeper lie';
const ANSWER = 'ANSWER-TEXT because of the lamp';

type Viewer = 'behind' | 'middle' | 'finished' | 'revealed' | 'moderator_behind' | 'late_author_behind';

function viewerClient(v: Viewer): Client {
  return { behind: room.members[0], middle: room.members[1], finished: room.members[2], revealed: room.outsider, moderator_behind: room.moderator, late_author_behind: room.owner }[v];
}

beforeAll(async () => {
  room = await makeRoom();
  const { app } = room;
  const chapter = room.chapters[1]!;
  const paragraphs = await paragraphsOf(app, chapter.id);
  const first = paragraphs[0]!;
  const last = paragraphs[paragraphs.length - 1]!;
  // The outsider joins as the member who reveals the chapter.
  const { addMemberRow } = await import('../../helpers/fixtures');
  await addMemberRow(app, room.clubId, room.ids.outsider);
  await app.db.insert(spoilerReveals).values({ readingId: room.readingId, userId: room.ids.outsider, chapterId: chapter.id, createdAt: app.clock.now });
  await setProgressRow(app, room.readingId, room.ids.member1, chapter.firstPosition - 1);
  await setProgressRow(app, room.readingId, room.ids.member2, first.position);
  await setProgressRow(app, room.readingId, room.ids.member3, last.position);
  await setProgressRow(app, room.readingId, room.ids.moderator, 0);
  await setProgressRow(app, room.readingId, room.ids.owner, 0);
  await commentRow(app, room, room.ids.member3, chapter.id, 0, EARLY, 2);
  await commentRow(app, room, room.ids.owner, chapter.id, paragraphs.length - 1, LATE, 4);
  await createPoll(room.moderator, room.clubId, { target: `chapter:${chapter.id}`, question: 'POLL-QUESTION', resultsVisibility: 'always' });

  const q = await room.moderator.post(`/clubs/${room.clubId}/readings/${room.readingId}/chapters/${chapter.id}/questions`, { body: QUESTION });
  expect(q.status).toBe(303);
  questionId = Number(q.headers.get('location')!.match(/#question-(\d+)/)![1]);
  // The finished member answers.
  expect((await room.members[2].post(`/clubs/${room.clubId}/questions/${questionId}/answers`, { body: ANSWER })).status).toBe(303);

  const m = await room.moderator.post(`/clubs/${room.clubId}/meetings`, { title: 'Agenda night', place: 'Café', when: 'fixed', startsAt: new Date(app.clock.now + DAY).toISOString().slice(0, 16), chapterId: String(chapter.id) });
  meetingPath = m.headers.get('location')!.split('?')[0]!;
  chapterPath = `/clubs/${room.clubId}/chapters/${chapter.ordinal}`;
}, 60_000);
afterAll(() => room.app.close());

function agendaOf(html: string): string {
  const start = html.indexOf('id="agenda"');
  return html.slice(start, html.indexOf('</section>', start));
}

describe('the agenda, per reader', () => {
  // What each reader sees of the chapter: early thread, late thread, the question's text.
  const table: Record<Viewer, { early: boolean; late: boolean; question: boolean; hiddenThreads: number }> = {
    behind: { early: false, late: false, question: false, hiddenThreads: 2 },
    middle: { early: true, late: false, question: false, hiddenThreads: 1 },
    finished: { early: true, late: true, question: true, hiddenThreads: 0 },
    revealed: { early: true, late: true, question: true, hiddenThreads: 0 },
    // Moderators pass the gate like everyone else (it has no moderator exception).
    moderator_behind: { early: false, late: false, question: false, hiddenThreads: 2 },
    // An author sees their own thread, not others'.
    late_author_behind: { early: false, late: true, question: false, hiddenThreads: 1 },
  };
  for (const [viewer, want] of Object.entries(table) as [Viewer, (typeof table)[Viewer]][]) {
    it(`${viewer}`, async () => {
      const agenda = agendaOf(await textOf(viewerClient(viewer), meetingPath));
      expect(agenda.includes('EARLY-THREAD')).toBe(want.early);
      expect(agenda.includes('LATE-THREAD')).toBe(want.late);
      expect(agenda.includes('QUESTION-TEXT')).toBe(want.question);
      if (want.hiddenThreads > 0) expect(agenda).toContain(`${want.hiddenThreads} thread${want.hiddenThreads === 1 ? '' : 's'} in Chapter 2. The second evening (you have not read it yet)`);
      else expect(agenda).not.toContain('you have not read it yet) ');
      if (!want.question) expect(agenda).toContain('1 question in Chapter 2. The second evening (you have not read it yet)');
      // The chapter's poll is open to everyone (no schedule), and its results rule is "always".
      expect(agenda).toContain('POLL-QUESTION');
      // Never the answer's text on the agenda.
      expect(agenda).not.toContain('ANSWER-TEXT');
    });
  }
});

describe('answers, per reader', () => {
  it('a reader behind sees the question at the chapter end but no answer, and a count', async () => {
    const html = await textOf(room.members[0], chapterPath);
    expect(html).toContain('QUESTION-TEXT');
    expect(html).not.toContain('ANSWER-TEXT');
    expect(html).toContain('1 answer. It opens when you reach the end of this chapter.');
  });

  it('a reader who reached the end answers first, then sees every answer, and can reply', async () => {
    const reader = room.members[1];
    const chapter = room.chapters[1]!;
    await setProgressRow(room.app, room.readingId, room.ids.member2, chapter.lastPosition);
    const before = await textOf(reader, chapterPath);
    expect(before).not.toContain('ANSWER-TEXT');
    expect(before).toContain('1 answer. Answer first to see it.');
    // An answer too long comes back on its own page: 422, why, and what was typed; nothing saved.
    const tooLong = 'x'.repeat(5_000);
    const refused = await reader.post(`/clubs/${room.clubId}/questions/${questionId}/answers`, { body: tooLong });
    expect(refused.status).toBe(422);
    const again = await refused.text();
    expect(again).toContain('This is too long.');
    expect(again).toContain(tooLong);
    expect(again).toContain('QUESTION-TEXT');
    expect(await textOf(reader, chapterPath)).toContain('1 answer. Answer first to see it.');
    expect((await reader.post(`/clubs/${room.clubId}/questions/${questionId}/answers`, { body: 'MY-ANSWER' })).status).toBe(303);
    const after = await textOf(reader, chapterPath);
    expect(after).toContain('ANSWER-TEXT');
    expect(after).toContain('MY-ANSWER');
    // Answering twice is refused; an empty answer too.
    expect((await reader.post(`/clubs/${room.clubId}/questions/${questionId}/answers`, { body: 'again' })).status).toBe(403);
    const answerId = after.match(/id="answer-(\d+)"[\s\S]*?ANSWER-TEXT/)![1]!;
    expect((await reader.post(`/clubs/${room.clubId}/questions/${questionId}/answers`, { body: 'REPLY-TEXT', parentId: answerId })).status).toBe(303);
    expect(await textOf(room.members[2], chapterPath)).toContain('REPLY-TEXT');
    // The reply does not reach a reader behind.
    expect(await textOf(room.members[0], chapterPath)).not.toContain('REPLY-TEXT');
  });

  it('a reader behind cannot reply to an answer they cannot see (404, as if it did not exist)', async () => {
    const html = await textOf(room.members[2], chapterPath);
    const answerId = html.match(/id="answer-(\d+)"[\s\S]*?ANSWER-TEXT/)![1]!;
    expect((await room.members[0].post(`/clubs/${room.clubId}/questions/${questionId}/answers`, { body: 'sneaky', parentId: answerId })).status).toBe(404);
  });

  it('the moderator who asked sees answers once past the gate, without answering', async () => {
    expect(await textOf(room.moderator, chapterPath)).not.toContain('ANSWER-TEXT');
    await setProgressRow(room.app, room.readingId, room.ids.moderator, room.chapters[1]!.lastPosition);
    room.app.clock.advance(60_000); // progress written behind the app's back: let the page cache's entries age out
    expect(await textOf(room.moderator, chapterPath)).toContain('ANSWER-TEXT');
  });
});
