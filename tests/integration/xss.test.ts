/**
 * Every hostile string, posted as a comment body, a reply, a chapter-thread comment, an edit,
 * a moderation reason and a display name, must come back inert on every page and fragment
 * that shows it: the club chapter page, the paragraph threads (fragment and page), the
 * chapter discussion, the edit history and the club home's recent discussion.
 *
 * Inert means, parsing the HTML as a browser would (htmlparser2):
 * - the only scripts are our own files from /static, with no inline code;
 * - no `on*` event attribute and no `style` attribute anywhere (strict CSP);
 * - no `javascript:`, `vbscript:` or `data:` URL in any URL-bearing attribute;
 * - no `<iframe>`, `<object>`, `<embed>`, `<svg>`, `<math>`, `<style>`, `<img>`, `<base>`,
 *   `<meta>` or `<link>` outside what our layout puts in `<head>`;
 * - inside what members wrote (comment bodies, author names, quotes, reasons): only the
 *   tags the sanitiser allows, no `hx-*` / `data-hx-*` attribute, links only to http(s),
 *   mailto, or our own member-list anchors.
 * Display names with control characters are refused at sign-up; that counts as inert too.
 */
import { count, max } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { comments } from '../../db/schema';
import { COMMENT_ALLOWED_TAGS } from '../../src/annotations/markdown';
import { HOSTILE_STRINGS } from '../fixtures/hostile-strings';
import { addMemberRow, setProgressRow, userIdOf } from '../helpers/fixtures';
import { Client, DEFAULT_PASSWORD, makeTestApp, type TestApp } from '../helpers/app';
import { allElements, descendants, type Element } from './annotations/html';
import { makeRoom, type AnnotationRoom } from './annotations/room';

let testApp: TestApp;
let room: AnnotationRoom;
/** Hostile display names that were accepted, by username. */
const hostileUsers: { username: string; client: Client; displayName: string }[] = [];
let refusedNames = 0;
const editedCommentIds: number[] = [];

const USER_CONTENT = ['comment-body', 'comment-author', 'comment-quote', 'comment-moderation', 'comment-passage', 'recent-body'];
const FORBIDDEN_TAGS = ['iframe', 'object', 'embed', 'svg', 'math', 'style', 'img', 'base', 'frame', 'frameset', 'applet', 'video', 'audio', 'source', 'marquee', 'template', 'noscript'];
const URL_ATTRIBUTES = ['href', 'src', 'action', 'formaction', 'xlink:href', 'poster', 'background', 'data', 'srcset', 'cite'];

function classesOf(el: Element): string[] {
  return (el.attribs.class ?? '').split(/\s+/).filter(Boolean);
}

function insideHead(el: Element): boolean {
  for (let node = el.parent; node; node = node.parent) if ((node as Element).name === 'head') return true;
  return false;
}

/** Every reason the HTML is not inert; empty when it is. */
function problemsIn(html: string, where: string): string[] {
  const problems: string[] = [];
  const elements = allElements(html);
  for (const el of elements) {
    const tag = el.name.toLowerCase();
    if (tag === 'script') {
      const src = el.attribs.src ?? '';
      if (!/^\/static\/[a-z0-9.-]+\.js(\?v=[0-9a-f]+)?$/.test(src)) problems.push(`${where}: script src=${src}`);
      if (el.children.length > 0) problems.push(`${where}: inline script`);
    }
    if (FORBIDDEN_TAGS.includes(tag)) problems.push(`${where}: <${tag}>`);
    if ((tag === 'meta' || tag === 'link') && !insideHead(el)) problems.push(`${where}: <${tag}> in body`);
    for (const [name, value] of Object.entries(el.attribs)) {
      const attr = name.toLowerCase();
      if (attr.startsWith('on')) problems.push(`${where}: ${attr} on <${tag}>`);
      if (attr === 'style') problems.push(`${where}: style attribute on <${tag}>`);
      if (attr === 'srcdoc') problems.push(`${where}: srcdoc`);
      if (URL_ATTRIBUTES.includes(attr)) {
        // What a browser would see: entities decoded by the parser; strip whitespace and controls.
        const url = value.replace(/[\u0000-\u0020\u007f-\u009f\u200b-\u200d\ufeff]/g, '').toLowerCase();
        if (/^(javascript|vbscript|data):/.test(url)) problems.push(`${where}: ${attr}=${value} on <${tag}>`);
      }
    }
  }
  // Inside what members wrote: only sanitised markup.
  for (const container of elements.filter((el) => classesOf(el).some((c) => USER_CONTENT.includes(c)))) {
    for (const el of descendants(container)) {
      const tag = el.name.toLowerCase();
      const allowedHere = (COMMENT_ALLOWED_TAGS as readonly string[]).includes(tag) || (tag === 'span' && classesOf(el).includes('visually-hidden'));
      if (!allowedHere) problems.push(`${where}: <${tag}> inside ${classesOf(container).join('.')}`);
      for (const [name, value] of Object.entries(el.attribs)) {
        const attr = name.toLowerCase();
        if (attr.startsWith('hx-') || attr.startsWith('data-hx-') || attr.startsWith('data-')) problems.push(`${where}: ${attr} from user content`);
        const ours = attr === 'dir' && value === 'auto'; // our own bidi isolation of a reason
        if (!['href', 'rel', 'title', 'class', 'start'].includes(attr) && !ours) problems.push(`${where}: attribute ${attr} from user content`);
        if (attr === 'href' && !/^(https?:\/\/|mailto:|\/clubs\/\d+#member-[a-z0-9_-]+$)/i.test(value)) problems.push(`${where}: href ${value} from user content`);
      }
    }
    for (const [name] of Object.entries(container.attribs)) {
      if (name.startsWith('hx-') || name.startsWith('data-hx-')) problems.push(`${where}: ${name} on a user-content container`);
    }
  }
  return problems;
}

async function fetchHtml(client: Client, path: string, htmx = false): Promise<string> {
  const response = await client.get(path, htmx ? { 'hx-request': 'true' } : {});
  expect(response.status, `${path}`).toBe(200);
  return response.text();
}

beforeAll(async () => {
  testApp = await makeTestApp({
    rateLimits: { postingPerUser: { limit: 100_000, windowMs: 60_000 }, registerPerIp: { limit: 100_000, windowMs: 60_000 } },
  });
  room = await makeRoom({ testApp, names: 'x' });
  for (const who of ['alice', 'bob', 'moderator', 'owner'] as const) await room.setProgress(who, 21);

  // Display names: the whole string, and when refused, its first 50 characters.
  for (const [i, hostile] of HOSTILE_STRINGS.entries()) {
    const username = `hostile${i}`;
    for (const displayName of [hostile, [...hostile].slice(0, 50).join('')]) {
      const client = new Client(testApp);
      const response = await client.post('/register', { username, displayName, password: DEFAULT_PASSWORD, passwordConfirm: DEFAULT_PASSWORD });
      if (response.status === 303) {
        const userId = await userIdOf(testApp, username);
        await addMemberRow(testApp, room.clubId, userId, 'member');
        await setProgressRow(testApp, room.readingId, userId, 21);
        hostileUsers.push({ username, client, displayName });
        break;
      }
      expect([409, 422]).toContain(response.status);
      refusedNames += 1;
    }
  }

  // Bodies: as paragraph comments spread over chapter 1, as replies, and in the chapter thread.
  const paragraphs = (await room.paragraphs(1)).filter((p) => p.kind === 'text');
  const lastCommentId = async () => (await testApp.db.select({ id: max(comments.id) }).from(comments))[0]!.id!;
  for (const [i, hostile] of HOSTILE_STRINGS.entries()) {
    const author = hostileUsers[i % hostileUsers.length]!.client;
    const paragraph = paragraphs[i % paragraphs.length]!;
    const posted = await author.post(`/clubs/${room.clubId}/comments`, { paragraph_id: paragraph.id, body: hostile });
    if (posted.status === 422) continue; // empty after normalising (e.g. only controls)
    expect(posted.status).toBe(303);
    const id = await lastCommentId();
    const replied = await room.bob.post(`/clubs/${room.clubId}/comments`, { parent_id: id, body: hostile, quote: '1' });
    expect(replied.status).toBe(303);
    if (i % 5 === 0) {
      await author.post(`/clubs/${room.clubId}/comments/${id}/edit`, { body: `${hostile} (edited)` });
      editedCommentIds.push(id);
    }
    if (i % 7 === 0) {
      const replyId = await lastCommentId();
      await room.moderator.post(`/clubs/${room.clubId}/comments/${replyId}/moderate`, { action: 'hide', reason: [...hostile].slice(0, 500).join('') });
    }
    await room.alice.post(`/clubs/${room.clubId}/comments`, { chapter_id: room.chapters[0]!.id, body: hostile });
  }
}, 300_000);

afterAll(async () => {
  await testApp.close();
});

describe('hostile strings come back inert', () => {
  it('(the checker itself catches what it looks for)', () => {
    const bad = [
      '<script>alert(1)</script>',
      '<script src="https://evil.example/x.js"></script>',
      '<p onclick="x">a</p>',
      '<a href=" jav&#x09;ascript:alert(1)">a</a>',
      '<a href="data:text/html,x">a</a>',
      '<svg></svg>',
      '<div style="color:red">a</div>',
      '<div class="comment-body"><span data-hx-get="/admin">x</span></div>',
      '<div class="comment-body"><a href="/admin" hx-get="/admin">x</a></div>',
      '<bdi class="comment-author"><b>x</b></bdi>',
    ];
    for (const html of bad) expect(problemsIn(html, 'probe'), html).not.toEqual([]);
    expect(problemsIn('<div class="comment-body"><p><a href="https://ok.example" rel="nofollow ugc noopener">ok</a></p></div><script src="/static/app.js?v=0a1b"></script>', 'probe')).toEqual([]);
  });

  it('were actually stored (most of them), and some display names were refused', async () => {
    const [stored] = await testApp.db.select({ n: count() }).from(comments);
    expect(stored!.n).toBeGreaterThan(HOSTILE_STRINGS.length * 2);
    expect(hostileUsers.length).toBeGreaterThan(HOSTILE_STRINGS.length / 2);
    expect(refusedNames).toBeGreaterThan(0);
  });

  it('on the club chapter page, for a member, a hostile-named member and the moderator', async () => {
    for (const client of [room.alice, hostileUsers[0]!.client, hostileUsers[7]!.client, room.moderator]) {
      const html = await fetchHtml(client, `/clubs/${room.clubId}/chapters/1`);
      expect(problemsIn(html, 'chapter page')).toEqual([]);
      expect(html).toContain('alert(1)'); // the chapter thread shows the text, as text
    }
  });

  it('in every paragraph’s threads, as a fragment and as a page, in both orders', async () => {
    for (const paragraph of await room.paragraphs(1)) {
      const base = `/clubs/${room.clubId}/paragraphs/${paragraph.id}/comments`;
      for (const path of [base, `${base}?order=newest`]) {
        const fragment = await fetchHtml(room.alice, path, true);
        expect(problemsIn(fragment, `fragment ${path}`)).toEqual([]);
        const page = await fetchHtml(room.moderator, path);
        expect(problemsIn(page, `page ${path}`)).toEqual([]);
      }
    }
  });

  it('where hostile display names are shown, as the author names of comments', async () => {
    const paragraph = (await room.paragraphs(1))[1]!;
    const html = await fetchHtml(room.alice, `/clubs/${room.clubId}/paragraphs/${paragraph.id}/comments`, true);
    const names = allElements(html).filter((el) => classesOf(el).includes('comment-author'));
    expect(names.length).toBeGreaterThan(3);
    for (const name of names) expect(descendants(name)).toEqual([]);
  });

  it('in the chapter discussion, the edit histories, the club home and a hidden comment’s reason', async () => {
    const discussion = `/clubs/${room.clubId}/discussion/${room.chapters[0]!.id}`;
    expect(problemsIn(await fetchHtml(room.bob, discussion), 'discussion page')).toEqual([]);
    expect(problemsIn(await fetchHtml(room.bob, discussion, true), 'discussion fragment')).toEqual([]);
    for (const id of editedCommentIds) {
      expect(problemsIn(await fetchHtml(room.bob, `/clubs/${room.clubId}/comments/${id}/history`), `history ${id}`)).toEqual([]);
    }
    expect(problemsIn(await fetchHtml(room.alice, `/clubs/${room.clubId}`), 'club home')).toEqual([]);
    // Bob wrote the hidden replies: he sees the hostile reasons.
    const hiddenParagraph = (await room.paragraphs(1)).filter((p) => p.kind === 'text')[0]!;
    const bobView = await fetchHtml(room.bob, `/clubs/${room.clubId}/paragraphs/${hiddenParagraph.id}/comments`, true);
    expect(bobView).toContain('Hidden by a moderator.');
    expect(problemsIn(bobView, 'reasons')).toEqual([]);
  });

  it('in the htmx answers to posting, editing and reacting', async () => {
    const paragraph = (await room.paragraphs(1))[2]!;
    for (const hostile of HOSTILE_STRINGS.slice(0, 40)) {
      const response = await room.alice.post(`/clubs/${room.clubId}/comments`, { paragraph_id: paragraph.id, body: hostile }, { 'hx-request': 'true' });
      if (response.status === 422) continue;
      expect(response.status).toBe(200);
      expect(problemsIn(await response.text(), `htmx post ${JSON.stringify(hostile).slice(0, 40)}`)).toEqual([]);
    }
    const refused = await room.alice.post(`/clubs/${room.clubId}/comments`, { paragraph_id: paragraph.id, body: `${HOSTILE_STRINGS[0]}${'x'.repeat(10_001)}` }, { 'hx-request': 'true' });
    expect(refused.status).toBe(422);
    expect(problemsIn(await refused.text(), 'refused htmx post')).toEqual([]);
  });
});
