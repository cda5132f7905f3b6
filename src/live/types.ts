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

/** The meeting banner for one reader (src/live/meetings.ts decides what it may say). */
export interface MeetingBannerView {
  meeting: null | {
    id: number;
    /** The page it is drawn on is the meeting's chapter. */
    here: boolean;
    /** Named and linked only when open to the reader and reached; null: "a chapter ahead of you". */
    chapter: { name: string; url: string } | null;
    chapterOpen: boolean;
    /** What the meeting is on now; `'ahead'` when it is beyond the reader's progress (no text, no link). */
    spotlight: null | 'ahead' | { label: string; url: string };
    /** A moderator on the meeting's chapter: spotlight a paragraph, end the meeting. */
    controls: null | {
      spotlightUrl: string;
      endUrl: string;
      paragraphs: { id: number; ordinal: number }[];
      current: number | null;
      /** Threads of the chapter (where and by whom, no text). */
      threads: { id: number; label: string }[];
      currentThread: number | null;
    };
  };
  /** A moderator on a chapter page with no meeting running: start one here. */
  start: null | { url: string; readingId: number; chapterId: number };
}

/** One ended meeting on the club home. */
export interface MeetingRecordView {
  id: number;
  startedAt: number;
  endedAt: number;
  chapterUrl: string | null;
  chapterOrdinal: number;
  /** Who came and may be named (not hiding their progress); `unnamed` the others. */
  names: string[];
  unnamed: number;
  /** Ordinals of the paragraphs spotlighted. */
  paragraphs: number[];
  threads: number;
  polls: number;
}
