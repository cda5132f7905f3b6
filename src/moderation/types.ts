/** The plain data moderation views draw. */
import type { FlagReason } from '../../db/schema';

export interface FlagFormView {
  action: string;
  back: string;
  excerpt: string;
  reasons: readonly FlagReason[];
  values: Record<string, string>;
  error: string | null;
  done: boolean;
}

export interface QueueItemView {
  commentId: number;
  where: string;
  href: string;
  author: string;
  date: string;
  body: string;
  context: string | null;
  hidden: boolean;
  flagCount: number;
  flags: { reason: FlagReason; flagger: string; note: string }[];
}

export interface ModerationPageView {
  club: { id: number; name: string };
  order: 'newest' | 'most';
  items: QueueItemView[];
  hidden: { commentId: number; where: string; href: string; author: string; body: string; reason: string }[];
  members: { userId: number; name: string }[];
  mutes: { userId: number; name: string; until: string; reason: string }[];
  bans: { userId: number; name: string; reason: string }[];
  settings: { slowModeSeconds: number; flagThreshold: number };
  notice: string | null;
  error: string | null;
}

export interface LogEntryView {
  date: string;
  who: string;
  what: string;
  reason: string;
}

export interface AdminUserView {
  id: number;
  username: string;
  displayName: string;
  isAdmin: boolean;
  joined: string;
  suspended: boolean;
  canSuspend: boolean;
}

export interface AdminBookView {
  id: number;
  title: string;
  author: string | null;
  clubs: string[];
}
