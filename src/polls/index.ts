/**
 * The polls area's public face: its routes, what it contributes to club pages, and the plain
 * data its views draw (with the two small helpers views share: a poll's path and how a
 * chapter is named next to a poll).
 */
export { pollRoutes } from './routes';
export { pollsOnChapter, pollsOnClubHome } from './club-pages';
export { chapterLabel, pollPath } from './present';
export type * from './types';
// For other outputs that mention polls (notifications): the one results rule, and what a reader may see of a poll.
export { pollHasOpened, pollIsClosed, pollIsOpen, pollResultsVisibleTo, type PollState, type PollViewer } from './visibility';
export { pollSituation } from './present';
export { pollCan } from './policy';
