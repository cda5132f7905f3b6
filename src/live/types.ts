/** The plain data of the live area: who is on the other end of a stream, and what is sent. */
import type { User } from '../../db/schema';
import type { Locale } from '../i18n';

/** Where a stream is open: one chapter page of one reading. */
export interface StreamPlace {
  clubId: number;
  readingId: number;
  chapterId: number;
}

/** Who reads a stream, as fixed when it opened (their rights are asked again at every render). */
export interface StreamViewer {
  user: User | null;
  locale: Locale;
  timeZone: string | null;
}

/** One Server-Sent Events message. */
export interface LiveMessage {
  event?: string;
  data: string;
  id?: string;
  /** A comment line that keeps proxies from closing an idle stream; carries nothing. */
  heartbeat?: boolean;
  /** The message already in the text/event-stream format (encoded once for many streams). */
  bytes?: Uint8Array;
}

/** People on a chapter page right now. */
export interface PresenceView {
  count: number;
  /** Members who have not hidden their progress, by display name. */
  names: string[];
}
