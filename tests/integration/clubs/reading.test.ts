/** The book a club reads: choosing it, its schedule, chapter pages and each member's progress. */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { readings, scheduleEntries, users } from '../../../db/schema';
import { createClubRow, setProgressRow, startReadingRow } from '../../helpers/fixtures';
import { DAY, makeWorld, setTimeZone, storedProgress, textOf, type ClubWorld } from './world';

let world: ClubWorld;
beforeAll(async () => {
  world = await makeWorld();
});
afterAll(async () => await world.close());

const progressOf = (readingId: number, userId: number) => storedProgress(world, readingId, userId);

describe('choosing the book', () => {
  test('a moderator picks an edition; the previous reading ends and stays browsable', async () => {
    const setup = await world.makeClub();
    const page = await world.clients.moderator.get(`/clubs/${setup.clubId}/readings/new`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('The Other Book');
    expect(html).toContain(`/library/upload?club=${setup.clubId}`);
    const response = await world.clients.moderator.post(`/clubs/${setup.clubId}/readings`, { editionId: world.otherBook.editionId });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe(`/clubs/${setup.clubId}?done=book`);
    const rows = (await world.testApp.db.select().from(readings).where(eq(readings.clubId, setup.clubId)));
    expect(rows).toHaveLength(2);
    const old = rows.find((row) => row.id === setup.readingId)!;
    expect(old.endedAt).toBe(world.testApp.clock.now);
    const current = rows.find((row) => row.id !== setup.readingId)!;
    expect(current).toMatchObject({ editionId: world.otherBook.editionId, endedAt: null });

    const home = textOf(await (await world.clients.member.get(`/clubs/${setup.clubId}`)).text());
    expect(home).toContain('The Other Book');
    expect(home).toContain('Earlier books');
    // The earlier reading and its chapters stay browsable at their own address.
    const earlier = await world.clients.member.get(`/clubs/${setup.clubId}/readings/${setup.readingId}`);
    expect(earlier.status).toBe(200);
    expect(textOf(await earlier.text())).toContain('The Lantern Keepers');
    const chapter = await world.clients.member.get(`/clubs/${setup.clubId}/readings/${setup.readingId}/chapters/1`);
    expect(chapter.status).toBe(200);
    expect(await chapter.text()).toContain('Paragraph 1 of chapter 1');
    // The short chapter address follows the current reading.
    expect(await (await world.clients.member.get(`/clubs/${setup.clubId}/chapters/1`)).text()).toContain('The Other Book');
  });

  test('picking the book already being read changes nothing', async () => {
    const setup = await world.makeClub();
    expect((await world.clients.owner.post(`/clubs/${setup.clubId}/readings`, { editionId: world.book.editionId })).status).toBe(303);
    expect((await world.testApp.db.select().from(readings).where(eq(readings.clubId, setup.clubId)))).toHaveLength(1);
  });

  test.each([{ editionId: '999999' }, { editionId: 'x' }, {}])('an edition that does not exist is refused (422): %o', async (fields) => {
    const setup = await world.makeClub();
    const response = await world.clients.owner.post(`/clubs/${setup.clubId}/readings`, fields);
    expect(response.status).toBe(422);
    expect(textOf(await response.text())).toContain('Choose a book from the library.');
    expect((await world.testApp.db.select().from(readings).where(eq(readings.clubId, setup.clubId)))).toHaveLength(1);
  });

  test('members cannot pick the book', async () => {
    const setup = await world.makeClub();
    expect((await world.clients.member.get(`/clubs/${setup.clubId}/readings/new`)).status).toBe(403);
    expect((await world.clients.member.post(`/clubs/${setup.clubId}/readings`, { editionId: world.otherBook.editionId })).status).toBe(403);
  });

  test('a club without a book invites moderators to choose one or upload one', async () => {
    const club = await createClubRow(world.testApp, { ownerId: world.ids.owner, name: 'Bookless' });
    const html = await (await world.clients.owner.get(`/clubs/${club.id}`)).text();
    expect(textOf(html)).toContain('No book chosen yet.');
    expect(html).toContain(`/clubs/${club.id}/readings/new`);
    expect(html).toContain(`/library/upload?club=${club.id}`);
    expect((await world.clients.owner.get(`/clubs/${club.id}/chapters/1`)).status).toBe(404);
    const preselected = await (await world.clients.owner.get(`/clubs/${club.id}/readings/new?edition=${world.book.editionId}`)).text();
    expect(preselected).toContain('pick-preselected');
  });
});

describe('the schedule', () => {
  test('a moderator sets a run of chapters, a week apart, in their own time zone', async () => {
    const setup = await world.makeClub({ schedule: false });
    await setTimeZone(world.testApp, world.ids.moderator, 'Asia/Seoul');
    try {
      const response = await world.clients.moderator.post(`/clubs/${setup.clubId}/readings/${setup.readingId}/schedule`, {
        action: 'set',
        fromOrdinal: 2,
        toOrdinal: 3,
        opensAt: '2026-11-20T19:00',
        everyDays: 7,
      });
      expect(response.status).toBe(303);
      expect(response.headers.get('location')).toBe(`/clubs/${setup.clubId}/readings/${setup.readingId}/schedule?saved=1`);
      const entries = (await world.testApp.db.select().from(scheduleEntries).where(eq(scheduleEntries.readingId, setup.readingId)));
      expect(new Map(entries.map((e) => [e.chapterId, e.opensAt]))).toEqual(
        new Map([
          [setup.chapterIds[1], Date.UTC(2026, 10, 20, 10)],
          [setup.chapterIds[2], Date.UTC(2026, 10, 27, 10)],
        ]),
      );
      const html = await (await world.clients.moderator.get(`/clubs/${setup.clubId}/readings/${setup.readingId}/schedule?saved=1`)).text();
      // The form shows the run as saved, not "chapter 1 → last, no date" again.
      expect(html).toMatch(/<select id="schedule-from" name="fromOrdinal"><option value="1">[^<]*<\/option><option value="2" selected="">/);
      expect(html).toContain('value="2026-11-20T19:00"');
      expect(html).toMatch(/id="schedule-every" name="everyDays" type="number" min="0" max="365" value="7"/);
      const page = textOf(html);
      expect(page).toContain('The schedule was saved.');
      expect(page).toContain('Asia/Seoul');
      expect(page).toMatch(/November 20, 2026.*7:00\s?PM/);
    } finally {
      await setTimeZone(world.testApp, world.ids.moderator, null);
    }
  });

  test('after dating the first chapters, the form offers the ones after them, a step later', async () => {
    const setup = await world.makeClub({ schedule: false });
    const url = `/clubs/${setup.clubId}/readings/${setup.readingId}/schedule`;
    expect((await world.clients.moderator.post(url, { action: 'set', fromOrdinal: 1, toOrdinal: 2, opensAt: '2026-11-20T19:00', everyDays: 3 })).status).toBe(303);
    const html = await (await world.clients.moderator.get(`${url}?saved=1`)).text();
    expect(html).toMatch(/name="fromOrdinal">(<option value="[12]">[^<]*<\/option>)+<option value="3" selected="">/);
    expect(html).toMatch(/name="opensAt" type="datetime-local" value="2026-11-26T19:00"/); // 20th, 23rd, then the 26th
  });

  test('one date for one chapter, then clearing it opens it again', async () => {
    const setup = await world.makeClub({ schedule: false });
    const url = `/clubs/${setup.clubId}/readings/${setup.readingId}/schedule`;
    expect((await world.clients.owner.post(url, { action: 'set', fromOrdinal: 1, toOrdinal: 1, opensAt: '2030-01-01T00:00' })).status).toBe(303);
    expect((await world.testApp.db.select().from(scheduleEntries).where(eq(scheduleEntries.readingId, setup.readingId)))).toHaveLength(1);
    expect((await world.clients.member.get(`/clubs/${setup.clubId}/chapters/1`)).status).toBe(200);
    expect(await (await world.clients.member.get(`/clubs/${setup.clubId}/chapters/1`)).text()).not.toContain('Paragraph 1 of chapter 1');
    expect((await world.clients.owner.post(url, { action: 'clear', fromOrdinal: 1, toOrdinal: 3 })).status).toBe(303);
    expect((await world.testApp.db.select().from(scheduleEntries).where(eq(scheduleEntries.readingId, setup.readingId)))).toHaveLength(0);
    expect(await (await world.clients.member.get(`/clubs/${setup.clubId}/chapters/1`)).text()).toContain('Paragraph 1 of chapter 1');
  });

  test.each([
    [{ opensAt: '' }, 'Enter a date and time'],
    [{ opensAt: 'next friday' }, 'Enter a date and time'],
    [{ opensAt: '1999-12-31T10:00' }, 'Enter a date and time'],
    [{ opensAt: '2026-02-30T10:00' }, 'Enter a date and time'],
    [{ fromOrdinal: 3, toOrdinal: 1 }, 'The last chapter of the run cannot come before the first.'],
    [{ toOrdinal: 4 }, 'Choose chapters of this book.'],
    [{ fromOrdinal: 0 }, 'Choose chapters of this book.'],
    [{ everyDays: 366 }, 'Use a whole number of days from 0 to 365.'],
    [{ everyDays: -1 }, 'Use a whole number of days from 0 to 365.'],
    [{ action: 'explode' }, 'Choose whether to set or remove dates.'],
  ])('refuses %o (422, translated, input kept, nothing written)', async (override, message) => {
    const setup = await world.makeClub({ schedule: false });
    const fields = { action: 'set', fromOrdinal: 1, toOrdinal: 2, opensAt: '2026-12-01T18:30', everyDays: 3, ...override };
    const response = await world.clients.owner.post(`/clubs/${setup.clubId}/readings/${setup.readingId}/schedule`, fields);
    expect(response.status).toBe(422);
    const html = await response.text();
    expect(textOf(html)).toContain(message);
    if (!('opensAt' in override)) expect(html).toContain('value="2026-12-01T18:30"');
    expect((await world.testApp.db.select().from(scheduleEntries).where(eq(scheduleEntries.readingId, setup.readingId)))).toHaveLength(0);
  });

  test('members cannot see or set the schedule editor; another club’s reading is a 404', async () => {
    const setup = await world.makeClub();
    expect((await world.clients.member.get(`/clubs/${setup.clubId}/readings/${setup.readingId}/schedule`)).status).toBe(403);
    expect((await world.clients.member.post(`/clubs/${setup.clubId}/readings/${setup.readingId}/schedule`, { action: 'clear', fromOrdinal: 1, toOrdinal: 3 })).status).toBe(403);
    expect((await world.clients.owner.get(`/clubs/${setup.clubId}/readings/${setup.rival.readingId}/schedule`)).status).toBe(404);
    expect((await world.clients.owner.post(`/clubs/${setup.clubId}/readings/${setup.rival.readingId}/schedule`, { action: 'clear', fromOrdinal: 1, toOrdinal: 2 })).status).toBe(404);
  });

  test('the club home shows where the club is and when the next chapter opens, in the reader’s zone and language', async () => {
    const setup = await world.makeClub();
    await setTimeZone(world.testApp, world.ids.member, 'Asia/Seoul');
    try {
      const english = textOf(await (await world.clients.member.get(`/clubs/${setup.clubId}`)).text());
      expect(english).toContain('Open now: up to “Chapter 2. The second evening” (2 of 3 chapters).');
      // The clock starts at 2026-11-01 09:00 UTC; chapter 3 opens a day later: 18:00 in Seoul.
      expect(english).toMatch(/Next: “Chapter 3\. The third evening” opens on November 2, 2026.*6:00\s?PM/);
      world.clients.member.acceptLanguage = 'ko';
      await world.testApp.db.update(users).set({ locale: 'ko' }).where(eq(users.id, world.ids.member));
      const korean = textOf(await (await world.clients.member.get(`/clubs/${setup.clubId}`)).text());
      expect(korean).toContain('지금 「Chapter 2. The second evening」까지 열려 있어요(전체 3개 장 중 2개).');
      expect(korean).toMatch(/다음: 「Chapter 3\. The third evening」, 2026년 11월 2일 18:00에 열려요/);
    } finally {
      await setTimeZone(world.testApp, world.ids.member, null);
      await world.testApp.db.update(users).set({ locale: null }).where(eq(users.id, world.ids.member));
      world.clients.member.acceptLanguage = undefined;
    }
  });
});

describe('chapter pages', () => {
  test('before its date a member sees the title and the date, not the text; a normal 200 page', async () => {
    const setup = await world.makeClub();
    const response = await world.clients.member.get(`/clubs/${setup.clubId}/chapters/3`);
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(textOf(html)).toContain('Chapter 3. The third evening');
    expect(textOf(html)).toMatch(/This chapter opens on November 2, 2026/);
    expect(html).not.toContain('Paragraph 1 of chapter 3');
    expect(html).not.toContain('progress.js');
  });

  test('moderators see a closed chapter’s text, with a note on when members get it', async () => {
    const setup = await world.makeClub();
    const html = await (await world.clients.moderator.get(`/clubs/${setup.clubId}/chapters/3`)).text();
    expect(html).toContain('Paragraph 1 of chapter 3');
    expect(textOf(html)).toMatch(/Members can read this chapter from November 2, 2026/);
  });

  test('once the date passes, members read it', async () => {
    const setup = await world.makeClub();
    world.testApp.clock.advance(DAY);
    try {
      expect(await (await world.clients.member.get(`/clubs/${setup.clubId}/chapters/3`)).text()).toContain('Paragraph 1 of chapter 3');
    } finally {
      world.testApp.clock.advance(-DAY);
    }
  });

  test('the page carries the book’s language, prev/next, the reader’s progress and the progress script', async () => {
    const setup = await world.makeClub();
    await setProgressRow(world.testApp, setup.readingId, world.ids.member, 10);
    const html = await (await world.clients.member.get(`/clubs/${setup.clubId}/chapters/2`)).text();
    expect(html).toContain('<main id="main" lang="en">');
    expect(html).toContain(`href="/clubs/${setup.clubId}/chapters/1" rel="prev"`);
    expect(html).toContain(`href="/clubs/${setup.clubId}/chapters/3" rel="next"`);
    // 10 is the 3rd of chapter 2's 7 paragraphs (8–14); 10 of 21 in the book.
    expect(html).toMatch(/This chapter<\/span><progress max="100" value="42"/);
    expect(html).toMatch(/Book<\/span><progress max="100" value="47"/);
    expect(html).toMatch(/<script src="\/static\/progress\.js\?v=[0-9a-f]+" defer/);
    expect(html).toContain(`data-progress-url="/clubs/${setup.clubId}/readings/${setup.readingId}/progress"`);
    // No-JS controls: read paragraphs offer a set-back, unread ones move forward.
    expect(html).toMatch(/form="progress-set" name="position" value="9"/);
    expect(html).toMatch(/form="progress-forward" name="position" value="11"/);
    expect(html).toContain('id="progress-forward"');
  });

  test('visitors of a public club read open chapters without any progress controls', async () => {
    const setup = await world.makeClub({ visibility: 'public' });
    const html = await (await world.clients.visitor.get(`/clubs/${setup.clubId}/chapters/1`)).text();
    expect(html).toContain('Paragraph 1 of chapter 1');
    expect(html).not.toContain('progress-here');
    expect(html).not.toContain('progress.js');
    expect(await (await world.clients.visitor.get(`/clubs/${setup.clubId}/chapters/3`)).text()).not.toContain('Paragraph 1 of chapter 3');
  });

  test.each(['0', '4', 'abc', '1.5', '-1'])('chapter %s does not exist: 404', async (ordinal) => {
    const setup = await world.makeClub();
    expect((await world.clients.member.get(`/clubs/${setup.clubId}/chapters/${ordinal}`)).status).toBe(404);
  });

  test('the book page lists chapters with dates and the reader’s progress in each', async () => {
    const setup = await world.makeClub();
    await setProgressRow(world.testApp, setup.readingId, world.ids.member, 10);
    const html = await (await world.clients.member.get(`/clubs/${setup.clubId}/readings/${setup.readingId}`)).text();
    const text = textOf(html);
    expect(text).toContain('Continue: Chapter 2. The second evening');
    expect(text).toMatch(/Chapter 1\. The first evening Open 100%/);
    expect(text).toMatch(/Chapter 2\. The second evening Open 42%/);
    expect(text).toMatch(/Chapter 3\. The third evening Opens November 2, 2026.* 0%/);
    expect(html).not.toContain(`href="/clubs/${setup.clubId}/chapters/3"`);
  });
});

describe('reading progress', () => {
  const url = (setup: { clubId: number; readingId: number }) => `/clubs/${setup.clubId}/readings/${setup.readingId}/progress`;

  test('reports only move forward', async () => {
    const setup = await world.makeClub();
    const first = await world.clients.member.post(url(setup), { position: 5 });
    expect(first.status).toBe(303);
    expect(first.headers.get('location')).toBe(`/clubs/${setup.clubId}/chapters/1#p-5`);
    expect(await progressOf(setup.readingId, world.ids.member)).toBe(5);
    await world.clients.member.post(url(setup), { position: 3 });
    expect(await progressOf(setup.readingId, world.ids.member)).toBe(5);
    await world.clients.member.post(url(setup), { position: 9, mode: 'forward' });
    expect(await progressOf(setup.readingId, world.ids.member)).toBe(9);
  });

  test('a deliberate set may go backwards', async () => {
    const setup = await world.makeClub();
    await setProgressRow(world.testApp, setup.readingId, world.ids.member, 12);
    const response = await world.clients.member.post(url(setup), { position: 4, mode: 'set' });
    expect(response.status).toBe(303);
    expect(await progressOf(setup.readingId, world.ids.member)).toBe(4);
  });

  test('htmx / script reports get the refreshed progress box', async () => {
    const setup = await world.makeClub();
    const response = await world.clients.member.htmx(url(setup), { method: 'POST', fields: { position: 10, chapter: 2 } });
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toMatch(/^<div class="club-progress" id="reading-progress"/);
    expect(html).toContain('value="42"');
    expect(html).not.toContain('<html');
  });

  test.each([
    [{ position: 22 }, 'That paragraph is not part of this book.'],
    [{ position: 0 }, 'That paragraph is not part of this book.'],
    [{ position: 'x' }, 'That paragraph is not part of this book.'],
    [{ position: 5, mode: 'sideways' }, 'That paragraph is not part of this book.'],
    [{ position: 16 }, 'That chapter is not open yet.'],
  ])('refuses %o (422)', async (fields, message) => {
    const setup = await world.makeClub();
    await setProgressRow(world.testApp, setup.readingId, world.ids.member, 3);
    const response = await world.clients.member.post(url(setup), fields);
    expect(response.status).toBe(422);
    expect(textOf(await response.text())).toContain(message);
    expect(await progressOf(setup.readingId, world.ids.member)).toBe(3);
  });

  test('a position from another edition does not belong to this reading', async () => {
    const setup = await world.makeClub();
    // The other book has 2 chapters × 7 = 14 positions; 14 exists there and here, 21 only here.
    const club = await createClubRow(world.testApp, { ownerId: world.ids.owner, name: 'Short book club' });
    const reading = await startReadingRow(world.testApp, club.id, world.otherBook.editionId);
    expect((await world.clients.owner.post(`/clubs/${club.id}/readings/${reading.id}/progress`, { position: 21 })).status).toBe(422);
    void setup;
  });

  test('moderators may record progress in a chapter that is not open to members yet', async () => {
    const setup = await world.makeClub();
    expect((await world.clients.moderator.post(url(setup), { position: 16 })).status).toBe(303);
    expect(await progressOf(setup.readingId, world.ids.moderator)).toBe(16);
  });

  test('members only: visitors are sent to sign in, outsiders refused, private clubs hidden', async () => {
    const publicSetup = await world.makeClub({ visibility: 'public' });
    expect((await world.clients.outsider.post(url(publicSetup), { position: 3 })).status).toBe(403);
    const visitor = await world.clients.visitor.post(url(publicSetup), { position: 3 });
    expect(visitor.status).toBe(303);
    expect(visitor.headers.get('location')).toMatch(/^\/login\?next=/);
    const privateSetup = await world.makeClub();
    expect((await world.clients.outsider.post(url(privateSetup), { position: 3 })).status).toBe(404);
    expect((await world.clients.visitor.post(url(privateSetup), { position: 3 })).status).toBe(404);
  });

  test('another club’s reading id under this club’s URL is a 404', async () => {
    const setup = await world.makeClub();
    const response = await world.clients.owner.post(`/clubs/${setup.clubId}/readings/${setup.rival.readingId}/progress`, { position: 1 });
    expect(response.status).toBe(404);
    expect(await progressOf(setup.rival.readingId, world.ids.owner)).toBe(0);
  });

  test('the reader’s progress appears on the club home for the others', async () => {
    const setup = await world.makeClub();
    await world.clients.member.post(url(setup), { position: 14 });
    const html = await (await world.clients.owner.get(`/clubs/${setup.clubId}`)).text();
    expect(html).toMatch(new RegExp(`id="member-progress-${world.ids.member}"[\\s\\S]*?value="66"`));
  });
});
