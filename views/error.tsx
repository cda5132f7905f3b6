import type { FC } from 'hono/jsx';
import type { PageContext } from './context';
import { Layout } from './layout';

export const ErrorPage: FC<{ page: PageContext; title: string; message: string }> = ({ page, title, message }) => (
  <Layout page={page} title={title}>
    <section class="error-page narrow">
      <h1>{title}</h1>
      <p>{message}</p>
      <p>
        <a href="/">{page.t('error.back')}</a>
      </p>
    </section>
  </Layout>
);
