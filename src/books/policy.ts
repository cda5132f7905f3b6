/**
 * Who may do what with books. This module is the only place such a decision is made.
 *
 * - **Reading the library** (library page, book pages, chapter pages): everyone, signed out
 *   included. The library is the app's shared shelf of texts the operator chose to host
 *   (shipped content, uploads by admins and moderators); nothing in it is private to a club.
 *   What *is* private is a club's discussion, and that lives on the club's pages, behind the
 *   club's own policy and the spoiler gate.
 * - **Uploading a book**: the site administrator (the first account) and anyone who is an owner
 *   or moderator of at least one club, because they are the ones who choose what a club reads.
 * - **Uploading for a club** (`/library/upload?club=ID`): owners and moderators of that club.
 *   Any other club id behaves as if it did not exist (404 at the route).
 * - **Import warnings** of an edition: shown to those who may upload, because they are the ones
 *   who can act on them (re-upload a corrected file); readers need not see importer notes.
 * - **A pending upload** (the preview before confirming) belongs to its uploader only.
 */
import { and, eq, inArray } from 'drizzle-orm';
import type { Db } from '../../db/connection';
import { memberships } from '../../db/schema';
import { loadClubAccess } from '../clubs/access';
import { clubCan } from '../clubs/policy';

type Reader = { id: number; isAdmin: boolean } | null;

const MODERATING_ROLES = ['owner', 'moderator'] as const;

export function maySeeLibrary(_reader: Reader): boolean {
  return true;
}

/** Site admin, or owner/moderator of any club. */
export function mayUploadBooks(db: Db, reader: Reader): boolean {
  if (!reader) return false;
  if (reader.isAdmin) return true;
  const row = db
    .select({ clubId: memberships.clubId })
    .from(memberships)
    .where(and(eq(memberships.userId, reader.id), inArray(memberships.role, [...MODERATING_ROLES])))
    .limit(1)
    .get();
  return row !== undefined;
}

/**
 * May this reader upload a book on behalf of club `clubId`? Exactly those who may pick the
 * club's book, as the clubs policy decides.
 */
export function mayUploadForClub(db: Db, reader: Reader, clubId: number): boolean {
  if (!reader) return false;
  return clubCan(loadClubAccess(db, clubId, reader), 'pickBook');
}

export function maySeeImportWarnings(db: Db, reader: Reader): boolean {
  return mayUploadBooks(db, reader);
}

export function mayUsePendingUpload(reader: Reader, upload: { userId: number }): boolean {
  return reader !== null && reader.id === upload.userId;
}
