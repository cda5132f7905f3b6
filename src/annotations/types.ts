/**
 * The plain data the annotations area's views are drawn from: built by `present.ts`, drawn by
 * `views/annotations/*`. Views import these from the area's index; logic never imports views.
 */
import type { Reaction } from '../../db/schema';
import type { ThreadOrder } from './threads';

export type { ThreadOrder };

export interface ReactionView {
  reaction: Reaction;
  count: number;
  mine: boolean;
}

export interface CommentView {
  id: number;
  /**
   * `comment`: shown with its body; `deleted`: "[deleted]" placeholder; `ahead`: a root beyond
   * the reader's progress; `hidden` / `removed`: a moderator acted (body shown only when
   * `bodyHtml` is set, i.e. to the author and moderators while merely hidden).
   */
  kind: 'comment' | 'deleted' | 'ahead' | 'hidden' | 'removed';
  authorName: string | null;
  authorUsername: string | null;
  mine: boolean;
  createdIso: string | null;
  createdLabel: string | null;
  historyHref: string | null;
  bodyHtml: string | null;
  moderationReason: string | null;
  quote: { text: string } | { unavailable: true } | null;
  passageExact: string | null;
  isPrivate: boolean;
  reactions: ReactionView[];
  can: { reply: boolean; edit: boolean; delete: boolean; hide: boolean; remove: boolean; react: boolean };
  /** The stored Markdown, for the edit form (only when the reader may edit). */
  editSource: string | null;
}

export interface ThreadView {
  rootId: number;
  root: CommentView;
  replies: CommentView[];
}

/** A form re-shown after a refusal: which one, the message, what the reader typed. */
export interface FormState {
  /** `new`, `reply-<id>`, `edit-<id>` or `moderate-<id>`. */
  key: string;
  error: string;
  values: Record<string, string>;
}

export type ThreadScope = { kind: 'paragraph'; paragraphId: number; ordinal: number } | { kind: 'chapter'; chapterId: number };

export interface ThreadsView {
  containerId: string;
  scope: ThreadScope;
  readingId: number;
  threads: ThreadView[];
  hiddenCount: number;
  order: ThreadOrder;
  /** This fragment's URL with `?order=` (and `reading=` when needed) left to add. */
  orderHref: (order: ThreadOrder) => string;
  /** POST targets. */
  postUrl: string;
  actionUrl: (commentId: number, action: 'edit' | 'delete' | 'moderate' | 'react' | 'flag') => string;
  /** Where a comment's forms are loaded from, when {@link ThreadsView.lazyForms}. */
  formUrl: (commentId: number) => string;
  /**
   * A thread fragment for htmx: each comment carries one opener whose forms (reply, the
   * reaction set, edit, moderation, delete) load when it is first opened.
   */
  lazyForms: boolean;
  canPost: boolean;
  /** Why the reader cannot post, when they cannot. */
  postHint: 'signin' | 'members' | null;
  loginHref: string;
  /** Where a form without JavaScript comes back to (a same-origin path). */
  returnTo: string | null;
  form: FormState | null;
  /** In the chapter margin: offer a button that folds the threads away again. */
  closable: boolean;
  reactionSet: readonly Reaction[];
  commentMaxChars: number;
  reasonMaxChars: number;
}

export interface MarginView {
  paragraphId: number;
  ordinal: number;
  visible: number;
  hidden: number;
  /** 0–5, relative to the chapter's busiest paragraph. */
  heat: number;
  /** The paragraph's threads: a full page without JavaScript, a fragment with htmx. */
  threadsUrl: string;
  /** Where to write a comment (null when the reader may not). */
  composeUrl: string | null;
}

export interface RevealView {
  revealed: boolean;
  /** Club comments in this chapter the reader cannot see yet. */
  hiddenCount: number;
  revealUrl: string;
  unrevealUrl: string;
  readingId: number;
}

export interface PassageFormView {
  postUrl: string;
  readingId: number;
}

export interface ChapterExtrasView {
  discussion: ThreadsView;
  passageForm: PassageFormView | null;
  reveal: RevealView | null;
  commentMaxChars: number;
}

export interface RecentCommentView {
  id: number;
  authorName: string;
  createdIso: string;
  createdLabel: string;
  where: string;
  href: string;
  bodyHtml: string;
  isPrivate: boolean;
  passageExact: string | null;
}
