/**
 * The clubs area's public face: its routes, the slots of club pages other areas fill
 * (`ClubPageContributions`), and the facts every area's decisions start from — who a reader is
 * in a club (`ClubAccess`), its readings, schedule and the reader's progress, and `clubCan`.
 */
export { clubRoutes } from './routes';
export { clubAccessOr404 } from './routes/shared';
export {
  chapterOpensAt,
  clubUploadRights,
  currentReading,
  getReading,
  loadClubAccess,
  progressOf,
  type ClubAccess,
} from './access';
export { chapterOpenTo, clubCan, type ClubAction } from './policy';
export { chapterBasePath, chapterLabel, clubFrame } from './present';
export { moveReadingToEditionRows, scheduleOf } from './queries';
export { signUpInvitations } from './invite-signup';
export type { InvitationState } from './reading';
export { chapterContextFor } from './slots';
export type { ChapterSlots, ClubChapterContext, OpenedByProgress, ProgressOpeningContext, ClubHomeContext, ClubHomeSlots, ClubPageContributions, ParagraphDecorator } from './slots';
export type { ChapterProgressView, ChapterRowView, ClubHeading } from './types';
export { CLUB_DESCRIPTION_MAX, CLUB_LANGUAGES, CLUB_NAME_MAX, INVITATION_MAX_USES, SCHEDULE_MAX_EVERY_DAYS } from './validation';
// Moving progress and the reader's clubs, without a request (the chapter page and the JSON API).
export { moveProgress, type ProgressRefusal } from './reading-progress';
export { listMyClubs, type MyClub } from './queries';
export { bookFraction, percent } from './reading';
