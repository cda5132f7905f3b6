/**
 * Joining, leaving, and the member list's actions.
 *
 *   POST /clubs/:id/join                       join a public club
 *   POST /clubs/:id/leave                      leave (the owner hands over first)
 *   POST /clubs/:id/progress-visibility        hide or show my progress to others
 *   POST /clubs/:id/members/:userId/role       promote or demote (owner)
 *   POST /clubs/:id/members/:userId/remove     remove a member (moderators; moderators by the owner)
 *   POST /clubs/:id/transfer                   hand ownership over
 */
import { Hono } from 'hono';
import { ClubMessagePage } from '../../../views/clubs/invitations';
import { notFound } from '../../http/errors';
import { readForm, validateForm, readValidForm } from '../../http/forms';
import { consumePosting, refuse } from '../../http/guards';
import { pageContext, seeOther, sendPage } from '../../http/page';
import type { AppEnv } from '../../http/types';
import type { ClubAccess } from '../access';
import { clubCan } from '../policy';
import { addMember, getMembership, removeMember, setMemberRole, setProgressHidden, transferOwnership } from '../queries';
import { hideProgressSchema, roleChangeSchema, transferSchema } from '../validation';
import type { RenderHome } from './home';
import { accessOr404, permittedOr, idParam, messagePage, type ClubRouteDeps } from './shared';

export function memberRoutes({ deps }: ClubRouteDeps, renderHome: RenderHome): Hono<AppEnv> {
  const { db, clock, events } = deps;
  const app = new Hono<AppEnv>();

  app.post('/clubs/:id/join', async (c) => {
    const access = await accessOr404(deps, c);
    const user = c.get('user');
    if (access.isMember) return seeOther(c, `/clubs/${access.club.id}`);
    if (!user || !clubCan(access, 'join')) return refuse(c, `/clubs/${access.club.id}`);
    if (await deps.joinRefusal?.(access.club.id, user.id)) return messagePage(c, 'moderation.banned.join', `/clubs/${access.club.id}`, 403);
    await consumePosting(c, deps.rateLimiters.postingPerUser, clock());
    if (await addMember(db, access.club.id, user.id, 'member', clock())) {
      await events.publish({ type: 'member.joined', actorId: user.id, clubId: access.club.id, userId: user.id, via: 'public' });
    }
    return seeOther(c, `/clubs/${access.club.id}?done=joined`);
  });

  app.post('/clubs/:id/leave', async (c) => {
    const access = await accessOr404(deps, c);
    if (!clubCan(access, 'leave')) {
      if (access.isOwner) {
        const t = c.get('t');
        return sendPage(c, <ClubMessagePage page={pageContext(c)} title={t('clubs.leave.refused_title')} message={t('clubs.leave.owner_must_hand_over')} back={`/clubs/${access.club.id}`} />, 409);
      }
      return refuse(c, `/clubs/${access.club.id}`);
    }
    if (await removeMember(db, access.club.id, access.userId!)) {
      await events.publish({ type: 'member.left', actorId: access.userId, clubId: access.club.id, userId: access.userId!, removed: false });
    }
    return seeOther(c, '/clubs');
  });

  app.post('/clubs/:id/progress-visibility', async (c) => {
    const access = await permittedOr(deps, c, 'hideProgress');
    if (access instanceof Response) return access;
    const parsed = validateForm(hideProgressSchema, await readForm(c));
    if (!parsed.ok) return messagePage(c, 'clubs.error.hidden', `/clubs/${access.club.id}`);
    await setProgressHidden(db, access.club.id, access.userId!, parsed.data.hidden === 'yes');
    await events.publish({ type: 'club.changed', actorId: access.userId, clubId: access.club.id, what: 'progress_visibility' });
    return seeOther(c, `/clubs/${access.club.id}?done=progress`);
  });

  async function targetOr404(access: ClubAccess, userParam: string | undefined) {
    const membership = await getMembership(db, access.club.id, idParam(userParam));
    if (!membership) throw notFound();
    return { userId: membership.userId, role: membership.role, progressHidden: membership.progressHidden };
  }

  // The permission is checked before the member is looked up: otherwise a visitor could tell
  // members from non-members of a public club by the answer (404 or 403).
  app.post('/clubs/:id/members/:userId/role', async (c) => {
    const access = await accessOr404(deps, c);
    if (!clubCan(access, 'promote') && !clubCan(access, 'demote')) return refuse(c, `/clubs/${access.club.id}`);
    const target = await targetOr404(access, c.req.param('userId'));
    const parsed = validateForm(roleChangeSchema, await readForm(c));
    if (!parsed.ok) return messagePage(c, 'clubs.error.role', `/clubs/${access.club.id}`);
    const action = parsed.data.role === 'moderator' ? 'promote' : 'demote';
    if (!clubCan(access, action, { target })) return refuse(c, `/clubs/${access.club.id}`);
    if (await setMemberRole(db, access.club.id, target.userId, action === 'promote' ? 'member' : 'moderator', parsed.data.role)) {
      await events.publish({ type: 'club.changed', actorId: access.userId, clubId: access.club.id, what: 'role', targetUserId: target.userId, role: parsed.data.role });
    }
    return seeOther(c, `/clubs/${access.club.id}?done=role`);
  });

  app.post('/clubs/:id/members/:userId/remove', async (c) => {
    const access = await permittedOr(deps, c, 'removeMember');
    if (access instanceof Response) return access;
    const target = await targetOr404(access, c.req.param('userId'));
    if (!clubCan(access, 'removeMember', { target })) return refuse(c, `/clubs/${access.club.id}`);
    if (await removeMember(db, access.club.id, target.userId)) {
      await events.publish({ type: 'member.left', actorId: access.userId, clubId: access.club.id, userId: target.userId, removed: true });
    }
    return seeOther(c, `/clubs/${access.club.id}?done=removed`);
  });

  app.post('/clubs/:id/transfer', async (c) => {
    const access = await permittedOr(deps, c, 'transferOwnership');
    if (access instanceof Response) return access;
    const { form, parsed } = await readValidForm(c, transferSchema);
    if (!parsed.ok) return renderHome(c, access, { values: form, errors: parsed.errors }, 422);
    const membership = await getMembership(db, access.club.id, parsed.data.userId);
    const target = membership && { userId: membership.userId, role: membership.role };
    if (!target || !clubCan(access, 'transferOwnership', { target })) {
      return renderHome(c, access, { values: form, errors: { userId: 'clubs.error.transfer_member' } }, 422);
    }
    if (!(await transferOwnership(deps, access.club.id, access.userId!, target.userId))) {
      return renderHome(c, access, { values: form, errors: { userId: 'clubs.error.transfer_member' } }, 422);
    }
    await events.publish({ type: 'club.changed', actorId: access.userId, clubId: access.club.id, what: 'owner', targetUserId: target.userId, role: 'owner' });
    return seeOther(c, `/clubs/${access.club.id}?done=transferred`);
  });

  return app;
}
