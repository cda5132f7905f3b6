/** Routes of the polls area (placeholder until the area lands). */
import { Hono } from 'hono';
import type { AppDeps, AppEnv } from '../http/types';
import type { RateLimiters } from '../http/rate-limit';

export function pollRoutes(_deps: AppDeps, _limiters: RateLimiters): Hono<AppEnv> {
  return new Hono<AppEnv>();
}
