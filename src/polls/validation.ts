/**
 * Reading the poll form and the ballot form. Pure functions over the submitted strings: they
 * return either clean values or catalogue keys for the fields that are wrong, and never touch
 * the database (the routes check the chapter and the votes).
 *
 * Limits: a question of 1–300 characters; 2–20 options of 1–200 characters each, unique after
 * NFC, trimming and case-folding; `multiple` polls pick between `min` and `max` options with
 * 1 ≤ min ≤ max ≤ options. Characters are counted as code points, so a Hangul syllable is one.
 *
 * The form has one input per option (`option_1`, `option_2`, …). An input left completely
 * empty is an unused slot and is skipped; an input holding only spaces (or invisible
 * characters) is refused as an empty option.
 *
 * @example
 * const parsed = parsePollForm(form, { now, timeZone: 'Asia/Seoul', onChapter: true });
 * if (!parsed.ok) rerender(parsed.errors);
 */
import { cleanText, parseId, type FieldErrors, type FormData } from '../http/forms';
import type { MessageKey, MessageParams } from '../i18n';
import { zonedWallTimeToUtc } from '../i18n/zoned-time';
import { validateBallot, type BallotError, type PollKind } from './tally';
import type { ResultsVisibility } from './visibility';

export const QUESTION_MAX = 300;
export const OPTION_MAX = 200;
export const OPTIONS_MIN = 2;
export const OPTIONS_MAX = 20;
/** Option inputs read from a form; more than this many slots is not a form we rendered. */
const SLOT_LIMIT = 40;

export const POLL_KINDS = ['single', 'multiple', 'ranked'] as const;
export const POLL_VOTERS = ['anonymous', 'public'] as const;
export const RESULTS_VISIBILITIES = ['always', 'after_vote', 'after_close', 'after_chapter'] as const;

/** Every settings field of the poll form (the target is only chosen when creating). */
export const SETTINGS_FIELDS = ['question', 'kind', 'minChoices', 'maxChoices', 'voters', 'resultsVisibility', 'opensAt'] as const;

export interface ParsedPoll {
  question: string;
  options: string[];
  kind: PollKind;
  minChoices: number;
  maxChoices: number;
  voters: (typeof POLL_VOTERS)[number];
  resultsVisibility: ResultsVisibility;
  opensAt: number | null;
  closesAt: number | null;
}

const length = (text: string) => [...text].length;

/** How two options are compared for sameness: NFC, trimmed, spaces collapsed, case-folded. */
export function optionKey(label: string): string {
  // toUpperCase().toLowerCase() folds more than toLowerCase() alone ("ß" and "SS" become "ss").
  return cleanText(label).replace(/\s+/g, ' ').toUpperCase().toLowerCase();
}

/** Text that is only whitespace or invisible format characters counts as empty. */
function isBlank(text: string): boolean {
  return text.replace(/[\s\p{Cf}]/gu, '') === '';
}

/** The option inputs of a form in slot order, as typed (for re-rendering the form). */
export function optionSlots(form: FormData): string[] {
  return Object.keys(form)
    .map((name) => /^option_(\d{1,3})$/.exec(name))
    .filter((match): match is RegExpExecArray => match !== null)
    .map((match) => Number(match[1]))
    .filter((index) => index >= 1 && index <= SLOT_LIMIT)
    .sort((a, b) => a - b)
    .map((index) => form[`option_${index}`] ?? '');
}

export function parseOptions(slots: readonly string[]): { ok: true; options: string[] } | { ok: false; error: MessageKey } {
  const options: string[] = [];
  const seen = new Set<string>();
  for (const raw of slots) {
    if (raw === '') continue;
    const label = cleanText(raw).replace(/\s+/g, ' ');
    if (isBlank(label)) return { ok: false, error: 'polls.error.option_empty' };
    if (length(label) > OPTION_MAX) return { ok: false, error: 'polls.error.option_length' };
    const key = optionKey(label);
    if (seen.has(key)) return { ok: false, error: 'polls.error.option_duplicate' };
    seen.add(key);
    options.push(label);
  }
  if (options.length < OPTIONS_MIN || options.length > OPTIONS_MAX) return { ok: false, error: 'polls.error.option_count' };
  return { ok: true, options };
}

/** A `datetime-local` value in the reader's zone → ms; '' → null; malformed → undefined. */
export function parseLocalDate(value: string | undefined, timeZone: string): number | null | undefined {
  const text = (value ?? '').trim();
  if (text === '') return null;
  return zonedWallTimeToUtc(text, timeZone) ?? undefined;
}

function oneOf<T extends string>(values: readonly T[], value: string | undefined): T | undefined {
  return (values as readonly string[]).includes(value ?? '') ? (value as T) : undefined;
}

function wholeNumber(value: string | undefined): number | null | undefined {
  const text = (value ?? '').trim();
  if (text === '') return null;
  return /^\d{1,3}$/.test(text) ? Number(text) : undefined;
}

export interface PollFormContext {
  now: number;
  timeZone: string;
  /** Chapter polls may show results once the reader has finished the chapter. */
  onChapter: boolean;
}

/** Validates the whole poll form. */
export function parsePollForm(form: FormData, context: PollFormContext): { ok: true; data: ParsedPoll } | { ok: false; errors: FieldErrors } {
  const errors: FieldErrors = {};

  const question = cleanText(form.question).replace(/\s+/g, ' ');
  if (isBlank(question) || length(question) > QUESTION_MAX) errors.question = 'polls.error.question_length';

  const options = parseOptions(optionSlots(form));
  if (!options.ok) errors.options = options.error;
  const optionCount = options.ok ? options.options.length : 0;

  const kind = oneOf(POLL_KINDS, form.kind);
  if (!kind) errors.kind = 'polls.error.kind';

  let minChoices = 1;
  let maxChoices = 1;
  if (kind === 'multiple') {
    const min = wholeNumber(form.minChoices);
    const max = wholeNumber(form.maxChoices);
    if (min === undefined || max === undefined) errors.minChoices = 'polls.error.picks_range';
    else if (options.ok) {
      minChoices = min ?? 1;
      maxChoices = max ?? optionCount;
      if (minChoices < 1 || minChoices > maxChoices || maxChoices > optionCount) errors.minChoices = 'polls.error.picks_range';
    }
  } else if (kind === 'ranked') {
    // A ranked ballot ranks at least one option and at most all of them.
    maxChoices = Math.max(1, optionCount);
  }

  const voters = oneOf(POLL_VOTERS, form.voters);
  if (!voters) errors.voters = 'polls.error.voters';

  const resultsVisibility = oneOf(RESULTS_VISIBILITIES, form.resultsVisibility);
  if (!resultsVisibility) errors.resultsVisibility = 'polls.error.results';
  else if (resultsVisibility === 'after_chapter' && !context.onChapter) errors.resultsVisibility = 'polls.error.results_chapter_only';

  const opensAt = parseLocalDate(form.opensAt, context.timeZone);
  const closesAt = parseLocalDate(form.closesAt, context.timeZone);
  if (opensAt === undefined) errors.opensAt = 'polls.error.date_format';
  if (closesAt === undefined) errors.closesAt = 'polls.error.date_format';
  if (opensAt !== undefined && closesAt !== undefined && closesAt !== null) {
    const closesError = closingDateError(closesAt, opensAt, context.now);
    if (closesError) errors.closesAt = closesError;
  }

  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return {
    ok: true,
    data: {
      question,
      options: (options as { options: string[] }).options,
      kind: kind!,
      minChoices,
      maxChoices,
      voters: voters!,
      resultsVisibility: resultsVisibility!,
      opensAt: opensAt ?? null,
      closesAt: closesAt ?? null,
    },
  };
}

/** A closing date must come after the opening (or now, when opening at once) and lie in the future. */
export function closingDateError(closesAt: number, opensAt: number | null, now: number): MessageKey | null {
  if (opensAt !== null && closesAt <= opensAt) return 'polls.error.closes_before_opens';
  if (closesAt <= now) return 'polls.error.closes_in_past';
  return null;
}

export interface BallotSubmission {
  /** Option ids in order of preference (form order for single and multiple). */
  choices: number[];
  /** Raw rank inputs of a ranked ballot, by option id, to show the form again as typed. */
  ranks: Record<string, string>;
}

export interface BallotPollShape {
  kind: PollKind;
  minChoices: number;
  maxChoices: number;
  optionIds: number[];
}

export type BallotProblem = { key: MessageKey; params?: MessageParams };

/**
 * Reads a ballot: `choice=<id>` for single choice, `choice_<id>=on` for multiple choice,
 * `rank_<id>=<n>` for ranked choice (blank ranks are left out; a ballot may rank a subset).
 */
export function readBallot(form: FormData, kind: PollKind): BallotSubmission {
  const ranks: Record<string, string> = {};
  if (kind === 'single') {
    const value = (form.choice ?? '').trim();
    return { choices: value === '' ? [] : [toId(value)], ranks };
  }
  if (kind === 'multiple') {
    const choices = Object.keys(form)
      .map((name) => /^choice_(.{1,20})$/.exec(name)?.[1])
      .filter((id): id is string => id !== undefined)
      .map(toId);
    return { choices, ranks };
  }
  const ranked: { id: number; rank: number }[] = [];
  for (const [name, value] of Object.entries(form)) {
    const id = /^rank_(.{1,20})$/.exec(name)?.[1];
    if (id === undefined) continue;
    ranks[id] = value;
    const text = value.trim();
    if (text === '') continue;
    ranked.push({ id: toId(id), rank: /^\d{1,3}$/.test(text) ? Number(text) : Number.NaN });
  }
  ranked.sort((a, b) => a.rank - b.rank);
  return { choices: ranked.map((entry) => entry.id), ranks };
}

/** Checks a ballot against the poll; null when it may be stored. */
export function ballotProblem(submission: BallotSubmission, poll: BallotPollShape): BallotProblem | null {
  if (poll.kind === 'ranked') {
    const given = Object.values(submission.ranks).map((v) => v.trim()).filter((v) => v !== '');
    if (given.some((v) => !/^\d{1,3}$/.test(v) || Number(v) < 1 || Number(v) > poll.optionIds.length)) return { key: 'polls.error.rank_invalid' };
    if (new Set(given.map(Number)).size !== given.length) return { key: 'polls.error.rank_duplicate' };
  }
  const verdict = validateBallot(poll.kind, { minChoices: poll.minChoices, maxChoices: poll.maxChoices }, poll.optionIds, submission.choices);
  return verdict.ok ? null : ballotErrorMessage(verdict.error, poll);
}

const BALLOT_MESSAGES: Record<BallotError, MessageKey> = {
  no_choice: 'polls.error.no_choice',
  too_few: 'polls.error.too_few',
  too_many: 'polls.error.too_many',
  duplicate: 'polls.error.duplicate_choice',
  unknown_option: 'polls.error.unknown_option',
  not_single: 'polls.error.not_single',
};

function ballotErrorMessage(error: BallotError, poll: BallotPollShape): BallotProblem {
  // `count` picks the plural ("at least 1 option", "at most 3 options").
  return { key: BALLOT_MESSAGES[error], params: { count: error === 'too_many' ? poll.maxChoices : Math.max(1, poll.minChoices) } };
}

function toId(text: string): number {
  return parseId(text) ?? Number.NaN;
}
