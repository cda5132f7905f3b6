/**
 * What the auth area needs from elsewhere, given to `authRoutes` by `src/app.tsx` (auth imports
 * no other area: the clubs area, which knows invitations, depends on areas that depend on auth).
 */

/** An invitation a sign-up's `next` points at and that can still be used. */
export interface SignUpInvitation {
  /** Sign-ups through the same invitation share a rate-limit bucket per address. */
  limitKey: string;
  /** The club the new account will join, for "You are joining …" on the form. */
  clubName: string;
}

/**
 * Signing up through an invitation link (`next` = `/invite/<token>`): the new account joins
 * the club as it is created. Implemented by the clubs area (`signUpInvitations`).
 */
export interface SignUpInvitations<I extends SignUpInvitation = SignUpInvitation> {
  /** The usable invitation `next` points at, or null (then the general sign-up limit applies). */
  usableIn(next: string, now: number): Promise<I | null>;
  /** Joins the just-created account; the page to land on, or null when the invitation could not be used. */
  joinAfterSignUp(invitation: I, userId: number, now: number): Promise<string | null>;
}
