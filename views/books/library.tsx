/** The library: every book, its editions, languages and formats. */
import type { FC } from 'hono/jsx';
import type { PageContext } from '../context';
import { Layout } from '../layout';
import { bookCounts, FORMAT_LABELS, formatDate, languageName } from './format';

export interface LibraryEditionView {
  id: number;
  title: string;
  language: string;
  format: string;
  chapterCount: number;
  paragraphCount: number;
  importedAt: number;
}

export interface LibraryBookView {
  bookId: number;
  title: string;
  author: string | null;
  languages: string[];
  editions: LibraryEditionView[];
}

export const LibraryPage: FC<{ page: PageContext; books: LibraryBookView[]; canUpload: boolean }> = ({ page, books, canUpload }) => {
  const { t, locale } = page;
  const editionTotal = books.reduce((sum, book) => sum + book.editions.length, 0);
  return (
    <Layout page={page} title={t('books.library.title')}>
      <section class="library">
        <header class="page-head">
          <div>
            <h1>{t('books.library.title')}</h1>
            <p class="muted">{t('books.library.intro')}</p>
            <p class="muted library-counts">{t('books.library.counts', { books: books.length, editions: editionTotal })}</p>
          </div>
          {canUpload && (
            <p class="page-head-actions">
              <a class="button" href="/library/upload">
                {t('books.library.upload')}
              </a>
            </p>
          )}
        </header>
        {books.length === 0 ? (
          <p class="card">{t('books.library.empty')}</p>
        ) : (
          <ul class="book-list">
            {books.map((book) => (
              <li class="card book-card">
                <h2 class="book-card-title" lang={book.languages[0]}>
                  <a href={`/books/${book.editions[0]!.id}`}>{book.title}</a>
                </h2>
                <p class="book-card-author" lang={book.languages[0]}>
                  {book.author ?? <span class="muted">{t('books.author_unknown')}</span>}
                </p>
                <p class="book-card-tags">
                  {book.languages.map((code) => (
                    <span class="badge">{languageName(locale, code)}</span>
                  ))}
                </p>
                <div class="book-card-editions">
                  {book.editions.length > 1 && <p class="book-card-editions-label">{t('books.library.editions')} ({book.editions.length})</p>}
                  <ul>
                    {book.editions.map((edition) => (
                      <li>
                        <a href={`/books/${edition.id}`}>{t('books.library.open')}</a>{' '}
                        <span class="muted">
                          {languageName(locale, edition.language)} ·{' '}
                          {t('books.library.edition_line', {
                            format: FORMAT_LABELS[edition.format] ?? edition.format,
                            ...bookCounts(t, { chapters: edition.chapterCount, paragraphs: edition.paragraphCount }),
                            date: formatDate(locale, edition.importedAt),
                          })}
                        </span>
                      </li>
                    ))}
                  </ul>
                </div>
              </li>
            ))}
          </ul>
        )}
      </section>
    </Layout>
  );
};
