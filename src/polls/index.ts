/**
 * The polls area's public face: its routes, what it contributes to club pages, and the plain
 * data its views draw (with the two small helpers views share: a poll's path and how a
 * chapter is named next to a poll).
 */
export { pollRoutes } from './routes';
export { pollsOnChapter, pollsOnClubHome } from './club-pages';
export { chapterLabel, pollPath } from './present';
export type * from './types';
// Polls without a request (the poll pages and the JSON API share these).
export { cardOf, castBallot, pollFacing, visiblePolls, withdrawBallot, type BallotOutcome } from './service';
export { OPTIONS_MAX } from './validation';
