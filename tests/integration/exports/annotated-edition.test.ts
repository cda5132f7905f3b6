/**
 * The club's annotated edition: who may have it (a matrix: role × club, ids of another club →
 * 404 exactly like ids that do not exist), and what it holds — the club's visible discussion,
 * never private notes or moderated comments; names or stable numbers; poll results only where
 * `pollResultsVisibleTo` shows them.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { EXPORT_ACTIONS, exportCan } from '../../../src/exports/policy';
import { accessFor } from '../../../src/clubs/access';
import { createClubRow, importSampleBook, startReadingRow } from '../../helpers/fixtures';
import { makeRoom, type AnnotationRoom } from '../annotations/room';
import { createPoll, optionIdsOf } from '../polls/room';
import { postComment } from './world';

let room: AnnotationRoom;
afterEach(() => room?.testApp.close());

const club = (visibility: 'private' | 'public') => ({ id: 1, name: 'c', description: '', language: 'en', visibility, createdAt: 0 });

describe('exportCan (pure matrix)', () => {
  const expected = {
    owner: { exportOwn: true, importOwn: true, annotatedEdition: true },
    moderator: { exportOwn: true, importOwn: true, annotatedEdition: true },
    member: { exportOwn: true, importOwn: true, annotatedEdition: false },
    visitor: { exportOwn: false, importOwn: false, annotatedEdition: false },
  } as const;
  for (const visibility of ['private', 'public'] as const) {
    for (const role of ['owner', 'moderator', 'member', null] as const) {
      it(`${role ?? 'non-member'} of a ${visibility} club`, () => {
        const access = accessFor(club(visibility), 7, role);
        for (const action of EXPORT_ACTIONS) {
          const want = role === null ? false : expected[role][action];
          expect(exportCan(access.canSee ? access : null, action), action).toBe(want);
        }
        expect(exportCan(null, 'annotatedEdition')).toBe(false);
        expect(exportCan(accessFor(club(visibility), null, null), 'exportOwn')).toBe(false);
      });
    }
  }
});

describe('the annotated edition over HTTP', () => {
  const path = (clubId: number, rest = '', query = '?chapter=all&names=names') => `/clubs/${clubId}/annotated-edition${rest}${rest ? query : ''}`;

  it('answers by role: owner and moderator have it, a member is refused, others and other clubs’ ids are 404', async () => {
    room = await makeRoom();
    const otherOwnerClub = await createClubRow(room.testApp, { ownerId: room.ids.outsider, name: 'Other' });
    const otherBook = await importSampleBook(room.testApp, { title: 'Other book' });
    const otherReading = await startReadingRow(room.testApp, otherOwnerClub.id, otherBook.editionId);
    for (const rest of ['', '/print', '/download.md']) {
      expect((await room.owner.get(path(room.clubId, rest))).status, `owner ${rest}`).toBe(200);
      expect((await room.moderator.get(path(room.clubId, rest))).status, `moderator ${rest}`).toBe(200);
      expect((await room.alice.get(path(room.clubId, rest))).status, `member ${rest}`).toBe(403);
      expect((await room.outsider.get(path(room.clubId, rest))).status, `non-member ${rest}`).toBe(404);
      expect((await room.visitor.get(path(room.clubId, rest))).status, `signed out ${rest}`).toBe(404);
      expect((await room.owner.get(path(999999, rest))).status, `missing club ${rest}`).toBe(404);
      // A reading of another club, asked for through this club, does not exist here.
      expect((await room.owner.get(`/clubs/${room.clubId}/annotated-edition${rest}?reading=${otherReading.id}&chapter=all&names=names`)).status, `other reading ${rest}`).toBe(404);
      expect((await room.outsider.get(`/clubs/${otherOwnerClub.id}/annotated-edition${rest}?reading=${room.readingId}&chapter=all&names=names`)).status, `other reading ${rest}`).toBe(404);
    }
    const bad = await room.owner.get(path(room.clubId, '/print', '?chapter=99&names=names'));
    expect(bad.status).toBe(422);
    expect(await bad.text()).toContain('Choose a chapter of this book');
    expect((await room.owner.get(path(room.clubId, '/print', '?chapter=1&names=everyone'))).status).toBe(422);
  });

  it('holds the visible discussion only, names or stable numbers, and poll results where visible', async () => {
    room = await makeRoom();
    for (const who of ['alice', 'bob', 'owner', 'moderator'] as const) await room.setProgress(who, 21);
    const aliceRoot = await postComment(room, room.alice, { chapter: 1, paragraph: 2, passage: '등불 하나가', body: 'Alice on the lamp, hi @' + room.usernames.bob });
    await postComment(room, room.bob, { chapter: 1, paragraph: 2, parentId: aliceRoot, body: 'Bob answers' });
    await postComment(room, room.alice, { chapter: 1, paragraph: 3, body: 'Alice private note', visibility: 'private' });
    const hidden = await postComment(room, room.bob, { chapter: 1, paragraph: 4, body: 'Bob hidden words' });
    expect((await room.moderator.post(`/clubs/${room.clubId}/comments/${hidden}/moderate`, { action: 'hide', reason: 'off topic' })).status).toBe(303);
    await postComment(room, room.bob, { chapter: 2, paragraph: 2, body: 'Bob in chapter 2' });

    const optionIds = (pollId: number) => optionIdsOf({ app: room.testApp }, pollId);
    const openPoll = await createPoll(room.moderator, room.clubId, { target: `chapter:${room.chapters[0]!.id}`, question: 'Always visible?', resultsVisibility: 'always' });
    const closedPoll = await createPoll(room.moderator, room.clubId, { target: `chapter:${room.chapters[0]!.id}`, question: 'Hidden until close?', resultsVisibility: 'after_close' });
    const [first] = await optionIds(openPoll);
    expect((await room.alice.post(`/clubs/${room.clubId}/polls/${openPoll}/vote`, { choice: first! })).status).toBe(303);
    const [second] = await optionIds(closedPoll);
    expect((await room.alice.post(`/clubs/${room.clubId}/polls/${closedPoll}/vote`, { choice: second! })).status).toBe(303);

    const named = await (await room.moderator.get(path(room.clubId, '/print', '?chapter=1&names=names'))).text();
    expect(named).toContain('Alice on the lamp');
    expect(named).toContain('Bob answers');
    expect(named).toContain(`>${room.usernames.alice}<`);
    expect(named).not.toContain('Alice private note');
    expect(named).not.toContain('Bob hidden words');
    expect(named).not.toContain('Bob in chapter 2'); // one chapter asked for
    expect(named).toContain('Always visible?');
    expect(named).toMatch(/The first evening: 1 vote \(100%\)/);
    expect(named).toContain('Results not visible yet.');
    expect(named).toContain('annotated-edition.css');
    expect(named).not.toMatch(/style="/);

    const anonymous = await (await room.owner.get(path(room.clubId, '/print', '?chapter=all&names=anonymous'))).text();
    expect(anonymous).not.toContain(room.usernames.alice);
    expect(anonymous).not.toContain(room.usernames.bob);
    expect(anonymous).toContain('>Member 1<');
    expect(anonymous).toContain('>Member 2<');
    expect(anonymous).toContain('hi @Member 2'); // the mention follows the pseudonym
    expect(anonymous).toContain('Bob in chapter 2');

    const md = await room.owner.get(path(room.clubId, '/download.md', '?chapter=all&names=anonymous'));
    expect(md.headers.get('content-type')).toBe('text/markdown; charset=utf-8');
    expect(md.headers.get('content-disposition')).toMatch(/^attachment; /);
    const text = await md.text();
    expect(text).toContain('> **Member 1**: Alice on the lamp');
    expect(text).toContain('> > **Member 2**: Bob answers');
    expect(text).not.toContain('Alice private note');
    expect(text).not.toContain('Bob hidden words');
    // After the paragraph it is on (the chapter's first text paragraph), before the next one.
    expect(text.indexOf('Paragraph 1 of chapter 1')).toBeLessThan(text.indexOf('Alice on the lamp'));
    expect(text.indexOf('Alice on the lamp')).toBeLessThan(text.indexOf('Paragraph 2 of chapter 1'));
  });

  it('the Korean page speaks Korean and keeps the book’s own language and direction on its text', async () => {
    room = await makeRoom();
    room.owner.acceptLanguage = 'ko';
    const form = await (await room.owner.get(path(room.clubId))).text();
    expect(form).toContain('모임 주석판');
    const page = await (await room.owner.get(path(room.clubId, '/print', '?chapter=1&names=names'))).text();
    expect(page).toContain('<html lang="ko">');
    expect(page).toContain('<p class="ae-text" lang="en" dir="ltr">');
  });
});
