import type { MessageKey } from '../i18n';
import type { CommentChoice } from './queries';

/** The choice about comments, or the refusal's message key. */
export function checkCommentChoice(value: string | undefined): CommentChoice | MessageKey {
  return value === 'delete' || value === 'keep' ? value : 'account.error.choice';
}

export const PASSWORD_FIELD_MAX = 255;
