/** The shape of a member's data export (version 1). Times are ISO 8601 strings (UTC). */
export interface AccountExport {
  format: 'marginalia-account-export';
  version: number;
  exportedAt: string;
  profile: { username: string; displayName: string; locale: string | null; timeZone: string | null; fontStep: number; createdAt: string | null };
  memberships: { club: string; role: string; progressHidden: boolean; joinedAt: string | null }[];
  progress: { club: string; book: string; position: number; updatedAt: string | null }[];
  comments: {
    id: number;
    club: string;
    book: string;
    chapter: { ordinal: number; title: string };
    paragraphOrdinal: number | null;
    passage: { exact: string; prefix: string | null; suffix: string | null; start: number | null; end: number | null } | null;
    /** For a reply: only the id of the comment it answers, nothing of its author or text. */
    parentId: number | null;
    visibility: 'club' | 'private';
    body: string;
    createdAt: string | null;
    editedAt: string | null;
    deletedAt: string | null;
    moderation: string | null;
    revisions: { body: string; createdAt: string | null }[];
  }[];
  reactions: { commentId: number; reaction: string; createdAt: string | null }[];
  votes: { pollId: number; club: string; question: string; kind: string; votedAt: string | null; choices: { option: string; rank: number }[] }[];
  flags: { commentId: number; reason: string; createdAt: string | null }[];
  bookmarks: { book: string; chapterOrdinal: number; paragraphOrdinal: number; updatedAt: string | null }[];
}

/** What the delete-account page draws. */
export interface DeleteAccountView {
  username: string;
  /** Clubs the member alone owns: deletion is refused until ownership is handed over. */
  soleOwnerOf: string[];
  choice: string;
}
