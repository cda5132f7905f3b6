/**
 * The live area's public face: the live chapter page (Server-Sent Events rendered for each
 * reader), meeting mode, its routes and its contributions to the chapter page and the club
 * home. See docs/live.md.
 */
import type { AreaDeps } from '../http/types';
import { liveOnChapter, liveOnClubHome } from './club-pages';
import { liveRoutes } from './routes';
import { LiveService } from './service';

export type { MeetingBannerView, MeetingRecordView, PresenceView } from './types';

/** Builds the live area for one app: its stream routes, and what it adds to chapter pages. */
export function createLive(deps: AreaDeps) {
  const service = new LiveService(deps);
  const streaming = deps.config.liveUpdates;
  return { routes: liveRoutes(deps, service, streaming), onChapter: liveOnChapter(service.hub, streaming), onClubHome: liveOnClubHome, hub: service.hub };
}
