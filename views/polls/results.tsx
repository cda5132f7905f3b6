/**
 * Results of a poll: bars with counts and percentages, the runoff table for ranked polls and,
 * for public polls, who chose what. Only rendered when the card carries results, which the
 * service fills in only when `pollResultsVisibleTo` allowed it.
 *
 * Bar widths are classes (`w-0` … `w-100` in steps of 5) because the CSP forbids inline styles.
 */
import type { FC } from 'hono/jsx';
import type { CountRow, PollCardView, PollResultsView, PollUi } from '../../src/polls';

/** "3 votes · 60%", with the singular for one vote. */
function votesText(ui: PollUi, votes: number, percent: number): string {
  return ui.t('polls.results.votes', { count: votes, percent });
}

/** The width class of a bar: the percentage rounded to the nearest 5. */
export function widthClass(percent: number): string {
  const step = Math.min(100, Math.max(0, Math.round(percent / 5) * 5));
  return `w-${step}`;
}

const Bars: FC<{ ui: PollUi; rows: CountRow[]; winners?: string[] }> = ({ ui, rows, winners = [] }) => (
  <ul class="poll-bars">
    {rows.map((row) => (
      <li class={winners.includes(row.label) ? 'poll-bar-row poll-bar-winner' : 'poll-bar-row'}>
        <span class="poll-bar-label">{row.label}</span>
        <span class="poll-bar-count">{votesText(ui, row.votes, row.percent)}</span>
        <span class="poll-bar" aria-hidden="true">
          <span class={`poll-bar-fill ${widthClass(row.percent)}`}></span>
        </span>
      </li>
    ))}
  </ul>
);

export const PollResults: FC<{ ui: PollUi; poll: PollCardView; results: PollResultsView }> = ({ ui, poll, results }) => {
  const { t } = ui;
  const runoff = results.runoff;
  return (
    <div class="poll-results">
      <h4 class="poll-results-title">
        {t('polls.results.title')} <span class="muted">{t('polls.results.ballots', { count: results.ballots })}</span>
      </h4>
      {results.ballots === 0 && <p class="muted">{t('polls.results.none')}</p>}
      {runoff && results.ballots > 0 && (
        <p class="poll-outcome">
          {runoff.winners.length === 1
            ? t('polls.results.winner_is', { option: runoff.winners[0]! })
            : t('polls.results.tied', { options: runoff.winners.join(', ') })}
        </p>
      )}
      {runoff && <p class="poll-results-subtitle">{t('polls.results.first_preferences')}</p>}
      <Bars ui={ui} rows={results.counts} winners={runoff ? runoff.winners : []} />
      {runoff && results.ballots > 0 && (
        <div class="poll-rounds-wrap">
          <table class="poll-rounds">
            <caption>{t('polls.results.rounds')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('polls.results.round')}</th>
                <th scope="col">{t('polls.results.tallies')}</th>
                <th scope="col">{t('polls.results.exhausted')}</th>
                <th scope="col">{t('polls.results.outcome')}</th>
              </tr>
            </thead>
            <tbody>
              {runoff.rounds.map((round) => (
                <tr>
                  <th scope="row">{t('polls.results.round_n', { n: round.round })}</th>
                  <td data-label={t('polls.results.tallies')}>
                    <ul class="poll-round-tallies">
                      {round.tallies.map((tally) => (
                        <li class={round.eliminated.includes(tally.label) ? 'poll-eliminated' : round.winner === tally.label ? 'poll-round-winner' : undefined}>
                          <span class="poll-round-option">{tally.label}</span> <span class="poll-round-votes">{votesText(ui, tally.votes, tally.percent)}</span>
                        </li>
                      ))}
                    </ul>
                  </td>
                  <td class="poll-round-exhausted" data-label={t('polls.results.exhausted')}>
                    {round.exhausted}
                  </td>
                  <td class="poll-round-outcome" data-label={t('polls.results.outcome')}>
                    {round.winner !== null
                      ? t('polls.results.winner_is', { option: round.winner })
                      : round.eliminated.length > 0
                        ? t('polls.results.eliminated_list', { options: round.eliminated.join(', ') })
                        : t('polls.results.tied', { options: round.tallies.map((x) => x.label).join(', ') })}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {results.voters && results.voters.length > 0 && (
        <details class="poll-voters" open={poll.status === 'closed'}>
          <summary>{t('polls.results.voters')}</summary>
          <ul>
            {results.voters.map((voter) => (
              <li>
                <span class="poll-voter-name">{voter.name}</span>: {voter.choices.map((c, i) => (poll.kind === 'ranked' ? `${i + 1}. ${c}` : c)).join(poll.kind === 'ranked' ? '  ' : ', ')}
              </li>
            ))}
          </ul>
        </details>
      )}
    </div>
  );
};
