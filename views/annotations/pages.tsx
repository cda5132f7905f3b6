/**
 * Whole pages of the annotations area, for readers without JavaScript (and for links someone
 * shares): a paragraph's threads, a chapter's discussion, a comment's edit history.
 */
import type { FC } from 'hono/jsx';
import { raw } from 'hono/html';
import { paragraphTextHtml, type Highlight } from '../books/chapter-text';
import type { PageContext } from '../context';
import { Layout } from '../layout';
import { CommentBody, ThreadsContainer, type ThreadsView } from './threads';

export const ParagraphCommentsPage: FC<{
  page: PageContext;
  chapterTitle: string;
  ordinal: number;
  paragraphText: string;
  highlights: Highlight[];
  contentLang: string;
  backHref: string;
  threads: ThreadsView;
}> = ({ page, chapterTitle, ordinal, paragraphText, highlights, contentLang, backHref, threads }) => {
  const { t } = page;
  return (
    <Layout page={page} title={t('annotations.paragraph.title', { ordinal })} scripts={['comments.js']}>
      <section class="annotations-page narrow">
        <p>
          <a href={backHref}>← {t('annotations.back_to_chapter')}</a>
        </p>
        <h1>{t('annotations.paragraph.title', { ordinal })}</h1>
        <p class="muted">{t('annotations.paragraph.in_chapter', { chapter: chapterTitle, ordinal })}</p>
        <blockquote class="reader-text paragraph-quote" lang={contentLang}>
          <p class="paragraph-text">{raw(paragraphTextHtml(paragraphText, highlights))}</p>
        </blockquote>
        <ThreadsContainer t={t} view={threads} />
      </section>
    </Layout>
  );
};

export const DiscussionPage: FC<{ page: PageContext; chapterTitle: string; backHref: string; threads: ThreadsView }> = ({ page, chapterTitle, backHref, threads }) => {
  const { t } = page;
  return (
    <Layout page={page} title={t('annotations.discussion.page_title', { chapter: chapterTitle })} scripts={['comments.js']}>
      <section class="annotations-page narrow">
        <p>
          <a href={backHref}>← {t('annotations.back_to_chapter')}</a>
        </p>
        <h1>{t('annotations.discussion.page_title', { chapter: chapterTitle })}</h1>
        <p class="muted">{t('annotations.discussion.intro')}</p>
        <ThreadsContainer t={t} view={threads} />
      </section>
    </Layout>
  );
};

export interface RevisionView {
  label: string;
  iso: string;
  /** Sanitised HTML of that version. */
  bodyHtml: string;
  current: boolean;
}

export const HistoryPage: FC<{ page: PageContext; backHref: string; authorName: string; versions: RevisionView[] }> = ({ page, backHref, authorName, versions }) => {
  const { t } = page;
  return (
    <Layout page={page} title={t('annotations.history.title')}>
      <section class="annotations-page narrow">
        <p>
          <a href={backHref}>← {t('annotations.back_to_chapter')}</a>
        </p>
        <h1>{t('annotations.history.title')}</h1>
        <p>
          <bdi class="comment-author" dir="auto">
            {authorName}
          </bdi>
        </p>
        {versions.length <= 1 && <p class="muted">{t('annotations.history.none')}</p>}
        <ol class="revision-list">
          {versions.map((version) => (
            <li class={version.current ? 'revision revision-current' : 'revision'}>
              <h2 class="revision-date">
                <time datetime={version.iso}>
                  {version.current ? t('annotations.history.current', { date: version.label }) : t('annotations.history.version', { date: version.label })}
                </time>
              </h2>
              <CommentBody html={version.bodyHtml} />
            </li>
          ))}
        </ol>
      </section>
    </Layout>
  );
};
