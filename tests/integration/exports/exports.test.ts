/**
 * A member's exports (W3C Web Annotation JSON-LD, Markdown, CSV) and the import of a Web
 * Annotation file, through real HTTP on a real SQLite file: every exported annotation checked
 * against the schema, the spoiler gate on quoted book text, nothing of anyone else, the
 * round trip, the misses listed, validation errors in the reader's language.
 */
import { unzipSync, strFromU8 } from 'fflate';
import { afterEach, describe, expect, it } from 'vitest';
import { clubMutes, comments, editions } from '../../../db/schema';
import { eq } from 'drizzle-orm';
import { addMemberRow, createClubRow, startReadingRow } from '../../helpers/fixtures';
import { makeRoom, type AnnotationRoom } from '../annotations/room';
import { schemaErrors } from '../../unit/exports/schema';
import { postComment, uploadAnnotations } from './world';

let room: AnnotationRoom;
afterEach(() => room?.testApp.close());

type Doc = Record<string, unknown> & { items?: Record<string, unknown>[]; first?: { items: Record<string, unknown>[] } };

async function jsonld(client = room.alice, query = ''): Promise<{ response: Response; doc: Doc }> {
  const response = await client.get(`/account/annotations/export.jsonld${query}`);
  const doc = response.status === 200 ? ((await response.json()) as Doc) : ({} as Doc);
  return { response, doc };
}

function itemsOf(doc: Doc): Record<string, unknown>[] {
  return doc.first?.items ?? doc.items ?? [];
}

describe('exporting my annotations', () => {
  it('writes JSON-LD whose every annotation passes the schema, with my private notes and none of anyone else', async () => {
    room = await makeRoom();
    await room.setProgress('alice', 21);
    await room.setProgress('bob', 21);
    const bobs = await postComment(room, room.bob, { chapter: 2, paragraph: 2, passage: '등불 하나가', body: 'Bob’s secret thought' });
    await postComment(room, room.bob, { chapter: 2, paragraph: 3, body: 'Bob private', visibility: 'private' });
    const passage = await postComment(room, room.alice, { chapter: 1, paragraph: 2, passage: '등불 하나가 바람에', body: '바람이 **좋아요**' });
    await postComment(room, room.alice, { chapter: 1, paragraph: 3, body: '나만 보는 메모', visibility: 'private' });
    const reply = await postComment(room, room.alice, { chapter: 2, paragraph: 2, parentId: bobs, body: 'I agree' });

    const { response, doc } = await jsonld(room.alice, `?club=${room.clubId}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"');
    expect(response.headers.get('content-disposition')).toMatch(/^attachment; filename="marginalia-annotations-\d+-2026-11-01\.jsonld"/);
    expect(schemaErrors('collection', doc)).toEqual([]);
    const items = itemsOf(doc);
    expect(items).toHaveLength(3);
    for (const item of items) expect(schemaErrors('annotation', item)).toEqual([]);

    const text = JSON.stringify(doc);
    expect(text).not.toContain('Bob’s secret thought');
    expect(text).not.toContain('Bob private');
    expect(text).toContain('나만 보는 메모');

    const byId = new Map(items.map((item) => [String(item.id).replace(/.*#c-/, ''), item]));
    expect(byId.get(String(passage))).toMatchObject({
      motivation: 'commenting',
      body: { type: 'TextualBody', value: '바람이 **좋아요**', format: 'text/markdown', language: 'en' },
      target: { type: 'SpecificResource', source: `http://localhost:3000/books/${room.editionId}/chapters/1#p-2`, selector: [{ type: 'TextQuoteSelector', exact: '등불 하나가 바람에' }, { type: 'TextPositionSelector' }] },
    });
    const replyItem = byId.get(String(reply))!;
    expect(replyItem.motivation).toBe('replying');
    expect(replyItem.target).toBe(`http://localhost:3000/clubs/${room.clubId}/paragraphs/${room.paragraphs(2)[1]!.id}/comments#c-${bobs}`);
  });

  it('quotes book text of a reply only while the gate lets me see its root', async () => {
    room = await makeRoom();
    await room.setProgress('alice', 7);
    await room.setProgress('bob', 21);
    const chapter3 = room.chapters[2]!;
    const bobs = await postComment(room, room.bob, { chapter: 3, paragraph: 4, passage: 'Nobody spoke', body: 'ending talk' });
    expect((await room.alice.post(`/clubs/${room.clubId}/reveal/${chapter3.id}`, {})).status).toBe(303);
    await postComment(room, room.alice, { chapter: 3, paragraph: 4, parentId: bobs, body: 'my reply' });
    const revealed = await (await room.alice.get(`/account/annotations/export.md?club=${room.clubId}`)).text();
    expect(revealed).toContain('> Nobody spoke');

    expect((await room.alice.post(`/clubs/${room.clubId}/reveal/${chapter3.id}/unreveal`, {})).status).toBe(303);
    const md = await (await room.alice.get(`/account/annotations/export.md?club=${room.clubId}`)).text();
    const csv = await (await room.alice.get(`/account/annotations/export.csv?club=${room.clubId}`)).text();
    const { doc } = await jsonld(room.alice, `?club=${room.clubId}`);
    for (const out of [md, csv, JSON.stringify(doc)]) {
      expect(out).toContain('my reply');
      expect(out).not.toContain('Nobody spoke');
      expect(out).not.toContain('Paragraph 3 of chapter 3');
      expect(out).not.toContain('ending talk');
    }
  });

  it('Markdown is one file per book (a zip for several), CSV is formula-safe with a BOM, both in UTF-8', async () => {
    room = await makeRoom();
    await room.setProgress('alice', 21);
    await postComment(room, room.alice, { chapter: 1, paragraph: 2, passage: '등불 하나가', body: '=HYPERLINK("http://evil.example","등불")' });
    await postComment(room, room.alice, { chapter: 2, paragraph: 5, body: '@SUM(A1:A9) 두 번째' });
    const md = await room.alice.get(`/account/annotations/export.md?club=${room.clubId}`);
    expect(md.headers.get('content-type')).toBe('text/markdown; charset=utf-8');
    expect(md.headers.get('content-disposition')).toContain("filename*=UTF-8''The%20Lantern%20Keepers.md");
    const text = await md.text();
    expect(text.indexOf('등불 하나가')).toBeLessThan(text.indexOf('두 번째')); // reading order
    expect(text).toMatch(/^# The Lantern Keepers\n/);

    const csv = await room.alice.get(`/account/annotations/export.csv?club=${room.clubId}`);
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8; header=present');
    const bytes = new Uint8Array(await csv.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const body = new TextDecoder().decode(bytes);
    expect(body).toContain(`"'=HYPERLINK(""http://evil.example"",""등불"")"`);
    expect(body).toContain(`'@SUM(A1:A9) 두 번째`);
    expect(body).not.toMatch(/(^|,)[=+@-]/m);

    // A second club reading another book: "everything" becomes a zip with one file per book.
    const other = await createClubRow(room.testApp, { ownerId: room.ids.alice, name: '두 번째 모임', language: 'ko' });
    const { importSampleBook } = await import('../../helpers/fixtures');
    const book = await importSampleBook(room.testApp, { title: '소나기' });
    await startReadingRow(room.testApp, other.id, book.editionId);
    const { paragraphs } = await import('../../../db/schema');
    const otherParagraph = (await room.testApp.db.select().from(paragraphs).where(eq(paragraphs.editionId, book.editionId)).orderBy(paragraphs.position))[1]!;
    const posted = await room.alice.post(`/clubs/${other.id}/comments`, { paragraph_id: otherParagraph.id, body: '한국어 메모' });
    expect(posted.status).toBe(303);
    const zip = await room.alice.get('/account/annotations/export.md');
    expect(zip.headers.get('content-type')).toBe('application/zip');
    const files = unzipSync(new Uint8Array(await zip.arrayBuffer()));
    expect(Object.keys(files).sort()).toEqual(['The Lantern Keepers.md', '소나기.md']);
    expect(strFromU8(files['소나기.md']!)).toContain('한국어 메모');
    const all = await jsonld(room.alice);
    expect(all.doc.total).toBe(3);
  });

  it('pages a large collection: page N by URL, prev/next, 404 past the end; every page valid', async () => {
    room = await makeRoom();
    const paragraph = room.paragraphs(1)[1]!;
    await room.testApp.db.insert(comments).values(
      Array.from({ length: 150 }, (_, i) => ({ clubId: room.clubId, readingId: room.readingId, chapterId: room.chapters[0]!.id, paragraphId: paragraph.id, anchorPosition: paragraph.position, authorId: room.ids.alice, body: `note ${i}`, visibility: 'private' as const, createdAt: room.testApp.clock.now + i })),
    );
    const { doc } = await jsonld(room.alice, `?club=${room.clubId}`);
    expect(doc).toMatchObject({ total: 150, last: `http://localhost:3000/account/annotations/export.jsonld?club=${room.clubId}&page=2` });
    expect(itemsOf(doc)).toHaveLength(100);
    const page2 = await jsonld(room.alice, `?club=${room.clubId}&page=2`);
    expect(schemaErrors('document', page2.doc)).toEqual([]);
    expect(page2.doc).toMatchObject({ type: 'AnnotationPage', startIndex: 100, prev: `http://localhost:3000/account/annotations/export.jsonld?club=${room.clubId}&page=1` });
    expect(page2.doc.items).toHaveLength(50);
    for (const item of page2.doc.items!) expect(schemaErrors('annotation', item)).toEqual([]);
    expect((await room.alice.get(`/account/annotations/export.jsonld?club=${room.clubId}&page=3`)).status).toBe(404);
    expect((await room.alice.get(`/account/annotations/export.jsonld?club=${room.clubId}&page=0`)).status).toBe(404);
  });

  it('a club I am not in is 404 like one that does not exist; signed out goes to sign-in', async () => {
    room = await makeRoom();
    for (const format of ['jsonld', 'md', 'csv']) {
      expect((await room.outsider.get(`/account/annotations/export.${format}?club=${room.clubId}`)).status).toBe(404);
      expect((await room.outsider.get(`/account/annotations/export.${format}?club=999999`)).status).toBe(404);
      expect((await room.alice.get(`/account/annotations/export.${format}?club=abc`)).status).toBe(404);
      expect((await room.visitor.get(`/account/annotations/export.${format}`)).status).toBe(303);
    }
  });
});

describe('importing a Web Annotation file', () => {
  it('round trip: my export imported onto the same book in another club re-anchors every note as a private note', async () => {
    room = await makeRoom();
    await room.setProgress('alice', 21);
    await postComment(room, room.alice, { chapter: 1, paragraph: 2, passage: '등불 하나가 바람에', body: '첫 메모' });
    await postComment(room, room.alice, { chapter: 2, paragraph: 4, passage: 'Nobody spoke', body: 'second' });
    await postComment(room, room.alice, { chapter: 3, paragraph: 7, body: 'whole paragraph', visibility: 'private' });
    const { doc } = await jsonld(room.alice, `?club=${room.clubId}`);

    const second = await createClubRow(room.testApp, { ownerId: room.ids.owner, name: 'Second' });
    await addMemberRow(room.testApp, second.id, room.ids.alice);
    const reading = await startReadingRow(room.testApp, second.id, room.editionId);
    const response = await uploadAnnotations(room.alice, reading.id, doc);
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('3 of 3 annotations became private notes');
    const original = (await room.testApp.db.select().from(comments).where(eq(comments.readingId, room.readingId)).orderBy(comments.id));
    const imported = (await room.testApp.db.select().from(comments).where(eq(comments.readingId, reading.id)).orderBy(comments.id));
    expect(imported.map((c) => [c.paragraphId, c.passageStart, c.passageEnd, c.passageExact, c.passagePrefix, c.passageSuffix, c.body, c.anchorPosition])).toEqual(
      original.map((c) => [c.paragraphId, c.passageStart, c.passageEnd, c.passageExact, c.passagePrefix, c.passageSuffix, c.body, c.anchorPosition]),
    );
    expect(imported.every((c) => c.visibility === 'private' && c.authorId === room.ids.alice && c.rootId === c.id)).toBe(true);

    // Sending the same file again writes nothing twice, and says so.
    const again = await (await uploadAnnotations(room.alice, reading.id, doc)).text();
    expect(again).toContain('0 of 3 annotations');
    expect(again.match(/You already have this note there/g)).toHaveLength(3);
    expect((await room.testApp.db.select().from(comments).where(eq(comments.readingId, reading.id)))).toHaveLength(3);
  });

  it('lists what did not match, with the reason, and imports the rest in one go', async () => {
    room = await makeRoom();
    const doc = {
      '@context': 'http://www.w3.org/ns/anno.jsonld',
      type: 'AnnotationPage',
      items: [
        { type: 'Annotation', body: { type: 'TextualBody', value: 'found' }, target: { source: 'https://hypothes.is/x', selector: { type: 'TextQuoteSelector', exact: 'the keepers climbed the hill at dusk, and 등불', prefix: 'Paragraph 2 of chapter 1: ' } } },
        { type: 'Annotation', body: { type: 'TextualBody', value: 'lost note' }, target: { source: 'https://x', selector: { type: 'TextQuoteSelector', exact: 'a sentence this book never had in it at all' } } },
        { type: 'Annotation', motivation: 'replying', bodyValue: 'a reply', target: 'https://x/annotations/1' },
        { type: 'Annotation', bodyValue: 'no selector', target: 'https://x/page' },
      ],
    };
    const response = await uploadAnnotations(room.alice, room.readingId, doc);
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('1 of 4 annotations became private notes');
    expect(html).toContain('The passage is not in this book');
    expect(html).toContain('a sentence this book never had in it at all');
    expect(html).toContain('A reply to someone');
    expect(html).toContain('No quoted passage');
    const rows = (await room.testApp.db.select().from(comments).where(eq(comments.authorId, room.ids.alice)));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ paragraphId: room.paragraphs(1)[2]!.id, passageExact: 'the keepers climbed the hill at dusk, and 등불', visibility: 'private', body: 'found' });
  });

  it('refuses a bad file with 422 in the reader’s language and keeps the chosen reading; others’ readings are not offered', async () => {
    room = await makeRoom();
    room.alice.acceptLanguage = 'ko';
    const notJson = await uploadAnnotations(room.alice, room.readingId, 'hello');
    expect(notJson.status).toBe(422);
    const html = await notJson.text();
    expect(html).toContain('JSON 파일이 아니에요');
    expect(html).toContain(`<option value="${room.readingId}" selected="">`);
    const tooBig = await uploadAnnotations(room.alice, room.readingId, `[${' '.repeat(2 * 1024 * 1024)}]`);
    expect(tooBig.status).toBe(422);
    expect(await tooBig.text()).toContain('최대 2 MB까지');
    // The outsider is no member: the club's reading is no choice of theirs.
    const outsider = await uploadAnnotations(room.outsider, room.readingId, []);
    expect(outsider.status).toBe(422);
    expect((await room.testApp.db.select().from(comments))).toHaveLength(0);
  });

  it('a member muted in the club imports nothing there (as when writing a note by hand)', async () => {
    room = await makeRoom();
    await room.testApp.db.insert(clubMutes).values({ clubId: room.clubId, userId: room.ids.alice, until: room.testApp.clock.now + 3_600_000, reason: 'cool off', createdAt: room.testApp.clock.now });
    const doc = [{ type: 'Annotation', bodyValue: 'note', target: { source: 'x:y', selector: { type: 'TextQuoteSelector', exact: 'the keepers climbed the hill at dusk, and 등불', prefix: 'Paragraph 2 of chapter 1: ' } } }];
    const response = await uploadAnnotations(room.alice, room.readingId, doc);
    expect([403, 429]).toContain(response.status);
    expect((await room.testApp.db.select().from(comments))).toHaveLength(0);
    // The same by hand is refused the same way.
    const byHand = await room.alice.post(`/clubs/${room.clubId}/comments`, { paragraph_id: room.paragraphs(1)[2]!.id, body: 'note', visibility: 'private' });
    expect(byHand.status).toBe(response.status);
  });

  it('an RTL book and a Japanese book export and import in UTF-8 with their text intact', async () => {
    room = await makeRoom();
    const { importBook } = await import('../../../src/books/store');
    const book = await importBook(room.testApp, {
      bytes: new TextEncoder().encode(['---', 'title: 猫と月', 'lang: ja', '---', '', '# 第一章', '', '吾輩は猫である。名前はまだ無い。', '', 'שלום עולם, זה טקסט בעברית.', ''].join('\n')),
      filename: 'neko.md',
      now: room.testApp.clock.now,
    });
    await room.testApp.db.update(editions).set({ direction: 'rtl' }).where(eq(editions.id, book.editionId));
    const club = await createClubRow(room.testApp, { ownerId: room.ids.alice, name: '猫クラブ', language: 'ja' });
    const reading = await startReadingRow(room.testApp, club.id, book.editionId);
    const { paragraphs: paragraphTable } = await import('../../../db/schema');
    const paragraphs = await room.testApp.db.select({ id: paragraphTable.id, text: paragraphTable.text }).from(paragraphTable).where(eq(paragraphTable.editionId, book.editionId)).orderBy(paragraphTable.position);
    const neko = paragraphs.find((p) => p.text.startsWith('吾輩'))!;
    const hebrew = paragraphs.find((p) => p.text.startsWith('שלום'))!;
    expect((await room.alice.post(`/clubs/${club.id}/comments`, { paragraph_id: neko.id, body: '名前のない猫', passage_start: 0, passage_end: 7, passage_exact: '吾輩は猫である' })).status).toBe(303);
    expect((await room.alice.post(`/clubs/${club.id}/comments`, { paragraph_id: hebrew.id, body: 'עברית' })).status).toBe(303);
    const { doc } = await jsonld(room.alice, `?club=${club.id}`);
    for (const item of itemsOf(doc)) expect(schemaErrors('annotation', item)).toEqual([]);
    expect(JSON.stringify(doc)).toContain('"exact":"吾輩は猫である"');
    expect(itemsOf(doc)[0]).toMatchObject({ body: { language: 'ja' } });
    const md = await (await room.alice.get(`/account/annotations/export.md?club=${club.id}`)).text();
    expect(md).toContain('> 吾輩は猫である');
    expect(md).toContain('> שלום עולם, זה טקסט בעברית.');

    const again = await createClubRow(room.testApp, { ownerId: room.ids.alice, name: 'again' });
    const second = await startReadingRow(room.testApp, again.id, book.editionId);
    const imported = await (await uploadAnnotations(room.alice, second.id, doc)).text();
    expect(imported).toContain('2 of 2 annotations');
    void reading;
  });
});
