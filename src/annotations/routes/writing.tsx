/**
 * Writing: new comments and replies, edits, deletions, moderation and reactions.
 *
 *   POST /clubs/:clubId/comments                        new root (paragraph, passage, chapter) or reply (parent_id)
 *   POST /clubs/:clubId/comments/:commentId/edit        author edits (old body kept as a revision)
 *   POST /clubs/:clubId/comments/:commentId/delete      author deletes
 *   POST /clubs/:clubId/comments/:commentId/moderate    moderator hides or removes, with a reason
 *   POST /clubs/:clubId/comments/:commentId/react       toggle a reaction from the fixed set
 *
 * Each handler: find the place (404 when the reader may not see it), ask the policy (sign in or
 * 403), check the input (`../validation.ts`; 422 with the form re-shown), count the post
 * against the limit (429), write, publish the event, answer. All but moderation run in
 * `../service.ts`, which the JSON API calls too; this file turns its outcome into a page.
 */
import { Hono } from 'hono';
import type { DomainEvent } from '../../events';
import { consumePosting, refuse } from '../../http/guards';
import { readForm, type FormData } from '../../http/forms';
import type { AppEnv, AreaDeps } from '../../http/types';
import type { ClubAccess } from '../../clubs';
import { commentCan, type CommentAction } from '../policy';
import { moderateComment } from '../queries';
import { deleteOwnComment, editComment, postComment, reactToComment, type CommentWriter, type WriteOutcome } from '../service';
import { checkModerationAction, checkReason, type InputRefusal } from '../validation';
import { commentFacts, requireId, type AnnotationKit, type C } from './shared';

export function writingRoutes(deps: AreaDeps, kit: AnnotationKit): Hono<AppEnv> {
  const { db, clock, rateLimiters } = deps;
  const app = new Hono<AppEnv>();
  const posting = (c: C) => consumePosting(c, rateLimiters.postingPerUser, clock());

  /** Who writes, for the service: the posting limit is counted against this request. */
  const writerOf = (c: C, access: ClubAccess): CommentWriter => ({ access, authorId: c.get('user')?.id ?? 0, consume: () => posting(c) });

  /** The service's outcome as a page answer: sign in or 403, the form again (422), or the change. */
  function answer(c: C, access: ClubAccess, form: FormData, outcome: WriteOutcome) {
    if (outcome.kind === 'refused') return refuse(c);
    const p = kit.presenter(c, access, outcome.viewer, outcome.place.reading);
    if (outcome.kind === 'invalid') return kit.refuseInput(c, p, outcome.place, form, outcome.key, outcome.refusal);
    return kit.answerChange(c, p, outcome.place, form, outcome.anchor ?? undefined);
  }

  app.post('/clubs/:clubId/comments', async (c) => {
    const access = await kit.clubAccessOf(c);
    const form = await readForm(c);
    return answer(c, access, form, await postComment(deps, kit.places, writerOf(c, access), form));
  });

  /**
   * The start of every action on one comment: find it (404), ask the policy (sign in or 403),
   * read the form; then `refused(key, refusal)` re-shows a form (422) and `done(event)` answers.
   */
  async function actOn(c: C, may: (actions: { can: (action: CommentAction) => boolean }) => boolean) {
    const access = await kit.clubAccessOf(c);
    const { comment, place, viewer } = await kit.visibleComment(c, access);
    const can = (action: CommentAction) => commentCan(access, action, comment, viewer);
    if (!may({ can })) return { refusal: refuse(c) } as const;
    const p = kit.presenter(c, access, viewer, place.reading);
    const form = await readForm(c);
    const actorId = access.userId!;
    return {
      access,
      comment,
      can,
      form,
      facts: { actorId, ...commentFacts(comment) },
      refused: (key: string, refusal: InputRefusal) => kit.refuseInput(c, p, place, form, `${key}-${comment.id}`, refusal),
      done: (event: DomainEvent, anchor: string | null = `#c-${comment.id}`) => kit.afterChange(c, p, place, form, event, anchor ?? undefined),
    };
  }

  app.post('/clubs/:clubId/comments/:commentId/edit', async (c) => {
    const access = await kit.clubAccessOf(c);
    const commentId = requireId(c.req.param('commentId'));
    const form = await readForm(c);
    return answer(c, access, form, await editComment(deps, kit.places, writerOf(c, access), commentId, form));
  });

  app.post('/clubs/:clubId/comments/:commentId/delete', async (c) => {
    const access = await kit.clubAccessOf(c);
    const commentId = requireId(c.req.param('commentId'));
    const form = await readForm(c);
    return answer(c, access, form, await deleteOwnComment(deps, kit.places, writerOf(c, access), commentId));
  });

  app.post('/clubs/:clubId/comments/:commentId/moderate', async (c) => {
    const act = await actOn(c, ({ can }) => can('hide') || can('remove'));
    if ('refusal' in act) return act.refusal;
    const action = checkModerationAction(act.form);
    if (!action.ok) return act.refused('moderate', action.refusal);
    if (!act.can(action.value)) return refuse(c);
    const reason = checkReason(act.form);
    if (!reason.ok) return act.refused('moderate', reason.refusal);
    const moderation = action.value === 'hide' ? 'hidden' : 'removed';
    await moderateComment(db, act.comment.id, moderation, reason.value, act.facts.actorId);
    return act.done({ type: 'comment.moderated', ...act.facts, moderation, reason: reason.value });
  });

  app.post('/clubs/:clubId/comments/:commentId/react', async (c) => {
    const access = await kit.clubAccessOf(c);
    const commentId = requireId(c.req.param('commentId'));
    const form = await readForm(c);
    return answer(c, access, form, await reactToComment(deps, kit.places, writerOf(c, access), commentId, form));
  });

  return app;
}
