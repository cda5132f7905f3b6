/** Putting an area's route files together into the one app its routes factory returns. */
import { Hono } from 'hono';
import type { AppEnv } from './types';

/**
 * One app serving every route of `parts`, in order (the first that matches answers).
 *
 * @example
 * return routesOf(readingRoutes(deps, kit), writingRoutes(deps, kit));
 */
export function routesOf(...parts: Hono<AppEnv>[]): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  for (const part of parts) app.route('/', part);
  return app;
}
