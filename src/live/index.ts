/**
 * The live area's public face: the live chapter page (Server-Sent Events rendered for each
 * reader), its routes and its contribution to the chapter page. See docs/live.md.
 */
import type { AreaDeps } from '../http/types';
import { liveOnChapter } from './club-pages';
import { liveRoutes } from './routes';
import { LiveService } from './service';

export type { PresenceView } from './types';

/** Builds the live area for one app: its stream routes, and what it adds to chapter pages. */
export function createLive(deps: AreaDeps) {
  const service = new LiveService(deps);
  return { routes: liveRoutes(deps, service), onChapter: liveOnChapter(service.hub), hub: service.hub };
}
