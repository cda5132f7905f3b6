/** "My clubs", public clubs to discover, and the form that creates a club. */
import type { FC } from 'hono/jsx';
import type { MessageKey } from '../../src/i18n';
import { CLUB_DESCRIPTION_MAX, CLUB_LANGUAGES, CLUB_NAME_MAX } from '../../src/clubs';
import type { PageContext } from '../context';
import { FieldError, FormErrors, Layout } from '../layout';
import { languageName, ProgressMeter, ROLE_KEYS, VisibilityBadge } from './parts';

export interface MyClubView {
  id: number;
  name: string;
  visibility: 'private' | 'public';
  language: string;
  role: 'owner' | 'moderator' | 'member';
  memberCount: number;
  bookTitle: string | null;
  bookPercent: number | null;
}

export interface PublicClubView {
  id: number;
  name: string;
  description: string;
  language: string;
  memberCount: number;
  bookTitle: string | null;
}

export const ClubsIndexPage: FC<{ page: PageContext; mine: MyClubView[] | null; discover: PublicClubView[] }> = ({ page, mine, discover }) => {
  const { t } = page;
  return (
    <Layout page={page} title={t('clubs.title')} bodyClass="clubs-page">
      <div class="clubs-index">
        <div class="clubs-index-head">
          <h1>{mine ? t('clubs.mine.title') : t('clubs.title')}</h1>
          {mine ? (
            <a class="button" href="/clubs/new">
              {t('clubs.new.link')}
            </a>
          ) : (
            <a class="button" href="/login?next=%2Fclubs">
              {t('clubs.mine.sign_in')}
            </a>
          )}
        </div>
        {mine &&
          (mine.length === 0 ? (
            <p class="muted">{t('clubs.mine.empty')}</p>
          ) : (
            <ul class="club-cards">
              {mine.map((club) => (
                <li class="card club-card">
                  <h2 class="club-card-title">
                    <a href={`/clubs/${club.id}`}>{club.name}</a>
                  </h2>
                  <p class="club-facts">
                    <VisibilityBadge page={page} visibility={club.visibility} />
                    <span class="badge badge-role">{t(ROLE_KEYS[club.role])}</span>
                    <span>{t('clubs.member_count', { count: club.memberCount })}</span>
                  </p>
                  {club.bookTitle ? (
                    <>
                      <p class="club-card-book">{t('clubs.reading_now', { title: club.bookTitle })}</p>
                      {club.bookPercent !== null && <ProgressMeter label={t('clubs.progress.book')} percent={club.bookPercent} />}
                    </>
                  ) : (
                    <p class="muted">{t('clubs.no_book')}</p>
                  )}
                </li>
              ))}
            </ul>
          ))}
        <section aria-labelledby="discover-title">
          <h2 id="discover-title">{t('clubs.discover.title')}</h2>
          {discover.length === 0 ? (
            <p class="muted">{t('clubs.discover.empty')}</p>
          ) : (
            <ul class="club-cards">
              {discover.map((club) => (
                <li class="card club-card">
                  <h3 class="club-card-title">
                    <a href={`/clubs/${club.id}`}>{club.name}</a>
                  </h3>
                  <p class="club-facts">
                    <span>{languageName(page, club.language)}</span>
                    <span>{t('clubs.member_count', { count: club.memberCount })}</span>
                  </p>
                  {club.description && <p class="club-card-description">{club.description}</p>}
                  {club.bookTitle && <p class="club-card-book">{t('clubs.reading_now', { title: club.bookTitle })}</p>}
                </li>
              ))}
            </ul>
          )}
        </section>
      </div>
    </Layout>
  );
};

type Errors = Partial<Record<string, MessageKey>>;

export const NewClubPage: FC<{ page: PageContext; values: Record<string, string>; errors: Errors }> = ({ page, values, errors }) => {
  const { t } = page;
  const language = values.language ?? (page.locale === 'ko' ? 'ko' : 'en');
  const visibility = values.visibility ?? 'private';
  const invalid = (name: string) => (errors[name] ? 'field field-invalid' : 'field');
  return (
    <Layout page={page} title={t('clubs.new.title')}>
      <div class="narrow">
        <h1>{t('clubs.new.title')}</h1>
        <FormErrors page={page} errors={Object.values(errors).map((key) => t(key!))} />
        <form method="post" action="/clubs" class="club-form">
          <div class={invalid('name')}>
            <label for="name">{t('clubs.field.name')}</label>
            <input
              id="name"
              name="name"
              type="text"
              required
              maxlength={CLUB_NAME_MAX}
              value={values.name ?? ''}
              aria-invalid={errors.name ? 'true' : undefined}
              aria-describedby={errors.name ? 'name-error' : undefined}
            />
            <FieldError id="name-error" message={errors.name ? t(errors.name) : undefined} />
          </div>
          <div class={invalid('description')}>
            <label for="description">{t('clubs.field.description')}</label>
            <textarea
              id="description"
              name="description"
              maxlength={CLUB_DESCRIPTION_MAX}
              aria-describedby={errors.description ? 'description-hint description-error' : 'description-hint'}
              aria-invalid={errors.description ? 'true' : undefined}
            >
              {values.description ?? ''}
            </textarea>
            <p class="field-hint" id="description-hint">
              {t('clubs.field.description_hint', { max: CLUB_DESCRIPTION_MAX })}
            </p>
            <FieldError id="description-error" message={errors.description ? t(errors.description) : undefined} />
          </div>
          <div class={invalid('language')}>
            <label for="language">{t('clubs.field.language')}</label>
            <select id="language" name="language">
              {CLUB_LANGUAGES.map((code) => (
                <option value={code} selected={code === language}>
                  {languageName(page, code)}
                </option>
              ))}
            </select>
            <FieldError id="language-error" message={errors.language ? t(errors.language) : undefined} />
          </div>
          <fieldset class={invalid('visibility')}>
            <legend>{t('clubs.field.visibility')}</legend>
            <label class="choice">
              <input type="radio" name="visibility" value="private" checked={visibility === 'private'} />
              <span>
                <strong>{t('clubs.visibility.private')}</strong> — {t('clubs.visibility.private_hint')}
              </span>
            </label>
            <label class="choice">
              <input type="radio" name="visibility" value="public" checked={visibility === 'public'} />
              <span>
                <strong>{t('clubs.visibility.public')}</strong> — {t('clubs.visibility.public_hint')}
              </span>
            </label>
            <FieldError id="visibility-error" message={errors.visibility ? t(errors.visibility) : undefined} />
          </fieldset>
          <p class="actions">
            <button type="submit">{t('clubs.new.submit')}</button>
            <a href="/clubs">{t('form.cancel')}</a>
          </p>
        </form>
      </div>
    </Layout>
  );
};
