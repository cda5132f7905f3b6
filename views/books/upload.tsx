/**
 * Uploading a book: the form (with a progress bar driven by `upload.js`; without JS it is a
 * plain multipart form), and the preview of what the importer found, with Confirm and Cancel.
 */
import type { FC } from 'hono/jsx';
import type { PageContext } from '../context';
import { FieldError, FormErrors, Layout } from '../layout';
import { bookCounts, encodingLabel, formatNumber, languageName } from './format';

export interface UploadFormView {
  maxBytesLabel: string;
  club: { id: number; name: string } | null;
  values: { title?: string; author?: string; lang?: string };
  /** Translated messages: `file` for the file itself, others per field. */
  errors: { file?: string; title?: string; author?: string; lang?: string };
}

export const UploadPage: FC<{ page: PageContext; view: UploadFormView }> = ({ page, view }) => {
  const { t } = page;
  const messages = Object.values(view.errors).filter((m): m is string => Boolean(m));
  return (
    <Layout page={page} title={t('books.upload.title')} scripts={['upload.js']}>
      <section class="narrow upload-page" id="upload-section">
        <p class="book-kicker">
          <a href="/library">{t('nav.library')}</a>
        </p>
        <h1>{t('books.upload.title')}</h1>
        <p>{t('books.upload.intro', { limit: view.maxBytesLabel })}</p>
        {view.club && <p class="flash">{t('books.upload.for_club', { club: view.club.name })}</p>}
        <FormErrors page={page} errors={messages} />
        <form method="post" action="/library/upload" enctype="multipart/form-data" class="upload-form" data-upload-form>
          {view.club && <input type="hidden" name="clubId" value={String(view.club.id)} />}
          <div class={view.errors.file ? 'field field-invalid' : 'field'}>
            <label for="upload-file">{t('books.upload.file')}</label>
            <input
              id="upload-file"
              type="file"
              name="file"
              required
              accept=".txt,.text,.md,.markdown,.epub,text/plain,text/markdown,application/epub+zip"
              aria-describedby={view.errors.file ? 'upload-file-hint upload-file-error' : 'upload-file-hint'}
            />
            <p class="field-hint" id="upload-file-hint">
              {t('books.upload.file_hint')}
            </p>
            <FieldError id="upload-file-error" message={view.errors.file} />
          </div>
          <fieldset>
            <legend>{t('books.upload.overrides')}</legend>
            <p class="field-hint">{t('books.upload.overrides_hint')}</p>
            <div class={view.errors.title ? 'field field-invalid' : 'field'}>
              <label for="upload-title">{t('books.upload.title_field')}</label>
              <input id="upload-title" type="text" name="title" maxlength={300} value={view.values.title ?? ''} />
              <FieldError id="upload-title-error" message={view.errors.title} />
            </div>
            <div class={view.errors.author ? 'field field-invalid' : 'field'}>
              <label for="upload-author">{t('books.upload.author_field')}</label>
              <input id="upload-author" type="text" name="author" maxlength={200} value={view.values.author ?? ''} />
              <FieldError id="upload-author-error" message={view.errors.author} />
            </div>
            <div class={view.errors.lang ? 'field field-invalid' : 'field'}>
              <label for="upload-lang">{t('books.upload.lang_field')}</label>
              <input id="upload-lang" type="text" name="lang" maxlength={20} class="input-short" value={view.values.lang ?? ''} aria-describedby="upload-lang-hint" />
              <p class="field-hint" id="upload-lang-hint">
                {t('books.upload.lang_hint')}
              </p>
              <FieldError id="upload-lang-error" message={view.errors.lang} />
            </div>
          </fieldset>
          <div class="upload-progress" hidden data-upload-progress>
            <label for="upload-progress-bar" data-upload-status data-processing={t('books.upload.processing')} data-failed={t('books.upload.failed')}>
              {t('books.upload.progress')}
            </label>
            <progress id="upload-progress-bar" max="100" value="0"></progress>
          </div>
          <p>
            <button type="submit">{t('books.upload.submit')}</button>
          </p>
        </form>
      </section>
    </Layout>
  );
};

export interface PreviewView {
  id: string;
  filename: string;
  summary: {
    title: string;
    author: string | null;
    language: string;
    encoding: string;
    paragraphs: number;
    outline: { depth: number; title: string; paragraphs: number; kind: 'front' | 'body' | 'back' }[];
    warnings: string[];
  };
  pages: number;
  /** Text files: every encoding the uploader may choose instead (the detected one first), and a refused choice. */
  encodingChoice: { alternatives: string[]; all: readonly string[]; refused: string | null } | null;
  duplicateOf: { editionId: number; title: string } | null;
  existingBook: { title: string } | null;
  /** The club this upload is for: confirming makes it the club's book (ending `replaces`, the current one). */
  forClub: { name: string; replaces: string | null } | null;
}

export const PreviewPage: FC<{ page: PageContext; view: PreviewView }> = ({ page, view }) => {
  const { t, locale } = page;
  const { summary } = view;
  return (
    <Layout page={page} title={t('books.preview.title')}>
      <section class="preview-page">
        <p class="book-kicker">
          <a href="/library">{t('nav.library')}</a>
        </p>
        <h1>{t('books.preview.title')}</h1>
        <p>{t('books.preview.intro', { file: view.filename })}</p>
        <div class="card preview-summary">
          <h2 class="preview-book-title" lang={summary.language}>
            {summary.title}
          </h2>
          {summary.author && (
            <p class="book-author" lang={summary.language}>
              {summary.author}
            </p>
          )}
          <dl class="facts">
            <dt>{t('books.language')}</dt>
            <dd>
              {languageName(locale, summary.language)} ({summary.language})
            </dd>
            <dt>{t('books.encoding')}</dt>
            <dd>
              {encodingLabel(summary.encoding)}
              {view.encodingChoice && view.encodingChoice.alternatives.length > 0 && (
                <span class="field-hint"> {t('books.preview.encoding_detected', { alternatives: view.encodingChoice.alternatives.map(encodingLabel).join(', ') })}</span>
              )}
            </dd>
            <dt>{t('books.book.paragraphs')}</dt>
            <dd>{t('books.preview.totals', bookCounts(t, { chapters: view.pages, paragraphs: summary.paragraphs }))}</dd>
          </dl>
        </div>

        {view.encodingChoice?.refused && (
          <p class="flash flash-error" role="alert">
            {t('books.preview.encoding_refused', { encoding: encodingLabel(view.encodingChoice.refused), current: encodingLabel(summary.encoding) })}
          </p>
        )}
        {view.encodingChoice && (
          <form method="post" action={`/library/uploads/${view.id}/encoding`} class="inline-form encoding-form">
            <label for="preview-encoding">{t('books.preview.encoding_change')}</label>{' '}
            <select id="preview-encoding" name="encoding">
              {view.encodingChoice.all.map((encoding) => (
                <option value={encoding} selected={encoding === summary.encoding}>
                  {encodingLabel(encoding)}
                </option>
              ))}
            </select>{' '}
            <button type="submit" class="button-small">
              {t('books.preview.encoding_apply')}
            </button>
          </form>
        )}
        {view.duplicateOf && (
          <p class="flash flash-error" role="status">
            {t('books.preview.duplicate', { title: view.duplicateOf.title })} <a href={`/books/${view.duplicateOf.editionId}`}>{view.duplicateOf.title}</a>
          </p>
        )}
        {!view.duplicateOf && view.existingBook && <p class="flash">{t('books.preview.new_edition', { title: view.existingBook.title })}</p>}

        <section class="preview-warnings" aria-labelledby="preview-warnings-heading">
          <h2 id="preview-warnings-heading">{t('books.book.warnings')}</h2>
          {summary.warnings.length === 0 ? (
            <p class="muted">{t('books.preview.no_warnings')}</p>
          ) : (
            <ul class="warning-list">
              {summary.warnings.map((warning) => (
                <li>{warning}</li>
              ))}
            </ul>
          )}
        </section>

        {view.forClub && (
          <p class="flash">
            {t('books.preview.for_club', { club: view.forClub.name })}
            {view.forClub.replaces && <> {t('books.preview.for_club_replaces', { title: view.forClub.replaces })}</>}
          </p>
        )}
        <div class="preview-actions">
          <form method="post" action={`/library/uploads/${view.id}/confirm`} class="inline-form">
            <button type="submit">{view.forClub ? t('books.preview.confirm_for_club', { club: view.forClub.name }) : t('books.preview.confirm')}</button>
          </form>
          <form method="post" action={`/library/uploads/${view.id}/cancel`} class="inline-form">
            <button type="submit" class="button-small">
              {t('books.preview.cancel')}
            </button>
          </form>
          <p class="field-hint">{t('books.preview.expires')}</p>
        </div>

        <section class="preview-outline" aria-labelledby="preview-outline-heading">
          <h2 id="preview-outline-heading">{t('books.preview.outline')}</h2>
          <p class="field-hint">{t('books.preview.outline_hint')}</p>
          <ol class="outline-list" lang={summary.language}>
            {summary.outline.map((entry) => (
              <li class={`outline-entry outline-depth-${Math.min(Math.max(entry.depth, 1), 6)} outline-${entry.kind}`}>
                <span class="outline-title">
                  {entry.title || (
                    <span class="muted" lang={locale}>
                      {t(entry.kind === 'back' ? 'books.preview.untitled_back' : 'books.preview.untitled_front')}
                    </span>
                  )}
                </span>
                <span class="outline-count muted" lang={locale}>
                  {t('books.preview.paragraph_count', { count: entry.paragraphs })}
                </span>
              </li>
            ))}
          </ol>
        </section>
      </section>
    </Layout>
  );
};
