/** Moderators create, edit, close, reopen and delete polls; bad forms are refused and kept. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { users } from '../../../db/schema';
import { eq } from 'drizzle-orm';
import { scheduleChapterRow } from '../../helpers/fixtures';
import { createPoll, HOUR, localValue, makeRoom, optionIdsOf, optionLabelsOf, pollCount, pollFields, pollRow, roomIn, voteCount, type PollRoom } from './room';

let room: PollRoom;
beforeEach(async () => {
  room = await makeRoom();
});
afterEach(() => room.app.close());

const base = () => `/clubs/${room.clubId}/polls`;

describe('creating a poll', () => {
  it('shows the form to moderators and the owner', async () => {
    for (const client of [room.owner, room.moderator]) {
      const response = await client.get(`${base()}/new`);
      expect(response.status).toBe(200);
      const html = await response.text();
      expect(html).toContain('name="question"');
      expect(html).toContain(`value="chapter:${room.chapters[0]!.id}"`);
    }
  });

  it('creates a club poll with its options in order and redirects to it', async () => {
    const response = await room.moderator.post(base(), pollFields({ question: '  다음 책은  무엇으로 할까요? ', option_1: ' 소년이 온다 ', option_2: 'Pachinko' }));
    expect(response.status).toBe(303);
    const id = Number(/\/polls\/(\d+)$/.exec(response.headers.get('location')!)![1]);
    const poll = await pollRow(room, id)!;
    expect(poll).toMatchObject({ question: '다음 책은 무엇으로 할까요?', kind: 'single', chapterId: null, readingId: null, createdBy: room.ids.moderator, opensAt: null, closesAt: null });
    const labels = await optionLabelsOf(room, id);
    expect(labels).toEqual(['소년이 온다', 'Pachinko', 'The third evening']);
    const page = await (await room.members[0].get(`${base()}/${id}`)).text();
    expect(page).toContain('다음 책은 무엇으로 할까요?');
  });

  it('creates a chapter poll on a chapter of the current reading', async () => {
    const chapter = room.chapters[1]!;
    const id = await createPoll(room.moderator, room.clubId, { target: `chapter:${chapter.id}`, resultsVisibility: 'after_chapter' });
    expect(await pollRow(room, id)).toMatchObject({ chapterId: chapter.id, readingId: room.readingId, resultsVisibility: 'after_chapter' });
  });

  it('stores multiple-choice picks and ranked limits', async () => {
    const multiple = await createPoll(room.moderator, room.clubId, { kind: 'multiple', minChoices: '2', maxChoices: '3' });
    expect(await pollRow(room, multiple)).toMatchObject({ kind: 'multiple', minChoices: 2, maxChoices: 3 });
    const defaults = await createPoll(room.moderator, room.clubId, { kind: 'multiple', minChoices: '', maxChoices: '' });
    expect(await pollRow(room, defaults)).toMatchObject({ minChoices: 1, maxChoices: 3 });
    const ranked = await createPoll(room.moderator, room.clubId, { kind: 'ranked' });
    expect(await pollRow(room, ranked)).toMatchObject({ kind: 'ranked', minChoices: 1, maxChoices: 3 });
  });

  it('reads dates in the reader’s time zone', async () => {
    await room.app.db.update(users).set({ timeZone: 'Asia/Seoul' }).where(eq(users.id, room.ids.moderator));
    // The test clock is 2026-11-01 09:00 UTC = 18:00 in Seoul.
    const id = await createPoll(room.moderator, room.clubId, { opensAt: '2026-11-02T20:00', closesAt: '2026-11-09T20:00' });
    expect(await pollRow(room, id)).toMatchObject({ opensAt: Date.UTC(2026, 10, 2, 11, 0), closesAt: Date.UTC(2026, 10, 9, 11, 0) });
    const form = await (await room.moderator.get(`${base()}/${id}/edit`)).text();
    expect(form).toContain('value="2026-11-09T20:00"');
    expect(form).toContain('Asia/Seoul');
  });

  it('adds an option box without JavaScript and without writing anything', async () => {
    const response = await room.moderator.post(base(), pollFields({ intent: 'add_option', option_4: 'Fourth' }));
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('name="option_5"');
    expect(html).toContain('value="Fourth"');
    expect(await pollCount(room)).toBe(0);
  });

  const refusals: [string, Record<string, string>, string][] = [
    ['an empty question', { question: '   ' }, 'Write a question of 1 to 300 characters.'],
    ['a question over 300 characters', { question: 'x'.repeat(301) }, 'Write a question of 1 to 300 characters.'],
    ['fewer than two options', { option_2: '', option_3: '' }, 'Give between 2 and 20 options.'],
    ['more than twenty options', Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`option_${i + 1}`, `Option ${i + 1}`])), 'Give between 2 and 20 options.'],
    ['duplicate options (case, spaces, NFC)', { option_1: 'Ha  Gang', option_2: ' ha gang' }, 'Two options are the same'],
    ['duplicate Hangul options in NFD and NFC', { option_1: '한강', option_2: '한강'.normalize('NFD') }, 'Two options are the same'],
    ['an option of only spaces', { option_2: '   ' }, 'An option cannot be blank.'],
    ['an option of only invisible characters', { option_2: '\u200b\u200d' }, 'An option cannot be blank.'],
    ['an option over 200 characters', { option_2: '가'.repeat(201) }, 'Each option can be at most 200 characters long.'],
    ['an unknown kind', { kind: 'approval' }, 'Choose single, multiple or ranked choice.'],
    ['min above max', { kind: 'multiple', minChoices: '3', maxChoices: '2' }, 'Picks must be whole numbers'],
    ['max above the options', { kind: 'multiple', minChoices: '1', maxChoices: '4' }, 'Picks must be whole numbers'],
    ['a min of zero', { kind: 'multiple', minChoices: '0', maxChoices: '2' }, 'Picks must be whole numbers'],
    ['non-numeric picks', { kind: 'multiple', minChoices: 'two', maxChoices: '2' }, 'Picks must be whole numbers'],
    ['unknown voters', { voters: 'secret' }, 'Choose anonymous or public votes.'],
    ['unknown results setting', { resultsVisibility: 'never' }, 'Choose when results are visible.'],
    ['after_chapter on a club poll', { resultsVisibility: 'after_chapter' }, 'only for polls on a chapter'],
    ['a malformed date', { closesAt: '2026-02-30T10:00' }, 'Enter a date and time'],
    ['closing before opening', { opensAt: '2026-11-05T10:00', closesAt: '2026-11-04T10:00' }, 'The closing time must be after the opening time.'],
    ['closing in the past', { closesAt: '2026-10-01T10:00' }, 'The closing time must be in the future.'],
    ['a chapter of another book', { target: 'chapter:999999' }, 'Choose the whole club or a chapter'],
    ['a nonsense target', { target: 'everywhere' }, 'Choose the whole club or a chapter'],
  ];
  for (const [name, overrides, message] of refusals) {
    it(`refuses ${name} with 422, keeps the input and writes nothing`, async () => {
      const fields = pollFields({ question: 'Kept question 그대로', ...overrides });
      const response = await room.moderator.post(base(), fields);
      expect(response.status).toBe(422);
      const html = await response.text();
      expect(html).toContain(message);
      if (!('question' in overrides)) expect(html).toContain('Kept question 그대로');
      if (!('option_1' in overrides)) expect(html).toContain('value="The first evening"');
      expect(await pollCount(room)).toBe(0);
    });
  }

  it('shows Korean error messages to Korean readers', async () => {
    room.moderator.acceptLanguage = 'ko';
    const response = await room.moderator.post(base(), pollFields({ option_2: '', option_3: '' }));
    expect(response.status).toBe(422);
    expect(await response.text()).toContain('선택지를 2개에서 20개 사이로 넣어 주세요.');
  });

  it('refuses a chapter of another club’s reading', async () => {
    const other = await roomIn(room.app, { prefix: 'x' });
    const response = await room.moderator.post(base(), pollFields({ target: `chapter:${other.chapters[0]!.id}` }));
    expect(response.status).toBe(422);
    expect(await pollCount(room)).toBe(0);
  });

  it('refuses members, outsiders and signed-out readers', async () => {
    expect((await room.members[0].get(`${base()}/new`)).status).toBe(403);
    expect((await room.members[0].post(base(), pollFields())).status).toBe(403);
    expect((await room.outsider.post(base(), pollFields())).status).toBe(404);
    const signedOut = await room.anonymous.post(base(), pollFields());
    expect(signedOut.status).toBe(404); // a private club does not exist for them
    expect(await pollCount(room)).toBe(0);
  });
});

describe('editing a poll', () => {
  it('changes question, options and settings before the first vote', async () => {
    const id = await createPoll(room.moderator, room.clubId);
    const response = await room.moderator.post(`${base()}/${id}/edit`, pollFields({ question: 'Edited?', option_1: 'Yes', option_2: 'No', option_3: '', kind: 'multiple', minChoices: '1', maxChoices: '2', voters: 'public' }));
    expect(response.status).toBe(303);
    expect(await pollRow(room, id)).toMatchObject({ question: 'Edited?', kind: 'multiple', maxChoices: 2, voters: 'public' });
    expect(await optionLabelsOf(room, id)).toEqual(['Yes', 'No']);
  });

  it('refuses a bad edit and keeps what was typed', async () => {
    const id = await createPoll(room.moderator, room.clubId);
    const response = await room.moderator.post(`${base()}/${id}/edit`, pollFields({ question: 'Typed but wrong', option_2: 'the FIRST evening' }));
    expect(response.status).toBe(422);
    const html = await response.text();
    expect(html).toContain('Typed but wrong');
    expect(html).toContain('Two options are the same');
    expect((await pollRow(room, id))!.question).toBe('Which chapter should we discuss first?');
  });

  it('after the first vote only the closing time may change', async () => {
    const id = await createPoll(room.moderator, room.clubId);
    const [first] = await optionIdsOf(room, id);
    expect((await room.members[0].post(`${base()}/${id}/vote`, { choice: first! })).status).toBe(303);

    const form = await (await room.moderator.get(`${base()}/${id}/edit`)).text();
    expect(form).toContain('only the closing time can change');
    expect(form).not.toContain('name="question"');

    const changed = await room.moderator.post(`${base()}/${id}/edit`, pollFields({ question: 'Sneaky change', closesAt: localValue(room.app.clock.now + 2 * HOUR) }));
    expect(changed.status).toBe(422);
    expect(await changed.text()).toContain('Members have already voted, so only the closing time can change.');
    expect(await pollRow(room, id)).toMatchObject({ question: 'Which chapter should we discuss first?', closesAt: null });

    const options = await room.moderator.post(`${base()}/${id}/edit`, { option_1: 'Other', option_2: 'Options', closesAt: '' });
    expect(options.status).toBe(422);

    const closing = localValue(room.app.clock.now + 2 * HOUR);
    const ok = await room.moderator.post(`${base()}/${id}/edit`, { closesAt: closing });
    expect(ok.status).toBe(303);
    expect((await pollRow(room, id))!.closesAt).toBe(Math.floor((room.app.clock.now + 2 * HOUR) / 60_000) * 60_000);

    const past = await room.moderator.post(`${base()}/${id}/edit`, { closesAt: localValue(room.app.clock.now - HOUR) });
    expect(past.status).toBe(422);
    expect(await past.text()).toContain('The closing time must be in the future.');
    expect(await voteCount(room, id)).toBe(1);
  });

  it('is refused to members (403) and for a poll of another club (404)', async () => {
    const id = await createPoll(room.moderator, room.clubId);
    expect((await room.members[0].get(`${base()}/${id}/edit`)).status).toBe(403);
    expect((await room.members[0].post(`${base()}/${id}/edit`, pollFields({ question: 'Mine now' }))).status).toBe(403);
    const other = await roomIn(room.app, { prefix: 'y' });
    const foreign = await createPoll(other.moderator, other.clubId);
    // Our moderator, their poll id, our club in the path: as if it did not exist.
    expect((await room.moderator.get(`${base()}/${foreign}/edit`)).status).toBe(404);
    expect((await room.moderator.post(`${base()}/${foreign}/edit`, pollFields({ question: 'Hijack' }))).status).toBe(404);
    expect((await pollRow(room, foreign))!.question).toBe('Which chapter should we discuss first?');
    expect((await pollRow(room, id))!.question).toBe('Which chapter should we discuss first?');
  });
});

describe('closing, reopening, deleting', () => {
  it('closes by hand, refuses votes, and reopens', async () => {
    const id = await createPoll(room.moderator, room.clubId);
    const [first] = await optionIdsOf(room, id);
    const closed = await room.moderator.post(`${base()}/${id}/close`, { next: `${base()}/${id}` });
    expect(closed.status).toBe(303);
    expect((await pollRow(room, id))!.closedAt).toBe(room.app.clock.now);

    const vote = await room.members[0].post(`${base()}/${id}/vote`, { choice: first! });
    expect(vote.status).toBe(422);
    expect(await vote.text()).toContain('This poll is closed');
    expect(await voteCount(room, id)).toBe(0);

    expect((await room.moderator.post(`${base()}/${id}/reopen`, {})).status).toBe(303);
    expect((await pollRow(room, id))!.closedAt).toBeNull();
    expect((await room.members[0].post(`${base()}/${id}/vote`, { choice: first! })).status).toBe(303);
    expect(await voteCount(room, id)).toBe(1);
  });

  it('closes at its date with nobody visiting, and reopens with a later date', async () => {
    const id = await createPoll(room.moderator, room.clubId, { closesAt: localValue(room.app.clock.now + HOUR) });
    const [first] = await optionIdsOf(room, id);
    room.app.clock.advance(HOUR);
    const vote = await room.members[0].post(`${base()}/${id}/vote`, { choice: first! });
    expect(vote.status).toBe(422);
    expect((await pollRow(room, id))!.closedAt).toBeNull(); // nothing was written to close it

    const tooEarly = await room.moderator.post(`${base()}/${id}/reopen`, { closesAt: localValue(room.app.clock.now - HOUR) });
    expect(tooEarly.status).toBe(422);
    expect(await tooEarly.text()).toContain('The closing time must be in the future.');

    const later = room.app.clock.now + 3 * HOUR;
    expect((await room.moderator.post(`${base()}/${id}/reopen`, { closesAt: localValue(later) })).status).toBe(303);
    expect((await pollRow(room, id))!.closesAt).toBe(Math.floor(later / 60_000) * 60_000);
    expect((await room.members[0].post(`${base()}/${id}/vote`, { choice: first! })).status).toBe(303);
  });

  it('reopening a poll closed by its date without a new date makes it close by hand', async () => {
    const id = await createPoll(room.moderator, room.clubId, { closesAt: localValue(room.app.clock.now + HOUR) });
    room.app.clock.advance(2 * HOUR);
    expect((await room.moderator.post(`${base()}/${id}/reopen`, { closesAt: '' })).status).toBe(303);
    expect(await pollRow(room, id)).toMatchObject({ closesAt: null, closedAt: null });
  });

  it('a closing date can also be moved later through the edit form', async () => {
    const id = await createPoll(room.moderator, room.clubId, { closesAt: localValue(room.app.clock.now + HOUR) });
    room.app.clock.advance(2 * HOUR);
    const later = localValue(room.app.clock.now + HOUR);
    expect((await room.moderator.post(`${base()}/${id}/edit`, pollFields({ closesAt: later }))).status).toBe(303);
    const page = await (await room.members[0].get(`${base()}/${id}`)).text();
    expect(page).toContain('name="choice"');
  });

  it('with htmx, close and reopen return the card', async () => {
    const id = await createPoll(room.moderator, room.clubId);
    const closed = await room.moderator.htmx(`${base()}/${id}/close`, { method: 'POST', fields: { next: `/clubs/${room.clubId}` } });
    expect(closed.status).toBe(200);
    const html = await closed.text();
    expect(html.startsWith('<section class="poll-card')).toBe(true);
    expect(html).toContain('Reopen');
    expect(html).toContain(`name="next" value="/clubs/${room.clubId}"`);
  });

  it('deletes a poll and its votes', async () => {
    const id = await createPoll(room.moderator, room.clubId);
    const [first] = await optionIdsOf(room, id);
    await room.members[0].post(`${base()}/${id}/vote`, { choice: first! });
    const response = await room.owner.post(`${base()}/${id}/delete`, { next: `${base()}/${id}` });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe(base());
    expect(await pollRow(room, id)).toBeUndefined();
    expect(await voteCount(room, id)).toBe(0);
    expect((await room.members[0].get(`${base()}/${id}`)).status).toBe(404);
  });

  it('close, reopen and delete are refused to members and for another club’s poll', async () => {
    const id = await createPoll(room.moderator, room.clubId);
    for (const action of ['close', 'reopen', 'delete']) {
      expect((await room.members[0].post(`${base()}/${id}/${action}`, {})).status).toBe(403);
      expect((await room.outsider.post(`${base()}/${id}/${action}`, {})).status).toBe(404);
    }
    const other = await roomIn(room.app, { prefix: 'z' });
    const foreign = await createPoll(other.moderator, other.clubId);
    for (const action of ['close', 'reopen', 'delete']) {
      expect((await room.moderator.post(`${base()}/${foreign}/${action}`, {})).status).toBe(404);
    }
    expect(await pollRow(room, foreign)).toMatchObject({ closedAt: null });
    expect(await pollRow(room, id)).toMatchObject({ closedAt: null });
  });
});

describe('listing', () => {
  it('groups polls and hides chapter polls whose chapter has not opened for the reader', async () => {
    const chapter3 = room.chapters[2]!;
    await scheduleChapterRow(room.app, room.readingId, chapter3.id, room.app.clock.now + 24 * HOUR);
    await createPoll(room.moderator, room.clubId, { question: 'Open club poll' });
    await createPoll(room.moderator, room.clubId, { question: 'Hidden chapter poll', target: `chapter:${chapter3.id}` });
    await createPoll(room.moderator, room.clubId, { question: 'Upcoming poll', opensAt: localValue(room.app.clock.now + HOUR) });

    const memberList = await (await room.members[0].get(base())).text();
    expect(memberList).toContain('Open club poll');
    expect(memberList).toContain('Upcoming poll');
    expect(memberList).not.toContain('Hidden chapter poll');
    expect(memberList).not.toContain('New poll');

    const modList = await (await room.moderator.get(base())).text();
    expect(modList).toContain('Hidden chapter poll');
    expect(modList).toContain('New poll');
    expect((await room.outsider.get(base())).status).toBe(404);
  });
});
