/**
 * Checking the tokens page's form: a name (1–{@link TOKEN_NAME_MAX} characters), a scope,
 * and an expiry from a fixed list of days (or never). Zod errors are catalogue keys
 * (`validateForm` in src/http/forms.ts). The API's own request bodies are checked by the zod
 * schemas of `./schemas.ts`, which also write the OpenAPI document.
 */
import { z } from 'zod';
import { API_SCOPES } from '../../db/schema';
import { cleanText } from '../http/forms';

export const TOKEN_NAME_MAX = 80;
/** The expiries offered, in days. */
export const TOKEN_EXPIRY_DAYS = [7, 30, 90, 365] as const;

export const tokenFormSchema = z.object({
  name: z.preprocess(
    (value) => cleanText(value).replace(/\s+/g, ' '),
    z.string().min(1, { error: 'api.tokens.error.name_empty' }).refine((name) => [...name].length <= TOKEN_NAME_MAX, { error: 'api.tokens.error.name_too_long' }),
  ),
  scope: z.enum(API_SCOPES, { error: 'api.tokens.error.scope' }),
  expiry: z.preprocess(
    (value) => cleanText(value),
    z
      .string()
      .refine((value) => value === '' || (TOKEN_EXPIRY_DAYS as readonly number[]).includes(Number(value)), { error: 'api.tokens.error.expiry' })
      .transform((value) => (value === '' ? null : Number(value))),
  ),
});

export type TokenForm = z.infer<typeof tokenFormSchema>;
