import type { FC } from 'hono/jsx';
import type { PageContext } from './context';
import { Layout } from './layout';

export const HomePage: FC<{ page: PageContext }> = ({ page }) => {
  const { t, user } = page;
  return (
    <Layout page={page} title={t('nav.home')}>
      <section class="hero narrow">
        <h1>{t('app.name')}</h1>
        <p class="lede">{t('home.intro')}</p>
        {user ? (
          <>
            <p class="welcome">{t('home.welcome', { name: user.displayName })}</p>
            <p class="actions">
              <a class="button" href="/clubs">
                {t('nav.clubs')}
              </a>
              <a class="button button-secondary" href="/library">
                {t('nav.library')}
              </a>
            </p>
          </>
        ) : (
          <p class="actions">
            <a class="button" href="/register">
              {t('home.cta.register')}
            </a>
            <a class="button button-secondary" href="/login">
              {t('home.cta.login')}
            </a>
          </p>
        )}
      </section>
    </Layout>
  );
};
