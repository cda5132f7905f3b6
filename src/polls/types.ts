/**
 * Plain data the poll views receive. Built by `present.ts`; views import these types from the
 * area's index and never query. Results are present only when `pollResultsVisibleTo` allowed
 * them for this reader.
 */
import type { ChapterKind } from '../books';
import type { MessageKey, MessageParams, Translator } from '../i18n';

/** What every poll view needs to speak to the reader. */
export interface PollUi {
  t: Translator;
  locale: string;
  timeZone: string;
}

export type PollStatus = 'scheduled' | 'open' | 'closed';

export interface PollOptionView {
  id: number;
  label: string;
}

export interface CountRow {
  optionId: number;
  label: string;
  votes: number;
  percent: number;
}

export interface RunoffRoundView {
  round: number;
  tallies: { optionId: number; label: string; votes: number; percent: number }[];
  active: number;
  exhausted: number;
  eliminated: string[];
  winner: string | null;
}

export interface PollResultsView {
  ballots: number;
  /** Single and multiple choice: one bar per option. Ranked: first preferences. */
  counts: CountRow[];
  runoff: {
    rounds: RunoffRoundView[];
    winners: string[];
    exhausted: number;
  } | null;
  /** Public polls only: who chose what (option labels in rank order). */
  voters: { name: string; choices: string[] }[] | null;
}

export interface PollCardView {
  id: number;
  clubId: number;
  question: string;
  kind: 'single' | 'multiple' | 'ranked';
  minChoices: number;
  maxChoices: number;
  voters: 'anonymous' | 'public';
  resultsVisibility: 'always' | 'after_vote' | 'after_close' | 'after_chapter';
  status: PollStatus;
  closedByHand: boolean;
  /** When a moderator closed it by hand. */
  closedAt: number | null;
  opensAt: number | null;
  closesAt: number | null;
  chapter: { ordinal: number; title: string; kind: ChapterKind; href: string | null } | null;
  options: PollOptionView[];
  /** The reader's ballot (option ids in rank order), or null. */
  myChoices: number[] | null;
  results: PollResultsView | null;
  can: { vote: boolean; withdraw: boolean; edit: boolean; close: boolean; reopen: boolean; delete: boolean; export: boolean };
  /** Why the reader cannot vote here, when it is worth saying (signed out, not a member). */
  voteHint: MessageKey | null;
  /** Where forms come back to without JavaScript. */
  next: string;
}

/** A ballot that was refused, shown again as typed with its message. */
export interface BallotFeedback {
  choices: number[];
  ranks: Record<string, string>;
  error: { key: MessageKey; params?: MessageParams } | null;
  notice?: MessageKey;
}
