/**
 * What the exports area adds to club pages: on the club home, a member's card with their
 * own exports of this club and, for moderators, the way to the club's annotated edition.
 */
import { ExportsPanel } from '../../views/exports/pages';
import type { ClubHomeContext, ClubHomeSlots } from '../clubs';
import { exportCan } from './policy';
import { exportLinks } from './present';

export function exportsOnClubHome(context: ClubHomeContext): ClubHomeSlots {
  const { access } = context;
  if (!exportCan(access, 'exportOwn')) return {};
  const editionHref = exportCan(access, 'annotatedEdition') && context.reading ? `/clubs/${access.club.id}/annotated-edition` : null;
  return { panels: <ExportsPanel page={{ t: context.t }} links={exportLinks(access.club.id)} editionHref={editionHref} /> };
}
