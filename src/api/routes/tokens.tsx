/**
 * The account's personal access tokens page (the account page links here).
 *
 *   GET  /account/tokens                 the list and the form
 *   POST /account/tokens                 create: the page again with the token, shown this once
 *   POST /account/tokens/:tokenId/revoke revoke one of mine (303 back)
 *
 * The created token is in the POST's own answer (200, `Cache-Control: no-store`) and nowhere
 * else: it is never stored, redirected through or cached, so reloading does not show it again.
 */
import { Hono } from 'hono';
import { transaction } from '../../../db/connection';
import { TokensPage } from '../../../views/api/tokens';
import { notFound } from '../../http/errors';
import { parseId, readForm, validateForm, type FieldErrors } from '../../http/forms';
import { consumePosting, redirectToLogin } from '../../http/guards';
import { pageContext, seeOther, sendPage } from '../../http/page';
import type { AppEnv, AreaDeps } from '../../http/types';
import { viewerTimeZone } from '../../i18n/zoned-time';
import { MAX_ACTIVE_TOKENS, mayCreateToken, mayRevokeToken } from '../policy';
import { tokenRowView } from '../present';
import { countActiveTokens, insertApiToken, revokeApiToken, tokensOf } from '../queries';
import { newApiToken } from '../tokens';
import type { TokensPageView } from '../types';
import { TOKEN_EXPIRY_DAYS, tokenFormSchema } from '../validation';

const DAY_MS = 86_400_000;
const DEFAULT_VALUES = { name: '', scope: 'read', expiry: '90' };

export function tokenPageRoutes(deps: AreaDeps): Hono<AppEnv> {
  const { db, clock } = deps;
  const app = new Hono<AppEnv>();

  async function render(c: Parameters<typeof pageContext>[0], extra: Partial<TokensPageView>, status: 200 | 422 = 200) {
    const user = c.get('user')!;
    const now = clock();
    const timeZone = viewerTimeZone(user.timeZone);
    const view: TokensPageView = {
      tokens: (await tokensOf(db, user.id)).map((token) => tokenRowView(token, now, c.get('locale'), timeZone)),
      created: null,
      values: DEFAULT_VALUES,
      errors: {},
      expiryDays: TOKEN_EXPIRY_DAYS,
      notice: null,
      ...extra,
    };
    c.header('Cache-Control', 'no-store');
    return sendPage(c, <TokensPage page={pageContext(c)} view={view} />, status);
  }

  app.get('/account/tokens', (c) => {
    if (!c.get('user')) return redirectToLogin(c, '/account/tokens');
    return render(c, { notice: c.req.query('done') === 'revoked' ? c.get('t')('api.tokens.revoked') : null });
  });

  app.post('/account/tokens', async (c) => {
    const user = c.get('user');
    if (!user) return redirectToLogin(c, '/account/tokens');
    const form = await readForm(c);
    const values = { name: form.name ?? '', scope: form.scope ?? 'read', expiry: form.expiry ?? '' };
    const parsed = validateForm(tokenFormSchema, form);
    if (!parsed.ok) return render(c, { values, errors: parsed.errors as FieldErrors<'name' | 'scope' | 'expiry'> }, 422);
    if (!mayCreateToken(user, await countActiveTokens(db, user.id))) {
      return render(c, { values, errors: { _form: c.get('t')('api.tokens.error.too_many', { max: MAX_ACTIVE_TOKENS }) } }, 422);
    }
    await consumePosting(c, deps.rateLimiters.postingPerUser, clock());
    const now = clock();
    const { token, tokenHash, prefix } = newApiToken();
    const { name, scope, expiry } = parsed.data;
    // Counted again where it is written: two forms sent together cannot pass the limit together.
    const created = await transaction(db, async (tx) => {
      if (!mayCreateToken(user, await countActiveTokens(tx, user.id))) return false;
      await insertApiToken(tx, { userId: user.id, name, tokenHash, prefix, scope, createdAt: now, expiresAt: expiry === null ? null : now + expiry * DAY_MS });
      return true;
    });
    if (!created) return render(c, { values, errors: { _form: c.get('t')('api.tokens.error.too_many', { max: MAX_ACTIVE_TOKENS }) } }, 422);
    return render(c, { created: { name, token } });
  });

  app.post('/account/tokens/:tokenId/revoke', async (c) => {
    const user = c.get('user');
    if (!user) return redirectToLogin(c, '/account/tokens');
    const tokenId = parseId(c.req.param('tokenId'));
    // Someone else's token is as absent as one that never existed.
    const mine = tokenId === null ? undefined : (await tokensOf(db, user.id)).find((token) => token.id === tokenId);
    if (!mine || !mayRevokeToken(user, mine)) throw notFound();
    await revokeApiToken(db, user.id, mine.id, clock());
    return seeOther(c, '/account/tokens?done=revoked');
  });

  return app;
}
