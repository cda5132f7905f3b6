/**
 * The polls area's public face: its routes, what it contributes to club pages, and the plain
 * data its views draw (with the two small helpers views share: a poll's path and how a
 * chapter is named next to a poll).
 */
export { pollRoutes } from './routes';
export { pollsOnChapter, pollsOnClubHome } from './club-pages';
export { chapterLabel, pollPath } from './present';
export { movePollsToEdition } from './queries';
export type * from './types';
