/**
 * Moderation inside a club.
 *
 *   GET/POST /clubs/:clubId/comments/:commentId/flag     a member flags a comment (reason + note)
 *   GET      /clubs/:clubId/moderation[?order=newest|most] the queue, hidden comments, mutes and bans, settings
 *   POST     /clubs/:clubId/moderation/comments/:commentId decision: keep | hide | delete | restore | warn (+ reason)
 *   POST     /clubs/:clubId/moderation/restrictions      action: mute (hours) | unmute | ban | unban, user_id, reason
 *   POST     /clubs/:clubId/moderation/settings          slow mode seconds, flag threshold
 *   GET      /clubs/:clubId/moderation/log               the club's audit log
 *
 * Each handler: the club as the reader sees it (404), the policy (sign in or 403), the input
 * (422 with the page re-shown and the input kept), the write, one event (the audit log
 * listens), a 303.
 */
import { Hono } from 'hono';
import { FlagPage, LogPage, QueuePage } from '../../../views/moderation/pages';
import { FLAG_REASONS } from '../../../db/schema';
import { transaction } from '../../../db/connection';
import { commentEventFacts, commentOfClub, commentSeenBy, setCommentModeration } from '../../annotations';
import { clubAccessOr404, type ClubAccess } from '../../clubs';
import { notFound } from '../../http/errors';
import { parseId, readForm, safeNextPath, type FormData } from '../../http/forms';
import { refuse } from '../../http/guards';
import { pageContext, seeOther, sendPage } from '../../http/page';
import type { AppEnv, AreaDeps } from '../../http/types';
import type { MessageKey } from '../../i18n';
import { formatDateTime, viewerTimeZone } from '../../i18n/zoned-time';
import { moderationCan } from '../policy';
import { excerptOf, logEntryViews, queueItemViews } from '../present';
import * as q from '../queries';
import { reachesThreshold } from '../service';
import { checkDecision, checkFlag, checkMuteHours, checkReason, checkSettings } from '../validation';
import type { C } from './shared';

const NOTICES: Record<string, MessageKey> = {
  kept: 'moderation.notice.kept',
  hidden: 'moderation.notice.hidden',
  removed: 'moderation.notice.removed',
  restored: 'moderation.notice.restored',
  warned: 'moderation.notice.warned',
  muted: 'moderation.notice.muted',
  unmuted: 'moderation.notice.unmuted',
  banned: 'moderation.notice.banned',
  unbanned: 'moderation.notice.unbanned',
  settings: 'moderation.notice.settings',
};

export function clubModerationRoutes(deps: AreaDeps): Hono<AppEnv> {
  const { db, clock, events } = deps;
  const app = new Hono<AppEnv>();
  const accessOf = async (c: C) => clubAccessOr404(deps, c.req.param('clubId'), c.get('user'));
  const idOf = (value: string | undefined) => {
    const id = parseId(value);
    if (id === null) throw notFound();
    return id;
  };
  const format = (c: C) => {
    const zone = viewerTimeZone(c.get('user')?.timeZone);
    return (ms: number) => formatDateTime(ms, c.get('locale'), zone);
  };

  // ---- flags ---------------------------------------------------------------------------------

  async function flagTarget(c: C) {
    const access = await accessOf(c);
    const comment = await commentSeenBy(db, access, idOf(c.req.param('commentId')), clock());
    if (!comment) throw notFound();
    return { access, comment };
  }

  async function flagPage(c: C, access: ClubAccess, comment: { id: number; body: string }, values: FormData, error: MessageKey | null, status: 200 | 409 | 422 = 200) {
    const back = safeNextPath(values.return ?? c.req.query('return'), `/clubs/${access.club.id}`);
    return sendPage(
      c,
      <FlagPage
        page={pageContext(c)}
        view={{ action: `/clubs/${access.club.id}/comments/${comment.id}/flag`, back, excerpt: excerptOf(comment.body), reasons: FLAG_REASONS, values, error: error && c.get('t')(error), done: c.req.query('done') === '1' }}
      />,
      status,
    );
  }

  app.get('/clubs/:clubId/comments/:commentId/flag', async (c) => {
    const { access, comment } = await flagTarget(c);
    if (!moderationCan(access, 'flag', { comment }) && c.req.query('done') !== '1') return refuse(c, `/clubs/${access.club.id}`);
    return flagPage(c, access, comment, {}, null);
  });

  app.post('/clubs/:clubId/comments/:commentId/flag', async (c) => {
    const { access, comment } = await flagTarget(c);
    if (!moderationCan(access, 'flag', { comment })) return refuse(c, `/clubs/${access.club.id}`);
    const form = await readForm(c);
    const flag = checkFlag(form);
    if (!flag.ok) return flagPage(c, access, comment, form, flag.error, 422);
    const now = clock();
    // The flag, the count and the hiding in one transaction: of two flags landing together past
    // the threshold, only the first hides the comment (and is told to the author).
    const outcome = await transaction(db, async (tx) => {
      if (!(await q.addFlag(tx, { clubId: access.club.id, commentId: comment.id, flaggerId: access.userId!, ...flag.value, createdAt: now }))) return null;
      const flagCount = await q.openFlagCount(tx, comment.id);
      const hide = reachesThreshold(flagCount, (await q.settingsOf(tx, access.club.id)).flagThreshold) && (await q.commentModeration(tx, comment.id)) === null;
      if (hide) await setCommentModeration(tx, comment.id, 'hidden', '', null);
      return { flagCount, hidden: hide };
    });
    if (!outcome) return flagPage(c, access, comment, form, 'moderation.error.flagged_already', 409);
    const facts = commentEventFacts(comment);
    await events.publish({ type: 'comment.flagged', actorId: access.userId, ...facts, flagCount: outcome.flagCount });
    if (outcome.hidden) await events.publish({ type: 'comment.flag_hidden', actorId: null, ...facts, flagCount: outcome.flagCount });
    const back = safeNextPath(form.return, `/clubs/${access.club.id}`);
    return seeOther(c, `/clubs/${access.club.id}/comments/${comment.id}/flag?done=1&return=${encodeURIComponent(back)}`);
  });

  // ---- the queue -----------------------------------------------------------------------------

  async function queuePage(c: C, access: ClubAccess, extra: { error?: MessageKey; status?: 200 | 422 } = {}) {
    const t = c.get('t');
    const order = c.req.query('order') === 'most' ? 'most' : 'newest';
    const rows = await q.queueRows(db, access.club.id, order);
    const fmt = format(c);
    const notice = NOTICES[c.req.query('done') ?? ''];
    const { mutes, bans } = await q.restrictionsOf(db, access.club.id, clock());
    const flags = await q.openFlagsOf(db, rows.map((r) => r.commentId));
    const hidden = await q.hiddenComments(db, access.club.id);
    const members = await q.restrictableMembers(db, access.club.id);
    const settings = await q.settingsOf(db, access.club.id);
    return sendPage(
      c,
      <QueuePage
        page={pageContext(c)}
        view={{
          club: { id: access.club.id, name: access.club.name },
          order,
          items: queueItemViews(t, fmt, access.club.id, rows, flags),
          hidden: hidden.map((h) => ({
            commentId: h.commentId,
            where: t('moderation.where', { ordinal: h.chapterOrdinal, title: h.chapterTitle }),
            href: `/clubs/${access.club.id}/readings/${h.readingId}/chapters/${h.chapterOrdinal}`,
            author: h.authorName,
            body: excerptOf(h.body),
            reason: h.moderationReason || t('moderation.reason.flags'),
          })),
          members: members.filter((m) => m.userId !== access.userId),
          mutes: mutes.map((m) => ({ ...m, until: fmt(m.until) })),
          bans,
          settings,
          notice: notice ? t(notice) : null,
          error: extra.error ? t(extra.error) : null,
        }}
      />,
      extra.status ?? 200,
    );
  }

  const moderatorsOnly = (c: C, access: ClubAccess, action: 'seeQueue' | 'decide' | 'settings' | 'seeLog') => (moderationCan(access, action) ? null : refuse(c, `/clubs/${access.club.id}`));

  app.get('/clubs/:clubId/moderation', async (c) => {
    const access = await accessOf(c);
    return moderatorsOnly(c, access, 'seeQueue') ?? queuePage(c, access);
  });

  app.post('/clubs/:clubId/moderation/comments/:commentId', async (c) => {
    const access = await accessOf(c);
    const refused = moderatorsOnly(c, access, 'decide');
    if (refused) return refused;
    const comment = await commentOfClub(db, access.club.id, idOf(c.req.param('commentId')));
    if (!comment || comment.visibility !== 'club' || comment.deletedAt !== null) throw notFound();
    const form = await readForm(c);
    const decision = checkDecision(form);
    if (!decision.ok) return queuePage(c, access, { error: decision.error, status: 422 });
    const reason = checkReason(form, decision.value === 'hide' || decision.value === 'delete' || decision.value === 'warn');
    if (!reason.ok) return queuePage(c, access, { error: reason.error, status: 422 });
    if (decision.value === 'warn' && !moderationCan(access, 'warn', { target: { userId: comment.authorId, role: (await q.roleIn(db, access.club.id, comment.authorId)) ?? null } })) return refuse(c);
    const now = clock();
    const facts = commentEventFacts(comment);
    const actorId = access.userId;
    let done: string;
    switch (decision.value) {
      case 'keep':
        await q.resolveFlags(db, comment.id, now);
        // Kept: a comment hidden by the flags shows again.
        if (comment.moderation === 'hidden' && !comment.moderationReason) await setCommentModeration(db, comment.id, 'restored', '', null);
        await events.publish({ type: 'comment.flags_cleared', actorId, ...facts, reason: reason.value });
        done = 'kept';
        break;
      case 'hide':
      case 'delete': {
        const state = decision.value === 'hide' ? 'hidden' : 'removed';
        const already = state === 'hidden' ? comment.moderation !== null : comment.moderation === 'removed';
        if (already) return queuePage(c, access, { error: state === 'hidden' ? 'moderation.error.already_hidden' : 'moderation.error.already_removed', status: 422 });
        await setCommentModeration(db, comment.id, state, reason.value, actorId);
        await q.resolveFlags(db, comment.id, now);
        await events.publish({ type: 'comment.moderated', actorId, ...facts, moderation: state, reason: reason.value });
        done = state;
        break;
      }
      case 'restore':
        if (!(await setCommentModeration(db, comment.id, 'restored', '', null))) return queuePage(c, access, { error: 'moderation.error.not_hidden', status: 422 });
        await q.resolveFlags(db, comment.id, now);
        await events.publish({ type: 'comment.restored', actorId, ...facts, reason: reason.value });
        done = 'restored';
        break;
      case 'warn':
        await events.publish({ type: 'member.warned', actorId, clubId: access.club.id, userId: comment.authorId, commentId: comment.id, reason: reason.value });
        done = 'warned';
        break;
    }
    return seeOther(c, `/clubs/${access.club.id}/moderation?done=${done}`);
  });

  app.post('/clubs/:clubId/moderation/restrictions', async (c) => {
    const access = await accessOf(c);
    const refused = moderatorsOnly(c, access, 'seeQueue');
    if (refused) return refused;
    const form = await readForm(c);
    const action = form.action;
    if (action !== 'mute' && action !== 'unmute' && action !== 'ban' && action !== 'unban') return queuePage(c, access, { error: 'moderation.error.decision', status: 422 });
    const userId = parseId(form.user_id);
    if (userId === null) return queuePage(c, access, { error: 'moderation.error.member', status: 422 });
    const role = (await q.roleIn(db, access.club.id, userId)) ?? null;
    if (!moderationCan(access, action, { target: { userId, role } })) return refuse(c);
    const now = clock();
    const actorId = access.userId!;
    if (action === 'mute' || action === 'ban') {
      if (role === null) return queuePage(c, access, { error: 'moderation.error.member', status: 422 });
      const reason = checkReason(form);
      if (!reason.ok) return queuePage(c, access, { error: reason.error, status: 422 });
      if (action === 'mute') {
        const hours = checkMuteHours(form);
        if (!hours.ok) return queuePage(c, access, { error: hours.error, status: 422 });
        const until = now + hours.value * 3_600_000;
        await q.muteMember(db, { clubId: access.club.id, userId, until, reason: reason.value, createdBy: actorId, createdAt: now });
        await events.publish({ type: 'member.muted', actorId, clubId: access.club.id, userId, until, reason: reason.value });
      } else {
        await q.banMember(db, { clubId: access.club.id, userId, reason: reason.value, createdBy: actorId, createdAt: now });
        await events.publish({ type: 'member.banned', actorId, clubId: access.club.id, userId, banned: true, reason: reason.value });
      }
      return seeOther(c, `/clubs/${access.club.id}/moderation?done=${action === 'mute' ? 'muted' : 'banned'}`);
    }
    if (action === 'unmute') {
      if (!(await q.unmuteMember(db, access.club.id, userId))) throw notFound();
      await events.publish({ type: 'member.muted', actorId, clubId: access.club.id, userId, until: null, reason: '' });
      return seeOther(c, `/clubs/${access.club.id}/moderation?done=unmuted`);
    }
    if (!(await q.unbanMember(db, access.club.id, userId))) throw notFound();
    await events.publish({ type: 'member.banned', actorId, clubId: access.club.id, userId, banned: false, reason: '' });
    return seeOther(c, `/clubs/${access.club.id}/moderation?done=unbanned`);
  });

  app.post('/clubs/:clubId/moderation/settings', async (c) => {
    const access = await accessOf(c);
    const refused = moderatorsOnly(c, access, 'settings');
    if (refused) return refused;
    const settings = checkSettings(await readForm(c));
    if (!settings.ok) return queuePage(c, access, { error: settings.error, status: 422 });
    await q.saveSettings(db, access.club.id, settings.value);
    await events.publish({ type: 'club.moderation_changed', actorId: access.userId, clubId: access.club.id, ...settings.value });
    return seeOther(c, `/clubs/${access.club.id}/moderation?done=settings`);
  });

  app.get('/clubs/:clubId/moderation/log', async (c) => {
    const access = await accessOf(c);
    const refused = moderatorsOnly(c, access, 'seeLog');
    if (refused) return refused;
    const t = c.get('t');
    const rows = await q.clubLog(db, access.club.id);
    const names = await q.userNames(db, [...new Set(rows.map((r) => r.targetUserId).filter((id): id is number => id !== null))]);
    return sendPage(
      c,
      <LogPage
        page={pageContext(c)}
        title={t('moderation.log.title', { club: access.club.name })}
        back={{ href: `/clubs/${access.club.id}/moderation`, label: t('moderation.queue.link') }}
        entries={logEntryViews(t, format(c), rows.map((r) => ({ ...r, who: r.actorName ?? t('moderation.log.system'), target: r.targetUserId === null ? null : (names.get(r.targetUserId) ?? null) })))}
      />,
    );
  });

  return app;
}
