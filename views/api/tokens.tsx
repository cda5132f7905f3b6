import type { FC } from 'hono/jsx';
import type { TokensPageView } from '../../src/api';
import type { MessageKey } from '../../src/i18n';
import type { PageContext } from '../context';
import { FieldError, FormErrors, Layout } from '../layout';

/** The account's personal access tokens: the one just created (shown once), the list, a new one. */
export const TokensPage: FC<{ page: PageContext; view: TokensPageView }> = ({ page, view }) => {
  const { t } = page;
  const errors = view.errors;
  const errorText = (field: keyof typeof errors) => (errors[field] ? t(errors[field] as MessageKey) : undefined);
  const list = (Object.values(errors).filter(Boolean) as MessageKey[]).map((key) => t(key));
  return (
    <Layout page={page} title={t('api.tokens.title')}>
      <section class="narrow account api-tokens">
        <p>
          <a href="/account">{t('api.tokens.back')}</a>
        </p>
        <h1>{t('api.tokens.title')}</h1>
        <p>{t('api.tokens.intro')}</p>
        <p>
          <a href="/api/v1/openapi.json">{t('api.tokens.docs')}</a>
        </p>

        {view.notice && (
          <p class="flash" role="status">
            {view.notice}
          </p>
        )}

        {view.created && (
          <div class="card token-created" role="status">
            <h2>{t('api.tokens.created.title')}</h2>
            <p>{t('api.tokens.created.once')}</p>
            <p class="field-hint" id="new-token-label">
              {t('api.tokens.created.label', { name: view.created.name })}
            </p>
            <code id="new-token" class="token-value">
              {view.created.token}
            </code>
          </div>
        )}

        <h2>{t('api.tokens.list.title')}</h2>
        {view.tokens.length === 0 ? (
          <p>{t('api.tokens.list.empty')}</p>
        ) : (
          <ul class="plain-list token-list">
            {view.tokens.map((token) => (
              <li class="card" id={`token-${token.id}`}>
                <h3>
                  {token.name} <code>{token.prefix}…</code>
                </h3>
                <dl class="token-facts">
                  <dt>{t('api.tokens.list.scope')}</dt>
                  <dd>{t(token.scope === 'read' ? 'api.tokens.scope.read' : 'api.tokens.scope.read_write')}</dd>
                  <dt>{t('api.tokens.list.created')}</dt>
                  <dd>{token.createdLabel}</dd>
                  <dt>{t('api.tokens.list.expires')}</dt>
                  <dd>{token.expiresLabel === null ? t('api.tokens.list.no_expiry') : token.expired ? `${token.expiresLabel} (${t('api.tokens.list.expired')})` : token.expiresLabel}</dd>
                  <dt>{t('api.tokens.list.last_used')}</dt>
                  <dd>{token.lastUsedLabel ?? t('api.tokens.list.never_used')}</dd>
                </dl>
                {token.revokedLabel ? (
                  <p class="field-hint">{t('api.tokens.list.revoked', { date: token.revokedLabel })}</p>
                ) : (
                  <form method="post" action={`/account/tokens/${token.id}/revoke`}>
                    <button type="submit" class="button button-secondary" aria-label={t('api.tokens.revoke.label', { name: token.name })}>
                      {t('api.tokens.revoke')}
                    </button>
                  </form>
                )}
              </li>
            ))}
          </ul>
        )}

        <h2>{t('api.tokens.new')}</h2>
        <FormErrors page={page} errors={list} />
        <form method="post" action="/account/tokens">
          <div class={errors.name ? 'field field-invalid' : 'field'}>
            <label for="token-name">{t('api.tokens.field.name')}</label>
            <input id="token-name" name="name" type="text" required maxlength={80} value={view.values.name} aria-describedby={errors.name ? 'token-name-hint token-name-error' : 'token-name-hint'} />
            <p class="field-hint" id="token-name-hint">
              {t('api.tokens.field.name.hint')}
            </p>
            <FieldError id="token-name-error" message={errorText('name')} />
          </div>
          <fieldset class={errors.scope ? 'field field-invalid' : 'field'} aria-describedby={errors.scope ? 'token-scope-error' : undefined}>
            <legend>{t('api.tokens.field.scope')}</legend>
            <div class="field-check">
              <input id="scope-read" type="radio" name="scope" value="read" checked={view.values.scope !== 'read write'} />
              <label for="scope-read">{t('api.tokens.scope.read')}</label>
            </div>
            <div class="field-check">
              <input id="scope-write" type="radio" name="scope" value="read write" checked={view.values.scope === 'read write'} />
              <label for="scope-write">{t('api.tokens.scope.read_write')}</label>
            </div>
            <FieldError id="token-scope-error" message={errorText('scope')} />
          </fieldset>
          <div class={errors.expiry ? 'field field-invalid' : 'field'}>
            <label for="token-expiry">{t('api.tokens.field.expiry')}</label>
            <select id="token-expiry" name="expiry" aria-describedby={errors.expiry ? 'token-expiry-error' : undefined}>
              {view.expiryDays.map((days) => (
                <option value={String(days)} selected={view.values.expiry === String(days)}>
                  {t('api.tokens.expiry.days', { count: days })}
                </option>
              ))}
              <option value="" selected={view.values.expiry === ''}>
                {t('api.tokens.expiry.never')}
              </option>
            </select>
            <FieldError id="token-expiry-error" message={errorText('expiry')} />
          </div>
          <button type="submit" class="button">
            {t('api.tokens.create')}
          </button>
        </form>
      </section>
    </Layout>
  );
};
