/** Checking the preferences form: every field one of the offered values, the address an address. */
import { z } from 'zod';
import { cleanText, type FieldErrors, type FormData } from '../http/forms';
import { EMAIL_MODES, type EmailMode, type Preference } from './types';

export const ADDRESS_MAX = 254;
const address = z.preprocess(cleanText, z.union([z.literal(''), z.email({ error: 'notifications.error.address' }).max(ADDRESS_MAX, { error: 'notifications.error.address' })]));

export interface PreferencesInput {
  /** null: no address (no e-mail). Undefined when e-mail is off on this server (field not shown). */
  address: string | null | undefined;
  all: Preference;
  /** Per club: its own setting, or null for "same as all clubs". */
  clubs: Map<number, Preference | null>;
}

const isMode = (value: string | undefined): value is EmailMode => (EMAIL_MODES as readonly string[]).includes(value ?? '');

export function checkPreferences(form: FormData, clubIds: readonly number[], emailAvailable: boolean): { ok: true; data: PreferencesInput } | { ok: false; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const read = (name: string): Preference | null => {
    const email = emailAvailable ? form[`email_${name}`] : 'never';
    if (!isMode(email)) {
      errors[`email_${name}`] = 'notifications.prefs.error';
      return null;
    }
    return { inApp: form[`inapp_${name}`] === '1', email };
  };
  let chosenAddress: string | null | undefined;
  if (emailAvailable) {
    const parsed = address.safeParse(form.address ?? '');
    if (!parsed.success) errors.address = 'notifications.error.address';
    else chosenAddress = parsed.data === '' ? null : parsed.data;
  }
  const all = read('0');
  const clubs = new Map<number, Preference | null>();
  for (const id of clubIds) {
    const mode = form[`mode_${id}`] ?? 'inherit';
    if (mode !== 'inherit' && mode !== 'own') {
      errors[`mode_${id}`] = 'notifications.prefs.error';
      continue;
    }
    clubs.set(id, mode === 'own' ? read(String(id)) : null);
  }
  if (Object.keys(errors).length > 0 || !all) return { ok: false, errors };
  return { ok: true, data: { address: chosenAddress, all, clubs } };
}
