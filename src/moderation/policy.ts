/**
 * Who may do what in moderation. Every such decision of the moderation area is made here:
 * pure functions of the reader's {@link ClubAccess} (or the site user) and the facts of the
 * target, so the queue, the member list's controls and every POST give the same answer.
 *
 * The rules:
 * - `flag`: a member, on a live club comment they can see and did not write.
 * - `seeQueue`, `decide` (keep, hide, delete, restore), `seeLog`, `settings` (slow mode and
 *   the flag threshold), `unmute`, `unban`: moderators and the owner.
 * - `warn`, `mute`, `ban`: moderators and the owner, on someone else who is not the owner; a
 *   moderator is warned, muted or banned by the owner only (as with removal in the clubs area).
 * - `seeOwnLog` (actions on my content): any signed-in reader.
 * - Site administration (`adminCan`): admins only; nobody suspends themselves.
 *
 * @example
 * if (!moderationCan(access, 'mute', { target: { userId: 9, role: 'member' } })) return refuse(c);
 */
import type { ClubRole } from '../../db/schema';
import type { ClubAccess } from '../clubs';

export const MODERATION_ACTIONS = ['flag', 'seeQueue', 'decide', 'seeLog', 'settings', 'warn', 'mute', 'unmute', 'ban', 'unban'] as const;
export type ModerationAction = (typeof MODERATION_ACTIONS)[number];

/** A comment as the flag decision needs it. */
export interface FlaggableComment {
  authorId: number;
  visibility: 'club' | 'private';
  deletedAt: number | null;
  moderation: 'hidden' | 'removed' | null;
}

export interface ModerationTarget {
  userId: number;
  /** Their role in the club, null when not (or no longer) a member. */
  role: ClubRole | null;
}

export function moderationCan(access: ClubAccess | null, action: ModerationAction, extra: { comment?: FlaggableComment; target?: ModerationTarget } = {}): boolean {
  if (!access || !access.canSee || access.userId === null) return false;
  switch (action) {
    case 'flag': {
      const comment = extra.comment;
      if (!comment || !access.isMember) return false;
      return comment.visibility === 'club' && comment.deletedAt === null && comment.moderation === null && comment.authorId !== access.userId;
    }
    case 'seeQueue':
    case 'decide':
    case 'seeLog':
    case 'settings':
    case 'unmute':
    case 'unban':
      return access.isModerator;
    case 'warn':
    case 'mute':
    case 'ban': {
      if (!access.isModerator) return false;
      const target = extra.target;
      if (!target) return true;
      if (target.userId === access.userId || target.role === 'owner') return false;
      if (target.role === 'moderator') return access.isOwner;
      return true;
    }
  }
}

export const ADMIN_ACTIONS = ['listUsers', 'suspend', 'removeBook'] as const;
export type AdminAction = (typeof ADMIN_ACTIONS)[number];

export function adminCan(user: { id: number; isAdmin: boolean } | null, action: AdminAction, target?: { userId: number }): boolean {
  if (!user || !user.isAdmin) return false;
  if (action === 'suspend' && target) return target.userId !== user.id;
  return true;
}
