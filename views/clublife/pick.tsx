/** The next-book page: nominations, the vote, its count and the winner. */
import type { FC } from 'hono/jsx';
import type { FieldErrors } from '../../src/http/forms';
import type { LibraryOption, LifeUi, NominationView, PickView } from '../../src/clublife';
import type { MessageKey } from '../../src/i18n';
import type { PageContext } from '../context';
import { FormErrors } from '../layout';
import { Field, LifePage, type LifeFrame } from './parts';

export interface PickPageProps {
  page: PageContext;
  ui: LifeUi;
  frame: LifeFrame;
  pick: PickView | null;
  library: LibraryOption[];
  canOpen: boolean;
  notice?: MessageKey | null;
  values?: Record<string, string>;
  errors?: FieldErrors;
  endsAtDefault: string;
}

const Nomination: FC<{ ui: LifeUi; n: NominationView }> = ({ ui, n }) => (
  <div class="nomination" id={`nomination-${n.id}`}>
    <strong>{n.title}</strong>
    {n.author && <span class="muted"> · {ui.t('clublife.pick.by', { author: n.author })}</span>}
    {n.inLibrary && (
      <>
        {' '}
        <span class="badge">{ui.t('clublife.pick.in_library')}</span>
      </>
    )}
    {n.link && (
      <>
        {' '}
        <a href={n.link} rel="noopener noreferrer nofollow" target="_blank">
          {ui.t('clublife.pick.link')}
        </a>
      </>
    )}
    <ul class="nomination-backers">
      {n.backers.map((b) => (
        <li>{b.reason ? ui.t('clublife.pick.backed_by', { name: b.name, reason: b.reason }) : ui.t('clublife.pick.backed_by_plain', { name: b.name })}</li>
      ))}
    </ul>
  </div>
);

export const PickPage: FC<PickPageProps> = ({ page, ui, frame, pick, library, canOpen, notice, values = {}, errors = {}, endsAtDefault }) => {
  const { t } = page;
  const base = `/clubs/${frame.club.id}/next-book`;
  const err = (k: string) => (errors[k] ? t(errors[k]!) : undefined);
  return (
    <LifePage page={page} frame={frame} title={t('clublife.pick.title')} section="pick" notice={notice}>
      <FormErrors page={page} errors={Object.values(errors).map((k) => t(k!))} />
      {!pick && <p class="muted">{t('clublife.pick.none')}</p>}
      {canOpen && (
        <form method="post" action={`${base}/open`} class="inline-form">
          <button type="submit">{pick ? t('clublife.pick.open_new') : t('clublife.pick.open')}</button>
        </form>
      )}
      {pick && (
        <>
          <p class="pick-phase">
            <strong>{pick.phase === 'voting' ? t('clublife.pick.phase.voting', { date: ui.when(pick.votingEndsAt!) }) : t(`clublife.pick.phase.${pick.phase}`)}</strong>
            {pick.phase !== 'nominating' && <span class="muted"> · {t('clublife.pick.ballots', { count: pick.ballots })}</span>}
          </p>
          {pick.results && <PickResults ui={ui} pick={pick} base={base} />}
          <h3>{t('clublife.pick.nominations')}</h3>
          {pick.nominations.length === 0 ? (
            <p class="muted">{t('clublife.pick.no_nominations')}</p>
          ) : pick.canVote ? (
            <BallotForm ui={ui} pick={pick} base={base} />
          ) : (
            <ul class="nominations">
              {pick.nominations.map((n) => (
                <li>
                  <Nomination ui={ui} n={n} />
                </li>
              ))}
            </ul>
          )}
          {pick.canNominate && (
            <form method="post" action={`${base}/${pick.id}/nominate`} class="card stack" id="nominate">
              <h3>{t('clublife.pick.nominate')}</h3>
              <Field id="nominate-edition" label={t('clublife.pick.from_library')} error={err('editionId')}>
                <select id="nominate-edition" name="editionId">
                  <option value="">{t('clublife.pick.library_none')}</option>
                  {library.map((b) => (
                    <option value={String(b.editionId)} selected={values.editionId === String(b.editionId)}>
                      {b.author ? `${b.title} · ${b.author}` : b.title}
                    </option>
                  ))}
                </select>
              </Field>
              <p class="muted">{t('clublife.pick.or_by_title')}</p>
              <Field id="nominate-title" label={t('clublife.pick.field.title')} error={err('title')}>
                <input id="nominate-title" name="title" maxlength={200} value={values.title ?? ''} aria-describedby={errors.title ? 'nominate-title-error' : undefined} />
              </Field>
              <Field id="nominate-author" label={t('clublife.pick.field.author')} error={err('author')}>
                <input id="nominate-author" name="author" maxlength={200} value={values.author ?? ''} />
              </Field>
              <Field id="nominate-link" label={t('clublife.pick.field.link')} error={err('link')}>
                <input id="nominate-link" name="link" type="url" maxlength={500} value={values.link ?? ''} aria-describedby={errors.link ? 'nominate-link-error' : undefined} />
              </Field>
              <Field id="nominate-reason" label={t('clublife.pick.field.reason')} error={err('reason')}>
                <input id="nominate-reason" name="reason" maxlength={300} value={values.reason ?? ''} />
              </Field>
              <button type="submit">{t('clublife.pick.submit_nomination')}</button>
            </form>
          )}
          {pick.phase === 'nominating' && frame.isModerator && (
            <form method="post" action={`${base}/${pick.id}/start-vote`} class="card stack" id="start-vote">
              <h3>{t('clublife.pick.start_vote')}</h3>
              {!pick.canStartVote && <p class="muted">{t('clublife.pick.need_two')}</p>}
              <fieldset>
                <legend>{t('clublife.pick.method')}</legend>
                {(['ranked', 'approval'] as const).map((m) => (
                  <label class="choice">
                    <input type="radio" name="method" value={m} checked={(values.method ?? 'ranked') === m} /> {t(`clublife.pick.method.${m}`)}
                  </label>
                ))}
              </fieldset>
              <Field id="vote-ends" label={t('clublife.pick.ends_at')} error={err('endsAt')}>
                <input id="vote-ends" name="endsAt" type="datetime-local" required value={values.endsAt ?? endsAtDefault} />
              </Field>
              <p class="muted">{t('clublife.meetings.zone_note', { zone: ui.timeZone })}</p>
              <button type="submit" disabled={!pick.canStartVote}>
                {t('clublife.pick.start_vote')}
              </button>
            </form>
          )}
          {pick.canClose && (
            <form method="post" action={`${base}/${pick.id}/close`} class="inline-form">
              <button type="submit" class="button-secondary">
                {t('clublife.pick.close')}
              </button>
            </form>
          )}
        </>
      )}
    </LifePage>
  );
};

const BallotForm: FC<{ ui: LifeUi; pick: PickView; base: string }> = ({ ui, pick, base }) => {
  const { t } = ui;
  const ranks = pick.nominations.map((_, i) => i + 1);
  return (
    <form method="post" action={`${base}/${pick.id}/vote`} class="card stack" id="ballot">
      <h3>{t('clublife.pick.vote')}</h3>
      <p class="muted">{pick.method === 'ranked' ? t('clublife.pick.rank_help') : t('clublife.pick.approve_help')}</p>
      <ul class="nominations">
        {pick.nominations.map((n) => {
          const myRank = pick.myBallot.indexOf(n.id) + 1;
          return (
            <li class="ballot-row">
              {pick.method === 'ranked' ? (
                <select name={`rank_${n.id}`} aria-label={t('clublife.pick.rank_label', { title: n.title })}>
                  <option value="">{t('clublife.pick.rank_none')}</option>
                  {ranks.map((r) => (
                    <option value={String(r)} selected={myRank === r}>
                      {r}
                    </option>
                  ))}
                </select>
              ) : (
                <input type="checkbox" name={`approve_${n.id}`} id={`approve-${n.id}`} checked={myRank > 0} aria-label={n.title} />
              )}{' '}
              <Nomination ui={ui} n={n} />
            </li>
          );
        })}
      </ul>
      <button type="submit">{t('clublife.pick.submit_vote')}</button>
    </form>
  );
};

const PickResults: FC<{ ui: LifeUi; pick: PickView; base: string }> = ({ ui, pick, base }) => {
  const { t } = ui;
  const results = pick.results!;
  return (
    <div class="card pick-results" id="results">
      {results.winners.length === 0 && <p>{t('clublife.pick.no_votes')}</p>}
      {results.winners.length === 1 && <p class="poll-outcome">{t('clublife.pick.winner', { title: results.winners[0]!.title })}</p>}
      {results.winners.length > 1 && <p class="poll-outcome">{t('clublife.pick.tied', { titles: results.winners.map((w) => w.title).join(', ') })}</p>}
      {pick.adopted && <p class="flash">{t('clublife.pick.adopted')}</p>}
      {pick.canAdopt && !pick.uploadHref && (
        <form method="post" action={`${base}/${pick.id}/adopt`} class="inline-form">
          <button type="submit">{t('clublife.pick.adopt')}</button>
        </form>
      )}
      {pick.canAdopt && pick.uploadHref && (
        <p>
          {t('clublife.pick.upload_help')}{' '}
          <a class="button" href={pick.uploadHref}>
            {t('clublife.pick.upload')}
          </a>
        </p>
      )}
      {results.approvals && (
        <table class="poll-rounds">
          <caption>{t('clublife.pick.approvals')}</caption>
          <tbody>
            {results.approvals.map((a) => (
              <tr>
                <th scope="row">{a.title}</th>
                <td>{t('clublife.pick.votes', { count: a.votes })}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {results.rounds.length > 0 && (
        <div class="poll-rounds-wrap">
          <table class="poll-rounds">
            <caption>{t('clublife.pick.rounds')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('clublife.pick.round')}</th>
                <th scope="col">{t('clublife.pick.tallies')}</th>
                <th scope="col">{t('clublife.pick.exhausted')}</th>
                <th scope="col">{t('clublife.pick.outcome')}</th>
              </tr>
            </thead>
            <tbody>
              {results.rounds.map((r) => (
                <tr>
                  <th scope="row">{t('clublife.pick.round_n', { n: r.round })}</th>
                  <td data-label={t('clublife.pick.tallies')}>
                    <ul class="poll-round-tallies">
                      {r.tallies.map((tally) => (
                        <li>
                          {tally.title}: {t('clublife.pick.votes', { count: tally.votes })}
                        </li>
                      ))}
                    </ul>
                  </td>
                  <td data-label={t('clublife.pick.exhausted')}>{r.exhausted}</td>
                  <td data-label={t('clublife.pick.outcome')}>
                    {r.winner ? t('clublife.pick.round_winner', { title: r.winner }) : r.eliminated.length > 0 ? t('clublife.pick.eliminated', { titles: r.eliminated.join(', ') }) : ''}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
};
