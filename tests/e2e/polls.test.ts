/**
 * Polls in a real browser: a moderator creates a ranked poll on chapter 1 through the form,
 * three members (and the moderator) vote from the chapter page with htmx, results stay hidden
 * until the moderator closes the poll, then the runoff rounds show. Screenshots before and after
 * closing at 390 px and 1280 px in English and Korean; no CSP violations, nothing wider than a
 * phone screen.
 *
 * The club, its members and its reading are seeded straight into the server's database file;
 * everything about the poll goes through the UI.
 */
import type { Browser, Page } from 'playwright-core';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/connection';
import { asc, eq } from 'drizzle-orm';
import { chapters, clubs, memberships, readings, users } from '../../db/schema';
import { importBook } from '../../src/books/store';
import { sampleMarkdownBook } from '../helpers/fixtures';
import { DESKTOP, expectNoOverflow, newContext, PHONE, registerThroughForm, type RunningServer, screenshot, shootEverywhere, withServerAndBrowser } from './harness';

let server: RunningServer;
let browser: Browser;
withServerAndBrowser((started) => ({ server, browser } = started));

/** A club reading the sample book, with the given users as owner and members (the server runs on this SQLite file). */
async function seedClub(owner: string, members: string[]): Promise<{ clubId: number; chapterIds: number[] }> {
  const { db, sqlite } = openDatabase(join(server.dir, 'e2e.db'));
  try {
    const now = Date.now();
    const book = await importBook({ db }, { bytes: new TextEncoder().encode(sampleMarkdownBook({ title: 'The Lantern Keepers' })), filename: 'lantern.md', now });
    const everyone = await db.select().from(users);
    const idOf = (username: string) => everyone.find((u) => u.username === username)!.id;
    const [club] = await db.insert(clubs).values({ name: '등불 독서회 Lantern Club', description: '', language: 'ko', visibility: 'private', createdAt: now }).returning();
    await db.insert(memberships).values({ clubId: club!.id, userId: idOf(owner), role: 'owner', joinedAt: now });
    for (const member of members) await db.insert(memberships).values({ clubId: club!.id, userId: idOf(member), role: 'member', joinedAt: now });
    await db.insert(readings).values({ clubId: club!.id, editionId: book.editionId, startedAt: now });
    const chapterRows = await db.select({ id: chapters.id }).from(chapters).where(eq(chapters.editionId, book.editionId)).orderBy(asc(chapters.ordinal));
    return { clubId: club!.id, chapterIds: chapterRows.map((r) => r.id) };
  } finally {
    sqlite.close();
  }
}

describe('a ranked poll on chapter 1', () => {
  it('is created, voted on by three members, hidden until closed, then shows its rounds', async () => {
    const moderator = await newContext(browser);
    const members = [await newContext(browser), await newContext(browser), await newContext(browser)];
    await registerThroughForm(moderator.page, server.url, 'moddy', undefined, '진행자 Moddy');
    const names = ['minji', 'jisoo', 'arthur'];
    const displayNames = ['민지', '지수', 'Arthur'];
    for (const [i, member] of members.entries()) await registerThroughForm(member.page, server.url, names[i]!, undefined, displayNames[i]);
    const { clubId, chapterIds } = await seedClub('moddy', names);

    // --- the moderator creates the poll through the form
    const mod = moderator.page;
    await mod.goto(`${server.url}/clubs/${clubId}/chapters/1`);
    await Promise.all([mod.waitForURL(/\/polls\/new/), mod.click(`a[href="/clubs/${clubId}/polls/new?chapter=${chapterIds[0]}"]`)]);
    expect(await mod.inputValue('#target')).toBe(`chapter:${chapterIds[0]}`);
    await mod.fill('#question', 'Whose lantern should the keepers follow next?');
    for (const [index, label] of ['Alpha — the old keeper', 'Bravo', 'Charlie', '델타 (Delta)'].entries()) await mod.fill(`#option_${index + 1}`, label);
    // Without JavaScript-specific help: "add another option" re-renders the form with a fifth box.
    await Promise.all([mod.waitForLoadState('load'), mod.click('button[name="intent"][value="add_option"]')]);
    expect(await mod.inputValue('#option_4')).toBe('델타 (Delta)');
    expect(await mod.locator('#option_5').count()).toBe(1);
    await mod.check('#kind-ranked');
    await mod.check('#voters-anonymous');
    await mod.check('#resultsVisibility-after_close');
    await mod.setViewportSize(PHONE);
    await expectNoOverflow(mod);
    await screenshot(mod, 'polls-form-en-390');
    await mod.setViewportSize(DESKTOP);
    await Promise.all([mod.waitForURL(/\/polls\/\d+$/), mod.click('.poll-form .actions button[type="submit"]')]);
    const pollId = Number(/\/polls\/(\d+)$/.exec(mod.url())![1]);
    const card = `#poll-${pollId}`;
    expect(await mod.textContent(`${card} .poll-question`)).toContain('Whose lantern');

    // --- ballots, cast from the chapter page; htmx swaps the card in place
    const ballots: Record<string, string>[] = [
      { 'Alpha — the old keeper': '1' },
      { 'Alpha — the old keeper': '1', Bravo: '2' },
      { Bravo: '1', 'Alpha — the old keeper': '2' },
      { Charlie: '1', Bravo: '2' },
    ];
    const voters = [...members.map((m) => m.page), mod];
    for (const [i, page] of voters.entries()) {
      await page.goto(`${server.url}/clubs/${clubId}/chapters/1`);
      const url = page.url();
      for (const [label, rank] of Object.entries(ballots[i]!)) {
        await page.selectOption(`${card} .poll-option-ranked:has(label:text-is("${label}")) select`, rank);
      }
      await page.click(`${card} .poll-ballot-form button[type="submit"]`);
      await page.waitForSelector(`${card} .poll-voted`);
      expect(page.url()).toBe(url); // swapped in place, no navigation
      expect(await page.locator(`${card} .poll-results`).count()).toBe(0);
      expect(await page.textContent(`${card} .poll-results-hidden`)).toContain('Results appear when the poll closes.');
    }

    // Still hidden for everyone, moderator included, on every page.
    for (const page of voters) {
      await page.goto(`${server.url}/clubs/${clubId}/polls/${pollId}`);
      expect(await page.locator(`${card} .poll-results`).count()).toBe(0);
      expect(await page.locator(`${card} .poll-rounds`).count()).toBe(0);
    }
    const hiddenCsv = await mod.request.get(`${server.url}/clubs/${clubId}/polls/${pollId}/results.csv`);
    expect(hiddenCsv.status()).toBe(403);

    const member = members[0]!.page;
    await member.goto(`${server.url}/clubs/${clubId}/chapters/1`);
    await member.setViewportSize(PHONE);
    await expectNoOverflow(member);
    await screenshot(member, 'polls-chapter-before-en-390');
    await member.setViewportSize(DESKTOP);
    await member.goto(`${server.url}/clubs/${clubId}/polls/${pollId}`);
    await shootEverywhere(member, 'polls-before-close');

    // --- the moderator closes the poll (htmx, in place)
    await mod.goto(`${server.url}/clubs/${clubId}/polls/${pollId}`);
    await mod.click(`${card} .poll-actions button:text-is("Close now")`);
    await mod.waitForSelector(`${card} .poll-rounds`);
    // R1 (4 ballots): Alpha 2, Bravo 1, Charlie 1, Delta 0 → Delta out.
    // R2: Alpha 2, Bravo 1, Charlie 1 → Bravo and Charlie tie for fewest and go; Charlie's ballot exhausts.
    // R3: Alpha 3 of 3 active, 1 exhausted → Alpha wins.
    const rows = mod.locator(`${card} .poll-rounds tbody tr`);
    expect(await rows.count()).toBe(3);
    expect(await rows.nth(0).textContent()).toContain('Eliminated: 델타 (Delta)');
    expect(await rows.nth(1).textContent()).toContain('Eliminated: Bravo, Charlie');
    expect(await rows.nth(2).locator('.poll-round-exhausted').textContent()).toBe('1');
    expect(await rows.nth(2).textContent()).toContain('Winner: Alpha — the old keeper');
    expect(await mod.textContent(`${card} .poll-outcome`)).toBe('Winner: Alpha — the old keeper');
    const csv = await mod.request.get(`${server.url}/clubs/${clubId}/polls/${pollId}/results.csv`);
    expect(csv.status()).toBe(200);
    expect(csv.headers()['content-type']).toBe('text/csv; charset=utf-8');
    await mod.setViewportSize(PHONE);
    await expectNoOverflow(mod);
    await screenshot(mod, 'polls-moderator-after-en-390');
    await mod.setViewportSize(DESKTOP);

    // Members now see the rounds too, and can no longer vote.
    for (const page of members.map((m) => m.page)) {
      await page.goto(`${server.url}/clubs/${clubId}/polls/${pollId}`);
      expect(await page.locator(`${card} .poll-rounds tbody tr`).count()).toBe(3);
      expect(await page.locator(`${card} .poll-ballot-form`).count()).toBe(0);
    }
    await shootEverywhere(member, 'polls-after-close');

    for (const context of [moderator, ...members]) {
      expect(context.problems).toEqual([]);
      await context.context.close();
    }
  });
});
