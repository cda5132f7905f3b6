/**
 * Checking what readers send to the annotations area, in one place: a comment's body, a new
 * root's visibility and passage, a moderation and a reaction. Pure: each check returns the
 * clean value or the refusal to show (a catalogue key, its parameters, and the form values to
 * re-show). Routes run these *before* counting a post against the posting limit, so a refused
 * form never uses up a token.
 *
 * @example
 * const checked = checkNewComment(form, paragraph?.text ?? null);
 * if (!checked.ok) return refuseInput(checked.refusal);
 */
import { z } from 'zod';
import { REACTIONS, type Reaction } from '../../db/schema';
import { cleanText, type FormData } from '../http/forms';
import type { MessageKey } from '../i18n';
import { COMMENT_MAX_CHARS, normalizeCommentBody } from './markdown';
import { MAX_PASSAGE_CHARS, validateSelector } from './selectors';

/** How much of the answered comment a reply quotes. */
export const QUOTE_MAX_CHARS = 500;
/** Longest moderation reason, in characters. */
export const REASON_MAX_CHARS = 500;

export interface InputRefusal {
  message: MessageKey;
  params?: Record<string, string | number>;
  /** The values to re-show, when they differ from what was sent (a refused passage is dropped). */
  values?: FormData;
}

export type Checked<T> = { ok: true; value: T } | { ok: false; refusal: InputRefusal };

const refused = (message: MessageKey, params?: InputRefusal['params'], values?: FormData): { ok: false; refusal: InputRefusal } => ({
  ok: false,
  refusal: { message, params, values },
});

const visibilitySchema = z.enum(['club', 'private']);
const moderationSchema = z.enum(['hide', 'remove']);
const reactionSchema = z.enum(REACTIONS);

export type Passage = { start: number; end: number; exact: string; prefix: string; suffix: string };

/** A comment's body: normalised, 1–{@link COMMENT_MAX_CHARS} characters. */
export function checkBody(form: FormData): Checked<string> {
  const body = normalizeCommentBody(form.body);
  if (body.ok) return { ok: true, value: body.body };
  return body.error === 'empty' ? refused('annotations.error.empty') : refused('annotations.error.too_long', { max: COMMENT_MAX_CHARS.toLocaleString('en') });
}

/**
 * A new root comment: its visibility, its passage (only on a paragraph, and it must agree
 * with the paragraph's text), and its body. `paragraphText` is null for a chapter comment.
 */
export function checkNewComment(form: FormData, paragraphText: string | null): Checked<{ visibility: 'club' | 'private'; passage: Passage | null; body: string }> {
  const visibility = visibilitySchema.safeParse(form.visibility ?? 'club');
  if (!visibility.success) return refused('annotations.error.visibility');
  let passage: Passage | null = null;
  const wantsPassage = [form.passage_start, form.passage_end, form.passage_exact].some((value) => value !== undefined && value !== '');
  if (wantsPassage) {
    if (paragraphText === null) return refused('annotations.error.passage_needs_paragraph');
    const checked = validateSelector(paragraphText, {
      start: form.passage_start,
      end: form.passage_end,
      exact: form.passage_exact,
      prefix: form.passage_prefix,
      suffix: form.passage_suffix,
    });
    if (!checked.ok) {
      // Re-show the form without the refused passage: sent again, it anchors to the paragraph.
      const withoutPassage = { ...form, passage_start: '', passage_end: '', passage_exact: '', passage_prefix: '', passage_suffix: '' };
      return checked.error === 'too_long'
        ? refused('annotations.error.passage_too_long', { max: MAX_PASSAGE_CHARS.toLocaleString('en') }, withoutPassage)
        : refused('annotations.error.passage', undefined, withoutPassage);
    }
    passage = checked.selector;
  }
  const body = checkBody(form);
  if (!body.ok) return body;
  return { ok: true, value: { visibility: visibility.data, passage, body: body.value } };
}

/** Which moderation was asked for (the policy decides next whether this reader may). */
export function checkModerationAction(form: FormData): Checked<'hide' | 'remove'> {
  const action = moderationSchema.safeParse(form.action);
  return action.success ? { ok: true, value: action.data } : refused('annotations.error.moderation_action');
}

/** A moderation's reason: spaces collapsed, 1–{@link REASON_MAX_CHARS} characters. */
export function checkReason(form: FormData): Checked<string> {
  const reason = cleanText(form.reason).replace(/\s+/g, ' ');
  if (reason === '') return refused('annotations.error.reason_empty');
  if ([...reason].length > REASON_MAX_CHARS) return refused('annotations.error.reason_too_long', { max: REASON_MAX_CHARS });
  return { ok: true, value: reason };
}

export function checkReaction(form: FormData): Checked<Reaction> {
  const reaction = reactionSchema.safeParse(form.reaction);
  return reaction.success ? { ok: true, value: reaction.data as Reaction } : refused('annotations.error.reaction');
}

/** Does the reply ask to quote what it answers? */
export function wantsQuote(form: FormData): boolean {
  return form.quote === '1' || form.quote === 'on';
}

/** The start of a comment, for a reply's quote: whole characters, an ellipsis when cut. */
export { excerpt } from '../lib/excerpt';
