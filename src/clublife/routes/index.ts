/**
 * Routes of club life: the next book (`./pick`), meetings and the calendar (`./meetings`),
 * discussion questions (`./questions`) and the shelf (`./shelf`). Forms post and redirect (303);
 * every "may they?" goes to `../policy`, every "may they see it?" to the annotations gate or the
 * polls rule through `../present`. Changes are published as events.
 */
import type { Hono } from 'hono';
import { routesOf } from '../../http/routes';
import type { AppEnv, AreaDeps } from '../../http/types';
import { meetingRoutes } from './meetings';
import { pickRoutes } from './pick';
import { questionRoutes } from './questions';
import { shelfRoutes } from './shelf';
import { lifeKit } from './shared';

export function clubLifeRoutes(deps: AreaDeps): Hono<AppEnv> {
  const kit = lifeKit(deps);
  return routesOf(pickRoutes(deps, kit), meetingRoutes(deps, kit), questionRoutes(deps, kit), shelfRoutes(deps, kit));
}
