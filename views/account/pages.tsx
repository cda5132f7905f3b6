import type { FC } from 'hono/jsx';
import type { DeleteAccountView } from '../../src/account';
import type { MessageKey } from '../../src/i18n';
import type { PageContext } from '../context';
import { FieldError, FormErrors, Layout } from '../layout';

type Errors = Partial<Record<string, MessageKey>>;

export const DeleteAccountPage: FC<{ page: PageContext; view: DeleteAccountView; errors: Errors }> = ({ page, view, errors }) => {
  const { t } = page;
  const list = Object.values(errors).filter((k): k is MessageKey => !!k).map((k) => t(k));
  const blocked = view.soleOwnerOf.length > 0;
  return (
    <Layout page={page} title={t('account.delete.title')}>
      <section class="narrow account">
        <h1>{t('account.delete.title')}</h1>
        <p>{t('account.delete.intro', { username: view.username })}</p>
        {blocked && (
          <p class="form-errors" role="alert">
            {t('account.delete.sole_owner', { clubs: view.soleOwnerOf.join(', ') })}
          </p>
        )}
        <FormErrors page={page} errors={list} />
        <form method="post" action="/account/delete">
          <fieldset class={errors.comments ? 'field field-invalid' : 'field'} aria-describedby={errors.comments ? 'comments-error' : undefined}>
            <legend>{t('account.delete.comments')}</legend>
            <label>
              <input type="radio" name="comments" value="delete" checked={view.choice === 'delete'} required /> {t('account.delete.comments.delete')}
            </label>
            <label>
              <input type="radio" name="comments" value="keep" checked={view.choice === 'keep'} /> {t('account.delete.comments.keep')}
            </label>
            <p class="field-hint">{t('account.delete.private_note')}</p>
            <FieldError id="comments-error" message={errors.comments && t(errors.comments)} />
          </fieldset>
          <div class={errors.password ? 'field field-invalid' : 'field'}>
            <label for="password">{t('account.delete.password')}</label>
            <input id="password" name="password" type="password" autocomplete="current-password" required maxlength={255} aria-describedby={errors.password ? 'password-error' : undefined} />
            <FieldError id="password-error" message={errors.password && t(errors.password)} />
          </div>
          <button type="submit" class="button button-danger" disabled={blocked}>
            {t('account.delete.submit')}
          </button>
        </form>
      </section>
    </Layout>
  );
};

export const GoodbyePage: FC<{ page: PageContext }> = ({ page }) => (
  <Layout page={page} title={page.t('account.delete.done')}>
    <section class="narrow">
      <p class="flash" role="status">
        {page.t('account.delete.done')}
      </p>
      <p>
        <a href="/">Marginalia</a>
      </p>
    </section>
  </Layout>
);
