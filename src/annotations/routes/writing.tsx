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
 * against the limit (429), write, publish the event, answer (`afterChange`).
 */
import { Hono } from 'hono';
import type { DomainEvent } from '../../events';
import { consumePosting, refuse } from '../../http/guards';
import { readForm } from '../../http/forms';
import type { AppEnv, AreaDeps } from '../../http/types';
import { anchorPositionFor } from '../gate';
import { commentCan, type CommentAction } from '../policy';
import { commentInClub, deleteComment, editCommentBody, insertComment, moderateComment, toggleReaction } from '../queries';
import { checkBody, checkModerationAction, checkNewComment, checkReaction, checkReason, excerpt, QUOTE_MAX_CHARS, wantsQuote, type InputRefusal } from '../validation';
import { commentFacts, requireId, type AnnotationKit, type C } from './shared';

export function writingRoutes(deps: AreaDeps, kit: AnnotationKit): Hono<AppEnv> {
  const { db, clock, rateLimiters } = deps;
  const app = new Hono<AppEnv>();
  const posting = (c: C) => consumePosting(c, rateLimiters.postingPerUser, clock());

  app.post('/clubs/:clubId/comments', async (c) => {
    const access = kit.clubAccessOf(c);
    const form = await readForm(c);
    const author = c.get('user');
    const parentId = form.parent_id ? requireId(form.parent_id) : null;

    if (parentId !== null) {
      // A reply: everything about where it lives comes from the thread's root.
      const { comment: parent, place, viewer } = kit.visibleComment(c, access, parentId);
      const root = parent.rootId === null || parent.rootId === parent.id ? parent : commentInClub(db, access.club.id, parent.rootId);
      if (!root) return c.notFound();
      // Replies in a private note's thread are private too, so the policy's "only the author
      // replies to a private note" holds for every comment of such a thread.
      if (!commentCan(access, 'reply', parent, viewer)) return refuse(c);
      const p = kit.presenter(c, access, viewer, place.reading);
      const body = checkBody(form);
      if (!body.ok) return kit.refuseInput(c, p, place, form, `reply-${parentId}`, body.refusal);
      posting(c);
      const id = insertComment(db, {
        clubId: access.club.id,
        readingId: place.reading.id,
        chapterId: place.chapter.id,
        paragraphId: place.paragraph?.id ?? null,
        parentId,
        rootId: root.id,
        anchorPosition: root.anchorPosition,
        passage: null,
        quotedText: wantsQuote(form) ? excerpt(parent.body, QUOTE_MAX_CHARS) : null,
        authorId: author!.id,
        body: body.value,
        visibility: root.visibility,
        createdAt: clock(),
      });
      const facts = commentFacts({ ...root, id, rootId: root.id, authorId: author!.id });
      return kit.afterChange(c, p, place, form, { type: 'comment.posted', actorId: author!.id, ...facts, parentId }, `#c-${id}`);
    }

    // A new root on a paragraph (or a passage in it) or on the chapter.
    const reading = kit.readingOf(access, form.reading_id);
    const paragraphId = form.paragraph_id ? requireId(form.paragraph_id) : null;
    const place = paragraphId !== null ? kit.paragraphPlace(reading, paragraphId) : form.chapter_id ? kit.chapterPlace(reading, requireId(form.chapter_id)) : null;
    if (!place) return c.notFound();
    kit.requireOpen(access, place);
    const viewer = kit.gateViewer(access, reading);
    if (!commentCan(access, 'post', null, viewer)) return refuse(c);
    const p = kit.presenter(c, access, viewer, reading);
    const checked = checkNewComment(form, place.paragraph?.text ?? null);
    if (!checked.ok) return kit.refuseInput(c, p, place, form, 'new', checked.refusal);
    posting(c);
    const { visibility, passage, body } = checked.value;
    const anchorPosition = anchorPositionFor(
      place.paragraph ? { kind: 'paragraph', paragraphPosition: place.paragraph.position } : { kind: 'chapter', chapterLastPosition: place.chapter.lastPosition },
    );
    const comment = {
      clubId: access.club.id,
      readingId: reading.id,
      chapterId: place.chapter.id,
      paragraphId: place.paragraph?.id ?? null,
      rootId: null,
      anchorPosition,
      authorId: author!.id,
      visibility,
    };
    const id = insertComment(db, { ...comment, parentId: null, passage, quotedText: null, body, createdAt: clock() });
    return kit.afterChange(c, p, place, form, { type: 'comment.posted', actorId: author!.id, ...commentFacts({ ...comment, id }), parentId: null }, `#c-${id}`);
  });

  /**
   * The start of every action on one comment: find it (404), ask the policy (sign in or 403),
   * read the form; then `refused(key, refusal)` re-shows a form (422) and `done(event)` answers.
   */
  async function actOn(c: C, may: (actions: { can: (action: CommentAction) => boolean }) => boolean) {
    const access = kit.clubAccessOf(c);
    const { comment, place, viewer } = kit.visibleComment(c, access);
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
    const act = await actOn(c, ({ can }) => can('edit'));
    if ('refusal' in act) return act.refusal;
    const body = checkBody(act.form);
    if (!body.ok) return act.refused('edit', body.refusal);
    posting(c);
    if (body.value !== act.comment.body) editCommentBody(db, act.comment.id, body.value, clock());
    return act.done({ type: 'comment.edited', ...act.facts });
  });

  app.post('/clubs/:clubId/comments/:commentId/delete', async (c) => {
    const act = await actOn(c, ({ can }) => can('delete'));
    if ('refusal' in act) return act.refusal;
    deleteComment(db, act.comment.id, clock());
    return act.done({ type: 'comment.deleted', ...act.facts }, null);
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
    moderateComment(db, act.comment.id, moderation, reason.value, act.facts.actorId);
    return act.done({ type: 'comment.moderated', ...act.facts, moderation, reason: reason.value });
  });

  app.post('/clubs/:clubId/comments/:commentId/react', async (c) => {
    const act = await actOn(c, ({ can }) => can('react'));
    if ('refusal' in act) return act.refusal;
    const reaction = checkReaction(act.form);
    if (!reaction.ok) return act.refused('react', reaction.refusal);
    posting(c);
    const on = toggleReaction(db, act.comment.id, act.facts.actorId, reaction.value, clock());
    return act.done({ type: 'reaction.toggled', actorId: act.facts.actorId, clubId: act.access.club.id, commentId: act.comment.id, reaction: reaction.value, on });
  });

  return app;
}
