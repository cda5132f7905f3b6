/**
 * Routes of the annotations area, all under `/clubs/:clubId/…`: reading (`./reading.tsx`) and
 * writing (`./writing.tsx`) comments.
 *
 * POSTs answer htmx with the refreshed threads of the comment's paragraph (or chapter) and
 * everyone else with a 303 back to the page they came from (the chapter page `#p-N` by
 * default). Refusals of input are 422 with the form re-shown, translated message and typed
 * text kept.
 *
 * Every id is looked up inside the club (and its reading, and its book): an id from another
 * club, a comment the reader may not see yet, a chapter not open to them — all answer 404,
 * exactly as if they did not exist. Permission answers come from `../policy.ts` only.
 */
import type { Hono } from 'hono';
import { routesOf } from '../../http/routes';
import type { AppEnv, AreaDeps } from '../../http/types';
import { keepChapterRows } from '../chapter-rows';
import { setRenderedBodiesBudget } from '../markdown';
import { readingRoutes } from './reading';
import { editionRoutes } from './editions';
import type { EditionMoveStep } from '../edition-move';
import { annotationKit } from './shared';
import { writingRoutes } from './writing';

/** `editionMoveSteps`: what other areas move with a reading's comments to a new edition. */
export function annotationRoutes(deps: AreaDeps, editionMoveSteps: readonly EditionMoveStep[] = []): Hono<AppEnv> {
  // The area's caches, within COMMENT_CACHE_MB: half for chapters' comment rows, half for rendered bodies.
  const budget = deps.config.commentCacheMb * 1024 * 1024;
  keepChapterRows(deps.db, deps.events, budget / 2);
  setRenderedBodiesBudget(budget / 2);
  const kit = annotationKit(deps);
  return routesOf(readingRoutes(deps, kit), writingRoutes(deps, kit), editionRoutes(deps, kit, editionMoveSteps));
}
