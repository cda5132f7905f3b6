/**
 * Signing up through an invitation link: the sign-up form carries the link in `next`
 * (`/invite/<token>`), and creating the account joins the club in the same step, so a new
 * member lands in the club instead of on one more "Join" page.
 *
 * Such a sign-up is limited by its own, generous rate limit (`registerWithInvitationPerIp`,
 * per address and invitation) rather than the general 5 an hour per address: six people at one
 * café table joining through one link share an address, and the invitation's own use count
 * already bounds how many accounts it can bring in. Once the link is used up or expired it no
 * longer counts as one, and the general limit applies again.
 */
import type { SignUpInvitations } from '../auth';
import type { AppDeps, AreaDeps } from '../http/types';
import { hashInvitationToken, looksLikeInvitationToken } from './invitation-token';
import { findInvitationByHash, redeemInvitation } from './queries';
import { invitationState } from './reading';

const INVITE_PATH = /^\/invite\/([^/?#]+)$/;

export interface UsableInvitation {
  /** The invitation's id: sign-ups through it share one rate-limit bucket per address. */
  limitKey: string;
  tokenHash: string;
  invitationId: number;
  clubId: number;
  clubName: string;
}

/** The invitation a sign-up's `next` points at, when it can still be used now; else null. */
export async function usableInvitationIn(deps: Pick<AppDeps, 'db'>, next: string, now: number): Promise<UsableInvitation | null> {
  const token = INVITE_PATH.exec(next)?.[1];
  if (!token || !looksLikeInvitationToken(token)) return null;
  const tokenHash = hashInvitationToken(token);
  const found = await findInvitationByHash(deps.db, tokenHash);
  if (!found || invitationState(found.invitation, now) !== 'active') return null;
  return { limitKey: String(found.invitation.id), tokenHash, invitationId: found.invitation.id, clubId: found.club.id, clubName: found.club.name };
}

/** Joins a just-created account through the invitation; the club's page to land on, or null when it could not be used. */
export async function joinAfterSignUp(deps: Pick<AreaDeps, 'db' | 'events'>, invitation: UsableInvitation, userId: number, now: number): Promise<string | null> {
  const result = await redeemInvitation(deps, invitation.tokenHash, userId, now);
  if (result.status !== 'joined') return null;
  await deps.events.publish({ type: 'member.joined', actorId: userId, clubId: result.clubId, userId, via: 'invitation' });
  return `/clubs/${result.clubId}?done=joined`;
}

/** The sign-up side of invitations, for `authRoutes` (auth imports no area; `src/app.tsx` passes this). */
export function signUpInvitations(deps: Pick<AreaDeps, 'db' | 'events'>): SignUpInvitations<UsableInvitation> {
  return {
    usableIn: (next, now) => usableInvitationIn(deps, next, now),
    joinAfterSignUp: (invitation, userId, now) => joinAfterSignUp(deps, invitation, userId, now),
  };
}
