/**
 * Routes of the polls area, all under `/clubs/:clubId/polls`: running polls
 * (`./manage.tsx`) and ballots with the export (`./ballots.tsx`).
 *
 * Forms post and redirect (303) to `next`; with `HX-Request` the poll card comes back instead,
 * so htmx swaps it in place. Every "may they?" goes to `../policy`, every "may they see the
 * results?" to `../visibility` (through `../present`). Changes are published as events.
 */
import type { Hono } from 'hono';
import { routesOf } from '../../http/routes';
import type { AppEnv, AreaDeps } from '../../http/types';
import { pollBallotRoutes } from './ballots';
import { pollManageRoutes } from './manage';
import { pollKit } from './shared';

export function pollRoutes(deps: AreaDeps): Hono<AppEnv> {
  const kit = pollKit(deps);
  return routesOf(pollManageRoutes(deps, kit), pollBallotRoutes(deps, kit));
}
