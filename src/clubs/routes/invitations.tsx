/**
 * Invitations: a moderator makes a link (shown once), members follow it to join.
 *
 *   GET  /clubs/:id/invitations                         the club's invitations (moderators)
 *   POST /clubs/:id/invitations                         make one
 *   POST /clubs/:id/invitations/:invitationId/revoke    revoke one
 *   GET  /invite/:token                                 what the link offers
 *   POST /invite/:token                                 join through it
 */
import { Hono } from 'hono';
import { InvitationsPage, InvitePage, type InvitePageState } from '../../../views/clubs/invitations';
import { notFound } from '../../http/errors';
import { readValidForm, type FieldErrors, type FormData } from '../../http/forms';
import { consumePosting, redirectToLogin, refuse } from '../../http/guards';
import { pageContext, seeOther, sendPage } from '../../http/page';
import type { AppEnv } from '../../http/types';
import { accessFor, type ClubAccess } from '../access';
import { hashInvitationToken, looksLikeInvitationToken, newInvitationToken } from '../invitation-token';
import { clubCan } from '../policy';
import { clubHeader } from '../present';
import { createInvitation, findInvitationByHash, getInvitation, getMembership, listInvitations, listMembers, redeemInvitation, revokeInvitation } from '../queries';
import { invitationState } from '../reading';
import { invitationSchema } from '../validation';
import { accessOr404, permittedOr, dates, documentHtml, errorKeys, idParam, type ClubRouteDeps, type Ctx } from './shared';

export function invitationRoutes({ deps }: ClubRouteDeps): Hono<AppEnv> {
  const { db, clock, events } = deps;
  const app = new Hono<AppEnv>();

  async function renderInvitations(
    c: Ctx,
    access: ClubAccess,
    state: { values?: FormData; errors?: FieldErrors; created?: { url: string; role: 'member' | 'moderator'; expiresAt: number; maxUses: number } } = {},
    status: 200 | 422 = 200,
  ) {
    const now = clock();
    const { format } = dates(c);
    const rows = (await listInvitations(db, access.club.id)).map(({ invitation, createdByName }) => {
      const stateNow = invitationState(invitation, now);
      return {
        id: invitation.id,
        role: invitation.role,
        state: stateNow,
        uses: invitation.uses,
        maxUses: invitation.maxUses,
        expiresAtText: format(invitation.expiresAt),
        createdAtText: format(invitation.createdAt),
        createdBy: createdByName,
        canRevoke: stateNow === 'active' && clubCan(access, 'revokeInvite'),
      };
    });
    const created = state.created ? { url: state.created.url, role: state.created.role, expiresAtText: format(state.created.expiresAt), maxUses: state.created.maxUses } : null;
    const header = await clubHeader(db, access);
    return sendPage(
      c,
      <InvitationsPage
        page={pageContext(c)}
        {...header}
        rows={rows}
        canInviteModerators={clubCan(access, 'inviteModerator')}
        values={state.values ?? {}}
        errors={errorKeys(state.errors ?? {})}
        created={created}
      />,
      status,
    );
  }

  app.get('/clubs/:id/invitations', async (c) => {
    const access = await permittedOr(deps, c, 'listInvites');
    return access instanceof Response ? access : renderInvitations(c, access);
  });

  app.post('/clubs/:id/invitations', async (c) => {
    const access = await permittedOr(deps, c, 'invite');
    if (access instanceof Response) return access;
    const { form, parsed } = await readValidForm(c, invitationSchema);
    if (!parsed.ok) return renderInvitations(c, access, { values: form, errors: parsed.errors }, 422);
    if (parsed.data.role === 'moderator' && !clubCan(access, 'inviteModerator')) return refuse(c, `/clubs/${access.club.id}`);
    await consumePosting(c, deps.rateLimiters.postingPerUser, clock());
    const now = clock();
    const { token, tokenHash } = newInvitationToken();
    const expiresAt = now + parsed.data.expiresInHours * 3_600_000;
    await createInvitation(db, access.club.id, { tokenHash, role: parsed.data.role, maxUses: parsed.data.maxUses, expiresAt }, access.userId!, now);
    await events.publish({ type: 'club.changed', actorId: access.userId, clubId: access.club.id, what: 'invitations' });
    // The token exists only in this response: it is shown once, never stored, never put in a URL we redirect to.
    const url = `${deps.config.origin}/invite/${token}`;
    return renderInvitations(c, access, { created: { url, role: parsed.data.role, expiresAt, maxUses: parsed.data.maxUses } });
  });

  app.post('/clubs/:id/invitations/:invitationId/revoke', async (c) => {
    const access = await accessOr404(deps, c);
    const invitation = await getInvitation(db, access.club.id, idParam(c.req.param('invitationId')));
    if (!invitation) throw notFound();
    if (!clubCan(access, 'revokeInvite')) return refuse(c, `/clubs/${access.club.id}`);
    if (await revokeInvitation(db, access.club.id, invitation.id, clock())) {
      await events.publish({ type: 'club.changed', actorId: access.userId, clubId: access.club.id, what: 'invitations' });
    }
    return seeOther(c, `/clubs/${access.club.id}/invitations`);
  });

  /** What an invitation link shows, before the reader's own situation is considered. */
  async function inviteLookup(token: string) {
    if (!looksLikeInvitationToken(token)) return { reason: 'invalid' as const };
    const found = await findInvitationByHash(db, hashInvitationToken(token));
    if (!found) return { reason: 'invalid' as const };
    const state = invitationState(found.invitation, clock());
    if (state !== 'active') return { reason: state };
    return { found };
  }

  async function sendInvitePage(c: Ctx, state: InvitePageState, status: 200 | 403 | 404 | 410) {
    c.header('Cache-Control', 'no-store');
    return c.html(await documentHtml(<InvitePage page={pageContext(c)} state={state} />), status);
  }

  app.get('/invite/:token', async (c) => {
    const token = c.req.param('token');
    const user = c.get('user');
    const lookup = await inviteLookup(token);
    if (!('found' in lookup) || !lookup.found) return sendInvitePage(c, { kind: 'unusable', reason: lookup.reason! }, lookup.reason === 'invalid' ? 404 : 410);
    const { club, invitation } = lookup.found;
    // Signed out: the club, and the two ways in (a new account joins as it is created).
    const next = encodeURIComponent(`/invite/${token}`);
    const memberCount = (await listMembers(db, club.id, null)).length;
    const joinState = { kind: 'join' as const, club: { name: club.name, description: club.description, memberCount }, role: invitation.role, action: `/invite/${token}` };
    if (!user) return sendInvitePage(c, { ...joinState, signedOut: { register: `/register?next=${next}`, login: `/login?next=${next}` } }, 200);
    if (await deps.joinRefusal?.(club.id, user.id)) return sendInvitePage(c, { kind: 'unusable', reason: 'banned' }, 403);
    const access = accessFor(club, user.id, (await getMembership(db, club.id, user.id))?.role ?? null);
    if (!clubCan(access, 'acceptInvite')) return sendInvitePage(c, { kind: 'member', club: { id: club.id, name: club.name } }, 200);
    return sendInvitePage(c, joinState, 200);
  });

  app.post('/invite/:token', async (c) => {
    const token = c.req.param('token');
    const user = c.get('user');
    if (!user) return redirectToLogin(c, `/invite/${token}`);
    if (!looksLikeInvitationToken(token)) return sendInvitePage(c, { kind: 'unusable', reason: 'invalid' }, 404);
    const invited = await inviteLookup(token);
    if ('found' in invited && invited.found && (await deps.joinRefusal?.(invited.found.club.id, user.id))) return sendInvitePage(c, { kind: 'unusable', reason: 'banned' }, 403);
    await consumePosting(c, deps.rateLimiters.postingPerUser, clock());
    const result = await redeemInvitation(deps, hashInvitationToken(token), user.id, clock());
    if (result.status === 'joined') {
      await events.publish({ type: 'member.joined', actorId: user.id, clubId: result.clubId, userId: user.id, via: 'invitation' });
      return seeOther(c, `/clubs/${result.clubId}?done=joined`);
    }
    if (result.status === 'already_member') return seeOther(c, `/clubs/${result.clubId}`);
    const lookup = await inviteLookup(token);
    const reason = 'reason' in lookup && lookup.reason ? lookup.reason : 'used_up';
    return sendInvitePage(c, { kind: 'unusable', reason }, reason === 'invalid' ? 404 : 410);
  });

  return app;
}
