/**
 * The OpenAPI document cannot drift from the API: it lists every route the app serves under
 * /api/v1 (enumerated from the Hono app itself) and nothing else, and every answer the routes
 * give in a run through all of them — successes and problems — validates against the schema the
 * document gives for that route, status and content type (ajv, JSON Schema 2020-12, which
 * OpenAPI 3.1 schemas are).
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { pollOptions, REACTIONS } from '../../../db/schema';
import { createPoll } from '../polls/room';
import { api, createToken, makeApiRoom, type ApiAnswer, type ApiRoom } from './api-room';

interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: unknown }> }> }>>;
}

let room: ApiRoom;
let doc: OpenApiDocument;
beforeAll(async () => {
  room = await makeApiRoom({ visibility: 'public' });
  doc = (await api(room.testApp, null, 'GET', '/openapi.json')).body as OpenApiDocument;
});
afterAll(() => room.testApp.close());

/** `/api/v1/clubs/:clubId` → `/clubs/{clubId}` */
const documented = (routePath: string) => routePath.replace(/^\/api\/v1/, '').replace(/:(\w+)(\{[^}]*\})?/g, '{$1}');

describe('the OpenAPI document', () => {
  it('is OpenAPI 3.1, served without a token, and names the bearer scheme', async () => {
    const answer = await api(room.testApp, null, 'GET', '/openapi.json');
    expect(answer.status).toBe(200);
    expect(answer.contentType).toContain('application/json');
    expect(doc.openapi).toBe('3.1.0');
    expect(JSON.stringify(doc)).toContain('"scheme":"bearer"');
  });

  it('lists exactly the routes the app serves under /api/v1', () => {
    const served = new Set(
      room.testApp.app.routes
        .filter((route) => route.path.startsWith('/api/v1/') && route.method !== 'ALL')
        .map((route) => `${route.method.toLowerCase()} ${documented(route.path)}`),
    );
    const listed = new Set(Object.entries(doc.paths).flatMap(([path, methods]) => Object.keys(methods).map((method) => `${method} ${path}`)));
    expect(served.size).toBe(17);
    expect([...listed].sort()).toEqual([...served].sort());
  });

  it('describes every answer the routes give, successes and problems alike', async () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    ajv.addSchema(doc as object, 'openapi');
    const pointer = (...parts: string[]) => parts.map((part) => part.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');
    const checked: string[] = [];

    const { clubId, readingId, testApp } = room;
    await room.setProgress('alice', 21);
    await room.setProgress('bob', 21);
    const chapterId = room.chapters[0]!.id;
    const paragraph = (await room.paragraphs(1))[1]!;
    const readToken = await createToken(room.alice, { scope: 'read', name: 'reader' });
    const ranked = await createPoll(room.owner, clubId, { kind: 'ranked', resultsVisibility: 'always', voters: 'public' });
    const options = (await testApp.db.select({ id: pollOptions.id }).from(pollOptions).where(eq(pollOptions.pollId, ranked)).orderBy(pollOptions.ordinal)).map((row) => row.id);

    /** Calls a route and validates the answer against the document. */
    async function call(method: string, template: string, values: Record<string, string | number>, token: string | null, body?: unknown): Promise<ApiAnswer> {
      const path = template.replace(/\{(\w+)\}/g, (_, name: string) => String(values[name]));
      const answer = await api(testApp, token, method, path, body);
      const operation = doc.paths[template]?.[method.toLowerCase()];
      expect(operation, `${method} ${template} is documented`).toBeDefined();
      const response = operation!.responses[String(answer.status)];
      expect(response, `${method} ${template} documents ${answer.status}`).toBeDefined();
      if (answer.status === 204) {
        expect(answer.body).toBeNull();
      } else {
        const type = answer.contentType.split(';')[0]!.trim();
        const content = response!.content?.[type];
        expect(content, `${method} ${template} ${answer.status} documents ${type}`).toBeDefined();
        const validate = ajv.getSchema(`openapi#/${pointer('paths', template, method.toLowerCase(), 'responses', String(answer.status), 'content', type, 'schema')}`)!;
        const valid = validate(answer.body);
        expect(valid ? [] : validate.errors, `${method} ${template} ${answer.status}`).toEqual([]);
      }
      checked.push(`${method} ${template} ${answer.status}`);
      return answer;
    }

    const ids = { clubId, readingId, chapterId };
    const alice = room.tokens.alice;
    await call('GET', '/openapi.json', {}, null);
    await call('GET', '/me', {}, alice);
    await call('GET', '/me', {}, null);
    await call('GET', '/clubs', {}, alice);
    await call('GET', '/clubs/{clubId}/readings/{readingId}', ids, alice);
    await call('GET', '/clubs/{clubId}/readings/{readingId}', { clubId, readingId: 999 }, alice);
    await call('GET', '/clubs/{clubId}/readings/{readingId}/chapters/{chapterId}', ids, alice);
    await call('GET', '/clubs/{clubId}/readings/{readingId}/chapters/{chapterId}', { ...ids, chapterId: 999 }, alice);

    const posted = await call('POST', '/clubs/{clubId}/readings/{readingId}/comments', ids, alice, {
      paragraphId: paragraph.id,
      body: 'The *lamp*.',
      passage: { start: 0, end: 9, exact: paragraph.text.slice(0, 9), prefix: '' },
    });
    expect(posted.status).toBe(201);
    const rootId = (posted.body as { id: number }).id;
    await call('POST', '/clubs/{clubId}/readings/{readingId}/comments', ids, alice, { chapterId, body: 'About the whole chapter.' });
    await call('POST', '/clubs/{clubId}/readings/{readingId}/comments', ids, alice, { paragraphId: paragraph.id, body: '' });
    await call('POST', '/clubs/{clubId}/readings/{readingId}/comments', ids, alice, { body: 'Nowhere.' });
    await call('POST', '/clubs/{clubId}/readings/{readingId}/comments', ids, readToken, { paragraphId: paragraph.id, body: 'x' });
    await call('POST', '/clubs/{clubId}/readings/{readingId}/comments', ids, room.tokens.outsider, { paragraphId: paragraph.id, body: 'x' });
    const reply = await call('POST', '/clubs/{clubId}/comments/{commentId}/replies', { clubId, commentId: rootId }, room.tokens.bob, { body: 'Agreed.', quote: true });
    const replyId = (reply.body as { id: number }).id;
    await call('POST', '/clubs/{clubId}/comments/{commentId}/replies', { clubId, commentId: 999_999 }, alice, { body: 'x' });
    await call('PATCH', '/clubs/{clubId}/comments/{commentId}', { clubId, commentId: rootId }, alice, { body: 'The lamp, edited.' });
    await call('PATCH', '/clubs/{clubId}/comments/{commentId}', { clubId, commentId: rootId }, room.tokens.bob, { body: 'Not mine.' });
    await call('POST', '/clubs/{clubId}/comments/{commentId}/reactions', { clubId, commentId: rootId }, room.tokens.bob, { reaction: REACTIONS[0] });
    await call('POST', '/clubs/{clubId}/comments/{commentId}/reactions', { clubId, commentId: rootId }, room.tokens.bob, { reaction: 'nope' });
    const deletable = (await api(testApp, alice, 'POST', `/clubs/${clubId}/comments/${replyId}/replies`, { body: 'To be deleted.' })).body as { id: number };
    await call('DELETE', '/clubs/{clubId}/comments/{commentId}', { clubId, commentId: deletable.id }, room.tokens.bob);
    await call('DELETE', '/clubs/{clubId}/comments/{commentId}', { clubId, commentId: rootId }, alice);
    const threads = await call('GET', '/clubs/{clubId}/readings/{readingId}/chapters/{chapterId}/comments', ids, room.tokens.bob);
    expect(JSON.stringify(threads.body)).toContain('"deleted":true');
    await call('GET', '/clubs/{clubId}/readings/{readingId}/chapters/{chapterId}/comments', ids, room.tokens.outsider);
    await call('GET', '/clubs/{clubId}/readings/{readingId}/chapters/{chapterId}/comments', { ...ids, chapterId: 999 }, alice);

    await call('POST', '/clubs/{clubId}/polls/{pollId}/vote', { clubId, pollId: ranked }, alice, { choices: [...options].reverse() });
    await call('POST', '/clubs/{clubId}/polls/{pollId}/vote', { clubId, pollId: ranked }, room.tokens.bob, { choices: options });
    await call('POST', '/clubs/{clubId}/polls/{pollId}/vote', { clubId, pollId: ranked }, alice, { choices: [options[0]!, options[0]!] });
    await call('POST', '/clubs/{clubId}/polls/{pollId}/vote', { clubId, pollId: ranked }, room.tokens.outsider, { choices: options });
    const listed = await call('GET', '/clubs/{clubId}/polls', { clubId }, alice);
    expect(JSON.stringify(listed.body)).toContain('"rounds"');
    await call('GET', '/clubs/{clubId}/polls/{pollId}', { clubId, pollId: ranked }, alice);
    await call('GET', '/clubs/{clubId}/polls/{pollId}', { clubId, pollId: 999 }, alice);
    await call('DELETE', '/clubs/{clubId}/polls/{pollId}/vote', { clubId, pollId: ranked }, alice);

    await call('GET', '/clubs/{clubId}/readings/{readingId}/progress', ids, alice);
    await call('GET', '/clubs/{clubId}/readings/{readingId}/progress', ids, room.tokens.outsider);
    await call('PUT', '/clubs/{clubId}/readings/{readingId}/progress', ids, alice, { position: 3, mode: 'set' });
    await call('PUT', '/clubs/{clubId}/readings/{readingId}/progress', ids, alice, { position: 'three' });
    await call('PUT', '/clubs/{clubId}/readings/{readingId}/progress', ids, alice, { position: 999_999 });

    // Every documented operation was called at least once.
    const operations = Object.entries(doc.paths).flatMap(([path, methods]) => Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`));
    for (const operation of operations) expect(checked.some((entry) => entry.startsWith(`${operation} `)), operation).toBe(true);
  });
});
