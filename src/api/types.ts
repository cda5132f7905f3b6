/** What the tokens page draws (views import these from src/api/index.ts). */
export interface TokenRowView {
  id: number;
  name: string;
  prefix: string;
  scope: 'read' | 'read write';
  createdLabel: string;
  expiresLabel: string | null;
  expired: boolean;
  lastUsedLabel: string | null;
  revokedLabel: string | null;
}

export interface TokensPageView {
  tokens: TokenRowView[];
  /** The token just created: shown on this one response only. */
  created: { name: string; token: string } | null;
  /** The form as typed (after a refusal) and its errors (catalogue keys, by field). */
  values: { name: string; scope: string; expiry: string };
  errors: Partial<Record<'name' | 'scope' | 'expiry' | '_form', string>>;
  expiryDays: readonly number[];
  notice: string | null;
}
