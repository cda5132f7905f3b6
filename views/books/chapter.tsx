/**
 * The library reader: one chapter of an edition. The text comes in already rendered
 * (`ChapterText`, cached per chapter by the route, since an edition's text never changes);
 * this page adds the book's heading, chapter navigation, the text size control and the
 * hooks `reader.js` uses (keyboard navigation, remembering the reader's place).
 *
 * `<main lang>` is the book's language (Layout `contentLang`); the page's own controls carry the
 * UI language, so screen readers and line breaking treat each part in its own language.
 */
import type { FC } from 'hono/jsx';
import { raw } from 'hono/html';
import type { PageContext } from '../context';
import { FONT_STEPS, Layout } from '../layout';
import { chapterHref, chapterName } from './format';

export interface ChapterNavItem {
  ordinal: number;
  title: string;
  kind: 'front' | 'body' | 'back';
}

export interface ChapterPageView {
  edition: { id: number; title: string; author: string | null; language: string };
  chapter: ChapterNavItem;
  total: number;
  previous: ChapterNavItem | null;
  next: ChapterNavItem | null;
  /** `ChapterText` output, rendered once per chapter. */
  textHtml: string;
  fontStep: number;
  /** CJK books: whether the reader chose vertical writing; null when the book does not offer it. */
  writing: { vertical: boolean } | null;
  /** Ordinal of the chapter's last paragraph: where "remember my place" (no JS) points. */
  lastParagraph: number;
  /** Where reader.js posts the reader's place; null for signed-out readers. */
  bookmarkUrl: string | null;
}

const MIN_STEP = FONT_STEPS[0];
const MAX_STEP = FONT_STEPS[FONT_STEPS.length - 1]!;

export const FontControl: FC<{ page: PageContext; step: number }> = ({ page, step }) => {
  const { t } = page;
  return (
    <form method="post" action="/reader/font" class="font-control">
      <input type="hidden" name="next" value={page.currentPath} />
      <span class="font-control-label" aria-hidden="true">
        {t('books.reader.font_size')}
      </span>
      <button type="submit" class="button-small" name="step" value={String(step - 1)} disabled={step <= MIN_STEP} title={t('books.reader.font_smaller')}>
        <span aria-hidden="true">A−</span>
        <span class="visually-hidden">{t('books.reader.font_smaller')}</span>
      </button>
      <button type="submit" class="button-small" name="step" value="0" disabled={step === 0} title={t('books.reader.font_reset')}>
        <span aria-hidden="true">A</span>
        <span class="visually-hidden">{t('books.reader.font_reset')}</span>
      </button>
      <button type="submit" class="button-small" name="step" value={String(step + 1)} disabled={step >= MAX_STEP} title={t('books.reader.font_larger')}>
        <span aria-hidden="true">A+</span>
        <span class="visually-hidden">{t('books.reader.font_larger')}</span>
      </button>
    </form>
  );
};

/** Horizontal / vertical text, for books that offer it (a plain form: works without JavaScript). */
export const WritingControl: FC<{ page: PageContext; vertical: boolean }> = ({ page, vertical }) => {
  const { t } = page;
  return (
    <form method="post" action="/reader/writing" class="writing-control">
      <input type="hidden" name="next" value={page.currentPath} />
      <span class="font-control-label">{t('books.reader.writing')}</span>
      <button type="submit" class="button-small" name="mode" value="horizontal" aria-pressed={vertical ? 'false' : 'true'} disabled={!vertical}>
        {t('books.reader.horizontal')}
      </button>
      <button type="submit" class="button-small" name="mode" value="vertical" aria-pressed={vertical ? 'true' : 'false'} disabled={vertical}>
        {t('books.reader.vertical')}
      </button>
    </form>
  );
};

const ChapterNav: FC<{ page: PageContext; view: ChapterPageView; position: 'top' | 'bottom' }> = ({ page, view, position }) => {
  const { t } = page;
  return (
    <nav class={`chapter-nav chapter-nav-${position}`} aria-label={t('books.chapter.nav')} lang={page.locale}>
      {view.previous ? (
        <a class="chapter-nav-prev" rel="prev" href={chapterHref(view.edition.id, view.previous.ordinal)}>
          <span aria-hidden="true">← </span>
          {t('books.chapter.previous')} <span lang={view.previous.title ? view.edition.language : page.locale}>{chapterName(t, view.previous)}</span>
        </a>
      ) : (
        <span class="chapter-nav-prev"></span>
      )}
      <a class="chapter-nav-toc" href={`/books/${view.edition.id}#toc-heading`}>
        {t('books.chapter.contents')}
      </a>
      {view.next ? (
        <a class="chapter-nav-next" rel="next" href={chapterHref(view.edition.id, view.next.ordinal)}>
          {t('books.chapter.next')} <span lang={view.next.title ? view.edition.language : page.locale}>{chapterName(t, view.next)}</span>
          <span aria-hidden="true"> →</span>
        </a>
      ) : (
        <span class="chapter-nav-next muted">{position === 'bottom' ? t('books.chapter.end') : ''}</span>
      )}
    </nav>
  );
};

export const ChapterPage: FC<{ page: PageContext; view: ChapterPageView }> = ({ page, view }) => {
  const { t, locale } = page;
  const name = chapterName(t, view.chapter);
  return (
    <Layout page={page} title={`${name} · ${view.edition.title}`} contentLang={view.edition.language} scripts={['reader.js']} bodyClass="reader-page">
      <article
        class={`reader font-step-${view.fontStep}${view.writing?.vertical ? ' reader-vertical' : ''}`}
        data-reader
        data-chapter={view.chapter.ordinal}
        data-bookmark-url={view.bookmarkUrl ?? undefined}
      >
        <header class="reader-head">
          <div class="reader-titles">
            <p class="reader-kicker" lang={locale}>
              {t('books.chapter.position', { n: view.chapter.ordinal, total: view.total })}
            </p>
            <h1 class="reader-book">
              <a href={`/books/${view.edition.id}`}>{view.edition.title}</a>
            </h1>
          </div>
          <div class="reader-controls" lang={locale} aria-label={t('books.reader.controls')} role="group">
            <FontControl page={page} step={view.fontStep} />
            {view.writing && <WritingControl page={page} vertical={view.writing.vertical} />}
          </div>
        </header>
        <ChapterNav page={page} view={view} position="top" />
        {!view.chapter.title && (
          <h2 class="reader-untitled" lang={locale}>
            {name}
          </h2>
        )}
        {raw(view.textHtml)}
        {view.bookmarkUrl && (
          <form method="post" action={view.bookmarkUrl} class="bookmark-form" lang={locale}>
            <input type="hidden" name="chapter" value={String(view.chapter.ordinal)} />
            <input type="hidden" name="paragraph" value={String(view.lastParagraph)} />
            <button type="submit" class="button-small">
              {t('books.reader.bookmark')}
            </button>
          </form>
        )}
        <ChapterNav page={page} view={view} position="bottom" />
        <p class="reader-keyboard-hint muted" lang={locale}>
          {t('books.chapter.keyboard')}
        </p>
      </article>
    </Layout>
  );
};
