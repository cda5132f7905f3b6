/**
 * Creating and editing a poll. One input per option; "Add another option" is a submit button
 * that shows the form again with one more box, so it works without JavaScript. After the first
 * vote only the closing time can change, and the form says so.
 */
import type { Child, FC } from 'hono/jsx';
import type { MessageKey } from '../../src/i18n';
import type { PageContext } from '../context';
import { FieldError, FormErrors, Layout } from '../layout';

type Errors = Partial<Record<string, MessageKey>>;

export interface PollFormProps {
  page: PageContext;
  club: { id: number; name: string };
  mode: 'new' | 'edit';
  action: string;
  /** The form as typed (or as stored, when editing). */
  values: Record<string, string>;
  /** The option boxes, as typed. */
  slots: string[];
  errors: Errors;
  /** Where a new poll can go: the club, or a chapter of the current reading. */
  targets: { value: string; label: string }[];
  /** Votes exist: only the closing time may change. */
  locked: boolean;
  timeZone: string;
  cancelHref: string;
}

export const MIN_SLOTS = 4;

const Radio: FC<{ name: string; value: string; current: string | undefined; label: string }> = ({ name, value, current, label }) => (
  <div class="poll-form-choice">
    <input type="radio" id={`${name}-${value}`} name={name} value={value} checked={current === value} />
    <label for={`${name}-${value}`}>{label}</label>
  </div>
);

const Group: FC<{ legend: string; name: string; errors: Errors; page: PageContext; children?: Child }> = ({ legend, name, errors, page, children }) => (
  <fieldset class={errors[name] ? 'field field-invalid' : 'field'} aria-describedby={errors[name] ? `${name}-error` : undefined}>
    <legend>{legend}</legend>
    {children}
    <FieldError id={`${name}-error`} message={errors[name] ? page.t(errors[name]!) : undefined} />
  </fieldset>
);

export const PollFormPage: FC<PollFormProps> = ({ page, club, mode, action, values, slots, errors, targets, locked, timeZone, cancelHref }) => {
  const { t } = page;
  const title = t(mode === 'new' ? 'polls.form.new' : 'polls.form.edit');
  const errorList = Object.values(errors).map((key) => t(key!));
  const described = (name: string, hint = false) => [hint ? `${name}-hint` : '', errors[name] ? `${name}-error` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <Layout page={page} title={title}>
      <section class="polls-page poll-form-page narrow">
        <p class="poll-crumbs">
          <a href={`/clubs/${club.id}`}>{t('polls.back_to_club', { club: club.name })}</a>
        </p>
        <h1>{title}</h1>
        <FormErrors page={page} errors={errorList} />
        {locked && <p class="flash">{t('polls.form.locked')}</p>}
        <form method="post" action={action} class="poll-form" novalidate>
          {/* Enter in a text box submits with the form's first button: make that one "save", not "add option". */}
          <button type="submit" class="visually-hidden" tabindex={-1} aria-hidden="true">
            {t(mode === 'new' ? 'polls.form.create' : 'polls.form.save')}
          </button>
          {mode === 'new' && (
            <div class={errors.target ? 'field field-invalid' : 'field'}>
              <label for="target">{t('polls.form.target')}</label>
              <select id="target" name="target" aria-describedby={described('target')}>
                {targets.map((target) => (
                  <option value={target.value} selected={values.target === target.value}>
                    {target.label}
                  </option>
                ))}
              </select>
              <FieldError id="target-error" message={errors.target ? t(errors.target) : undefined} />
            </div>
          )}

          {locked ? (
            <div class="field">
              <p class="poll-form-readonly-question">
                <strong>{t('polls.form.question')}:</strong> {values.question}
              </p>
              <ol class="poll-form-readonly-options">
                {slots.filter((s) => s !== '').map((label) => (
                  <li>{label}</li>
                ))}
              </ol>
            </div>
          ) : (
            <>
              <div class={errors.question ? 'field field-invalid' : 'field'}>
                <label for="question">{t('polls.form.question')}</label>
                <textarea id="question" name="question" maxlength={300} rows={2} required aria-invalid={errors.question ? 'true' : undefined} aria-describedby={described('question')}>
                  {values.question ?? ''}
                </textarea>
                <FieldError id="question-error" message={errors.question ? t(errors.question) : undefined} />
              </div>

              <fieldset class={errors.options ? 'field field-invalid poll-form-options' : 'field poll-form-options'} aria-describedby={described('options', true)}>
                <legend>{t('polls.form.options')}</legend>
                <p class="field-hint" id="options-hint">
                  {t('polls.form.options.hint')}
                </p>
                {slots.map((value, index) => (
                  <div class="poll-form-option">
                    <label for={`option_${index + 1}`} class="visually-hidden">
                      {t('polls.form.option_n', { n: index + 1 })}
                    </label>
                    <input
                      type="text"
                      id={`option_${index + 1}`}
                      name={`option_${index + 1}`}
                      value={value}
                      maxlength={200}
                      placeholder={t('polls.form.option_n', { n: index + 1 })}
                    />
                  </div>
                ))}
                <FieldError id="options-error" message={errors.options ? t(errors.options) : undefined} />
                {slots.length < 20 && (
                  <button type="submit" name="intent" value="add_option" class="button-small" formnovalidate>
                    {t('polls.form.add_option')}
                  </button>
                )}
              </fieldset>

              <Group legend={t('polls.form.kind')} name="kind" errors={errors} page={page}>
                {(['single', 'multiple', 'ranked'] as const).map((kind) => (
                  <Radio name="kind" value={kind} current={values.kind} label={t(`polls.form.kind.${kind}`)} />
                ))}
              </Group>

              <fieldset class={errors.minChoices ? 'field field-invalid poll-form-picks' : 'field poll-form-picks'}>
                <legend>{t('polls.form.picks')}</legend>
                <div class="poll-form-picks-row">
                  <label for="minChoices">{t('polls.form.min')}</label>
                  <input type="number" id="minChoices" name="minChoices" min={1} max={20} value={values.minChoices ?? ''} inputmode="numeric" />
                  <label for="maxChoices">{t('polls.form.max')}</label>
                  <input type="number" id="maxChoices" name="maxChoices" min={1} max={20} value={values.maxChoices ?? ''} inputmode="numeric" />
                </div>
                <p class="field-hint">{t('polls.form.picks.hint')}</p>
                <FieldError id="minChoices-error" message={errors.minChoices ? t(errors.minChoices) : undefined} />
              </fieldset>

              <Group legend={t('polls.form.voters')} name="voters" errors={errors} page={page}>
                {(['anonymous', 'public'] as const).map((voters) => (
                  <Radio name="voters" value={voters} current={values.voters} label={t(`polls.form.voters.${voters}`)} />
                ))}
              </Group>

              <Group legend={t('polls.form.results')} name="resultsVisibility" errors={errors} page={page}>
                {(['always', 'after_vote', 'after_close', 'after_chapter'] as const).map((setting) => (
                  <Radio name="resultsVisibility" value={setting} current={values.resultsVisibility} label={t(`polls.form.results.${setting}`)} />
                ))}
              </Group>

              <div class={errors.opensAt ? 'field field-invalid' : 'field'}>
                <label for="opensAt">{t('polls.form.opens_at')}</label>
                <input type="datetime-local" id="opensAt" name="opensAt" value={values.opensAt ?? ''} aria-describedby={described('opensAt', true)} />
                <p class="field-hint" id="opensAt-hint">
                  {t('polls.form.opens_at.hint', { zone: timeZone })}
                </p>
                <FieldError id="opensAt-error" message={errors.opensAt ? t(errors.opensAt) : undefined} />
              </div>
            </>
          )}

          <div class={errors.closesAt ? 'field field-invalid' : 'field'}>
            <label for="closesAt">{t('polls.form.closes_at')}</label>
            <input type="datetime-local" id="closesAt" name="closesAt" value={values.closesAt ?? ''} aria-describedby={described('closesAt', true)} />
            <p class="field-hint" id="closesAt-hint">
              {t('polls.form.closes_at.hint', { zone: timeZone })}
            </p>
            <FieldError id="closesAt-error" message={errors.closesAt ? t(errors.closesAt) : undefined} />
          </div>

          <p class="actions">
            <button type="submit" class="button">
              {t(mode === 'new' ? 'polls.form.create' : 'polls.form.save')}
            </button>
            <a href={cancelHref}>{t('form.cancel')}</a>
          </p>
        </form>
      </section>
    </Layout>
  );
};
