/**
 * Club life's public face: its routes, what it adds to club pages, and the plain data its views
 * draw. Choosing the next book (nominations, a ranked or approval vote counted by the polls
 * area, the winner becoming the reading), meetings (candidate times, RSVP, ICS and a private
 * feed), discussion questions at a chapter's end, and the shelf of finished readings.
 */
export { clubLifeRoutes, type ClubLifeOptions } from './routes';
export { clubLifeOnChapter, clubLifeOnClubHome } from './club-pages';
export type * from './types';
