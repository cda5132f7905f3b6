/**
 * A chapter of a club's reading. The text comes from `ChapterText`; the clubs area adds a small
 * "read up to here" control in each paragraph's margin, next to whatever other areas put there,
 * and the reader's own progress above the text.
 *
 * The per-paragraph buttons submit one of two empty forms by their `form` attribute (so the
 * margin never nests forms inside other areas' forms): `#progress-forward` moves progress
 * forward only, `#progress-set` sets it to exactly that paragraph (a deliberate step back).
 * `views/static/progress.js` reads `data-progress-*` on `.club-chapter` and reports the
 * furthest paragraph seen.
 */
import type { Child, FC } from 'hono/jsx';
import { ChapterText, type ParagraphDecoration, type ParagraphView } from '../books/chapter-text';
import type { PageContext } from '../context';
import { Layout } from '../layout';
import { childHtml, element, escapeText, markup } from '../html';
import { ClubHeader, ProgressMeter, type ClubHeading } from './parts';
import type { ChapterProgressView } from '../../src/clubs';
export type { ChapterProgressView };

export interface ClubChapterView {
  club: ClubHeading;
  isModerator: boolean;
  currentReadingId: number | null;
  reading: { id: number; title: string; language: string; direction: 'ltr' | 'rtl'; href: string };
  chapter: { ordinal: number; title: string };
  open: boolean;
  /** When the chapter opens (for the closed notice or the moderator's preview note). */
  opensAtText: string | null;
  /** True when members cannot read it yet but this moderator can. */
  moderatorPreview: boolean;
  paragraphs: readonly ParagraphView[];
  /** Other areas' decoration of each paragraph (see src/clubs/slots.ts), beside the progress buttons. */
  decorate: (paragraph: ParagraphView) => ParagraphDecoration | undefined;
  /** Notices above the text; blocks after the text, then panels, from other areas. */
  beforeText?: Child[];
  afterText: Child[];
  panels: Child[];
  progress: ChapterProgressView | null;
  prev: { href: string; title: string } | null;
  next: { href: string; title: string } | null;
  scripts: string[];
}

/**
 * The reader's own progress above the text, and where this chapter stands for them; also the
 * fragment returned to progress reports (so the script learns when reading here starts to count).
 */
export const ProgressBox: FC<{ page: PageContext; progress: ChapterProgressView }> = ({ page, progress }) => (
  <div class="club-progress" id="reading-progress" data-standing={progress.standing} data-position={String(progress.position)}>
    <ProgressMeter label={page.t('clubs.progress.chapter')} percent={progress.chapterPercent} />
    <ProgressMeter label={page.t('clubs.progress.book')} percent={progress.bookPercent} />
    {progress.standing === 'ahead' && (
      <div class="progress-ahead" role="note">
        <p>
          <strong>{page.t('clubs.progress.ahead', { chapter: progress.progressChapter ?? page.t('clubs.progress.not_started') })}</strong>
        </p>
        <p>{page.t('clubs.progress.ahead_hint', { action: page.t('clubs.progress.read_to_here') })}</p>
      </div>
    )}
  </div>
);

export const ClubChapterPage: FC<{ page: PageContext; view: ClubChapterView }> = ({ page, view }) => {
  const { t } = page;
  const { club, chapter, progress } = view;
  const forwardLabel = t('clubs.progress.read_to_here');
  const setLabel = t('clubs.progress.set_here');

  const decorate = (paragraph: ParagraphView): ParagraphDecoration | undefined => {
    const theirs = view.decorate(paragraph);
    if (!progress || paragraph.kind !== 'text') return theirs;
    const read = paragraph.position <= progress.position;
    const opens = read ? 0 : (progress.opens.get(paragraph.position) ?? 0);
    const noteId = `progress-opens-${paragraph.position}`;
    // The paragraph's actions (the annotations area's "Comment" and this button) show when the
    // paragraph is chosen (a tap or click on it, keyboard focus, its #p-N in the address) and
    // always without JavaScript; see "Paragraph actions" in app.css.
    // Drawn once per paragraph: built as a string (../html.ts), the markup the JSX was.
    const ours =
      element(
        'span',
        { class: 'progress-action', lang: page.locale },
        element(
          'button',
          {
            type: 'submit',
            class: 'progress-here',
            form: read ? 'progress-set' : 'progress-forward',
            name: 'position',
            value: String(paragraph.position),
            'data-opens': read ? undefined : String(opens),
            'aria-describedby': opens > 0 ? noteId : undefined,
          },
          escapeText(read ? setLabel : forwardLabel),
        ) + (opens > 0 ? element('span', { class: 'progress-opens', id: noteId }, escapeText(t('clubs.progress.opens', { count: opens }))) : ''),
      );
    return {
      highlights: theirs?.highlights,
      className: [theirs?.className, read ? 'para-read' : ''].filter(Boolean).join(' ') || undefined,
      margin: markup((theirs?.margin === undefined ? '' : childHtml(theirs.margin)) + ours),
    };
  };

  const nav = (
    <nav class="chapter-nav" aria-label={t('clubs.chapter.nav')}>
      {view.prev ? (
        <a href={view.prev.href} rel="prev" class="chapter-nav-prev">
          ← <span lang={view.reading.language}>{view.prev.title}</span>
        </a>
      ) : (
        <span></span>
      )}
      <a href={view.reading.href} class="chapter-nav-toc">
        {t('clubs.reading.contents')}
      </a>
      {view.next ? (
        <a href={view.next.href} rel="next" class="chapter-nav-next">
          <span lang={view.reading.language}>{view.next.title}</span> →
        </a>
      ) : (
        <span></span>
      )}
    </nav>
  );

  return (
    <Layout page={page} title={`${chapter.title} · ${view.reading.title}`} contentLang={view.reading.language} scripts={view.scripts} bodyClass="club-page club-chapter-page">
      <div lang={page.locale}>
        <ClubHeader page={page} club={club} tab="chapter" currentReadingId={view.currentReadingId} isModerator={view.isModerator} />
      </div>
      <article
        class="club-chapter"
        data-reader
        data-progress-url={progress?.url}
        data-progress={progress ? String(progress.position) : undefined}
        data-progress-auto={progress ? (progress.automatic ? 'on' : 'off') : undefined}
        data-progress-rule={progress ? page.asset('progress-rule.js') : undefined}
        data-body-start={progress ? String(progress.bodyStart) : undefined}
        data-chapter={String(chapter.ordinal)}
        data-label-forward={forwardLabel}
        data-label-set={setLabel}
        data-label-opens-one={t('clubs.progress.opens.one', { count: 1 })}
        data-label-opens-other={t('clubs.progress.opens.other')}
        data-label-moved={t('clubs.progress.moved')}
      >
        <p class="chapter-book" lang={page.locale}>
          <a href={view.reading.href} lang={view.reading.language}>
            {view.reading.title}
          </a>
        </p>
        {!view.open && <h2 class="chapter-title">{chapter.title}</h2>}
        <div lang={page.locale}>
          {view.moderatorPreview && view.opensAtText && (
            <p class="flash chapter-preview" role="note">
              {t('clubs.chapter.moderator_preview', { date: view.opensAtText })}
            </p>
          )}
          {progress && view.open && <ProgressBox page={page} progress={progress} />}
          {progress && view.open && (
            <p class="club-actions-hint muted">
              {t('clubs.progress.actions_hint')} <span class="keyboard-hint">{t('clubs.progress.keyboard_hint')}</span>
            </p>
          )}
          {view.open && view.beforeText}
        </div>
        {view.open ? (
          <>
            {progress && (
              <div class="progress-forms" lang={page.locale}>
                <form method="post" action={progress.url} id="progress-forward">
                  <input type="hidden" name="mode" value="forward" />
                  <input type="hidden" name="chapter" value={String(chapter.ordinal)} />
                </form>
                <form method="post" action={progress.url} id="progress-set">
                  <input type="hidden" name="mode" value="set" />
                  <input type="hidden" name="chapter" value={String(chapter.ordinal)} />
                </form>
              </div>
            )}
            <ChapterText paragraphs={view.paragraphs} decorate={decorate} setting={{ lang: view.reading.language, dir: view.reading.direction }} />
            <div lang={page.locale}>
              {view.afterText}
              {view.panels}
            </div>
          </>
        ) : (
          <div class="card chapter-closed-notice" lang={page.locale}>
            <p>{t('clubs.chapter.opens_on', { date: view.opensAtText ?? '' })}</p>
            <p class="muted">{t('clubs.chapter.closed_hint')}</p>
          </div>
        )}
        <div lang={page.locale}>{nav}</div>
      </article>
    </Layout>
  );
};
