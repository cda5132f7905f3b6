/**
 * Who may take what out of Marginalia (and bring notes in). The only place the exports area
 * decides; pure, from a {@link ClubAccess} (`null`: the club does not exist for this reader,
 * which the routes answer with 404, exactly like an id from another club).
 *
 * - `exportOwn`: a member exports their own comments and notes in the club. Only their own
 *   bodies are ever written (see `present.ts`): nothing of anyone else, so the spoiler gate has
 *   nothing to hide from them beyond the book text, which is quoted only where their own
 *   annotation anchors or where they have read. "Everything" (all clubs) needs no club: it is
 *   the reader's own rows, wherever they are.
 * - `importOwn`: a member imports their own notes onto the club's reading, as **private
 *   notes** (never as club comments: an import must not post a burst of comments to other
 *   people, bypass the posting limits, or publish words written elsewhere under the club's
 *   spoiler rules). Visitors of a public club and former members may not.
 * - `annotatedEdition`: the club's moderators and its owner, who already see the whole book and
 *   every chapter's discussion. What the edition contains is decided in `present.ts`: visible
 *   club comments only — never private notes, never hidden or removed comments (a moderator's
 *   decision to take a comment down holds in the record too), never deleted bodies.
 *
 * @example
 * if (!exportCan(access, 'annotatedEdition')) throw notFound();
 */
import type { ClubAccess } from '../clubs';

export const EXPORT_ACTIONS = ['exportOwn', 'importOwn', 'annotatedEdition'] as const;
export type ExportAction = (typeof EXPORT_ACTIONS)[number];

export function exportCan(access: ClubAccess | null, action: ExportAction): boolean {
  if (!access || !access.canSee || access.userId === null) return false;
  switch (action) {
    case 'exportOwn':
    case 'importOwn':
      return access.isMember;
    case 'annotatedEdition':
      return access.isModerator;
  }
}
