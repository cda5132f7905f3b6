/**
 * The search area's public face: its routes, its search boxes on club pages, the listener that
 * keeps its indexes current, the rebuild, and the plain data its views draw.
 */
export { searchRoutes } from './routes';
export { searchOnChapter, searchOnClubHome } from './club-pages';
export { keepSearchIndexCurrent, rebuildSearchIndexes, searchIndexBytes } from './indexing';
export { buildSearchQuery, QUERY_MAX_CHARS, QUERY_MAX_TERMS } from './query';
export { MATCHES_READ } from './queries';
export type * from './types';
