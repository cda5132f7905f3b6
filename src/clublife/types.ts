/** The plain data club-life views draw. */
import type { PickMethod, RsvpAnswer, ShelfMark, SlotMark } from '../../db/schema';
import type { Locale, Translator } from '../i18n';

export interface LifeUi {
  t: Translator;
  locale: Locale;
  timeZone: string;
  /** Formats an instant in the reader's zone and language. */
  when: (ms: number) => string;
  /** Formats the day of an instant (no time). */
  day: (ms: number) => string;
}

export interface NominationView {
  id: number;
  title: string;
  author: string;
  link: string | null;
  inLibrary: boolean;
  backers: { name: string; reason: string }[];
}

export interface RoundView {
  round: number;
  tallies: { title: string; votes: number }[];
  eliminated: string[];
  winner: string | null;
  exhausted: number;
}

export interface PickView {
  id: number;
  clubId: number;
  phase: 'nominating' | 'voting' | 'ended';
  method: PickMethod;
  votingEndsAt: number | null;
  nominations: NominationView[];
  canNominate: boolean;
  canStartVote: boolean;
  canVote: boolean;
  canClose: boolean;
  canAdopt: boolean;
  myBallot: number[];
  ballots: number;
  /** Shown once the vote has ended (to members). */
  results: { winners: NominationView[]; rounds: RoundView[]; approvals: { title: string; votes: number }[] | null } | null;
  adopted: boolean;
  /** The winner is not in the library: where to upload it for the club. */
  uploadHref: string | null;
}

export interface LibraryOption {
  editionId: number;
  title: string;
  author: string | null;
}

export interface SlotView {
  id: number;
  startsAt: number;
  yes: number;
  maybe: number;
  no: number;
  mine: SlotMark | null;
  winner: boolean;
}

export interface MeetingSummary {
  id: number;
  title: string;
  startsAt: number | null;
  place: string;
  href: string;
  /** Cancelled by a moderator (it stays listed, marked so). */
  cancelled: boolean;
}

export interface MeetingView extends MeetingSummary {
  clubId: number;
  callLink: string | null;
  durationMinutes: number;
  slots: SlotView[];
  /** More than one slot ties under the winner rule. */
  tie: boolean;
  rsvp: Record<RsvpAnswer, number>;
  going: string[];
  myRsvp: RsvpAnswer | null;
  canMark: boolean;
  canDecide: boolean;
  canRsvp: boolean;
  /** Cancelled: when, and the moderator's reason ('' for none). */
  cancellation: { at: number; reason: string } | null;
  canEdit: boolean;
  canCancel: boolean;
  canRestore: boolean;
  icsHref: string | null;
  agenda: AgendaView | null;
}

export interface AgendaView {
  chapterLabel: string;
  chapterHref: string;
  /** The reader has reached the chapter's end (through the spoiler gate). */
  reached: boolean;
  threads: { href: string; excerpt: string; replies: number }[];
  hiddenThreads: number;
  polls: { href: string; question: string; closed: boolean; leading: string[] | null }[];
  hiddenPolls: number;
  questions: { body: string; answers: number }[];
  hiddenQuestions: number;
}

export interface AnswerView {
  id: number;
  authorName: string;
  body: string;
  mine: boolean;
  replies: { id: number; authorName: string; body: string }[];
  canReply: boolean;
}

export interface QuestionView {
  id: number;
  body: string;
  /** `open`: answers shown; `answer_first`: the reader answers before seeing others; `locked`: the chapter's end is not reached. */
  state: 'open' | 'answer_first' | 'locked';
  answers: AnswerView[];
  hiddenAnswers: number;
  canAnswer: boolean;
  answered: boolean;
}

export interface ShelfEntryView {
  readingId: number;
  title: string;
  author: string | null;
  startedAt: number;
  endedAt: number;
  finishedCount: number;
  average: number | null;
  /** Members who allow it (progress not hidden), with their marks. */
  marks: { name: string; mark: ShelfMark; rating: number | null; line: string }[];
  hiddenMarks: number;
  mine: { mark: ShelfMark; rating: number | null; line: string } | null;
  canMark: boolean;
}

export interface ShelfView {
  entries: ShelfEntryView[];
  perYear: { year: number; count: number }[];
  average: number | null;
}
