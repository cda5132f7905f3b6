/**
 * The annotations area's public face: its routes, what it contributes to club pages, and the
 * plain data its views draw (views import these types from here).
 */
export { annotationRoutes } from './routes';
export { annotationsLive, annotationsOnChapter, annotationsOnClubHome, commentsOpenedByProgress, type ChapterChange } from './club-pages';
export type * from './types';
export { commentEventFacts, commentOfClub, commentSeenBy, deleteCommentAsAuthor, setCommentModeration, type CommentRow } from './moderation-hooks';
// The spoiler gate, for other outputs that show comments (search): the rule, its SQL form, and
// the viewer a club reader is to it.
export { commentVisibleTo, partitionVisible, type GateComment, type GateViewer } from './gate';
export { visibleToSql } from './queries';
export { gateViewerFor } from './present';
// Moving a reading to another edition of its book (comments re-anchored, progress moved).
export { applyEditionMove, otherEditionsOfBook, planEditionMove, type CommentMove, type EditionMovePlan, type EditionMoveStep } from './edition-move';
export { REANCHOR_MIN_SCORE } from './reanchor';
// For the exports area: finding an imported passage again (quote selectors), writing an
// imported note, and drawing bodies in the club's annotated edition.
export { reanchorPassage, type EditionParagraph } from './reanchor';
export { MAX_PASSAGE_CHARS, validateSelector, type PassageSelector } from './selectors';
export { insertComment, type NewComment } from './queries';
export { COMMENT_MAX_CHARS, commentPlainText, extractMentions, normalizeCommentBody, renderCommentBody } from './markdown';
// Writing and reading comments without a request (the page handlers and the JSON API share these).
export {
  chapterCommentsFor,
  commentPlaces,
  deleteOwnComment,
  editComment,
  postComment,
  reactToComment,
  type CommentData,
  type CommentPlaces,
  type CommentWriter,
  type Place as CommentPlace,
  type ThreadData,
  type WriteOutcome,
} from './service';
