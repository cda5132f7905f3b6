/**
 * What the books area hands to views and to other areas: a paragraph as pages show it, and
 * how other areas decorate one (passage highlights in the text, anything else in its margin).
 */
import type { Child } from 'hono/jsx';

/** A ruby annotation over `text.slice(start, end)`. */
export interface RubyView {
  start: number;
  end: number;
  text: string;
}

export interface ParagraphView {
  id: number;
  ordinal: number;
  position: number;
  kind: 'text' | 'heading';
  depth: number;
  text: string;
  ruby?: readonly RubyView[] | null;
}

/** The book's language and direction, set on the text (never on the interface around it). */
export interface BookTextSetting {
  lang: string;
  dir: 'ltr' | 'rtl';
}

/** A span of a paragraph's text to mark, in UTF-16 offsets (as passage selectors store them). */
export interface Highlight {
  start: number;
  end: number;
  /** Extra classes, e.g. to shade by how much was said. */
  className?: string;
  label?: string;
}

export interface ParagraphDecoration {
  highlights?: Highlight[];
  margin?: Child;
  className?: string;
}

/**
 * What the books area needs to know about clubs, given by `src/app.tsx` (the clubs area
 * answers), so books never imports clubs: uploads are for those who choose what clubs read.
 */
export interface ClubUploadRights {
  /** Is this reader an owner or moderator of any club? */
  moderatesAnyClub(userId: number): Promise<boolean>;
  /**
   * The club, when this reader may choose its book (and so upload one for it); else null. With
   * the edition it reads now, so the preview can say which book the upload replaces.
   */
  clubForUpload(user: { id: number }, clubId: number): Promise<{ id: number; name: string; currentEditionId: number | null } | null>;
  /**
   * The club starts reading `editionId` (the confirm step of an upload made for it). Asks
   * `clubForUpload` again; false when the reader may no longer choose its book.
   */
  startReadingFor(user: { id: number }, clubId: number, editionId: number, now: number): Promise<boolean>;
}
