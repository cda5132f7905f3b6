/** Checking moderation input: each returns the value or the refusal's message key. */
import { FLAG_REASONS, type FlagReason } from '../../db/schema';
import { cleanText, type FormData } from '../http/forms';
import type { MessageKey } from '../i18n';

export const REASON_MAX = 500;
export const FLAG_NOTE_MAX = 500;
export const MUTE_HOURS_MAX = 24 * 30;
export const SLOW_MODE_MAX_SECONDS = 3600;
export const FLAG_THRESHOLD_MIN = 1;
export const FLAG_THRESHOLD_MAX = 20;
export const QUEUE_DECISIONS = ['keep', 'hide', 'delete', 'restore', 'warn'] as const;
export type QueueDecision = (typeof QUEUE_DECISIONS)[number];

export type Checked<T> = { ok: true; value: T } | { ok: false; error: MessageKey };

const fail = (error: MessageKey) => ({ ok: false, error }) as const;

export function checkFlag(form: FormData): Checked<{ reason: FlagReason; note: string }> {
  const reason = form.reason as FlagReason;
  if (!(FLAG_REASONS as readonly string[]).includes(reason)) return fail('moderation.error.flag_reason');
  const note = cleanText(form.note ?? '');
  if ([...note].length > FLAG_NOTE_MAX) return fail('moderation.error.note_long');
  if (reason === 'other' && note === '') return fail('moderation.error.note_needed');
  return { ok: true, value: { reason, note } };
}

/** A moderator's reason: required, at most {@link REASON_MAX} characters. */
export function checkReason(form: FormData, required = true): Checked<string> {
  const reason = cleanText(form.reason ?? '');
  if (required && reason === '') return fail('moderation.error.reason_needed');
  if ([...reason].length > REASON_MAX) return fail('moderation.error.reason_long');
  return { ok: true, value: reason };
}

export function checkDecision(form: FormData): Checked<QueueDecision> {
  const decision = form.decision as QueueDecision;
  return (QUEUE_DECISIONS as readonly string[]).includes(decision) ? { ok: true, value: decision } : fail('moderation.error.decision');
}

function wholeNumber(value: string | undefined, min: number, max: number): number | null {
  if (value === undefined || !/^[0-9]{1,6}$/.test(value.trim())) return null;
  const n = Number(value.trim());
  return n >= min && n <= max ? n : null;
}

/** Mute length in whole hours, 1 … 720. */
export function checkMuteHours(form: FormData): Checked<number> {
  const hours = wholeNumber(form.hours, 1, MUTE_HOURS_MAX);
  return hours === null ? fail('moderation.error.mute_hours') : { ok: true, value: hours };
}

export function checkSettings(form: FormData): Checked<{ slowModeSeconds: number; flagThreshold: number }> {
  const slowModeSeconds = wholeNumber(form.slow_mode_seconds, 0, SLOW_MODE_MAX_SECONDS);
  if (slowModeSeconds === null) return fail('moderation.error.slow_mode');
  const flagThreshold = wholeNumber(form.flag_threshold, FLAG_THRESHOLD_MIN, FLAG_THRESHOLD_MAX);
  if (flagThreshold === null) return fail('moderation.error.threshold');
  return { ok: true, value: { slowModeSeconds, flagThreshold } };
}
