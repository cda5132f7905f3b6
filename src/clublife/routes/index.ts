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
import { lifeKit, type MeetingNotifier } from './shared';

export interface ClubLifeOptions {
  /** Tells members of a meeting's new time or cancellation (the notifications area's bound `notify`); nobody is told without it. */
  notify?: MeetingNotifier;
}

export function clubLifeRoutes(deps: AreaDeps, options: ClubLifeOptions = {}): Hono<AppEnv> {
  const kit = lifeKit(deps);
  return routesOf(pickRoutes(deps, kit), meetingRoutes(deps, kit, options.notify ?? null), questionRoutes(deps, kit), shelfRoutes(deps, kit));
}
