import type { FC } from 'hono/jsx';
import type { MessageKey } from '../../src/i18n';
import type { PageContext } from '../context';
import { FieldError, FormErrors, Layout } from '../layout';

type Errors = Partial<Record<string, MessageKey>>;

const Field: FC<{
  page: PageContext;
  name: string;
  label: MessageKey;
  hint?: MessageKey;
  type?: string;
  value?: string;
  errors: Errors;
  autocomplete?: string;
  required?: boolean;
  maxlength?: number;
}> = ({ page, name, label, hint, type = 'text', value, errors, autocomplete, required = true, maxlength }) => {
  const error = errors[name];
  const describedBy = [hint ? `${name}-hint` : '', error ? `${name}-error` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div class={error ? 'field field-invalid' : 'field'}>
      <label for={name}>{page.t(label)}</label>
      <input
        id={name}
        name={name}
        type={type}
        value={type === 'password' ? undefined : value}
        autocomplete={autocomplete}
        required={required}
        maxlength={maxlength}
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={describedBy}
      />
      {hint && (
        <p class="field-hint" id={`${name}-hint`}>
          {page.t(hint)}
        </p>
      )}
      <FieldError id={`${name}-error`} message={error ? page.t(error) : undefined} />
    </div>
  );
};

function errorList(page: PageContext, errors: Errors): string[] {
  return Object.values(errors).map((key) => page.t(key!));
}

export const RegisterPage: FC<{
  page: PageContext;
  values: Record<string, string>;
  errors: Errors;
  next: string;
  /** The club an invitation in `next` joins when the account is created. */
  joining?: string | null;
  /** A refusal of the whole form (too many sign-ups), already in words. */
  refusal?: string;
}> = ({ page, values, errors, next, joining, refusal }) => (
  <Layout page={page} title={page.t('auth.register.title')}>
    <section class="narrow auth-form">
      <h1>{page.t('auth.register.title')}</h1>
      {joining && <p class="flash">{page.t('auth.register.joining', { club: joining })}</p>}
      {refusal && (
        <p class="flash flash-error" role="alert">
          {refusal}
        </p>
      )}
      <FormErrors page={page} errors={errorList(page, errors)} />
      <form method="post" action="/register" novalidate>
        <input type="hidden" name="next" value={next} />
        <Field page={page} name="username" label="auth.field.username" hint="auth.field.username.hint" value={values.username} errors={errors} autocomplete="username" maxlength={32} />
        <Field page={page} name="displayName" label="auth.field.display_name" hint="auth.field.display_name.hint" value={values.displayName} errors={errors} autocomplete="nickname" maxlength={50} />
        <Field page={page} name="password" label="auth.field.password" hint="auth.field.password.hint" type="password" errors={errors} autocomplete="new-password" maxlength={255} />
        <Field page={page} name="passwordConfirm" label="auth.field.password_confirm" type="password" errors={errors} autocomplete="new-password" maxlength={255} />
        <button type="submit" class="button">
          {page.t('auth.register.submit')}
        </button>
      </form>
      <p>
        <a href={`/login?next=${encodeURIComponent(next)}`}>{page.t('auth.register.have_account')}</a>
      </p>
    </section>
  </Layout>
);

export const LoginPage: FC<{ page: PageContext; values: Record<string, string>; errors: Errors; next: string; notice?: string }> = ({ page, values, errors, next, notice }) => (
  <Layout page={page} title={page.t('auth.login.title')}>
    <section class="narrow auth-form">
      <h1>{page.t('auth.login.title')}</h1>
      {notice && <p class="flash">{notice}</p>}
      <FormErrors page={page} errors={errorList(page, errors)} />
      <form method="post" action="/login" novalidate>
        <input type="hidden" name="next" value={next} />
        <Field page={page} name="username" label="auth.field.username" value={values.username} errors={{}} autocomplete="username" maxlength={64} />
        <Field page={page} name="password" label="auth.field.password" type="password" errors={{}} autocomplete="current-password" />
        <button type="submit" class="button">
          {page.t('auth.login.submit')}
        </button>
      </form>
      <p>
        <a href={`/register?next=${encodeURIComponent(next)}`}>{page.t('auth.login.no_account')}</a>
      </p>
    </section>
  </Layout>
);

export interface AccountView {
  username: string;
  displayName: string;
  locale: string;
  timeZone: string;
  isAdmin: boolean;
  sessionCount: number;
}

export const AccountPage: FC<{
  page: PageContext;
  account: AccountView;
  timeZones: readonly string[];
  profileErrors: Errors;
  passwordErrors: Errors;
  flash?: string;
}> = ({ page, account, timeZones, profileErrors, passwordErrors, flash }) => {
  const { t } = page;
  return (
    <Layout page={page} title={t('auth.account.title')}>
      <section class="narrow account">
        <h1>{t('auth.account.title')}</h1>
        {flash && (
          <p class="flash" role="status">
            {flash}
          </p>
        )}
        <p>{t('auth.account.username', { username: account.username })}</p>
        {account.isAdmin && <p>{t('auth.account.admin')}</p>}

        <h2>{t('auth.account.profile')}</h2>
        <FormErrors page={page} errors={errorList(page, profileErrors)} />
        <form method="post" action="/account/profile">
          <Field page={page} name="displayName" label="auth.field.display_name" value={account.displayName} errors={profileErrors} maxlength={50} />
          <div class="field">
            <label for="locale">{t('auth.field.locale')}</label>
            <select id="locale" name="locale">
              <option value="" selected={account.locale === ''}>
                {t('auth.field.locale.auto')}
              </option>
              <option value="ko" selected={account.locale === 'ko'}>
                {t('lang.ko')}
              </option>
              <option value="en" selected={account.locale === 'en'}>
                {t('lang.en')}
              </option>
            </select>
          </div>
          <div class="field">
            <label for="timeZone">{t('auth.field.time_zone')}</label>
            <select id="timeZone" name="timeZone">
              <option value="" selected={account.timeZone === ''}>
                {t('auth.field.time_zone.auto')}
              </option>
              {timeZones.map((zone) => (
                <option value={zone} selected={account.timeZone === zone}>
                  {zone}
                </option>
              ))}
            </select>
          </div>
          <button type="submit" class="button">
            {t('form.save')}
          </button>
        </form>

        <h2>{t('auth.account.password')}</h2>
        <p class="field-hint">{t('auth.account.password.note')}</p>
        <FormErrors page={page} errors={errorList(page, passwordErrors)} />
        <form method="post" action="/account/password">
          <Field page={page} name="currentPassword" label="auth.field.current_password" type="password" errors={passwordErrors} autocomplete="current-password" />
          <Field page={page} name="newPassword" label="auth.field.new_password" hint="auth.field.password.hint" type="password" errors={passwordErrors} autocomplete="new-password" maxlength={255} />
          <Field page={page} name="newPasswordConfirm" label="auth.field.password_confirm" type="password" errors={passwordErrors} autocomplete="new-password" maxlength={255} />
          <button type="submit" class="button">
            {t('auth.account.password')}
          </button>
        </form>

        <h2>{t('auth.account.sessions')}</h2>
        <p>{t('auth.account.sessions.note', { count: account.sessionCount })}</p>
        <form method="post" action="/account/logout-everywhere">
          <button type="submit" class="button button-secondary">
            {t('auth.account.logout_everywhere')}
          </button>
        </form>

        <h2>{t('account.rights.title')}</h2>
        <p class="field-hint">{t('account.rights.export.note')}</p>
        <p>
          <a href="/account/export" download>
            {t('account.rights.export')}
          </a>
        </p>
        <p>
          <a href="/account/annotations">{t('exports.title')}</a>
        </p>
        <p>
          <a href="/account/delete">{t('account.rights.delete')}</a>
        </p>

        <h2>{t('api.account.title')}</h2>
        <p class="field-hint">{t('api.account.note')}</p>
        <p>
          <a href="/account/tokens">{t('api.account.link')}</a>
        </p>
      </section>
    </Layout>
  );
};
