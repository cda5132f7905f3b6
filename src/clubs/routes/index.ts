/**
 * Routes of the clubs area, one file per part of a club: the clubs index, the club home,
 * members, invitations, readings and their schedule, chapter pages and progress.
 *
 * Every handler under `/clubs/:id` starts from `accessOr404` (null ⇒ 404, so a private club's
 * existence never leaks), looks up any other id *within that club* (a reading, an invitation
 * or a member of another club is as missing as one that never existed), then asks `clubCan`
 * in `../policy.ts` whether the reader may. Forms post and redirect with 303; refused input
 * re-renders the form with translated errors (422) and what was typed. State changes are
 * published on the event bus after they are written.
 */
import { Hono } from 'hono';
import { routesOf } from '../../http/routes';
import type { AppEnv, AreaDeps } from '../../http/types';
import type { ClubPageContributions } from '../slots';
import { chapterRoutes } from './chapter';
import { clubHomeRenderer } from './home';
import { invitationRoutes } from './invitations';
import { clubListRoutes } from './list';
import { memberRoutes } from './members';
import { readingRoutes } from './readings';
import { accessOr404 } from './shared';

export function clubRoutes(deps: AreaDeps, pages: ClubPageContributions): Hono<AppEnv> {
  const kit = { deps, pages };
  const renderHome = clubHomeRenderer(kit);
  const home = new Hono<AppEnv>().get('/clubs/:id', async (c) => renderHome(c, await accessOr404(deps, c)));
  return routesOf(clubListRoutes(kit), home, memberRoutes(kit, renderHome), invitationRoutes(kit), readingRoutes(kit), chapterRoutes(kit));
}
