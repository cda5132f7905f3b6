/**
 * The auth area's public face: sign-up, sign-in and the account page (its routes), the
 * middleware that loads the session, and the few account facts other areas change.
 */
export { authRoutes } from './routes';
export { sessionLoader } from './middleware';
export { deleteExpiredSessions, type Session } from './session';
export { updateFontStep } from './users';
export { deleteUserSessions as endSessionsOf } from './session';
export { verifyPasswordOrDummy } from './password';
export { clearSessionCookie, sessionCookieName } from './cookie';
export { SessionCache } from './session-cache';
export { USERNAME_COOLING_OFF_MS } from './users';
export type { SignUpInvitation, SignUpInvitations } from './types';
