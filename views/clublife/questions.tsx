/** The chapter's discussion questions, after its text: answer first, then everyone's answers (past the spoiler gate). */
import type { FC } from 'hono/jsx';
import type { LifeUi, QuestionView } from '../../src/clublife';
import type { MessageKey } from '../../src/i18n';
import type { PageContext } from '../context';
import { LifePage, type LifeFrame } from './parts';

export const QuestionsSection: FC<{ ui: LifeUi; clubId: number; questions: QuestionView[]; addAction: string | null; next: string }> = ({ ui, clubId, questions, addAction, next }) => {
  const { t } = ui;
  if (questions.length === 0 && !addAction) return null;
  return (
    <section class="discussion-questions" id="questions" aria-labelledby="questions-title">
      <h2 id="questions-title">{t('clublife.questions.title')}</h2>
      <ol class="question-list">
        {questions.map((q) => (
          <li class="card question" id={`question-${q.id}`}>
            <p class="question-body">{q.body}</p>
            {q.answers.length === 0 && q.hiddenAnswers === 0 && <p class="muted">{t('clublife.questions.no_answers')}</p>}
            {q.hiddenAnswers > 0 && (
              <p class="muted question-hidden">
                {q.state === 'locked' ? t('clublife.questions.locked', { count: q.hiddenAnswers }) : t('clublife.questions.answer_first', { count: q.hiddenAnswers })}
              </p>
            )}
            <ul class="answer-list">
              {q.answers.map((a) => (
                <li class="answer" id={`answer-${a.id}`}>
                  <p>
                    <strong>{a.authorName}</strong>
                    {a.mine && <span class="muted"> ({t('clublife.questions.yours')})</span>}: {a.body}
                  </p>
                  {a.replies.length > 0 && (
                    <ul class="answer-replies">
                      {a.replies.map((r) => (
                        <li id={`answer-${r.id}`}>
                          <strong>{r.authorName}</strong>: {r.body}
                        </li>
                      ))}
                    </ul>
                  )}
                  {a.canReply && (
                    <form method="post" action={`/clubs/${clubId}/questions/${q.id}/answers`} class="reply-form inline-form" data-question={String(q.id)}>
                      <input type="hidden" name="parentId" value={String(a.id)} />
                      <input type="hidden" name="next" value={next} />
                      <label for={`reply-${a.id}`} class="visually-hidden">
                        {t('clublife.questions.reply_label', { name: a.authorName })}
                      </label>
                      <input id={`reply-${a.id}`} name="body" maxlength={2000} required placeholder={t('clublife.questions.reply_label', { name: a.authorName })} />
                      <button type="submit" class="button-small">
                        {t('clublife.questions.reply')}
                      </button>
                    </form>
                  )}
                </li>
              ))}
            </ul>
            {q.canAnswer && (
              <form method="post" action={`/clubs/${clubId}/questions/${q.id}/answers`} class="stack">
                <input type="hidden" name="next" value={next} />
                <label for={`answer-body-${q.id}`}>{t('clublife.questions.answer')}</label>
                <textarea id={`answer-body-${q.id}`} name="body" rows={3} maxlength={2000} required></textarea>
                <button type="submit">{t('clublife.questions.submit_answer')}</button>
              </form>
            )}
          </li>
        ))}
      </ol>
      {addAction && (
        <form method="post" action={addAction} class="card stack" id="add-question">
          <input type="hidden" name="next" value={next} />
          <label for="question-body">{t('clublife.questions.add')}</label>
          <textarea id="question-body" name="body" rows={2} maxlength={500} required></textarea>
          <button type="submit">{t('clublife.questions.submit')}</button>
        </form>
      )}
    </section>
  );
};

/**
 * A question, answer or reply the server refused (empty, too long): the same form again, on its
 * own page (422), with what was typed and why it was refused.
 */
export const TextAgainPage: FC<{
  page: PageContext;
  frame: LifeFrame;
  title: string;
  question: string | null;
  action: string;
  hidden: Record<string, string>;
  text: string;
  maxLength: number;
  error: MessageKey;
  submit: string;
  /** The chapter the form came from. */
  back: string;
}> = ({ page, frame, title, question, action, hidden, text, maxLength, error, submit, back }) => (
  <LifePage page={page} frame={frame} title={title}>
    <p>
      <a href={back}>{page.t('annotations.back_to_chapter')}</a>
    </p>
    {question && <p class="question-body">{question}</p>}
    <form method="post" action={action} class="card stack">
      {Object.entries(hidden).map(([name, value]) => (
        <input type="hidden" name={name} value={value} />
      ))}
      <label for="text-again">{title}</label>
      <textarea id="text-again" name="body" rows={4} maxlength={maxLength} required aria-invalid="true" aria-describedby="text-again-error">
        {text}
      </textarea>
      <p class="field-error" id="text-again-error" role="alert">
        {page.t(error)}
      </p>
      <button type="submit">{submit}</button>
    </form>
  </LifePage>
);
