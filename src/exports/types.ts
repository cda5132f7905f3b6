/** The plain data of the exports area: what `present.ts` builds and the writers and views use. */

/** A passage of book text the exporting member may see, with its W3C quote context. */
export interface QuotedPassage {
  exact: string;
  prefix: string;
  suffix: string;
  /** UTF-16 code units of the paragraph's NFC text (as stored). */
  start: number;
  end: number;
  /** The paragraph's whole text (the passage is a part of it), for code point offsets. */
  paragraphText: string;
}

/** One of the member's own comments or notes, ready to be written in any export format. */
export interface ExportedNote {
  commentId: number;
  /** The annotation's IRI: the comment's place in the club's thread pages. */
  annotationId: string;
  /** A reply's parent's IRI. */
  parentAnnotationId: string | null;
  kind: 'passage' | 'paragraph' | 'chapter' | 'reply';
  clubId: number;
  clubName: string;
  /** Language the body is taken to be in: the club's language. */
  bodyLanguage: string;
  editionId: number;
  bookTitle: string;
  bookAuthor: string | null;
  bookLanguage: string;
  bookDirection: 'ltr' | 'rtl';
  chapterOrdinal: number;
  chapterName: string;
  /** `…/books/:edition/chapters/:ordinal` */
  chapterUrl: string;
  paragraphOrdinal: number | null;
  /** `…/books/:edition/chapters/:ordinal#p-:paragraph` */
  paragraphUrl: string | null;
  /** The book text quoted, only where the member anchored it or has read it; null otherwise. */
  quote: QuotedPassage | null;
  body: string;
  visibility: 'club' | 'private';
  /** A moderator hid it (the author still has their words). */
  hidden: boolean;
  createdAt: number;
  editedAt: number | null;
  author: { username: string; displayName: string };
}

/** The scope of a member's export: one club, or every club. */
export type ExportScope = { kind: 'club'; clubId: number; clubName: string } | { kind: 'all' };

/** A club reading a member may import notes onto. */
export interface ImportTargetView {
  readingId: number;
  clubId: number;
  clubName: string;
  bookTitle: string;
  bookLanguage: string;
  current: boolean;
}

/** Why an imported annotation was not written. */
export type UnmatchedReason = 'no_quote' | 'reply' | 'not_found' | 'closed' | 'duplicate' | 'empty_body' | 'body_too_long' | 'invalid';

export interface UnmatchedView {
  /** 1-based place in the uploaded file. */
  index: number;
  reason: UnmatchedReason;
  exact: string | null;
  bodyExcerpt: string;
}

export interface ImportResultView {
  clubId: number;
  clubName: string;
  bookTitle: string;
  bookLanguage: string;
  imported: number;
  total: number;
  /** The file says the collection holds more than it carries (other pages not uploaded). */
  declaredTotal: number | null;
  unmatched: UnmatchedView[];
}

/** The account page's section: where each export is, and the import form's choices. */
export interface ExportsPageView {
  clubs: { clubId: number; clubName: string; links: ExportLinks; noteCount: number }[];
  everything: ExportLinks;
  noteCount: number;
  targets: ImportTargetView[];
  maxImportBytes: number;
  maxImportAnnotations: number;
}

export interface ExportLinks {
  jsonld: string;
  markdown: string;
  csv: string;
}

/** The club's annotated edition: a chapter or the whole book with the club's discussion. */
export interface AnnotatedEditionView {
  clubId: number;
  clubName: string;
  bookTitle: string;
  bookAuthor: string | null;
  bookLanguage: string;
  bookDirection: 'ltr' | 'rtl';
  anonymised: boolean;
  generatedAt: number;
  chapters: AnnotatedChapterView[];
}

export interface AnnotatedChapterView {
  ordinal: number;
  name: string;
  paragraphs: AnnotatedParagraphView[];
  /** The chapter's own discussion (comments on no paragraph). */
  chapterThreads: EditionThreadView[];
  polls: EditionPollView[];
}

export interface AnnotatedParagraphView {
  ordinal: number;
  kind: 'text' | 'heading';
  depth: number;
  text: string;
  threads: EditionThreadView[];
}

export interface EditionCommentView {
  id: number;
  author: string;
  /** Null for a comment its author deleted (kept because of its replies). */
  body: string | null;
  /** The body rendered to sanitised HTML (markdown-it + sanitize-html), null when deleted. */
  html: string | null;
  passage: string | null;
  createdAt: number;
}

export interface EditionThreadView {
  root: EditionCommentView;
  replies: EditionCommentView[];
}

export interface EditionPollView {
  question: string;
  status: 'scheduled' | 'open' | 'closed';
  /** Null when the results are not visible (by `pollResultsVisibleTo`). */
  results: { ballots: number; counts: { label: string; votes: number; percent: number }[]; winners: string[] | null } | null;
}

/** The annotated edition's form. */
export interface AnnotatedEditionFormView {
  clubId: number;
  clubName: string;
  bookTitle: string;
  readingId: number;
  current: boolean;
  chapters: { ordinal: number; name: string }[];
  values: { chapter: string; names: string };
}
