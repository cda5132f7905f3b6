/**
 * What annotations add to a club's chapter page: the margin beside each paragraph (how many
 * comments the reader may see, shaded by how busy the paragraph is; how many are further on;
 * a link that opens the threads in place), and after the text the chapter's own discussion,
 * the passage form that `passage.js` fills, and the spoiler reveal control.
 */
import type { FC } from 'hono/jsx';
import type { ChapterExtrasView, MarginView, PassageFormView, RevealView } from '../../src/annotations';
import type { Translator } from '../../src/i18n';
import { element, escapeText, markup } from '../html';
import { pluralComments, THREAD_SWAP, ThreadsContainer, VisibilityField } from './threads';

export type { ChapterExtrasView, MarginView, PassageFormView, RevealView };

export const marginIds = (paragraphId: number) => ({
  summary: `margin-summary-${paragraphId}`,
  threads: `threads-${paragraphId}`,
});

/**
 * Counts and links; swapped on its own (by id) after an htmx post so the numbers stay true.
 * Drawn once per paragraph, so built as a string (`../html.ts`); the markup is what the JSX was.
 */
export function marginSummaryHtml(t: Translator, margin: MarginView): string {
  const ids = marginIds(margin.paragraphId);
  const target = `#${ids.threads}`;
  let inner = '';
  if (margin.visible > 0) {
    const count = pluralComments(t, 'annotations.count', margin.visible);
    inner += element(
      'a',
      { class: 'comment-count', href: margin.threadsUrl, 'hx-get': margin.threadsUrl, 'hx-target': target, 'hx-swap': THREAD_SWAP, 'aria-label': `${count} — ${t('annotations.open', { ordinal: margin.ordinal })}` },
      escapeText(count),
    );
  }
  if (margin.hidden > 0) inner += element('span', { class: 'hidden-count' }, escapeText(pluralComments(t, 'annotations.hidden', margin.hidden)));
  if (margin.composeUrl !== null) {
    inner += element(
      'a',
      { class: 'add-comment', href: `${margin.composeUrl}#new-comment-p${margin.paragraphId}`, 'hx-get': margin.composeUrl, 'hx-target': target, 'hx-swap': THREAD_SWAP, 'aria-label': t('annotations.add.aria', { ordinal: margin.ordinal }) },
      escapeText(t('annotations.add')),
    );
  }
  return element('div', { class: `annotation-summary heat-${margin.heat}`, id: ids.summary }, inner);
}

export const MarginSummary: FC<{ t: Translator; margin: MarginView }> = ({ t, margin }) => markup(marginSummaryHtml(t, margin));

/**
 * A paragraph's margin: its summary. The place its threads load into (`<div class="threads"
 * id="threads-N">`, the summary links' `hx-target`) is made only when a thread is first opened,
 * right after the summary, by comments.js: 500 paragraphs need no 500 empty holders (the DOM
 * budget of issue #20), and without JavaScript the links open the thread's own page.
 */
export const Margin: FC<{ t: Translator; lang?: string; margin: MarginView }> = ({ t, lang, margin }) =>
  markup(element('div', { class: 'annotation-margin', lang }, marginSummaryHtml(t, margin)));

/** One button that reveals (or hides again) the chapter's comments; a plain form, no htmx. */
const RevealForm: FC<{ reveal: RevealView; action: string; formClass?: string; buttonClass: string; label: string }> = ({ reveal, action, formClass, buttonClass, label }) => (
  <form method="post" action={action} class={formClass}>
    <input type="hidden" name="reading_id" value={String(reveal.readingId)} />
    <button type="submit" class={buttonClass}>
      {label}
    </button>
  </form>
);

export const RevealControl: FC<{ t: Translator; reveal: RevealView }> = ({ t, reveal }) =>
  reveal.revealed ? (
    <section class="spoiler-reveal spoiler-revealed" id="reveal">
      <p>{t('annotations.reveal.done')}</p>
      <RevealForm reveal={reveal} action={reveal.unrevealUrl} formClass="inline-form" buttonClass="button-small" label={t('annotations.reveal.undo')} />
    </section>
  ) : reveal.hiddenCount > 0 ? (
    <section class="spoiler-reveal" id="reveal">
      <details>
        <summary>
          {t('annotations.reveal.summary')} ({pluralComments(t, 'annotations.hidden', reveal.hiddenCount)})
        </summary>
        <p class="spoiler-warning" role="note">
          {t('annotations.reveal.warning')}
        </p>
        <RevealForm reveal={reveal} action={reveal.revealUrl} buttonClass="button button-secondary" label={t('annotations.reveal.button')} />
      </details>
    </section>
  ) : null;

/** The passage form, hidden until `passage.js` fills it from a selection. */
export const PassageForm: FC<{ t: Translator; form: PassageFormView; commentMaxChars: number }> = ({ t, form, commentMaxChars }) => (
  <>
    <button type="button" id="passage-action" class="passage-action" hidden data-label={t('annotations.passage.action')}>
      {t('annotations.passage.action')}
    </button>
    <form id="passage-form" class="passage-form comment-form" method="post" action={form.postUrl} hidden>
      <h2 class="passage-form-title">{t('annotations.passage.form.title')}</h2>
      <blockquote class="comment-passage" data-passage-quote dir="auto"></blockquote>
      <input type="hidden" name="reading_id" value={String(form.readingId)} />
      <input type="hidden" name="paragraph_id" value="" />
      <input type="hidden" name="passage_start" value="" />
      <input type="hidden" name="passage_end" value="" />
      <input type="hidden" name="passage_exact" value="" />
      <input type="hidden" name="passage_prefix" value="" />
      <input type="hidden" name="passage_suffix" value="" />
      <div class="field">
        <label for="passage-body">{t('annotations.form.body')}</label>
        <textarea id="passage-body" name="body" rows={3} maxlength={commentMaxChars} required aria-describedby="passage-body-hint"></textarea>
        <p class="field-hint" id="passage-body-hint">
          {t('annotations.form.body.hint', { max: commentMaxChars })}
        </p>
      </div>
      <VisibilityField t={t} id="passage-visibility" />
      <div class="actions">
        <button type="submit" class="button">
          {t('annotations.form.submit')}
        </button>
        <button type="button" class="button-small" data-passage-cancel>
          {t('annotations.passage.cancel')}
        </button>
      </div>
    </form>
  </>
);

export const ChapterExtras: FC<{ t: Translator; extras: ChapterExtrasView }> = ({ t, extras }) => (
  <div class="chapter-annotations">
    <div id="reveal-slot">{extras.reveal && <RevealControl t={t} reveal={extras.reveal} />}</div>
    <section class="chapter-discussion" id="discussion" aria-labelledby="discussion-title">
      <h2 id="discussion-title">{t('annotations.discussion.title')}</h2>
      <p class="muted">{t('annotations.discussion.intro')}</p>
      <ThreadsContainer t={t} view={extras.discussion} />
    </section>
    {extras.passageForm && <PassageForm t={t} form={extras.passageForm} commentMaxChars={extras.commentMaxChars} />}
  </div>
);
