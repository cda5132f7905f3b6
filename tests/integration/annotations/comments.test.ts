/**
 * Annotations through HTTP against a real database: posting on paragraphs, passages and the
 * chapter thread, replies and quotes, the spoiler gate in every output, reveal and undo,
 * private notes, edit and history, delete, moderation, reactions, limits, and ids from
 * another club. Each refusal is asserted with its status and with nothing written.
 */
import { count, eq, sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { rows as rawRows } from '../../../db/connection';
import { clubs, commentRevisions, comments, reactions, spoilerReveals } from '../../../db/schema';
import { selectorFor } from '../../../src/annotations/selectors';
import { COMMENT_MAX_CHARS } from '../../../src/annotations/markdown';
import { scheduleChapterRow } from '../../helpers/fixtures';
import type { Client } from '../../helpers/app';
import { byClass, byId, textOf } from './html';
import { makeReadingRoom, makeRoom, type AnnotationRoom } from './room';

let room: AnnotationRoom;

beforeEach(async () => {
  // Alice has read the whole book, Bob only chapter 1 (positions 1–7).
  room = await makeReadingRoom();
});
afterEach(() => room.testApp.close());

interface CommentDbRow {
  id: number;
  club_id: number;
  reading_id: number;
  chapter_id: number;
  paragraph_id: number | null;
  parent_id: number | null;
  root_id: number | null;
  anchor_position: number;
  passage_start: number | null;
  passage_end: number | null;
  passage_exact: string | null;
  passage_prefix: string | null;
  passage_suffix: string | null;
  quoted_text: string | null;
  author_id: number;
  body: string;
  visibility: string;
  edited_at: number | null;
  deleted_at: number | null;
  moderation: string | null;
  moderation_reason: string | null;
}

const rows = () => rawRows<CommentDbRow>(room.testApp.db, sql`select * from comments order by id`);
const rowById = async (id: number) => (await rows()).find((row) => row.id === id);
const lastId = async () => (await rows()).at(-1)!.id;
/** How many rows `table` holds. */
const countOf = async (table: typeof spoilerReveals | typeof commentRevisions | typeof reactions) => (await room.testApp.db.select({ n: count() }).from(table))[0]!.n;
const url = (path: string) => `/clubs/${room.clubId}${path}`;
/** Chapter 2, paragraph ordinal 3 (position 10): the one most tests talk about. */
const para = () => room.paragraphs(2)[2]!;

async function comment(client: Client, fields: Record<string, string | number>) {
  const response = await client.post(url('/comments'), fields);
  return response;
}

async function commentOn(client: Client, body: string, paragraphId = para().id, extra: Record<string, string | number> = {}) {
  const response = await comment(client, { paragraph_id: paragraphId, body, ...extra });
  expect(response.status, await response.clone().text()).toBe(303);
  return await lastId();
}

async function fragment(client: Client, paragraphId = para().id, query = '') {
  const response = await client.get(url(`/paragraphs/${paragraphId}/comments${query}`), { 'hx-request': 'true' });
  return { status: response.status, html: await response.text() };
}

describe('posting', () => {
  it('a root is its own thread root and a reply points at it (set by the database)', async () => {
    const root = await commentOn(room.alice, 'root');
    await room.setProgress('bob', para().position);
    const reply = await commentOn(room.bob, 'reply', para().id, { parent_id: root });
    const rootOf = async (id: number) => (await room.testApp.db.select({ r: comments.rootId }).from(comments).where(eq(comments.id, id)))[0]!.r;
    expect(await rootOf(root)).toBe(root);
    expect(await rootOf(reply)).toBe(root);
  });

  it('posts on a paragraph and redirects to the paragraph on the chapter page', async () => {
    const response = await comment(room.alice, { paragraph_id: para().id, body: '  The lamp again!  ' });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe(`/clubs/${room.clubId}/chapters/2#p-3`);
    const row = (await rows())[0]!;
    expect(row).toMatchObject({ paragraph_id: para().id, chapter_id: room.chapters[1]!.id, anchor_position: 10, body: 'The lamp again!', visibility: 'club', passage_start: null, author_id: room.ids.alice });
    expect(row.root_id).toBe(row.id);
  });

  it('posts on a passage: both selectors are checked against the text and stored', async () => {
    const text = para().text;
    const start = text.indexOf('등불');
    const selector = selectorFor(text, start, start + 5);
    const response = await comment(room.alice, {
      paragraph_id: para().id,
      body: 'Korean passage',
      passage_start: selector.start,
      passage_end: selector.end,
      passage_exact: selector.exact,
      passage_prefix: selector.prefix,
      passage_suffix: selector.suffix,
    });
    expect(response.status).toBe(303);
    expect((await rows())[0]).toMatchObject({ passage_start: start, passage_end: start + 5, passage_exact: '등불 하나', passage_prefix: selector.prefix, passage_suffix: selector.suffix });
    expect(selector.prefix.length).toBe(32);
  });

  it('derives prefix and suffix when they are not sent, and accepts a passage at the very start', async () => {
    const text = para().text;
    const response = await comment(room.alice, { paragraph_id: para().id, body: 'x', passage_start: 0, passage_end: 9, passage_exact: text.slice(0, 9) });
    expect(response.status).toBe(303);
    expect((await rows())[0]).toMatchObject({ passage_prefix: '', passage_suffix: text.slice(9, 41) });
  });

  it.each([
    ['exact that does not match', { passage_start: 0, passage_end: 9, passage_exact: 'Something' }],
    ['positions out of range', { passage_start: 0, passage_end: 9999, passage_exact: 'Paragraph' }],
    ['a wrong prefix', { passage_start: 10, passage_end: 12, passage_exact: 'of', passage_prefix: 'XX' }],
    ['non-numeric offsets', { passage_start: 'a', passage_end: 'b', passage_exact: 'Paragraph' }],
    ['an empty passage', { passage_start: 3, passage_end: 3, passage_exact: '' }],
  ])('refuses a passage with %s (422, translated, nothing stored)', async (_name, fields) => {
    const response = await comment(room.alice, { paragraph_id: para().id, body: 'kept text', ...fields });
    expect(response.status).toBe(422);
    const html = await response.text();
    expect(html).toContain('The selected passage does not match');
    expect(html).toContain('kept text');
    // The form comes back without the refused passage, so sending it again anchors to the paragraph.
    expect(html).not.toContain('name="passage_start"');
    expect(await rows()).toHaveLength(0);
  });

  it('says the refusal in Korean to a Korean reader', async () => {
    room.alice.acceptLanguage = 'ko';
    await room.alice.post('/locale', { locale: 'ko', next: '/' });
    const response = await comment(room.alice, { paragraph_id: para().id, body: 'x', passage_start: 0, passage_end: 9, passage_exact: 'Something' });
    expect(response.status).toBe(422);
    expect(await response.text()).toContain('선택한 구절이 문단의 글과 맞지 않아요');
  });

  it('refuses a passage too long, and a passage without a paragraph', async () => {
    const long = await comment(room.alice, { chapter_id: room.chapters[1]!.id, body: 'x', passage_start: 0, passage_end: 3, passage_exact: 'abc' });
    expect(long.status).toBe(422);
    expect(await long.text()).toContain('A passage must belong to a paragraph');
    expect(await rows()).toHaveLength(0);
  });

  it('posts on the chapter thread, anchored at the chapter’s last paragraph', async () => {
    const response = await comment(room.alice, { chapter_id: room.chapters[1]!.id, body: 'What an ending' });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe(`/clubs/${room.clubId}/chapters/2#discussion`);
    expect((await rows())[0]).toMatchObject({ paragraph_id: null, anchor_position: 14 });
  });

  it('refuses an empty body and a body over the limit, keeping what was typed', async () => {
    for (const body of ['', '   \n\t ', '\u200B\u200D']) {
      const response = await comment(room.alice, { paragraph_id: para().id, body });
      expect(response.status).toBe(422);
      expect(await response.text()).toContain('the comment is empty');
    }
    const tooLong = `${'x'.repeat(COMMENT_MAX_CHARS)}y`;
    const response = await comment(room.alice, { paragraph_id: para().id, body: tooLong });
    expect(response.status).toBe(422);
    const html = await response.text();
    expect(html).toContain('at most 10,000 characters');
    expect(html).toContain(tooLong);
    expect(await rows()).toHaveLength(0);
    const exact = await comment(room.alice, { paragraph_id: para().id, body: 'x'.repeat(COMMENT_MAX_CHARS) });
    expect(exact.status).toBe(303);
  });

  it('refuses an unknown visibility', async () => {
    const response = await comment(room.alice, { paragraph_id: para().id, body: 'x', visibility: 'everyone' });
    expect(response.status).toBe(422);
    expect(await rows()).toHaveLength(0);
  });

  it('with htmx, answers the refreshed threads and the margin summary instead of a redirect', async () => {
    const response = await room.alice.post(url('/comments'), { paragraph_id: para().id, body: 'Via htmx' }, { 'hx-request': 'true' });
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).not.toContain('<html');
    expect(textOf(byClass(html, 'comment-body'))).toBe('Via htmx');
    expect(html).toContain(`<hx-partial hx-target="#margin-summary-${para().id}" hx-swap="outerHTML settle:0">`);
    expect(textOf(byClass(html, 'comment-count'))).toBe('1 comment');
  });

  it('with htmx, a refusal is a 422 fragment with the form and its message', async () => {
    const response = await room.alice.post(url('/comments'), { paragraph_id: para().id, body: ' ' }, { 'hx-request': 'true' });
    expect(response.status).toBe(422);
    const html = await response.text();
    expect(html).not.toContain('<html');
    expect(textOf(byId(html, `body-new-p${para().id}-error`)!)).toContain('empty');
  });

  it('goes back to a same-origin return path, never elsewhere', async () => {
    const back = await comment(room.alice, { paragraph_id: para().id, body: 'a', return: `/clubs/${room.clubId}/paragraphs/${para().id}/comments` });
    expect(back.headers.get('location')).toBe(`/clubs/${room.clubId}/paragraphs/${para().id}/comments#c-${await lastId()}`);
    const evil = await comment(room.alice, { paragraph_id: para().id, body: 'b', return: '//evil.example/x' });
    expect(evil.headers.get('location')).toBe(`/clubs/${room.clubId}/chapters/2#p-3`);
  });

  it('limits posting per reader (429 with Retry-After)', async () => {
    await room.testApp.close();
    room = await makeRoom({ rateLimits: { postingPerUser: { limit: 3, windowMs: 60_000 } } });
    await room.setProgress('alice', 21);
    for (let i = 0; i < 3; i++) expect((await comment(room.alice, { paragraph_id: para().id, body: `n${i}` })).status).toBe(303);
    const refused = await comment(room.alice, { paragraph_id: para().id, body: 'one too many' });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await rows()).toHaveLength(3);
    room.testApp.clock.advance(61_000);
    expect((await comment(room.alice, { paragraph_id: para().id, body: 'later' })).status).toBe(303);
  });
});

describe('reading threads', () => {
  it('shows a paragraph’s threads as a fragment with htmx and as a whole page without', async () => {
    await commentOn(room.alice, 'First thoughts');
    const withHtmx = await fragment(room.alice);
    expect(withHtmx.status).toBe(200);
    expect(withHtmx.html).not.toContain('<html');
    const page = await room.alice.get(url(`/paragraphs/${para().id}/comments`));
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('<!doctype html>');
    expect(html).toContain('Comments on paragraph 3');
    expect(html).toContain(para().text.slice(0, 20));
    expect(textOf(byClass(html, 'comment-body'))).toBe('First thoughts');
    expect(html).toContain(`href="/clubs/${room.clubId}/chapters/2#p-3"`);
  });

  it('orders threads in reading order or newest first; replies stay oldest first', async () => {
    const whole = await commentOn(room.alice, 'whole paragraph');
    room.testApp.clock.advance(1000);
    const late = selectorFor(para().text, 20, 27);
    await commentOn(room.alice, 'on a later passage', para().id, { passage_start: late.start, passage_end: late.end, passage_exact: late.exact });
    room.testApp.clock.advance(1000);
    await comment(room.owner, { parent_id: whole, body: 'reply one' });
    room.testApp.clock.advance(1000);
    await comment(room.moderator, { parent_id: whole, body: 'reply two' });

    const reading = await fragment(room.alice);
    expect(byClass(reading.html, 'comment-body').map(textOf)).toEqual(['whole paragraph', 'reply one', 'reply two', 'on a later passage']);
    const newest = await fragment(room.alice, para().id, '?order=newest');
    expect(byClass(newest.html, 'comment-body').map(textOf)).toEqual(['on a later passage', 'whole paragraph', 'reply one', 'reply two']);
    expect(newest.html).toContain('aria-current="true"');
  });

  it('shows the chapter discussion as a fragment and a page', async () => {
    await comment(room.alice, { chapter_id: room.chapters[1]!.id, body: 'About the whole chapter' });
    const page = await room.alice.get(url(`/discussion/${room.chapters[1]!.id}`));
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('About the whole chapter');
    const htmx = await room.alice.get(url(`/discussion/${room.chapters[1]!.id}`), { 'hx-request': 'true' });
    expect(textOf(byClass(await htmx.text(), 'comment-body'))).toBe('About the whole chapter');
  });

  it('renders Markdown safely and links @mentions of members to the member list', async () => {
    await commentOn(room.alice, `Agree with @${room.usernames.bob} and @${room.usernames.outsider} and @nobody_here — *really* [link](https://example.org) <b>raw</b>`);
    const { html } = await fragment(room.alice);
    const body = byClass(html, 'comment-body')[0]!;
    const links = byClass(html, 'mention');
    expect(links).toHaveLength(1);
    expect(links[0]!.attribs.href).toBe(`/clubs/${room.clubId}#member-${room.usernames.bob}`);
    expect(textOf(body)).toContain(`@${room.usernames.outsider}`);
    expect(textOf(body)).toContain('@nobody_here');
    expect(html).toContain('rel="nofollow ugc noopener"');
    expect(html).toContain('&lt;b&gt;raw&lt;/b&gt;');
    const home = await (await room.alice.get(`/clubs/${room.clubId}`)).text();
    expect(home).toContain(`id="member-${room.usernames.bob.toLowerCase()}"`);
  });
});

describe('a comment’s forms in a thread fragment', () => {
  it('the fragment carries one opener per comment; its forms load on demand, and without htmx lead to the threads page', async () => {
    const id = await commentOn(room.alice, 'Open me');
    const { html } = await fragment(room.owner);
    const opener = byClass(html, 'comment-action').find((el) => el.name === 'details')!;
    expect(opener.attribs['hx-get']).toBe(url(`/comments/${id}/forms`));
    expect(html).not.toContain('<textarea id="body-reply-');
    const forms = await room.owner.get(url(`/comments/${id}/forms`), { 'hx-request': 'true' });
    expect(forms.status).toBe(200);
    const formsHtml = await forms.text();
    expect(formsHtml).toContain(`id="body-reply-${id}"`);
    expect(formsHtml).toContain(`name="parent_id" value="${id}"`);
    expect(byClass(formsHtml, 'reaction').map((el) => el.attribs.value)).toEqual(['like', 'insightful', 'funny', 'moved', 'question']);
    expect(formsHtml).toContain(url(`/comments/${id}/moderate`));
    const plain = await room.owner.get(url(`/comments/${id}/forms`));
    expect(plain.status).toBe(303);
    expect(plain.headers.get('location')).toBe(url(`/paragraphs/${para().id}/comments#c-${id}`));
  });

  it('are as missing as the comment for a reader it is hidden from', async () => {
    const id = await commentOn(room.alice, 'Further on');
    expect((await room.bob.get(url(`/comments/${id}/forms`), { 'hx-request': 'true' })).status).toBe(404);
    expect((await room.visitor.get(url(`/comments/${id}/forms`), { 'hx-request': 'true' })).status).toBe(404);
  });
});

describe('the spoiler gate', () => {
  it('hides a comment further on, shows only its count, and shows it once the reader gets there', async () => {
    await commentOn(room.alice, 'Secret of chapter 2');
    const before = await fragment(room.bob);
    expect(before.status).toBe(200);
    expect(before.html).not.toContain('Secret of chapter 2');
    expect(textOf(byClass(before.html, 'hidden-count'))).toContain('1 comment further on');

    await room.setProgress('bob', 10);
    const after = await fragment(room.bob);
    expect(textOf(byClass(after.html, 'comment-body'))).toBe('Secret of chapter 2');
    expect(byClass(after.html, 'hidden-count')).toHaveLength(0);
  });

  it('replies follow their root’s anchor', async () => {
    const root = await commentOn(room.alice, 'root on position 10');
    await comment(room.owner, { parent_id: root, body: 'reply' });
    expect(await rowById(await lastId())).toMatchObject({ anchor_position: 10, root_id: root, parent_id: root, paragraph_id: para().id });
    await room.setProgress('bob', 9);
    expect((await fragment(room.bob)).html).not.toContain('reply');
    expect(textOf(byClass((await fragment(room.bob)).html, 'hidden-count'))).toContain('2 comments further on');
    await room.setProgress('bob', 10);
    expect(byClass((await fragment(room.bob)).html, 'comment-body').map(textOf)).toEqual(['root on position 10', 'reply']);
  });

  it('a chapter thread comment waits until the reader finished the chapter', async () => {
    await comment(room.alice, { chapter_id: room.chapters[1]!.id, body: 'the ending!' });
    await room.setProgress('bob', 13);
    const at13 = await room.bob.get(url(`/discussion/${room.chapters[1]!.id}`), { 'hx-request': 'true' });
    expect(await at13.text()).not.toContain('the ending!');
    await room.setProgress('bob', 14);
    const at14 = await room.bob.get(url(`/discussion/${room.chapters[1]!.id}`), { 'hx-request': 'true' });
    expect(await at14.text()).toContain('the ending!');
  });

  it('a reader cannot act on a comment they may not see yet: 404, as if it did not exist', async () => {
    const id = await commentOn(room.alice, 'ahead of bob');
    expect((await comment(room.bob, { parent_id: id, body: 'sneaky reply' })).status).toBe(404);
    expect((await room.bob.post(url(`/comments/${id}/react`), { reaction: 'like' })).status).toBe(404);
    expect((await room.bob.get(url(`/comments/${id}/history`))).status).toBe(404);
    expect(await rows()).toHaveLength(1);
  });

  it('reveal shows a chapter’s comments after a warning, is remembered, and can be undone', async () => {
    await commentOn(room.alice, 'spoiler!');
    const chapter2 = room.chapters[1]!;
    const page = await room.bob.get(url('/chapters/2'));
    expect(page.status).toBe(200);
    const pageHtml = await page.text();
    expect(pageHtml).toContain('may spoil what you haven’t read');
    expect(pageHtml).toContain(`action="/clubs/${room.clubId}/reveal/${chapter2.id}"`);
    const reveal = await room.bob.post(url(`/reveal/${chapter2.id}`), { reading_id: room.readingId });
    expect(reveal.status).toBe(303);
    expect(reveal.headers.get('location')).toBe(`/clubs/${room.clubId}/chapters/2#reveal`);
    expect(await countOf(spoilerReveals)).toBe(1);
    expect((await fragment(room.bob)).html).toContain('spoiler!');
    // Revealing twice is harmless.
    expect((await room.bob.post(url(`/reveal/${chapter2.id}`), {})).status).toBe(303);

    const undo = await room.bob.post(url(`/reveal/${chapter2.id}/unreveal`), {});
    expect(undo.status).toBe(303);
    expect((await fragment(room.bob)).html).not.toContain('spoiler!');
    expect(await countOf(spoilerReveals)).toBe(0);
  });

  it('reveal is for members only, and only for chapters of the club’s book', async () => {
    await room.testApp.db.update(clubs).set({ visibility: 'public' });
    expect((await room.outsider.post(url(`/reveal/${room.chapters[1]!.id}`), {})).status).toBe(403);
    expect((await room.visitor.post(url(`/reveal/${room.chapters[1]!.id}`), {})).headers.get('location')).toMatch(/^\/login\?next=/);
    expect((await room.bob.post(url('/reveal/999999'), {})).status).toBe(404);
  });

  it('private notes are seen by their author only — not by moderators, not even counted', async () => {
    const id = await commentOn(room.alice, 'note to self', para().id, { visibility: 'private' });
    expect((await rowById(id))!.visibility).toBe('private');
    expect((await fragment(room.alice)).html).toContain('note to self');
    for (const client of [room.moderator, room.owner, room.bob]) {
      const { html } = await fragment(client);
      expect(html).not.toContain('note to self');
      expect(byClass(html, 'hidden-count')).toHaveLength(0);
    }
    expect((await room.moderator.post(url(`/comments/${id}/moderate`), { action: 'hide', reason: 'x' })).status).toBe(404);
    expect((await comment(room.owner, { parent_id: id, body: 'hi' })).status).toBe(404);
    // The author may add to their own note; the reply is private too.
    expect((await comment(room.alice, { parent_id: id, body: 'more notes' })).status).toBe(303);
    expect((await rowById(await lastId()))!.visibility).toBe('private');
  });
});

describe('quotes', () => {
  it('a reply may quote the comment it answers; the quote goes when that comment goes', async () => {
    const root = await commentOn(room.alice, 'root');
    await comment(room.owner, { parent_id: root, body: 'first reply' });
    const first = await lastId();
    await comment(room.moderator, { parent_id: first, body: 'answering the owner', quote: '1' });
    const second = await lastId();
    expect(await rowById(second)).toMatchObject({ quoted_text: 'first reply', parent_id: first, root_id: root });
    let html = (await fragment(room.alice)).html;
    expect(textOf(byClass(html, 'comment-quote'))).toContain('first reply');

    await room.owner.post(url(`/comments/${first}/delete`), {});
    expect((await rowById(second))!.quoted_text).toBeNull();
    html = (await fragment(room.alice)).html;
    expect(html).not.toContain('first reply');
  });

  it('quotes at most 500 characters of a long comment', async () => {
    const root = await commentOn(room.alice, 'y'.repeat(800));
    await comment(room.owner, { parent_id: root, body: 'r', quote: '1' });
    expect([...(await rowById(await lastId()))!.quoted_text!].length).toBe(501);
  });
});

describe('editing and history', () => {
  it('the author edits; the old body is kept and shown in the history', async () => {
    const id = await commentOn(room.alice, 'first version');
    room.testApp.clock.advance(60_000);
    const response = await room.alice.post(url(`/comments/${id}/edit`), { body: 'second version' });
    expect(response.status).toBe(303);
    expect(await rowById(id)).toMatchObject({ body: 'second version' });
    expect((await rowById(id))!.edited_at).not.toBeNull();
    const { html } = await fragment(room.owner);
    const edited = byClass(html, 'comment-edited')[0]!;
    expect(edited.attribs.href).toBe(`/clubs/${room.clubId}/comments/${id}/history`);
    const history = await room.owner.get(edited.attribs.href!);
    expect(history.status).toBe(200);
    const historyHtml = await history.text();
    expect(historyHtml.indexOf('second version')).toBeLessThan(historyHtml.indexOf('first version'));
    expect(historyHtml).toContain('first version');
  });

  it('only the author edits; an empty edit is refused', async () => {
    const id = await commentOn(room.alice, 'mine');
    for (const client of [room.bob, room.moderator, room.owner]) {
      await room.setProgress('bob', 21);
      expect((await client.post(url(`/comments/${id}/edit`), { body: 'not yours' })).status).toBe(403);
    }
    expect((await room.alice.post(url(`/comments/${id}/edit`), { body: '   ' })).status).toBe(422);
    expect((await rowById(id))!.body).toBe('mine');
    expect(await countOf(commentRevisions)).toBe(0);
  });
});

describe('deleting', () => {
  it('a comment without replies disappears', async () => {
    const id = await commentOn(room.alice, 'oops');
    const response = await room.alice.post(url(`/comments/${id}/delete`), {});
    expect(response.status).toBe(303);
    expect(await rows()).toHaveLength(0);
  });

  it('a comment with replies leaves a placeholder; its body, history and reactions are erased', async () => {
    const id = await commentOn(room.alice, 'to be deleted');
    await room.alice.post(url(`/comments/${id}/edit`), { body: 'edited once' });
    await room.owner.post(url(`/comments/${id}/react`), { reaction: 'like' });
    await comment(room.owner, { parent_id: id, body: 'a reply' });
    await room.alice.post(url(`/comments/${id}/delete`), {});
    expect(await rowById(id)).toMatchObject({ body: '' });
    expect((await rowById(id))!.deleted_at).not.toBeNull();
    expect(await countOf(commentRevisions)).toBe(0);
    expect(await countOf(reactions)).toBe(0);
    const { html } = await fragment(room.owner);
    expect(textOf(byClass(html, 'comment-placeholder'))).toBe('[deleted]');
    expect(html).not.toContain('edited once');
    expect(textOf(byClass(html, 'comment-body'))).toBe('a reply');
    // When the last reply goes, the placeholder goes with it.
    await room.owner.post(url(`/comments/${await lastId()}/delete`), {});
    expect(await rows()).toHaveLength(0);
  });

  it('only the author deletes', async () => {
    const id = await commentOn(room.alice, 'mine');
    await room.setProgress('bob', 21);
    for (const client of [room.bob, room.moderator, room.owner]) expect((await client.post(url(`/comments/${id}/delete`), {})).status).toBe(403);
    expect(await rows()).toHaveLength(1);
  });
});

describe('moderation', () => {
  it('a moderator hides a comment with a reason the author sees; others see only that it was hidden', async () => {
    const id = await commentOn(room.alice, 'rude words');
    const response = await room.moderator.post(url(`/comments/${id}/moderate`), { action: 'hide', reason: 'Please be kind' });
    expect(response.status).toBe(303);
    expect(await rowById(id)).toMatchObject({ moderation: 'hidden', moderation_reason: 'Please be kind', body: 'rude words' });

    const author = (await fragment(room.alice)).html;
    expect(author).toContain('Hidden by a moderator.');
    expect(author).toContain('Reason: Please be kind');
    expect(author).toContain('rude words');

    await room.setProgress('bob', 21);
    const other = (await fragment(room.bob)).html;
    expect(other).toContain('Hidden by a moderator.');
    expect(other).not.toContain('Please be kind');
    expect(other).not.toContain('rude words');

    // The author can no longer edit it; nobody can react to it.
    expect((await room.alice.post(url(`/comments/${id}/edit`), { body: 'nicer' })).status).toBe(403);
    expect((await room.bob.post(url(`/comments/${id}/react`), { reaction: 'like' })).status).toBe(403);
  });

  it('removing erases the body; the owner moderates too', async () => {
    const id = await commentOn(room.alice, 'very bad');
    const response = await room.owner.post(url(`/comments/${id}/moderate`), { action: 'remove', reason: 'Spam' });
    expect(response.status).toBe(303);
    expect(await rowById(id)).toMatchObject({ moderation: 'removed', body: '' });
    const author = (await fragment(room.alice)).html;
    expect(author).toContain('Removed by a moderator.');
    expect(author).toContain('Reason: Spam');
  });

  it('members cannot moderate; a reason is required and limited', async () => {
    const id = await commentOn(room.owner, 'owner speaks');
    expect((await room.alice.post(url(`/comments/${id}/moderate`), { action: 'hide', reason: 'no' })).status).toBe(403);
    expect((await room.moderator.post(url(`/comments/${id}/moderate`), { action: 'hide', reason: '  ' })).status).toBe(422);
    expect((await room.moderator.post(url(`/comments/${id}/moderate`), { action: 'hide', reason: 'x'.repeat(501) })).status).toBe(422);
    expect((await room.moderator.post(url(`/comments/${id}/moderate`), { action: 'ban', reason: 'x' })).status).toBe(422);
    expect((await rowById(id))!.moderation).toBeNull();
    expect((await room.moderator.post(url(`/comments/${id}/moderate`), { action: 'hide', reason: 'x'.repeat(500) })).status).toBe(303);
  });
});

describe('reactions', () => {
  it('toggle on and off, counted per reaction', async () => {
    const id = await commentOn(room.alice, 'react to me');
    await room.setProgress('bob', 21);
    expect((await room.bob.post(url(`/comments/${id}/react`), { reaction: 'like' })).status).toBe(303);
    await room.owner.post(url(`/comments/${id}/react`), { reaction: 'like' });
    await room.owner.post(url(`/comments/${id}/react`), { reaction: 'moved' });
    let html = (await fragment(room.bob)).html;
    const like = byClass(html, 'reaction').find((el) => el.attribs.value === 'like')!;
    expect(like.attribs['aria-pressed']).toBe('true');
    expect(textOf(like)).toContain('2');
    await room.bob.post(url(`/comments/${id}/react`), { reaction: 'like' });
    html = (await fragment(room.bob)).html;
    const likeAgain = byClass(html, 'reaction').find((el) => el.attribs.value === 'like')!;
    expect(likeAgain.attribs['aria-pressed']).toBe('false');
    expect(textOf(likeAgain)).toContain('1');
  });

  it('refuses a reaction outside the set', async () => {
    const id = await commentOn(room.alice, 'x');
    const refused = await room.owner.post(url(`/comments/${id}/react`), { reaction: 'angry' }, { 'hx-request': 'true' });
    expect(refused.status).toBe(422);
    expect(await refused.text()).toContain('That reaction does not exist.');
    expect(await countOf(reactions)).toBe(0);
  });
});

describe('schedule', () => {
  it('comments of a chapter not open yet are out of reach for members (moderators may)', async () => {
    await scheduleChapterRow(room.testApp, room.readingId, room.chapters[1]!.id, room.testApp.clock.now + 86_400_000);
    expect((await fragment(room.alice)).status).toBe(404);
    expect((await comment(room.alice, { paragraph_id: para().id, body: 'early' })).status).toBe(404);
    expect((await fragment(room.moderator)).status).toBe(200);
    expect((await comment(room.moderator, { paragraph_id: para().id, body: 'preview note' })).status).toBe(303);
    room.testApp.clock.advance(86_400_001);
    expect((await fragment(room.alice)).html).toContain('preview note');
  });
});

describe('ids from another club', () => {
  it('answer 404 everywhere, exactly like ids that do not exist', async () => {
    const other = await makeRoom({ testApp: room.testApp, names: 'b' });
    await other.setProgress('alice', 21);
    const otherPara = other.paragraphs(2)[2]!;
    const res = await other.alice.post(`/clubs/${other.clubId}/comments`, { paragraph_id: otherPara.id, body: 'club B' });
    expect(res.status).toBe(303);
    const otherComment = await lastId();
    // The owner of club A is also... nobody in club B; use club A's owner, who may do everything in A.
    const a = room.owner;
    expect((await a.get(url(`/paragraphs/${otherPara.id}/comments`))).status).toBe(404);
    expect((await a.get(url(`/discussion/${other.chapters[1]!.id}`))).status).toBe(404);
    expect((await comment(a, { paragraph_id: otherPara.id, body: 'x' })).status).toBe(404);
    expect((await comment(a, { chapter_id: other.chapters[1]!.id, body: 'x' })).status).toBe(404);
    expect((await comment(a, { parent_id: otherComment, body: 'x' })).status).toBe(404);
    expect((await comment(a, { paragraph_id: para().id, body: 'x', reading_id: other.readingId })).status).toBe(404);
    for (const action of ['edit', 'delete', 'moderate', 'react']) {
      expect((await a.post(url(`/comments/${otherComment}/${action}`), { body: 'x', reaction: 'like', action: 'hide', reason: 'r' })).status).toBe(404);
    }
    expect((await a.get(url(`/comments/${otherComment}/history`))).status).toBe(404);
    expect((await a.post(url(`/reveal/${other.chapters[1]!.id}`), {})).status).toBe(404);
    expect((await a.get(url('/paragraphs/99999999/comments'))).status).toBe(404);
    expect((await a.get(url('/paragraphs/abc/comments'))).status).toBe(404);
    expect((await a.post(url('/comments/99999999/edit'), { body: 'x' })).status).toBe(404);
    expect((await rowById(otherComment))!.body).toBe('club B');
    expect(await rows()).toHaveLength(1);
  });
});
