/**
 * Who may do what with comments. Every "may this reader do X to this comment" decision of the
 * annotations area is made here and nowhere else, so the margin, the thread fragment, the
 * full page and the POST handler all give the same answer. Pure: the facts come in as a
 * {@link ClubAccess} (role in the club) and a {@link GateViewer} (how far the reader has read).
 *
 * Seeing a comment is the spoiler gate ({@link commentVisibleTo}) and nothing more; every
 * other action starts from "may see it", so a reader cannot act on a comment that, for them,
 * does not exist yet (the routes answer 404 for it, exactly like an id from another club).
 *
 * The rules:
 * - `view`: the club is visible to the reader and the gate lets the comment through.
 * - `post`: members only (owner, moderator, member). Visitors of a public club read what the
 *   gate allows and see counts; they do not write.
 * - `reply`: a member, to a comment they can see that is still there (not deleted, not
 *   hidden or removed). Private notes take replies from their author only, so a note never
 *   becomes a conversation with someone who should not see it.
 * - `edit`: the author, still a member, while the comment is neither deleted nor moderated
 *   (editing must not launder a comment a moderator acted on).
 * - `delete`: the author, even after leaving the club (people may always take back what they
 *   wrote), unless already deleted.
 * - `hide` / `remove`: moderators and the owner, on club comments they can see. Private notes
 *   are never shown to moderators, so they are never moderated either.
 * - `react`: a member, on a live club comment they can see.
 * - `reveal`: a member (the choice is stored per member; visitors see counts only).
 * - `settle`: place a comment a move to another edition could not place (or placed by a close
 *   match): moderators and the owner for club comments; the author alone for a private note,
 *   which no moderator ever sees.
 *
 * @example
 * const viewer = { userId: 7, progressPosition: 120, revealedChapterIds: new Set<number>() };
 * if (!commentCan(access, 'view', comment, viewer)) throw notFound();
 * if (!commentCan(access, 'edit', comment, viewer)) throw forbidden();
 */
import type { ClubAccess } from '../clubs';
import { commentVisibleTo, type GateComment, type GateViewer } from './gate';

export const COMMENT_ACTIONS = ['view', 'post', 'reply', 'edit', 'delete', 'hide', 'remove', 'react', 'reveal', 'settle'] as const;
export type CommentAction = (typeof COMMENT_ACTIONS)[number];

/** What the policy needs to know about a comment. */
export interface PolicyComment extends GateComment {
  deletedAt: number | null;
  moderation: 'hidden' | 'removed' | null;
}

/** Actions that concern one existing comment (the others concern the club). */
const NEEDS_COMMENT: ReadonlySet<CommentAction> = new Set(['view', 'reply', 'edit', 'delete', 'hide', 'remove', 'react', 'settle']);

export function commentCan(
  access: ClubAccess | null,
  action: CommentAction,
  comment: PolicyComment | null | undefined,
  viewer: GateViewer,
): boolean {
  const reader = readerOf(access, viewer);
  if (!reader) return false;
  const visible = comment !== null && comment !== undefined && commentVisibleTo(comment, viewer);
  return decide(reader, action, comment ?? null, visible);
}

/** What the actions on one comment need to know, for one reader. */
export interface CommentActionSet {
  reply: boolean;
  edit: boolean;
  delete: boolean;
  hide: boolean;
  remove: boolean;
  react: boolean;
}

/**
 * The actions a reader may take on each comment of a thread, with the reader's side decided
 * once: the same answers as {@link commentCan}, for a page of comments in one pass each.
 */
export function commentActionsFor(access: ClubAccess | null, viewer: GateViewer): (comment: PolicyComment) => CommentActionSet {
  const reader = readerOf(access, viewer);
  return (comment) => {
    const visible = reader !== null && commentVisibleTo(comment, viewer);
    const may = (action: CommentAction) => reader !== null && decide(reader, action, comment, visible);
    return { reply: may('reply'), edit: may('edit'), delete: may('delete'), hide: may('hide'), remove: may('remove'), react: may('react') };
  };
}

/** The reader's side of every decision: null when the club is not there for them. */
interface Reader {
  signedIn: boolean;
  userId: number | null;
  isMember: boolean;
  isModerator: boolean;
}

function readerOf(access: ClubAccess | null, viewer: GateViewer): Reader | null {
  if (!access || !access.canSee) return null;
  return { signedIn: access.userId !== null && viewer.userId === access.userId, userId: access.userId, isMember: access.isMember, isModerator: access.isModerator };
}

function decide(reader: Reader, action: CommentAction, comment: PolicyComment | null, visible: boolean): boolean {
  if (NEEDS_COMMENT.has(action) && (!comment || !visible)) return false;
  const { signedIn } = reader;
  const isAuthor = signedIn && comment?.authorId === reader.userId;
  const live = comment !== null && comment.deletedAt === null && comment.moderation === null;

  switch (action) {
    case 'view':
      return true;
    case 'post':
    case 'reveal':
      return signedIn && reader.isMember;
    case 'reply':
      if (!signedIn || !reader.isMember || !live) return false;
      return comment!.visibility === 'club' || isAuthor;
    case 'edit':
      return isAuthor && reader.isMember && live;
    case 'delete':
      return isAuthor && comment!.deletedAt === null;
    case 'hide':
      return signedIn && reader.isModerator && comment!.visibility === 'club' && live;
    case 'remove':
      // A hidden comment may still be removed (escalation); a removed one is gone already.
      return signedIn && reader.isModerator && comment!.visibility === 'club' && comment!.deletedAt === null && comment!.moderation !== 'removed';
    case 'react':
      return signedIn && reader.isMember && live && comment!.visibility === 'club';
    case 'settle':
      if (!signedIn || comment!.deletedAt !== null) return false;
      return comment!.visibility === 'club' ? reader.isModerator : isAuthor && reader.isMember;
  }
}

/**
 * May the reader see a moderated comment's body? The author and the club's moderators see a
 * *hidden* body (marked as hidden); a *removed* body is erased for everyone.
 */
export function canSeeModeratedBody(access: ClubAccess | null, comment: PolicyComment): boolean {
  if (comment.moderation !== 'hidden' || !access || access.userId === null) return false;
  return comment.authorId === access.userId || access.isModerator;
}

/** May the reader see the moderator's reason? Only the author (and the moderators themselves). */
export function canSeeModerationReason(access: ClubAccess | null, comment: PolicyComment): boolean {
  if (comment.moderation === null || !access || access.userId === null) return false;
  return comment.authorId === access.userId || access.isModerator;
}
