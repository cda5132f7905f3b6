/**
 * Who may do what with books: {@link bookCan} is the only place such a decision is made. Pure:
 * the facts (is the reader a club moderator somewhere, may they choose a club's book) come in.
 *
 * - **Reading the library** (library page, book pages, chapter pages): everyone, signed out
 *   included. The library is the app's shared shelf of texts the operator chose to host
 *   (shipped content, uploads by admins and moderators); nothing in it is private to a club.
 *   What *is* private is a club's discussion, and that lives on the club's pages, behind the
 *   club's own policy and the spoiler gate.
 * - **Uploading a book** (`upload`): the site administrator (the first account) and anyone who
 *   is an owner or moderator of at least one club, because they choose what a club reads.
 * - **Uploading for a club** (`/library/upload?club=ID`): those who may choose that club's
 *   book, as the clubs policy decides (the route asks through {@link ClubUploadRights}); any
 *   other club id behaves as if it did not exist (404 at the route).
 * - **Import warnings** of an edition (`seeImportWarnings`): shown to those who may upload,
 *   because they can act on them (re-upload a corrected file); readers need not see importer notes.
 * - **A pending upload** (`usePendingUpload`, the preview before confirming) belongs to its uploader only.
 *
 * @example
 * if (!bookCan(user, 'upload', { moderatesAnyClub })) throw forbidden();
 */
export type BookReader = { id: number; isAdmin: boolean } | null;

export type BookAction = 'readLibrary' | 'upload' | 'seeImportWarnings' | 'usePendingUpload';

export interface BookActionFacts {
  /** Whether the reader owns or moderates a club (for `upload` and `seeImportWarnings`). */
  moderatesAnyClub?: boolean;
  /** The pending upload's uploader (for `usePendingUpload`). */
  upload?: { userId: number };
}

export function bookCan(reader: BookReader, action: BookAction, facts: BookActionFacts = {}): boolean {
  switch (action) {
    case 'readLibrary':
      return true;
    case 'upload':
    case 'seeImportWarnings':
      return reader !== null && (reader.isAdmin || facts.moderatesAnyClub === true);
    case 'usePendingUpload':
      return reader !== null && facts.upload !== undefined && reader.id === facts.upload.userId;
  }
}
