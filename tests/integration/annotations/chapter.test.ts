/**
 * What annotations add to club pages: the chapter page (heat margin, passage marks, hidden
 * counts, the passage form, the reveal control, the chapter thread) and the club home's recent
 * discussion — through the clubs area's real pages, and through the hooks called directly
 * (fixed number of queries whatever the number of comments).
 */
import { count, eq, max } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Child } from 'hono/jsx';
import { clubs, comments, readings } from '../../../db/schema';
import { findUserById } from '../../../src/auth/users';
import { annotationsOnChapter, annotationsOnClubHome } from '../../../src/annotations';
import { selectorFor } from '../../../src/annotations/selectors';
import { chapterBasePath } from '../../../src/clubs/present';
import { loadClubAccess, progressOf } from '../../../src/clubs/access';
import { translator } from '../../../src/i18n';
import type { Client } from '../../helpers/app';
import { scheduleChapterRow } from '../../helpers/fixtures';
import { byClass, byId, textOf } from './html';
import { makeReadingRoom, type AnnotationRoom } from './room';

let room: AnnotationRoom;

beforeEach(async () => {
  room = await makeReadingRoom();
});
afterEach(() => room.testApp.close());

const url = (path: string) => `/clubs/${room.clubId}${path}`;
const chapter2 = () => room.paragraphs(2);

async function post(client: Client, fields: Record<string, string | number>) {
  const response = await client.post(url('/comments'), fields);
  expect(response.status, await response.clone().text()).toBe(303);
}

async function page(client: Client, path = '/chapters/2') {
  const response = await client.get(url(path));
  expect(response.status).toBe(200);
  return response.text();
}

/** Three comments on ¶3 (one a passage), one on ¶4, one on the chapter thread. */
async function seedChapter2() {
  const p3 = chapter2()[2]!;
  const p4 = chapter2()[3]!;
  const selector = selectorFor(p3.text, 0, 9);
  await post(room.alice, { paragraph_id: p3.id, body: 'passage talk', passage_start: selector.start, passage_end: selector.end, passage_exact: selector.exact });
  await post(room.owner, { paragraph_id: p3.id, body: 'owner on p3' });
  await post(room.moderator, { paragraph_id: p3.id, body: 'moderator on p3' });
  await post(room.owner, { paragraph_id: p4.id, body: 'owner on p4' });
  await post(room.alice, { chapter_id: room.chapters[1]!.id, body: 'chapter talk' });
  return { p3, p4 };
}

describe('the club chapter page', () => {
  it('shows counts with heat, marks passages, and links each paragraph’s threads in place', async () => {
    const { p3, p4 } = await seedChapter2();
    const html = await page(room.alice);
    const para3 = byId(html, 'p-3')!;
    expect(para3.attribs.class).toContain('heat-5');
    expect(byId(html, 'p-4')!.attribs.class).toContain('heat-2');
    const count3 = byId(html, `margin-summary-${p3.id}`)!;
    expect(textOf(count3)).toContain('3 comments');
    const link = byClass(html, 'comment-count').find((el) => el.attribs.href === url(`/paragraphs/${p3.id}/comments`))!;
    expect(link.attribs['hx-get']).toBe(url(`/paragraphs/${p3.id}/comments`));
    expect(link.attribs['hx-target']).toBe(`#threads-${p3.id}`);
    // The target is made inside that paragraph's margin when first opened (comments.js): the
    // page carries no empty holder per paragraph, only the summary it goes after.
    expect(byId(html, `threads-${p3.id}`)).toBeUndefined();
    expect(html.indexOf(`id="margin-summary-${p3.id}"`)).toBeGreaterThan(html.indexOf('id="p-3"'));
    expect(html.indexOf(`id="margin-summary-${p3.id}"`)).toBeLessThan(html.indexOf('id="p-4"'));
    expect(textOf(byId(html, `margin-summary-${p4.id}`)!)).toContain('1 comment');
    const marks = byClass(html, 'annotated');
    expect(marks).toHaveLength(1);
    expect(textOf(marks[0]!)).toBe(p3.text.slice(0, 9));
    // The chapter thread, the passage form and the scripts.
    expect(textOf(byId(html, 'discussion')!)).toContain('chapter talk');
    const form = byId(html, 'passage-form')!;
    expect(form.attribs.hidden).toBeDefined();
    for (const name of ['paragraph_id', 'passage_start', 'passage_end', 'passage_exact', 'passage_prefix', 'passage_suffix', 'body', 'visibility']) {
      expect(html).toMatch(new RegExp(`name="${name}"`));
    }
    expect(byId(html, 'passage-action')).toBeDefined();
    // The same Markdown hint as the paragraph form, tied to the text box.
    expect(textOf(byId(html, 'passage-body-hint')!)).toContain('Markdown works');
    expect(byId(html, 'passage-body')!.attribs['aria-describedby']).toBe('passage-body-hint');
    expect(html).toMatch(/<script src="\/static\/passage\.js\?v=[0-9a-f]+" defer/);
    expect(html).toMatch(/<script src="\/static\/comments\.js\?v=[0-9a-f]+" defer/);
  });

  it('a reader behind sees counts only: no marks, no bodies, a hidden count and the reveal warning', async () => {
    const { p3 } = await seedChapter2();
    const html = await page(room.bob);
    expect(byClass(html, 'annotated')).toHaveLength(0);
    expect(byClass(html, 'comment-count')).toHaveLength(0);
    expect(textOf(byId(html, `margin-summary-${p3.id}`)!)).toContain('3 comments further on');
    expect(html).not.toContain('passage talk');
    expect(html).not.toContain('chapter talk');
    expect(html).toContain('Reveal comments in this chapter — they may spoil what you haven’t read yet.');
    expect(textOf(byClass(html, 'spoiler-reveal')[0]!)).toContain('5 comments further on');

    await room.bob.post(url(`/reveal/${room.chapters[1]!.id}`), {});
    const revealed = await page(room.bob);
    expect(byClass(revealed, 'annotated')).toHaveLength(1);
    expect(textOf(byId(revealed, 'discussion')!)).toContain('chapter talk');
    expect(revealed).toContain('Hide them again');
  });

  it('a visitor of a public club sees counts, no forms, no reveal', async () => {
    await room.testApp.db.update(clubs).set({ visibility: 'public' });
    const { p3 } = await seedChapter2();
    for (const client of [room.visitor, room.outsider]) {
      const html = await page(client);
      expect(textOf(byId(html, `margin-summary-${p3.id}`)!)).toContain('3 comments further on');
      expect(byId(html, 'passage-form')).toBeUndefined();
      expect(byClass(html, 'add-comment')).toHaveLength(0);
      expect(byClass(html, 'spoiler-reveal')).toHaveLength(0);
      expect(html).not.toContain('passage talk');
      expect(html).not.toMatch(/passage\.js/);
    }
    const fragment = await room.visitor.get(url(`/paragraphs/${p3.id}/comments`), { 'hx-request': 'true' });
    expect(fragment.status).toBe(200);
    const text = await fragment.text();
    expect(text).toContain('Sign in to comment.');
    expect(text).not.toContain('owner on p3');
  });

  it('private clubs are 404 for non-members and signed-out readers', async () => {
    await seedChapter2();
    for (const client of [room.visitor, room.outsider]) {
      expect((await client.get(url(`/paragraphs/${chapter2()[2]!.id}/comments`))).status).toBe(404);
      expect((await client.get(url(`/discussion/${room.chapters[1]!.id}`))).status).toBe(404);
    }
  });
});

describe('the hooks, called directly', () => {
  async function render(child: Child): Promise<string> {
    if (child === null || child === undefined) return '';
    return String(await (child as { toString(): string | Promise<string> }).toString());
  }

  async function chapterContext(userId: number, chapterIndex = 1) {
    const { testApp } = room;
    const user = (await findUserById(testApp.db, userId))!;
    const access = (await loadClubAccess(testApp.db, room.clubId, user))!;
    const [reading] = await testApp.db.select().from(readings).where(eq(readings.id, room.readingId));
    if (!reading) throw new Error('no reading');
    const chapter = room.chapters[chapterIndex]!;
    return {
      deps: { db: testApp.db, config: testApp.config, clock: () => testApp.clock.now },
      access,
      viewer: user,
      reading,
      chapter,
      paragraphs: room.paragraphs(chapterIndex + 1),
      progress: await progressOf(testApp.db, reading.id, user.id),
      chapterBasePath: chapterBasePath(room.clubId, reading),
      t: translator('en'),
      locale: 'en' as const,
      timeZone: 'UTC',
      now: testApp.clock.now,
    };
  }

  /**
   * Counts statements executed (not prepared: the request path keeps prepared statements) while
   * `work` runs. SQLite only: the count is taken on better-sqlite3's statements.
   */
  /**
   * Statements the database runs during `work`: on SQLite every execution of a better-sqlite3
   * statement, on PostgreSQL every query sent through the pool (Drizzle's node-postgres
   * database keeps it as `$client`).
   */
  async function countQueries(work: () => Promise<unknown>): Promise<number> {
    let count = 0;
    const restore: (() => void)[] = [];
    if (room.testApp.sqlite) {
      const statement = Object.getPrototypeOf(room.testApp.sqlite.prepare('select 1')) as Record<'get' | 'all' | 'run' | 'iterate', (...args: unknown[]) => unknown>;
      for (const name of ['get', 'all', 'run', 'iterate'] as const) {
        const original = statement[name];
        statement[name] = function (this: unknown, ...args: unknown[]) {
          count += 1;
          return original.apply(this, args);
        };
        restore.push(() => (statement[name] = original));
      }
    } else {
      const pool = (room.testApp.db as unknown as { $client: { query: (...args: unknown[]) => unknown } }).$client;
      const original = pool.query;
      pool.query = function (this: unknown, ...args: unknown[]) {
        count += 1;
        return original.apply(this, args);
      };
      restore.push(() => (pool.query = original));
    }
    try {
      await work();
    } finally {
      for (const undo of restore) undo();
    }
    return count;
  }

  async function chapterQueries(userId: number) {
    const ctx = await chapterContext(userId);
    const paragraphs = room.paragraphs(2);
    return countQueries(async () => {
      const annotations = await annotationsOnChapter(ctx);
      await Promise.all(paragraphs.map((p) => render(annotations.margin!(p)?.margin ?? null)));
      await render(annotations.afterText);
    });
  }

  it('decorates paragraphs with highlights and margins, and renders the after-text', async () => {
    const { p3 } = await seedChapter2();
    const annotations = await annotationsOnChapter(await chapterContext(room.ids.alice));
    const decoration = annotations.margin!(p3)!;
    expect(decoration.highlights).toEqual([{ start: 0, end: 9, className: 'annotated annotated-mine', label: '1 comment on this passage' }]);
    expect(decoration.className).toBe('has-comments heat-5');
    const heading = annotations.margin!(room.paragraphs(2)[0]!);
    expect(heading).toBeUndefined();
    expect(annotations.scripts).toEqual(['passage.js', 'comments.js']);
    const after = await render(annotations.afterText);
    expect(after).toContain('chapter talk');
    expect(after).toContain('id="passage-form"');

    const behind = await annotationsOnChapter(await chapterContext(room.ids.bob));
    expect(behind.margin!(p3)!.highlights).toEqual([]);
    expect(behind.scripts).toEqual(['passage.js', 'comments.js']);
  });

  it('costs the same number of queries for 1 comment or 40 (no N+1)', async () => {
    const paragraphs = chapter2();
    await post(room.alice, { paragraph_id: paragraphs[1]!.id, body: 'one' });
    const one = await chapterQueries(room.ids.owner);
    expect(one).toBe(2); // the chapter's comment rows (gate facts only), the reader's reveals

    for (let i = 0; i < 36; i++) {
      const p = paragraphs[1 + (i % 6)]!;
      const selector = selectorFor(p.text, i % 5, 9 + (i % 5));
      await post(i % 2 ? room.owner : room.moderator, { paragraph_id: p.id, body: `comment ${i} @${room.usernames.alice}`, ...(i % 3 === 0 ? { passage_start: selector.start, passage_end: selector.end, passage_exact: selector.exact } : {}) });
    }
    await post(room.alice, { chapter_id: room.chapters[1]!.id, body: 'thread @someone' });
    const threadRoot = (await room.testApp.db.select({ id: max(comments.id) }).from(comments))[0]!.id!;
    await post(room.owner, { parent_id: threadRoot, body: 'reply' });
    const total = (await room.testApp.db.select({ n: count() }).from(comments))[0]!.n;
    expect(total).toBe(39);
    await room.owner.post(url(`/comments/${total}/react`), { reaction: 'like' });
    const many = await chapterQueries(room.ids.owner);
    // The chapter thread now has something to show: its comments in full (bodies, authors), their
    // reactions and the mention names are loaded once each.
    expect(many).toBe(one + 3);
  });

  it('recent discussion on the club home lists the latest comments the reader may see, with links', async () => {
    await seedChapter2();
    const p2 = room.paragraphs(1)[1]!;
    await post(room.alice, { paragraph_id: p2.id, body: 'chapter one remark' });
    await post(room.alice, { paragraph_id: p2.id, body: 'my private note', visibility: 'private' });

    const homeContext = async (userId: number) => {
      const ctx = await chapterContext(userId);
      return { deps: ctx.deps, access: ctx.access, viewer: ctx.viewer, reading: ctx.reading, progress: ctx.progress, t: ctx.t, locale: ctx.locale, timeZone: ctx.timeZone, now: ctx.now };
    };
    const bobHtml = await render((await annotationsOnClubHome(await homeContext(room.ids.bob))).recentActivity);
    expect(bobHtml).toContain('chapter one remark');
    expect(bobHtml).not.toContain('passage talk');
    expect(bobHtml).not.toContain('chapter talk');
    expect(bobHtml).not.toContain('my private note');
    expect(bobHtml).toContain(`href="/clubs/${room.clubId}/chapters/1#p-2"`);

    const aliceHtml = await render((await annotationsOnClubHome(await homeContext(room.ids.alice))).recentActivity);
    expect(aliceHtml).toContain('my private note');
    expect(aliceHtml).toContain('chapter talk');
    expect(aliceHtml).toContain(`href="/clubs/${room.clubId}/chapters/2#discussion"`);
    expect(aliceHtml.indexOf('my private note')).toBeLessThan(aliceHtml.indexOf('passage talk'));

    // Chapter 2 moved to a later date: its discussion leaves a member's club home too.
    await scheduleChapterRow(room.testApp, room.readingId, room.chapters[1]!.id, room.testApp.clock.now + 86_400_000);
    const closedHtml = await render((await annotationsOnClubHome(await homeContext(room.ids.alice))).recentActivity);
    expect(closedHtml).toContain('chapter one remark');
    expect(closedHtml).not.toContain('chapter talk');
  });

  it('recent discussion shows at most 10 and appears on the real club home', async () => {
    const p2 = room.paragraphs(1)[1]!;
    for (let i = 0; i < 12; i++) await post(room.owner, { paragraph_id: p2.id, body: `remark number ${i}` });
    const html = await page(room.bob, '');
    expect(byClass(html, 'recent-item')).toHaveLength(10);
    expect(html).toContain('remark number 11');
    expect(html).not.toContain('remark number 1<');
  });
});
