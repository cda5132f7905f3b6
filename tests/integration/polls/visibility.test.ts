/**
 * Whether results are visible, through every output (poll page, htmx fragment, CSV, the chapter
 * page and the club home through the hooks), as a matrix: results setting × viewer × poll state.
 *
 * The expectation is written out here from the rules in docs/polls.md, independently of
 * `pollResultsVisibleTo`, so a change to the function that breaks a rule fails here.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setProgressRow } from '../../helpers/fixtures';
import type { Client } from '../../helpers/app';
import { createPoll, HOUR, localValue, makeRoom, optionIdsOf, type PollRoom } from './room';

const SETTINGS = ['always', 'after_vote', 'after_close', 'after_chapter'] as const;
const STATES = ['scheduled', 'open', 'closed_by_date', 'closed_by_hand', 'reopened'] as const;
const VIEWERS = ['voted_member', 'fresh_member', 'moderator', 'public_visitor', 'signed_out'] as const;
type Setting = (typeof SETTINGS)[number];
type State = (typeof STATES)[number];
type Viewer = (typeof VIEWERS)[number];

/** The rules, spelled out. voted_member has voted and finished the chapter; nobody else has. */
function expected(setting: Setting, viewer: Viewer, state: State): boolean {
  if (state === 'scheduled') return false;
  const closed = state === 'closed_by_date' || state === 'closed_by_hand';
  const member = viewer === 'voted_member' || viewer === 'fresh_member' || viewer === 'moderator';
  if (viewer === 'moderator' && closed) return true;
  switch (setting) {
    case 'always':
      return true;
    case 'after_vote':
      return member && (viewer === 'voted_member' || closed);
    case 'after_close':
      return closed;
    case 'after_chapter':
      return viewer === 'voted_member';
  }
}

let room: PollRoom;
const polls = new Map<string, number>();
let clients: Record<Viewer, Client>;
const chapterPage = new Map<Viewer, string>();
const clubHome = new Map<Viewer, string>();

/** The HTML of one poll's card inside a page that may hold several. */
function cardIn(html: string, pollId: number): string | null {
  const start = html.indexOf(`id="poll-${pollId}"`);
  if (start < 0) return null;
  const next = html.indexOf('<section class="poll-card', start);
  return html.slice(start, next < 0 ? undefined : next);
}

const showsResults = (html: string) => html.includes('class="poll-results"');

beforeAll(async () => {
  room = await makeRoom({ visibility: 'public' });
  clients = {
    voted_member: room.members[0],
    fresh_member: room.members[1],
    moderator: room.moderator,
    public_visitor: room.outsider,
    signed_out: room.anonymous,
  };
  const chapter = room.chapters[0]!;
  await setProgressRow(room.app, room.readingId, room.ids.member1, chapter.lastPosition);
  const t0 = room.app.clock.now;

  for (const setting of SETTINGS) {
    for (const state of STATES) {
      const id = await createPoll(room.moderator, room.clubId, {
        question: `${setting} / ${state}`,
        target: `chapter:${chapter.id}`,
        resultsVisibility: setting,
        opensAt: state === 'scheduled' ? localValue(t0 + 5 * HOUR) : '',
        closesAt: state === 'closed_by_date' ? localValue(t0 + HOUR) : '',
      });
      polls.set(`${setting}/${state}`, id);
      if (state !== 'scheduled') {
        const [a, b] = await optionIdsOf(room, id);
        expect((await room.members[0].post(`/clubs/${room.clubId}/polls/${id}/vote`, { choice: a! })).status).toBe(303);
        expect((await room.members[2].post(`/clubs/${room.clubId}/polls/${id}/vote`, { choice: b! })).status).toBe(303);
      }
      if (state === 'closed_by_hand' || state === 'reopened') expect((await room.moderator.post(`/clubs/${room.clubId}/polls/${id}/close`, {})).status).toBe(303);
      if (state === 'reopened') expect((await room.moderator.post(`/clubs/${room.clubId}/polls/${id}/reopen`, {})).status).toBe(303);
    }
  }
  // Time passes; nobody visits. The poll with a closing date is closed from now on.
  room.app.clock.advance(2 * HOUR);

  for (const viewer of VIEWERS) {
    const chapterResponse = await clients[viewer].get(`/clubs/${room.clubId}/chapters/1`);
    expect(chapterResponse.status).toBe(200);
    chapterPage.set(viewer, await chapterResponse.text());
    const homeResponse = await clients[viewer].get(`/clubs/${room.clubId}`);
    expect(homeResponse.status).toBe(200);
    clubHome.set(viewer, await homeResponse.text());
  }
}, 120_000);

afterAll(() => room.app.close());

describe.each(SETTINGS)('results visible %s', (setting) => {
  describe.each(STATES)('poll %s', (state) => {
    it.each(VIEWERS)('%s', async (viewer) => {
      const id = polls.get(`${setting}/${state}`)!;
      const want = expected(setting, viewer, state);
      const client = clients[viewer];
      const base = `/clubs/${room.clubId}/polls/${id}`;

      const page = await client.get(base);
      expect(page.status).toBe(200);
      const pageHtml = await page.text();
      expect(showsResults(pageHtml), 'poll page').toBe(want);

      const fragment = await client.htmx(base);
      expect(showsResults(await fragment.text()), 'htmx fragment').toBe(want);

      const csv = await client.get(`${base}/results.csv`);
      expect(csv.status, 'CSV').toBe(want ? 200 : 403);
      if (!want) expect(await csv.text()).not.toMatch(/\d+,\d+(\.\d)?\r?\n/);

      const inChapter = cardIn(chapterPage.get(viewer)!, id);
      expect(inChapter, 'card on the chapter page').not.toBeNull();
      expect(showsResults(inChapter!), 'chapter page hook').toBe(want);

      const inHome = cardIn(clubHome.get(viewer)!, id);
      const open = state === 'open' || state === 'reopened';
      expect(inHome !== null, 'club home lists open polls only').toBe(open);
      if (inHome) expect(showsResults(inHome), 'club home hook').toBe(want);

      // Counts never leak through the ballot count either.
      if (!want) expect(pageHtml).not.toMatch(/\d+ ballots?|1 vote/);
    });
  });
});

describe('the results of a private club', () => {
  it('are not visible to anybody outside it, whatever the setting', async () => {
    const priv = await makeRoom({ visibility: 'private' });
    try {
      const id = await createPoll(priv.moderator, priv.clubId, { resultsVisibility: 'always' });
      for (const client of [priv.outsider, priv.anonymous]) {
        expect((await client.get(`/clubs/${priv.clubId}/polls/${id}`)).status).toBe(404);
        expect((await client.htmx(`/clubs/${priv.clubId}/polls/${id}`)).status).toBe(404);
        expect((await client.get(`/clubs/${priv.clubId}/polls/${id}/results.csv`)).status).toBe(404);
      }
    } finally {
      await priv.app.close();
    }
  });
});

describe('after_chapter follows the reader’s progress', () => {
  it('shows results once the member reaches the last paragraph of the chapter', async () => {
    const id = polls.get('after_chapter/open')!;
    const chapter = room.chapters[0]!;
    const base = `/clubs/${room.clubId}/polls/${id}`;
    await setProgressRow(room.app, room.readingId, room.ids.member2, chapter.lastPosition - 1);
    expect(showsResults(await (await room.members[1].get(base)).text())).toBe(false);
    await setProgressRow(room.app, room.readingId, room.ids.member2, chapter.lastPosition);
    expect(showsResults(await (await room.members[1].get(base)).text())).toBe(true);
    await setProgressRow(room.app, room.readingId, room.ids.member2, 0);
  });
});
