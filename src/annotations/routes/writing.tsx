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
import { consumePosting, refuse } from '../../http/guards';
import { readForm } from '../../http/forms';
import type { AppEnv, AreaDeps } from '../../http/types';
import { anchorPositionFor } from '../gate';
import { commentCan, type CommentAction } from '../policy';
import { commentInClub, deleteComment, editCommentBody, insertComment, moderateComment, toggleReaction, type CommentRow } from '../queries';
import { checkBody, checkModerationAction, checkNewComment, checkReaction, checkReason, excerpt, QUOTE_MAX_CHARS, wantsQuote } from '../validation';
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

  /** The start of every action on one comment: find it (404), then ask the policy. */
  function actOn(c: C, action: CommentAction) {
    const access = kit.clubAccessOf(c);
    const found = kit.visibleComment(c, access);
    const p = kit.presenter(c, access, found.viewer, found.place.reading);
    return { access, ...found, p, allowed: commentCan(access, action, found.comment, found.viewer) };
  }

  const event = (comment: CommentRow, actorId: number) => ({ actorId, ...commentFacts(comment) });

  app.post('/clubs/:clubId/comments/:commentId/edit', async (c) => {
    const { access, comment, place, p, allowed } = actOn(c, 'edit');
    if (!allowed) return refuse(c);
    const form = await readForm(c);
    const body = checkBody(form);
    if (!body.ok) return kit.refuseInput(c, p, place, form, `edit-${comment.id}`, body.refusal);
    posting(c);
    if (body.value !== comment.body) editCommentBody(db, comment.id, body.value, clock());
    return kit.afterChange(c, p, place, form, { type: 'comment.edited', ...event(comment, access.userId!) }, `#c-${comment.id}`);
  });

  app.post('/clubs/:clubId/comments/:commentId/delete', async (c) => {
    const { access, comment, place, p, allowed } = actOn(c, 'delete');
    if (!allowed) return refuse(c);
    const form = await readForm(c);
    deleteComment(db, comment.id, clock());
    return kit.afterChange(c, p, place, form, { type: 'comment.deleted', ...event(comment, access.userId!) });
  });

  app.post('/clubs/:clubId/comments/:commentId/moderate', async (c) => {
    const { access, comment, place, viewer, p } = actOn(c, 'hide');
    if (!commentCan(access, 'hide', comment, viewer) && !commentCan(access, 'remove', comment, viewer)) return refuse(c);
    const form = await readForm(c);
    const key = `moderate-${comment.id}`;
    const action = checkModerationAction(form);
    if (!action.ok) return kit.refuseInput(c, p, place, form, key, action.refusal);
    if (!commentCan(access, action.value, comment, viewer)) return refuse(c);
    const reason = checkReason(form);
    if (!reason.ok) return kit.refuseInput(c, p, place, form, key, reason.refusal);
    const moderation = action.value === 'hide' ? 'hidden' : 'removed';
    moderateComment(db, comment.id, moderation, reason.value, access.userId!);
    return kit.afterChange(c, p, place, form, { type: 'comment.moderated', ...event(comment, access.userId!), moderation }, `#c-${comment.id}`);
  });

  app.post('/clubs/:clubId/comments/:commentId/react', async (c) => {
    const { access, comment, place, p, allowed } = actOn(c, 'react');
    if (!allowed) return refuse(c);
    const form = await readForm(c);
    const reaction = checkReaction(form);
    if (!reaction.ok) return kit.refuseInput(c, p, place, form, `react-${comment.id}`, reaction.refusal);
    const on = toggleReaction(db, comment.id, access.userId!, reaction.value, clock());
    return kit.afterChange(
      c,
      p,
      place,
      form,
      { type: 'reaction.toggled', actorId: access.userId, clubId: access.club.id, commentId: comment.id, reaction: reaction.value, on },
      `#c-${comment.id}`,
    );
  });

  return app;
}
