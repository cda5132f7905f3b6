/**
 * An `ImportError` in words, for the upload form, the CLI and the start-up log. Sizes in the
 * params are byte counts; they are written as "20 MB" here, and the catalogue's sentences say
 * no unit of their own, so no message reads "50 MB bytes".
 */
import { formatBytes } from '../http/middleware';
import { translate, type Locale, type MessageKey } from '../i18n';
import type { ImportError } from './import/types';

const BYTE_PARAMS = ['size', 'limit'] as const;

export function importErrorMessage(locale: Locale, error: Pick<ImportError, 'code' | 'params'>): string {
  const params: Record<string, string | number> = { ...error.params };
  if (error.code === 'too_large' || error.code === 'epub_too_large') {
    for (const key of BYTE_PARAMS) if (typeof params[key] === 'number') params[key] = formatBytes(params[key]);
  }
  return translate(locale, `import.error.${error.code}` as MessageKey, params);
}
