/**
 * One poll as a card: its question, the reader's ballot, the results when they may see them,
 * and the moderators' buttons. The same card is the poll page's body, the htmx fragment a vote
 * swaps in, and what the chapter page and club home show.
 *
 * Every form posts and redirects without JavaScript; with htmx it swaps this card in place
 * (`hx-target` + `hx-swap` are written on each form: htmx 4 does not inherit them).
 */
import type { FC } from 'hono/jsx';
import { formatDateTime } from '../../src/i18n/zoned-time';
import { chapterLabel, pollPath, type BallotFeedback, type PollCardView, type PollUi } from '../../src/polls';
import { PollResults } from './results';

type Heading = 1 | 2 | 3;

export const PollCard: FC<{ ui: PollUi; poll: PollCardView; feedback?: BallotFeedback; heading?: Heading }> = ({ ui, poll, feedback, heading = 3 }) => {
  const { t } = ui;
  const headingId = `poll-${poll.id}-question`;
  const Question = `h${heading}` as 'h1' | 'h2' | 'h3';
  return (
    <section class={`poll-card card poll-${poll.status}`} id={`poll-${poll.id}`} aria-labelledby={headingId}>
      <header class="poll-head">
        <p class="poll-meta">
          <span class={`badge poll-status poll-status-${poll.status}`}>{statusLabel(ui, poll)}</span>
          <span class="badge">{t(`polls.kind.${poll.kind}`)}</span>
          <span class="badge">{t(`polls.voters.${poll.voters}`)}</span>
          {poll.chapter ? (
            poll.chapter.href ? (
              <a class="poll-chapter" href={poll.chapter.href}>
                {chapterLabel(t, poll.chapter)}
              </a>
            ) : (
              <span class="poll-chapter">{chapterLabel(t, poll.chapter)}</span>
            )
          ) : null}
        </p>
        <Question id={headingId} class="poll-question">
          <a href={pollPath(poll.clubId, poll.id)}>{poll.question}</a>
        </Question>
        <p class="poll-when muted">{closingLine(ui, poll)}</p>
      </header>

      {feedback?.error && (
        <p class="flash flash-error poll-error" role="alert">
          {t(feedback.error.key, feedback.error.params)}
        </p>
      )}
      {feedback?.notice && (
        <p class="flash poll-notice" role="status">
          {t(feedback.notice)}
        </p>
      )}

      {poll.can.vote ? <BallotForm ui={ui} poll={poll} feedback={feedback} /> : <Choices ui={ui} poll={poll} />}
      {poll.voteHint && <p class="poll-hint muted">{t(poll.voteHint)}</p>}

      {poll.results ? (
        <PollResults ui={ui} poll={poll} results={poll.results} />
      ) : (
        <p class="poll-results-hidden muted">{t(poll.status === 'scheduled' ? 'polls.results.hidden.scheduled' : `polls.results.hidden.${poll.resultsVisibility}`)}</p>
      )}

      <PollActions ui={ui} poll={poll} />
    </section>
  );
};

function statusLabel(ui: PollUi, poll: PollCardView): string {
  if (poll.status === 'scheduled' && poll.opensAt !== null) return ui.t('polls.status.scheduled', { date: formatDateTime(poll.opensAt, ui.locale, ui.timeZone) });
  return ui.t(poll.status === 'open' ? 'polls.status.open' : 'polls.status.closed');
}

function closingLine(ui: PollUi, poll: PollCardView): string {
  const { t } = ui;
  if (poll.status === 'closed') {
    const at = poll.closedAt ?? poll.closesAt;
    return at === null ? t('polls.status.closed') : t('polls.closed_at_date', { date: formatDateTime(at, ui.locale, ui.timeZone) });
  }
  const closes = poll.closesAt !== null ? t('polls.closes_at', { date: formatDateTime(poll.closesAt, ui.locale, ui.timeZone) }) : t('polls.closes_by_hand');
  return `${closes} · ${t(`polls.results.setting.${poll.resultsVisibility}`)}`;
}

/** htmx attributes that make a form swap this card in place. */
function inPlace(poll: PollCardView, action: string) {
  return { 'hx-post': action, 'hx-target': `#poll-${poll.id}`, 'hx-swap': 'outerHTML' };
}

const BallotForm: FC<{ ui: PollUi; poll: PollCardView; feedback?: BallotFeedback }> = ({ ui, poll, feedback }) => {
  const { t } = ui;
  const action = `${pollPath(poll.clubId, poll.id)}/vote`;
  const chosen = new Set(feedback ? feedback.choices : (poll.myChoices ?? []));
  const rankOf = (optionId: number): string => {
    if (feedback) return feedback.ranks[String(optionId)] ?? '';
    const index = poll.myChoices?.indexOf(optionId) ?? -1;
    return index >= 0 ? String(index + 1) : '';
  };
  const instructions =
    poll.kind === 'single'
      ? t('polls.ballot.single')
      : poll.kind === 'ranked'
        ? t('polls.ballot.ranked')
        : poll.minChoices === poll.maxChoices
          ? t('polls.ballot.multiple_exact', { count: poll.minChoices })
          : t('polls.ballot.multiple', { min: poll.minChoices, max: poll.maxChoices });
  const ranks = poll.options.map((_, index) => String(index + 1));
  return (
    <div class="poll-ballot">
      <form method="post" action={action} class="poll-ballot-form" {...inPlace(poll, action)}>
        <input type="hidden" name="next" value={poll.next} />
        <fieldset class="poll-options">
          <legend>{instructions}</legend>
          {poll.options.map((option) => {
            const id = `poll-${poll.id}-option-${option.id}`;
            if (poll.kind === 'ranked') {
              const current = rankOf(option.id);
              return (
                <div class="poll-option poll-option-ranked">
                  <select id={id} name={`rank_${option.id}`} aria-label={t('polls.ballot.rank_label', { option: option.label })}>
                    <option value="" selected={current === ''}>
                      {t('polls.ballot.no_rank')}
                    </option>
                    {ranks.map((rank) => (
                      <option value={rank} selected={current === rank}>
                        {rank}
                      </option>
                    ))}
                  </select>
                  <label for={id}>{option.label}</label>
                </div>
              );
            }
            return (
              <div class="poll-option">
                <input
                  type={poll.kind === 'single' ? 'radio' : 'checkbox'}
                  id={id}
                  name={poll.kind === 'single' ? 'choice' : `choice_${option.id}`}
                  value={poll.kind === 'single' ? String(option.id) : 'on'}
                  checked={chosen.has(option.id)}
                />
                <label for={id}>{option.label}</label>
              </div>
            );
          })}
        </fieldset>
        {poll.voters === 'public' && <p class="field-hint">{t('polls.ballot.public_notice')}</p>}
        <p class="poll-ballot-actions">
          <button type="submit" class="button">
            {t(poll.myChoices ? 'polls.ballot.change' : 'polls.ballot.submit')}
          </button>
          {poll.myChoices && (
            <span class="poll-voted" role="status">
              {t('polls.ballot.voted')}
            </span>
          )}
        </p>
      </form>
      {poll.can.withdraw && (
        <form method="post" action={`${pollPath(poll.clubId, poll.id)}/withdraw`} class="poll-withdraw" {...inPlace(poll, `${pollPath(poll.clubId, poll.id)}/withdraw`)}>
          <input type="hidden" name="next" value={poll.next} />
          <button type="submit" class="button-small">
            {t('polls.ballot.withdraw')}
          </button>
        </form>
      )}
    </div>
  );
};

/** The reader's ballot when they cannot (or can no longer) change it. */
const Choices: FC<{ ui: PollUi; poll: PollCardView }> = ({ ui, poll }) => {
  if (!poll.myChoices || poll.myChoices.length === 0) return null;
  const label = new Map(poll.options.map((o) => [o.id, o.label]));
  const names = poll.myChoices.map((id, index) => (poll.kind === 'ranked' ? `${index + 1}. ${label.get(id) ?? ''}` : (label.get(id) ?? '')));
  return <p class="poll-my-choices">{ui.t('polls.ballot.your_choices', { choices: names.join(poll.kind === 'ranked' ? '  ' : ', ') })}</p>;
};

const PollActions: FC<{ ui: PollUi; poll: PollCardView }> = ({ ui, poll }) => {
  const { t } = ui;
  const base = pollPath(poll.clubId, poll.id);
  const { can } = poll;
  if (!can.edit && !can.close && !can.reopen && !can.delete && !can.export) return null;
  return (
    <div class="poll-actions">
      {can.export && (
        <a class="button-small poll-export" href={`${base}/results.csv`} download>
          {t('polls.action.export')}
        </a>
      )}
      {can.edit && (
        <a class="button-small" href={`${base}/edit`}>
          {t('polls.action.edit')}
        </a>
      )}
      {can.close && (
        <form method="post" action={`${base}/close`} class="inline-form" {...inPlace(poll, `${base}/close`)}>
          <input type="hidden" name="next" value={poll.next} />
          <button type="submit" class="button-small">
            {t('polls.action.close')}
          </button>
        </form>
      )}
      {can.reopen && (
        <form method="post" action={`${base}/reopen`} class="poll-reopen" {...inPlace(poll, `${base}/reopen`)}>
          <input type="hidden" name="next" value={poll.next} />
          {!poll.closedByHand && (
            <label class="poll-reopen-until">
              <span>{t('polls.action.reopen_until')}</span>
              <input type="datetime-local" name="closesAt" value="" />
            </label>
          )}
          <button type="submit" class="button-small">
            {t('polls.action.reopen')}
          </button>
        </form>
      )}
      {can.delete && (
        <details class="poll-delete">
          <summary>{t('polls.action.delete')}</summary>
          <form method="post" action={`${base}/delete`}>
            <input type="hidden" name="next" value={poll.next} />
            <button type="submit" class="button-small button-danger">
              {t('polls.action.delete_confirm')}
            </button>
          </form>
        </details>
      )}
    </div>
  );
};
