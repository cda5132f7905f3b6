/**
 * Comments through the API, decided by the annotations area's own service (the same one the
 * pages' forms call): the spoiler gate for the list, `commentCan` for every action, the same
 * checks, limits and events.
 *
 *   GET    /clubs/{clubId}/readings/{readingId}/chapters/{chapterId}/comments   the chapter's threads I may see
 *   POST   /clubs/{clubId}/readings/{readingId}/comments                        on a paragraph, a passage, or the chapter
 *   POST   /clubs/{clubId}/comments/{commentId}/replies                         reply
 *   PATCH  /clubs/{clubId}/comments/{commentId}                                 edit (the author)
 *   DELETE /clubs/{clubId}/comments/{commentId}                                 delete (the author)
 *   POST   /clubs/{clubId}/comments/{commentId}/reactions                       toggle a reaction
 */
import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { chapterCommentsFor, commentPlaces, deleteOwnComment, editComment, postComment, reactToComment, type CommentWriter, type WriteOutcome } from '../../annotations';
import { clubAccessOr404 } from '../../clubs';
import type { FormData } from '../../http/forms';
import type { PostingKind } from '../../http/guards';
import type { AreaDeps } from '../../http/types';
import type { MessageKey } from '../../i18n';
import { ApiProblem } from '../problem';
import { ChapterParams, CommentCreated, CommentEdit, CommentParams, CommentThreads, NewComment, NewReply, ReactionState, ReactionToggle, ReadingParams } from '../schemas';
import { apiPosting, ERRORS, idOf, json, WRITE_ERRORS, type ApiContext, type ApiEnv } from './shared';

/** Which field of the API's body a refusal of the annotations' checks is about. */
function pointerOf(message: MessageKey): string {
  if (message.startsWith('annotations.error.passage')) return '/passage';
  if (message === 'annotations.error.visibility') return '/visibility';
  if (message === 'annotations.error.reaction') return '/reaction';
  return '/body';
}

/** The service's outcome, for the API: 403 for the policy's no, 422 for the input's. */
function settled(outcome: WriteOutcome): Extract<WriteOutcome, { kind: 'done' }> {
  if (outcome.kind === 'refused') throw new ApiProblem(403, 'error.403.body');
  if (outcome.kind === 'invalid') throw new ApiProblem(422, 'api.problem.validation', undefined, { fieldErrors: [{ pointer: pointerOf(outcome.refusal.message), message: outcome.refusal.message, params: outcome.refusal.params }] });
  return outcome;
}

const body = <T>(schema: T) => ({ body: { content: { 'application/json': { schema } }, required: true } });

export function commentRoutes(api: OpenAPIHono<ApiEnv>, deps: AreaDeps): void {
  const places = commentPlaces(deps);

  const writerFor = async (c: ApiContext, clubId: string, kind: PostingKind): Promise<CommentWriter> => {
    const access = await clubAccessOr404(deps, clubId, c.get('user'));
    return { access, authorId: c.get('user')!.id, consume: apiPosting(deps, c, access.club.id, kind) };
  };

  api.openapi(
    createRoute({
      method: 'get',
      path: '/clubs/{clubId}/readings/{readingId}/chapters/{chapterId}/comments',
      summary: 'The chapter’s comments you may see (the spoiler gate applied), with a count of those further on',
      request: { params: ChapterParams },
      responses: { 200: json(CommentThreads, 'Threads in reading order'), ...ERRORS },
    }),
    async (c) => {
      const params = c.req.valid('param');
      const access = await clubAccessOr404(deps, params.clubId, c.get('user'));
      const reading = await places.readingOf(access, params.readingId);
      const place = await places.chapterPlace(reading, idOf(params.chapterId));
      await places.requireOpen(access, place);
      const threads = await chapterCommentsFor(deps, access, place, await places.gateViewer(access, reading));
      return c.json({ chapterId: place.chapter.id, ...threads }, 200);
    },
  );

  api.openapi(
    createRoute({
      method: 'post',
      path: '/clubs/{clubId}/readings/{readingId}/comments',
      summary: 'Comment on a paragraph (or a passage in it), or on the chapter',
      request: { params: ReadingParams, ...body(NewComment) },
      responses: { 201: json(CommentCreated, 'The comment'), ...WRITE_ERRORS },
    }),
    async (c) => {
      const params = c.req.valid('param');
      const input = c.req.valid('json');
      const form: FormData = {
        reading_id: params.readingId,
        body: input.body,
        visibility: input.visibility,
        ...(input.paragraphId !== undefined ? { paragraph_id: String(input.paragraphId) } : { chapter_id: String(input.chapterId) }),
        ...(input.passage
          ? {
              passage_start: String(input.passage.start),
              passage_end: String(input.passage.end),
              passage_exact: input.passage.exact,
              ...(input.passage.prefix !== undefined ? { passage_prefix: input.passage.prefix } : {}),
              ...(input.passage.suffix !== undefined ? { passage_suffix: input.passage.suffix } : {}),
            }
          : {}),
      };
      const done = settled(await postComment(deps, places, await writerFor(c, params.clubId, 'comment'), form));
      return c.json({ id: done.id, chapterId: done.place.chapter.id, paragraphId: done.place.paragraph?.id ?? null }, 201);
    },
  );

  api.openapi(
    createRoute({
      method: 'post',
      path: '/clubs/{clubId}/comments/{commentId}/replies',
      summary: 'Reply to a comment',
      request: { params: CommentParams, ...body(NewReply) },
      responses: { 201: json(CommentCreated, 'The reply'), ...WRITE_ERRORS },
    }),
    async (c) => {
      const params = c.req.valid('param');
      const input = c.req.valid('json');
      const form: FormData = { parent_id: params.commentId, body: input.body, quote: input.quote ? '1' : '' };
      const done = settled(await postComment(deps, places, await writerFor(c, params.clubId, 'comment'), form));
      return c.json({ id: done.id, chapterId: done.place.chapter.id, paragraphId: done.place.paragraph?.id ?? null }, 201);
    },
  );

  api.openapi(
    createRoute({
      method: 'patch',
      path: '/clubs/{clubId}/comments/{commentId}',
      summary: 'Edit your comment (the old text is kept as a revision)',
      request: { params: CommentParams, ...body(CommentEdit) },
      responses: { 200: json(CommentCreated, 'The comment'), ...WRITE_ERRORS },
    }),
    async (c) => {
      const params = c.req.valid('param');
      const done = settled(await editComment(deps, places, await writerFor(c, params.clubId, 'comment'), idOf(params.commentId), { body: c.req.valid('json').body }));
      return c.json({ id: done.id, chapterId: done.place.chapter.id, paragraphId: done.place.paragraph?.id ?? null }, 200);
    },
  );

  api.openapi(
    createRoute({
      method: 'delete',
      path: '/clubs/{clubId}/comments/{commentId}',
      summary: 'Delete your comment',
      request: { params: CommentParams },
      responses: { 204: { description: 'Deleted' }, ...ERRORS },
    }),
    async (c) => {
      const params = c.req.valid('param');
      settled(await deleteOwnComment(deps, places, await writerFor(c, params.clubId, 'other'), idOf(params.commentId)));
      return c.body(null, 204);
    },
  );

  api.openapi(
    createRoute({
      method: 'post',
      path: '/clubs/{clubId}/comments/{commentId}/reactions',
      summary: 'Toggle one of your reactions on a comment',
      request: { params: CommentParams, ...body(ReactionToggle) },
      responses: { 200: json(ReactionState, 'Whether your reaction is on now'), ...WRITE_ERRORS },
    }),
    async (c) => {
      const params = c.req.valid('param');
      const { reaction } = c.req.valid('json');
      const outcome = await reactToComment(deps, places, await writerFor(c, params.clubId, 'reaction'), idOf(params.commentId), { reaction });
      const done = settled(outcome);
      return c.json({ commentId: done.id, reaction, on: outcome.on ?? false }, 200);
    },
  );
}
