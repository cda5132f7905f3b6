/** Routes of the books area (placeholder until the area lands). */
import { Hono } from 'hono';
import type { AppDeps, AppEnv } from '../http/types';
import type { RateLimiters } from '../http/rate-limit';

export function bookRoutes(_deps: AppDeps, _limiters: RateLimiters): Hono<AppEnv> {
  return new Hono<AppEnv>();
}
