/**
 * The annotations area's public face: its routes, what it contributes to club pages, and the
 * plain data its views draw (views import these types from here).
 */
export { annotationRoutes } from './routes';
export { annotationsLive, annotationsOnChapter, annotationsOnClubHome, type ChapterChange } from './club-pages';
export type * from './types';
