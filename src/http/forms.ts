/**
 * Reading and validating forms. Schemas carry message-catalogue keys as their error messages,
 * so a failed field turns straight into a sentence in the reader's language.
 *
 * @example
 * const parsed = validateForm(registerSchema, await readForm(c));
 * if (!parsed.ok) return renderForm(parsed.errors); // errors: { username: 'auth.error.username_format' }
 */
import { parse as parseCookie } from 'hono/utils/cookie';
import type { Context } from 'hono';
import type { z } from 'zod';
import type { MessageKey } from '../i18n';

export type FormData = Record<string, string>;
export type FieldErrors<K extends string = string> = Partial<Record<K, MessageKey>>;

/**
 * The body of a urlencoded or multipart form as strings (files are not read here). Plain forms
 * are parsed from the body text directly, which skips building a full Fetch `Request` on Node.
 */
export async function readForm(c: Context): Promise<FormData> {
  if ((c.req.header('content-type') ?? '').startsWith('application/x-www-form-urlencoded')) {
    const form: FormData = {};
    for (const [name, value] of new URLSearchParams(await c.req.text())) form[name] = value;
    return form;
  }
  const body = await c.req.parseBody({ all: false });
  const form: FormData = {};
  for (const [name, value] of Object.entries(body)) if (typeof value === 'string') form[name] = value;
  return form;
}

export type Validated<T> = { ok: true; data: T } | { ok: false; errors: FieldErrors };

export function validateForm<S extends z.ZodType>(schema: S, form: FormData): Validated<z.infer<S>> {
  const result = schema.safeParse(form);
  if (result.success) return { ok: true, data: result.data };
  const errors: FieldErrors = {};
  for (const issue of result.error.issues) {
    const field = String(issue.path[0] ?? '_form');
    errors[field] ??= issue.message as MessageKey;
  }
  return { ok: false, errors };
}

/** {@link readForm}, then {@link validateForm}: the form as sent (to re-show it) and the verdict. */
export async function readValidForm<S extends z.ZodType>(c: Context, schema: S): Promise<{ form: FormData; parsed: Validated<z.infer<S>> }> {
  const form = await readForm(c);
  return { form, parsed: validateForm(schema, form) };
}

/** A positive whole-number id from a URL segment or form field (at most 15 digits), or null. */
export function parseId(value: string | undefined | null): number | null {
  return typeof value === 'string' && /^[1-9]\d{0,14}$/.test(value) ? Number(value) : null;
}

/** NFC-normalises, trims and drops NUL, so every stored string has one canonical form. */
export function cleanText(value: unknown): string {
  return typeof value === 'string' ? value.replace(/\0/g, '').normalize('NFC').trim() : '';
}

/** A same-origin path to return to after a form, or the fallback: never an open redirect. */
export function safeNextPath(next: string | undefined | null, fallback = '/'): string {
  // Browsers drop tabs and newlines from URLs and read `\` as `/`, so `/\t/evil.example` would
  // leave the site: no control characters, spaces or backslashes anywhere, and no `//` start.
  if (!next || !next.startsWith('/') || next.startsWith('//') || /[\u0000-\u0020\u007f\\]/.test(next)) return fallback;
  return next;
}

/** True when htmx made the request, so a fragment rather than a whole page is wanted. */
export function isHtmx(c: Context): boolean {
  return c.req.header('hx-request') === 'true';
}

/**
 * The value of cookie `name` in a `Cookie` header, read by the parser Hono's `getCookie` uses
 * (only that cookie is parsed); undefined when it is not there. For paths that answer before
 * Hono's context exists (src/http/warm-answers.ts).
 */
export function cookieFrom(header: string, name: string): string | undefined {
  return parseCookie(header, name)[name];
}
