/** A book (one edition): title, author, details, where to continue, and the contents as a tree. */
import type { FC } from 'hono/jsx';
import type { TocEntry } from '../../src/books';
import type { PageContext } from '../context';
import { Layout } from '../layout';
import { chapterHref, chapterName, FORMAT_LABELS, formatDate, formatNumber, languageName } from './format';

export interface BookPageView {
  edition: {
    id: number;
    title: string;
    author: string | null;
    language: string;
    format: string;
    encoding: string;
    sourceName: string;
    chapterCount: number;
    importedAt: number;
  };
  /** Paragraphs of text (headings are not counted), the number every page shows for this book. */
  paragraphCount: number;
  toc: TocEntry[];
  /** Where the reader left off, if they did. */
  continueAt: { chapterOrdinal: number; paragraphOrdinal: number; chapterTitle: string; chapterKind: 'front' | 'body' | 'back' } | null;
  /** Where reading starts: the first chapter of the body. */
  firstChapter: number | null;
  otherEditions: { id: number; language: string; format: string; importedAt: number }[];
  /** Translated import warnings, or null when this reader may not see them. */
  warnings: string[] | null;
  flash: 'imported' | 'duplicate' | null;
}

const TocList: FC<{ page: PageContext; editionId: number; entries: TocEntry[]; nested?: boolean }> = ({ page, editionId, entries, nested }) => (
  <ol class={nested ? 'toc-list toc-nested' : 'toc-list'}>
    {entries.map((entry) => (
      <li class={`toc-entry toc-depth-${Math.min(entry.depth, 4)}`}>
        <a href={chapterHref(editionId, entry.chapterOrdinal, entry.paragraphOrdinal)} lang={entry.title ? undefined : page.locale}>
          {entry.title || chapterName(page.t, { title: '', kind: entry.kind })}
        </a>
        {entry.children.length > 0 && <TocList page={page} editionId={editionId} entries={entry.children} nested />}
      </li>
    ))}
  </ol>
);

export const BookPage: FC<{ page: PageContext; view: BookPageView }> = ({ page, view }) => {
  const { t, locale } = page;
  const { edition } = view;
  return (
    <Layout page={page} title={edition.title} contentLang={edition.language}>
      <article class="book-page">
        {view.flash && (
          <p class="flash" role="status" lang={locale}>
            {t(view.flash === 'imported' ? 'books.book.imported' : 'books.book.duplicate')}
          </p>
        )}
        <header class="book-head">
          <p class="book-kicker" lang={locale}>
            <a href="/library">{t('nav.library')}</a>
          </p>
          <h1 class="book-title">{edition.title}</h1>
          {edition.author && <p class="book-author">{edition.author}</p>}
          <p class="actions" lang={locale}>
            {view.continueAt ? (
              <a class="button" href={chapterHref(edition.id, view.continueAt.chapterOrdinal, view.continueAt.paragraphOrdinal)}>
                {t('books.book.continue', { chapter: chapterName(t, { title: view.continueAt.chapterTitle, kind: view.continueAt.chapterKind }) })}
              </a>
            ) : null}
            {view.firstChapter !== null && (
              <a class={view.continueAt ? 'button button-secondary' : 'button'} href={chapterHref(edition.id, view.firstChapter)}>
                {t('books.book.start')}
              </a>
            )}
          </p>
        </header>

        <div class="book-columns">
          <nav class="book-toc" aria-labelledby="toc-heading">
            <h2 id="toc-heading" lang={locale}>
              {t('books.book.contents')}
            </h2>
            <TocList page={page} editionId={edition.id} entries={view.toc} />
          </nav>

          <aside class="book-aside" lang={locale}>
            <h2>{t('books.book.details')}</h2>
            <dl class="facts">
              <dt>{t('books.language')}</dt>
              <dd>{languageName(locale, edition.language)}</dd>
              <dt>{t('books.format')}</dt>
              <dd>{FORMAT_LABELS[edition.format] ?? edition.format}</dd>
              <dt>{t('books.encoding')}</dt>
              <dd>{edition.encoding}</dd>
              <dt>{t('books.book.chapters')}</dt>
              <dd>{formatNumber(locale, edition.chapterCount)}</dd>
              <dt>{t('books.book.paragraphs')}</dt>
              <dd>{formatNumber(locale, view.paragraphCount)}</dd>
              <dt>{t('books.book.source')}</dt>
              <dd class="break-anywhere">{edition.sourceName}</dd>
              <dt>{t('books.book.imported_at')}</dt>
              <dd>{formatDate(locale, edition.importedAt)}</dd>
            </dl>
            {view.otherEditions.length > 0 && (
              <>
                <h3>{t('books.book.other_editions')}</h3>
                <ul class="plain-list">
                  {view.otherEditions.map((other) => (
                    <li>
                      <a href={`/books/${other.id}`}>
                        {languageName(locale, other.language)} · {FORMAT_LABELS[other.format] ?? other.format} · {formatDate(locale, other.importedAt)}
                      </a>
                    </li>
                  ))}
                </ul>
              </>
            )}
            {view.warnings && view.warnings.length > 0 && (
              <section class="import-warnings">
                <h3>{t('books.book.warnings')}</h3>
                <p class="field-hint">{t('books.book.warnings_hint')}</p>
                <ul>
                  {view.warnings.map((warning) => (
                    <li>{warning}</li>
                  ))}
                </ul>
              </section>
            )}
          </aside>
        </div>
      </article>
    </Layout>
  );
};
