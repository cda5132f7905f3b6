/** The exports area's pages: a member's exports and import, and the club's annotated edition. */
import type { FC } from 'hono/jsx';
import { raw } from 'hono/html';
import type { AnnotatedEditionFormView, AnnotatedEditionView, EditionThreadView, ExportLinks, ExportsPageView, ImportResultView } from '../../src/exports';
import type { MessageKey } from '../../src/i18n';
import type { PageContext } from '../context';
import { FieldError, FormErrors, Layout } from '../layout';

function megabytes(bytes: number, locale: string): string {
  return `${new Intl.NumberFormat(locale, { maximumFractionDigits: 1 }).format(bytes / (1024 * 1024))} MB`;
}

export const ExportLinksList: FC<{ page: Pick<PageContext, 't'>; links: ExportLinks }> = ({ page, links }) => (
  <ul class="export-links">
    <li>
      <a href={links.jsonld} download>
        {page.t('exports.format.jsonld')}
      </a>
    </li>
    <li>
      <a href={links.markdown} download>
        {page.t('exports.format.markdown')}
      </a>
    </li>
    <li>
      <a href={links.csv} download>
        {page.t('exports.format.csv')}
      </a>
    </li>
  </ul>
);

export const ExportsPage: FC<{
  page: PageContext;
  view: ExportsPageView;
  values: { reading?: string };
  errors: Partial<Record<string, MessageKey>>;
  /** Already translated field messages (the import's checks). */
  messages?: Record<string, string>;
}> = ({ page, view, values, errors, messages = {} }) => {
  const { t } = page;
  const fieldMessages: Record<string, string> = { ...messages };
  for (const [field, key] of Object.entries(errors)) if (key) fieldMessages[field] = t(key);
  return (
    <Layout page={page} title={t('exports.title')}>
      <section class="narrow exports">
        <h1>{t('exports.title')}</h1>
        <p>{t('exports.intro')}</p>
        {view.noteCount === 0 ? (
          <p class="muted">{t('exports.none')}</p>
        ) : (
          <>
            <h2>{t('exports.everything', { n: view.noteCount })}</h2>
            <ExportLinksList page={page} links={view.everything} />
            {view.clubs.map((club) => (
              <>
                <h3>{t('exports.club.notes', { club: club.clubName, n: club.noteCount })}</h3>
                <ExportLinksList page={page} links={club.links} />
              </>
            ))}
          </>
        )}
        <p class="field-hint">{t('exports.formats.note')}</p>

        <h2 id="import">{t('exports.import.title')}</h2>
        <p>{t('exports.import.intro')}</p>
        <p class="field-hint">{t('exports.import.limits', { size: megabytes(view.maxImportBytes, page.locale), n: view.maxImportAnnotations })}</p>
        {view.targets.length === 0 ? (
          <p class="muted">{t('exports.import.no_targets')}</p>
        ) : (
          <>
            <FormErrors page={page} errors={Object.values(fieldMessages)} />
            <form method="post" action="/account/annotations/upload" enctype="multipart/form-data">
              <div class={fieldMessages.reading ? 'field field-invalid' : 'field'}>
                <label for="import-reading">{t('exports.import.reading')}</label>
                <select id="import-reading" name="reading" required aria-describedby={fieldMessages.reading ? 'import-reading-error' : undefined}>
                  {view.targets.map((target) => (
                    <option value={String(target.readingId)} selected={values.reading === String(target.readingId)}>
                      {t(target.current ? 'exports.import.reading.current' : 'exports.import.reading.earlier', { club: target.clubName, book: target.bookTitle })}
                    </option>
                  ))}
                </select>
                <FieldError id="import-reading-error" message={fieldMessages.reading} />
              </div>
              <div class={fieldMessages.file ? 'field field-invalid' : 'field'}>
                <label for="import-file">{t('exports.import.file')}</label>
                <input id="import-file" name="file" type="file" accept=".jsonld,.json,application/ld+json,application/json" required aria-describedby={fieldMessages.file ? 'import-file-error' : undefined} />
                <FieldError id="import-file-error" message={fieldMessages.file} />
              </div>
              <button type="submit" class="button">
                {t('exports.import.submit')}
              </button>
            </form>
          </>
        )}
      </section>
    </Layout>
  );
};

export const ImportResultPage: FC<{ page: PageContext; view: ImportResultView; readingHref: string }> = ({ page, view, readingHref }) => {
  const { t } = page;
  return (
    <Layout page={page} title={t('exports.import.done.title')}>
      <section class="narrow exports">
        <h1>{t('exports.import.done.title')}</h1>
        <p class="flash" role="status">
          {t('exports.import.done.summary', { imported: view.imported, total: view.total, club: view.clubName, book: view.bookTitle })}
        </p>
        {view.declaredTotal !== null && (
          <p class="form-errors" role="alert">
            {t('exports.import.done.other_pages', { total: view.declaredTotal })}
          </p>
        )}
        {view.unmatched.length > 0 && (
          <>
            <h2>{t('exports.import.unmatched.title')}</h2>
            <div class="club-table-wrap">
              <table class="import-unmatched">
                <thead>
                  <tr>
                    <th scope="col">{t('exports.import.unmatched.index')}</th>
                    <th scope="col">{t('exports.import.unmatched.reason')}</th>
                    <th scope="col">{t('exports.import.unmatched.quote')}</th>
                    <th scope="col">{t('exports.import.unmatched.body')}</th>
                  </tr>
                </thead>
                <tbody>
                  {view.unmatched.map((row) => (
                    <tr>
                      <td>{row.index}</td>
                      <td>{t(`exports.import.reason.${row.reason}`)}</td>
                      <td lang={view.bookLanguage}>{row.exact ?? ''}</td>
                      <td>{row.bodyExcerpt}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </>
        )}
        <p class="actions">
          <a class="button" href={readingHref}>
            {t('exports.import.go')}
          </a>
          <a href="/account/annotations">{t('exports.import.back')}</a>
        </p>
      </section>
    </Layout>
  );
};

/** The club home's card (see `src/exports/club-pages.tsx`). */
export const ExportsPanel: FC<{ page: Pick<PageContext, 't'>; links: ExportLinks; editionHref: string | null }> = ({ page, links, editionHref }) => (
  <section class="card club-exports" aria-labelledby="exports-title">
    <h2 id="exports-title">{page.t('exports.club.panel.title')}</h2>
    <p>{page.t('exports.club.panel.mine')}</p>
    <ExportLinksList page={page} links={links} />
    <p class="actions">
      <a href="/account/annotations">{page.t('exports.club.panel.all')}</a>
      {editionHref && <a href={editionHref}>{page.t('exports.club.panel.edition')}</a>}
    </p>
  </section>
);

export const AnnotatedEditionForm: FC<{ page: PageContext; view: AnnotatedEditionFormView; errors: Partial<Record<string, MessageKey>> }> = ({ page, view, errors }) => {
  const { t } = page;
  const list = Object.values(errors).filter((k): k is MessageKey => !!k).map((k) => t(k));
  const action = (path: string) => `/clubs/${view.clubId}/annotated-edition/${path}`;
  return (
    <Layout page={page} title={`${t('exports.edition.title')} · ${view.clubName}`}>
      <section class="narrow exports">
        <h1>{t('exports.edition.title')}</h1>
        <p>
          <strong>{view.bookTitle}</strong> · {view.clubName}
        </p>
        <p>{t('exports.edition.intro')}</p>
        <FormErrors page={page} errors={list} />
        <form method="get" action={action('print')}>
          {!view.current && <input type="hidden" name="reading" value={String(view.readingId)} />}
          <div class={errors.chapter ? 'field field-invalid' : 'field'}>
            <label for="edition-chapter">{t('exports.edition.chapter')}</label>
            <select id="edition-chapter" name="chapter" aria-describedby={errors.chapter ? 'edition-chapter-error' : undefined}>
              <option value="all" selected={view.values.chapter === 'all'}>
                {t('exports.edition.whole_book')}
              </option>
              {view.chapters.map((chapter) => (
                <option value={String(chapter.ordinal)} selected={view.values.chapter === String(chapter.ordinal)}>
                  {chapter.name}
                </option>
              ))}
            </select>
            <FieldError id="edition-chapter-error" message={errors.chapter && t(errors.chapter)} />
          </div>
          <fieldset class={errors.names ? 'field field-invalid' : 'field'} aria-describedby={errors.names ? 'edition-names-error' : undefined}>
            <legend>{t('exports.edition.names')}</legend>
            <label>
              <input type="radio" name="names" value="names" checked={view.values.names !== 'anonymous'} /> {t('exports.edition.names.names')}
            </label>
            <label>
              <input type="radio" name="names" value="anonymous" checked={view.values.names === 'anonymous'} /> {t('exports.edition.names.anonymous')}
            </label>
            <FieldError id="edition-names-error" message={errors.names && t(errors.names)} />
          </fieldset>
          <p class="actions">
            <button type="submit" class="button">
              {t('exports.edition.html')}
            </button>
            <button type="submit" class="button button-secondary" formaction={action('download.md')}>
              {t('exports.edition.markdown')}
            </button>
          </p>
        </form>
        <p>
          <a href={`/clubs/${view.clubId}`}>{t('exports.edition.back')}</a>
        </p>
      </section>
    </Layout>
  );
};

const Thread: FC<{ page: PageContext; thread: EditionThreadView; lang: string; dir: 'ltr' | 'rtl' }> = ({ page, thread, lang, dir }) => (
  <article class="ae-thread">
    {thread.root.passage && (
      <blockquote class="ae-passage" lang={lang} dir={dir}>
        {thread.root.passage}
      </blockquote>
    )}
    {[thread.root, ...thread.replies].map((comment, i) => (
      <div class={i === 0 ? 'ae-comment' : 'ae-comment ae-reply'}>
        <p class="ae-author">{comment.author}</p>
        {comment.html === null ? <p class="muted">{page.t('exports.edition.deleted')}</p> : <div class="ae-body comment-body">{raw(comment.html)}</div>}
      </div>
    ))}
  </article>
);

export const AnnotatedEditionPage: FC<{ page: PageContext; view: AnnotatedEditionView; backHref: string }> = ({ page, view, backHref }) => {
  const { t } = page;
  const date = new Intl.DateTimeFormat(page.locale, { dateStyle: 'long', timeZone: 'UTC' }).format(view.generatedAt);
  const lang = view.bookLanguage;
  const dir = view.bookDirection;
  return (
    <Layout page={page} title={`${view.bookTitle} · ${t('exports.edition.title')}`} styles={['annotated-edition.css']} bodyClass="annotated-edition-page">
      <article class="annotated-edition">
        <p class="ae-tools">
          <a href={backHref}>{t('exports.edition.back')}</a> <span class="muted">{t('exports.edition.print_hint')}</span>
        </p>
        <header class="ae-header">
          <h1 lang={lang} dir={dir}>
            {view.bookTitle}
          </h1>
          {view.bookAuthor && (
            <p class="ae-book-author" lang={lang} dir={dir}>
              {view.bookAuthor}
            </p>
          )}
          <p class="muted">{t('exports.edition.subtitle', { club: view.clubName, date })}</p>
        </header>
        {view.chapters.map((chapter) => (
          <section class="ae-chapter" aria-labelledby={`ae-ch-${chapter.ordinal}`}>
            <h2 id={`ae-ch-${chapter.ordinal}`} lang={lang} dir={dir}>
              {chapter.name}
            </h2>
            {chapter.paragraphs.map((paragraph) => (
              <div class={paragraph.threads.length > 0 ? 'ae-row ae-row-discussed' : 'ae-row'}>
                {paragraph.kind === 'heading' ? (
                  <h3 class="ae-text ae-heading" lang={lang} dir={dir}>
                    {paragraph.text}
                  </h3>
                ) : (
                  <p class="ae-text" lang={lang} dir={dir}>
                    {paragraph.text}
                  </p>
                )}
                {paragraph.threads.length > 0 && (
                  <aside class="ae-margin" aria-label={t('exports.edition.discussion_of', { n: paragraph.ordinal })}>
                    {paragraph.threads.map((thread) => (
                      <Thread page={page} thread={thread} lang={lang} dir={dir} />
                    ))}
                  </aside>
                )}
              </div>
            ))}
            {chapter.chapterThreads.length > 0 && (
              <section class="ae-chapter-discussion">
                <h3>{t('exports.edition.chapter_discussion')}</h3>
                {chapter.chapterThreads.map((thread) => (
                  <Thread page={page} thread={thread} lang={lang} dir={dir} />
                ))}
              </section>
            )}
            {chapter.polls.map((poll) => (
              <section class="ae-poll">
                <h3>
                  {t('exports.edition.poll')}: {poll.question}
                </h3>
                {poll.results ? (
                  <ul>
                    {poll.results.counts.map((row) => (
                      <li>
                        {row.label}: {t('exports.edition.votes', { count: row.votes })} ({row.percent}%)
                      </li>
                    ))}
                    {poll.results.winners && poll.results.winners.length > 0 && <li>{t('exports.edition.winner', { names: poll.results.winners.join(', ') })}</li>}
                  </ul>
                ) : (
                  <p class="muted">{t('exports.edition.poll_hidden')}</p>
                )}
              </section>
            ))}
          </section>
        ))}
      </article>
    </Layout>
  );
};
