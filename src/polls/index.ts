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
// The ranked count (instant runoff with its rounds), for other votes (src/clublife's book vote).
export { instantRunoff, tallyCounts, type Ballot, type RunoffResult, type RunoffRound } from './tally';
export { chapterPollsForAgenda, type AgendaPoll } from './agenda';
// For the exports area: a chapter's polls as this reader may see them, and CSV cells that
// cannot run as spreadsheet formulas.
export { chapterPollCards } from './present';
export { csvCell, toCsv } from './csv';
// For other outputs that mention polls (notifications): the one results rule, and what a reader may see of a poll.
export { pollHasOpened, pollIsClosed, pollIsOpen, pollResultsVisibleTo, type PollState, type PollViewer } from './visibility';
export { pollSituation } from './present';
export { pollCan } from './policy';
// Polls without a request (the poll pages and the JSON API share these).
export { cardOf, castBallot, pollFacing, visiblePolls, withdrawBallot, type BallotOutcome } from './service';
export { OPTIONS_MAX } from './validation';
