import type { FC } from 'hono/jsx';
import type { PageContext } from './context';
import { Layout } from './layout';

export const ErrorPage: FC<{ page: PageContext; title: string; message: string; back?: { href: string; label: string } }> = ({ page, title, message, back }) => (
  <Layout page={page} title={title}>
    <section class="error-page narrow">
      <h1>{title}</h1>
      <p>{message}</p>
      <p class="actions">
        {back && (
          <a class="button" href={back.href}>
            {back.label}
          </a>
        )}
        <a href="/">{page.t('error.back')}</a>
      </p>
    </section>
  </Layout>
);
