/** Routes of the clubs area (placeholder until the area lands). */
import { Hono } from 'hono';
import type { AppDeps, AppEnv } from '../http/types';
import type { RateLimiters } from '../http/rate-limit';

export function clubRoutes(_deps: AppDeps, _limiters: RateLimiters): Hono<AppEnv> {
  return new Hono<AppEnv>();
}
