/**
 * Who may do what in a club. Every "may this reader do X in this club" decision in the clubs
 * area is made here and nowhere else, so the page, the htmx fragment and the POST handler all
 * get the same answer. Pure: no I/O, the facts come in as a {@link ClubAccess}.
 *
 * `null` access means the club does not exist for this reader (missing, or private and they are
 * not a member): every action is refused, and the route answers 404.
 *
 * @example
 * if (!clubCan(access, 'removeMember', { target: { userId: 7, role: 'member' } })) throw forbidden();
 * clubCan(access, 'readChapter', { opensAt: entry?.opensAt ?? null, now });
 */
import type { ClubRole } from '../../db/schema';
import type { ClubAccess } from './access';

export const CLUB_ACTIONS = [
  /** See the club home, its book pages and schedule. */
  'view',
  /** See the member list (members only; visitors of public clubs see a count). */
  'seeMembers',
  /** Join a public club with one click. */
  'join',
  /** Join any club through a valid invitation link. */
  'acceptInvite',
  'leave',
  'listInvites',
  'invite',
  'inviteModerator',
  'revokeInvite',
  'removeMember',
  'promote',
  'demote',
  'transferOwnership',
  'pickBook',
  'setSchedule',
  /** Read a chapter's text and discussion: needs `opensAt` and `now`. */
  'readChapter',
  'recordProgress',
  'hideProgress',
  /** See another member's progress: needs `target` (with `progressHidden`). */
  'seeMemberProgress',
] as const;

export type ClubAction = (typeof CLUB_ACTIONS)[number];

export interface ClubTarget {
  userId: number;
  role: ClubRole;
  progressHidden?: boolean;
}

export interface ClubActionExtra {
  /**
   * The member an action is done to (remove, promote, demote, transfer, see progress). Without
   * a target the answer is whether the reader may do it to anyone at all (to show the controls).
   */
  target?: ClubTarget;
  /** When the chapter opens to members (null: no date, open now). */
  opensAt?: number | null;
  now?: number;
}

/** Whether a chapter with this opening date is open to this reader now. Moderators see everything. */
export function chapterOpenTo(access: ClubAccess | null, opensAt: number | null | undefined, now: number): boolean {
  return clubCan(access, 'readChapter', { opensAt: opensAt ?? null, now });
}

export function clubCan(access: ClubAccess | null, action: ClubAction, extra: ClubActionExtra = {}): boolean {
  if (!access) return false;
  const signedIn = access.userId !== null;
  const target = extra.target;
  const targetIsSelf = target !== undefined && target.userId === access.userId;

  // Joining through an invitation is the one action that does not need the club to be visible:
  // the link itself is the permission.
  if (action === 'acceptInvite') return signedIn && !access.isMember;
  if (!access.canSee) return false;

  switch (action) {
    case 'view':
      return true;
    case 'seeMembers':
    case 'recordProgress':
    case 'hideProgress':
      return access.isMember;
    case 'join':
      return signedIn && !access.isMember && access.club.visibility === 'public';
    case 'leave':
      // The owner hands ownership over first, so a club always has exactly one owner.
      return access.isMember && !access.isOwner;
    case 'listInvites':
    case 'invite':
    case 'revokeInvite':
    case 'pickBook':
    case 'setSchedule':
      return access.isModerator;
    case 'inviteModerator':
      return access.isOwner;
    case 'removeMember':
      if (!access.isModerator) return false;
      if (!target) return true;
      if (targetIsSelf) return false;
      if (target.role === 'owner') return false;
      if (target.role === 'moderator') return access.isOwner;
      return true;
    case 'promote':
      return access.isOwner && (!target || (!targetIsSelf && target.role === 'member'));
    case 'demote':
      return access.isOwner && (!target || (!targetIsSelf && target.role === 'moderator'));
    case 'transferOwnership':
      return access.isOwner && (!target || (!targetIsSelf && target.role !== 'owner'));
    case 'readChapter':
      if (access.isModerator) return true;
      if (extra.opensAt === null || extra.opensAt === undefined) return true;
      return extra.now !== undefined && extra.opensAt <= extra.now;
    case 'seeMemberProgress':
      if (!access.isMember) return false;
      return !target || targetIsSelf || !target.progressHidden;
  }
}
