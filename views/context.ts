import type { Locale, Translator } from '../src/i18n';

/** What every page needs to know about the request; built by `src/http/page.ts`, never queried here. */
export interface PageContext {
  t: Translator;
  locale: Locale;
  user: { id: number; username: string; displayName: string; isAdmin: boolean; fontStep: number } | null;
  /** Path and query of this request, so the language switch can come back here. */
  currentPath: string;
  /** Resolves a static asset name to its versioned URL. */
  asset: (name: string) => string;
  /** Counts the signed-in reader's unread notifications (the bell asks while it is drawn); undefined when not known. */
  unreadNotifications?: () => Promise<number>;
}
