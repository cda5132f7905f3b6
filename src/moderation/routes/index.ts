import { Hono } from 'hono';
import type { AppEnv, AreaDeps } from '../../http/types';
import { adminRoutes } from './admin';
import { clubModerationRoutes } from './club';

/** The moderation area's routes: the club's flags, queue and log; site administration. */
export function moderationRoutes(deps: AreaDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.route('/', clubModerationRoutes(deps));
  app.route('/', adminRoutes(deps));
  return app;
}
