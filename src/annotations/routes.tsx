/** Routes of the annotations area (placeholder until the area lands). */
import { Hono } from 'hono';
import type { AppDeps, AppEnv } from '../http/types';
import type { RateLimiters } from '../http/rate-limit';

export function annotationRoutes(_deps: AppDeps, _limiters: RateLimiters): Hono<AppEnv> {
  return new Hono<AppEnv>();
}
