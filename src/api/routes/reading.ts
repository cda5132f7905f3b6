/**
 * The token's owner, their clubs, a club's reading (book and chapters), one chapter's text,
 * and their progress.
 *
 *   GET /me
 *   GET /clubs                                               clubs I belong to
 *   GET /clubs/{clubId}/readings/{readingId}                 the book, its chapters (open or not), my progress
 *   GET /clubs/{clubId}/readings/{readingId}/chapters/{chapterId}   a chapter; its paragraphs only when open to me
 *   GET /clubs/{clubId}/readings/{readingId}/progress        my progress
 *   PUT /clubs/{clubId}/readings/{readingId}/progress        move it (forward, or set), as the chapter page's buttons
 */
import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import type { Reading as ReadingRow } from '../../../db/schema';
import { getChapterById, getEdition, listChapters, listParagraphs } from '../../books';
import { bookFraction, chapterOpensAt, chapterOpenTo, clubAccessOr404, clubCan, currentReading, getReading, listMyClubs, moveProgress, percent, progressOf, scheduleOf, type ClubAccess } from '../../clubs';
import type { AreaDeps } from '../../http/types';
import { ApiProblem } from '../problem';
import { Chapter, ChapterParams, ClubList, Me, Progress, ProgressUpdate, Reading, ReadingParams } from '../schemas';
import { ERRORS, idOf, json, WRITE_ERRORS, type ApiContext, type ApiEnv } from './shared';

export function readingRoutes(api: OpenAPIHono<ApiEnv>, deps: AreaDeps): void {
  const { db, clock } = deps;

  /** The club as the token's owner may see it (404 otherwise), and one of its readings. */
  async function readingFor(c: ApiContext, params: { clubId: string; readingId: string }): Promise<{ access: ClubAccess; reading: ReadingRow }> {
    const access = await clubAccessOr404(deps, params.clubId, c.get('user'));
    const reading = await getReading(db, access.club.id, idOf(params.readingId));
    if (!reading) throw new ApiProblem(404, 'api.problem.not_found');
    return { access, reading };
  }

  async function progressData(access: ClubAccess, reading: ReadingRow) {
    const edition = (await getEdition(db, reading.editionId))!;
    const position = await progressOf(db, reading.id, access.userId);
    const chapter = position > 0 ? (await listChapters(db, edition.id)).find((each) => each.firstPosition <= position && position <= each.lastPosition) : undefined;
    return { readingId: reading.id, position, bookPercent: percent(bookFraction(position, edition.paragraphCount)), chapterId: chapter?.id ?? null };
  }

  api.openapi(createRoute({ method: 'get', path: '/me', summary: 'The token and its owner', responses: { 200: json(Me, 'The token’s owner'), ...ERRORS } }), (c) => {
    const user = c.get('user')!;
    const token = c.get('apiToken');
    return c.json({ user: { id: user.id, username: user.username, displayName: user.displayName }, token: { id: token.id, name: token.name, scope: token.scope, expiresAt: token.expiresAt } }, 200);
  });

  api.openapi(createRoute({ method: 'get', path: '/clubs', summary: 'Clubs I belong to', responses: { 200: json(ClubList, 'Your clubs, most recently joined first'), ...ERRORS } }), async (c) => {
    const clubs = (await listMyClubs(db, c.get('user')!.id)).map((row) => ({
      id: row.club.id,
      name: row.club.name,
      description: row.club.description,
      visibility: row.club.visibility,
      role: row.role,
      currentReading:
        row.readingId !== null && row.bookTitle !== null
          ? { id: row.readingId, title: row.bookTitle, position: row.position, bookPercent: percent(bookFraction(row.position, row.paragraphCount ?? 0)) }
          : null,
    }));
    return c.json({ clubs }, 200);
  });

  api.openapi(
    createRoute({ method: 'get', path: '/clubs/{clubId}/readings/{readingId}', summary: 'A reading: the book and its chapters', request: { params: ReadingParams }, responses: { 200: json(Reading, 'The reading'), ...ERRORS } }),
    async (c) => {
      const { access, reading } = await readingFor(c, c.req.valid('param'));
      const edition = (await getEdition(db, reading.editionId))!;
      const schedule = await scheduleOf(db, reading.id);
      const now = clock();
      const chapters = (await listChapters(db, edition.id)).map((chapter) => {
        const opensAt = schedule.get(chapter.id) ?? null;
        return { id: chapter.id, ordinal: chapter.ordinal, title: chapter.title, kind: chapter.kind, firstPosition: chapter.firstPosition, lastPosition: chapter.lastPosition, open: chapterOpenTo(access, opensAt, now), opensAt };
      });
      const current = await currentReading(db, access.club.id);
      const progress = clubCan(access, 'recordProgress') ? await progressData(access, reading) : null;
      return c.json(
        {
          id: reading.id,
          clubId: access.club.id,
          current: current?.id === reading.id,
          book: { editionId: edition.id, title: edition.title, author: edition.author, language: edition.language, direction: edition.direction, paragraphCount: edition.paragraphCount },
          chapters,
          progress: progress && { position: progress.position, bookPercent: progress.bookPercent },
        },
        200,
      );
    },
  );

  api.openapi(
    createRoute({
      method: 'get',
      path: '/clubs/{clubId}/readings/{readingId}/chapters/{chapterId}',
      summary: 'A chapter and, when it is open to you, its paragraphs',
      request: { params: ChapterParams },
      responses: { 200: json(Chapter, 'The chapter'), ...ERRORS },
    }),
    async (c) => {
      const params = c.req.valid('param');
      const { access, reading } = await readingFor(c, params);
      const chapter = await getChapterById(db, idOf(params.chapterId));
      if (!chapter || chapter.editionId !== reading.editionId) throw new ApiProblem(404, 'api.problem.not_found');
      const opensAt = await chapterOpensAt(db, reading.id, chapter.id);
      // As the chapter page: a chapter not open to the reader is named, with its date, and no text.
      const open = chapterOpenTo(access, opensAt, clock());
      const paragraphs = open ? (await listParagraphs(db, chapter.id)).map((p) => ({ id: p.id, ordinal: p.ordinal, position: p.position, kind: p.kind, text: p.text })) : [];
      return c.json({ id: chapter.id, ordinal: chapter.ordinal, title: chapter.title, kind: chapter.kind, firstPosition: chapter.firstPosition, lastPosition: chapter.lastPosition, open, opensAt, paragraphs }, 200);
    },
  );

  const progressPath = '/clubs/{clubId}/readings/{readingId}/progress';
  api.openapi(createRoute({ method: 'get', path: progressPath, summary: 'My progress in a reading', request: { params: ReadingParams }, responses: { 200: json(Progress, 'Your progress'), ...ERRORS } }), async (c) => {
    const { access, reading } = await readingFor(c, c.req.valid('param'));
    if (!clubCan(access, 'recordProgress')) throw new ApiProblem(403, 'error.403.body');
    return c.json(await progressData(access, reading), 200);
  });

  api.openapi(
    createRoute({
      method: 'put',
      path: progressPath,
      summary: 'Move my progress (forward: I have read up to here; set: also back)',
      request: { params: ReadingParams, body: { content: { 'application/json': { schema: ProgressUpdate } }, required: true } },
      responses: { 200: json(Progress, 'Your progress now'), ...WRITE_ERRORS },
    }),
    async (c) => {
      const { access, reading } = await readingFor(c, c.req.valid('param'));
      if (!clubCan(access, 'recordProgress')) throw new ApiProblem(403, 'error.403.body');
      const { position, mode } = c.req.valid('json');
      const moved = await moveProgress(deps, access, reading, { position, mode, form: {} });
      if (!moved.ok) {
        const key = moved.reason === 'position' ? 'clubs.error.position' : moved.reason === 'position_closed' ? 'clubs.error.position_closed' : 'clubs.error.progress_skip';
        throw new ApiProblem(422, 'api.problem.validation', undefined, { fieldErrors: [{ pointer: '/position', message: key }] });
      }
      return c.json(await progressData(access, reading), 200);
    },
  );
}
