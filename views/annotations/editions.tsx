/** The moderators' pages for moving a reading to another edition and settling re-anchored comments. */
import type { FC } from 'hono/jsx';
import type { Translator } from '../../src/i18n';
import type { PageContext } from '../context';
import { Layout } from '../layout';

export interface EditionChoice {
  id: number;
  title: string;
  sourceName: string;
  paragraphCount: number;
}

export const EditionMovePage: FC<{
  page: PageContext;
  clubId: number;
  readingId: number;
  editions: EditionChoice[];
  chosen: number | null;
  preview: { exact: number; fuzzy: number; chapter: number; orphaned: number } | null;
  threshold: number;
}> = ({ page, clubId, readingId, editions, chosen, preview, threshold }) => {
  const { t } = page;
  const action = `/clubs/${clubId}/readings/${readingId}/edition`;
  return (
    <Layout page={page} title={t('annotations.edition.title')}>
      <section class="narrow">
        <h1>{t('annotations.edition.title')}</h1>
        <p>{t('annotations.edition.intro', { threshold })}</p>
        {editions.length === 0 ? (
          <p class="muted">{t('annotations.edition.none')}</p>
        ) : (
          <form method="get" action={action}>
            <label for="edition">{t('annotations.edition.choose')}</label>
            <select id="edition" name="edition">
              {editions.map((e) => (
                <option value={String(e.id)} selected={e.id === chosen}>
                  {e.title} — {e.sourceName} ({e.paragraphCount})
                </option>
              ))}
            </select>
            <button type="submit">{t('annotations.edition.preview')}</button>
          </form>
        )}
        {preview && chosen !== null ? (
          <form method="post" action={action} id="edition-apply">
            <p id="edition-preview">{t('annotations.edition.counts', preview)}</p>
            <input type="hidden" name="edition_id" value={String(chosen)} />
            <button type="submit">{t('annotations.edition.apply')}</button>
          </form>
        ) : null}
      </section>
    </Layout>
  );
};

export interface QueueItemView {
  id: number;
  method: string;
  score: number | null;
  body: string;
  oldQuote: string | null;
  oldChapterTitle: string | null;
  newQuote: string | null;
}

export const ReanchorQueuePage: FC<{ page: PageContext; basePath: string; ownNotes: boolean; items: QueueItemView[]; ahead: number; error: 'no_paragraph' | 'no_passage' | null }> = ({
  page,
  basePath,
  ownNotes,
  items,
  ahead,
  error,
}) => {
  const { t } = page;
  const title = ownNotes ? t('annotations.orphans.own_title') : t('annotations.orphans.title');
  return (
    <Layout page={page} title={title}>
      <section class="narrow">
        <h1>{title}</h1>
        {error ? <p class="field-error" role="alert">{t(`annotations.orphans.error.${error}`)}</p> : null}
        {items.length === 0 && ahead === 0 ? <p class="muted">{t('annotations.orphans.empty')}</p> : null}
        {ahead > 0 ? <p class="muted">{t('annotations.orphans.ahead', { count: ahead })}</p> : null}
        <ol class="orphan-queue">
          {items.map((item) => {
            const action = `${basePath}/${item.id}`;
            const score = String(item.score ?? 0);
            return (
              <li id={`c-${item.id}`} class={`orphan ${item.method}`}>
                <p>{item.method === 'fuzzy' ? t('annotations.orphans.fuzzy', { score }) : t('annotations.orphans.orphaned', { score })}</p>
                {item.oldChapterTitle ? <p class="muted">{t('annotations.orphans.old_chapter', { chapter: item.oldChapterTitle })}</p> : null}
                {item.oldQuote ? <p>{t('annotations.orphans.old_quote', { quote: item.oldQuote })}</p> : null}
                {item.newQuote ? <p>{t('annotations.orphans.new_quote', { quote: item.newQuote })}</p> : null}
                <blockquote>{item.body}</blockquote>
                {item.method === 'fuzzy' ? (
                  <form method="post" action={action}>
                    <input type="hidden" name="action" value="confirm" />
                    <button type="submit">{t('annotations.orphans.confirm')}</button>
                  </form>
                ) : null}
                <form method="post" action={action}>
                  <input type="hidden" name="action" value="leave" />
                  <button type="submit">{t('annotations.orphans.leave')}</button>
                </form>
                <form method="post" action={action}>
                  <input type="hidden" name="action" value="reattach" />
                  <label>
                    {t('annotations.orphans.chapter_ordinal')} <input type="number" name="chapter_ordinal" min="1" required />
                  </label>
                  <label>
                    {t('annotations.orphans.paragraph_ordinal')} <input type="number" name="paragraph_ordinal" min="1" required />
                  </label>
                  <label>
                    {t('annotations.orphans.exact')} <textarea name="exact" maxlength={2000} rows={2}></textarea>
                  </label>
                  <button type="submit">{t('annotations.orphans.reattach')}</button>
                </form>
              </li>
            );
          })}
        </ol>
      </section>
    </Layout>
  );
};

/** The club home's card for a member whose private notes a move to another edition could not place. */
export const OwnNotesToPlace: FC<{ t: Translator; count: number; href: string }> = ({ t, count, href }) => (
  <section class="card" aria-labelledby="own-notes-to-place">
    <h2 id="own-notes-to-place">{t('annotations.orphans.own_title')}</h2>
    <p>{t('annotations.orphans.own_notice', { count })}</p>
    <p>
      <a href={href}>{t('annotations.orphans.own_link')}</a>
    </p>
  </section>
);
