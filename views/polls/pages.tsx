/** Poll pages (list, one poll) and the sections the club pages embed through the polls hooks. */
import type { FC } from 'hono/jsx';
import type { PageContext } from '../context';
import { Layout } from '../layout';
import { PollCard } from './card';
import { pollPath, type BallotFeedback, type PollCardView, type PollUi } from '../../src/polls';

export interface PollListItem {
  id: number;
  question: string;
  status: PollCardView['status'];
  chapterLabel: string | null;
}

export const PollListPage: FC<{ page: PageContext; club: { id: number; name: string }; items: PollListItem[]; canCreate: boolean }> = ({ page, club, items, canCreate }) => {
  const { t } = page;
  const groups = (['open', 'scheduled', 'closed'] as const).map((status) => ({ status, items: items.filter((i) => i.status === status) }));
  return (
    <Layout page={page} title={t('polls.list.title', { club: club.name })}>
      <section class="polls-page narrow">
        <p class="poll-crumbs">
          <a href={`/clubs/${club.id}`}>{t('polls.back_to_club', { club: club.name })}</a>
        </p>
        <h1>{t('polls.list.title', { club: club.name })}</h1>
        {canCreate && (
          <p>
            <a class="button" href={`/clubs/${club.id}/polls/new`}>
              {t('polls.list.new')}
            </a>
          </p>
        )}
        {items.length === 0 && <p class="muted">{t('polls.list.empty')}</p>}
        {groups
          .filter((g) => g.items.length > 0)
          .map((group) => (
            <section class="poll-list-group">
              <h2>{t(`polls.list.${group.status}`)}</h2>
              <ul class="poll-list">
                {group.items.map((item) => (
                  <li>
                    <a href={pollPath(club.id, item.id)}>{item.question}</a>
                    {item.chapterLabel && <span class="muted"> · {item.chapterLabel}</span>}
                  </li>
                ))}
              </ul>
            </section>
          ))}
      </section>
    </Layout>
  );
};

export const PollShowPage: FC<{ page: PageContext; ui: PollUi; club: { id: number; name: string }; poll: PollCardView; feedback?: BallotFeedback }> = ({
  page,
  ui,
  club,
  poll,
  feedback,
}) => (
  <Layout page={page} title={poll.question}>
    <section class="polls-page narrow">
      <p class="poll-crumbs">
        <a href={`/clubs/${club.id}`}>{page.t('polls.back_to_club', { club: club.name })}</a> · <a href={`/clubs/${club.id}/polls`}>{page.t('polls.back_to_polls')}</a>
      </p>
      <PollCard ui={ui} poll={poll} feedback={feedback} heading={1} />
    </section>
  </Layout>
);

/** A poll the reader may not see yet (its chapter has not opened for them): no question, no options. */
export const LockedPollCard: FC<{ ui: PollUi; pollId: number; message: string }> = ({ pollId, message }) => (
  <section class="poll-card card poll-locked" id={`poll-${pollId}`}>
    <p class="flash flash-error" role="alert">
      {message}
    </p>
  </section>
);

/** The chapter page's polls (from `chapterPolls`). */
export const ChapterPollsSection: FC<{ ui: PollUi; polls: PollCardView[]; newPollHref: string | null }> = ({ ui, polls, newPollHref }) =>
  polls.length === 0 && !newPollHref ? null : (
    <section class="polls-section" aria-labelledby="chapter-polls-title">
      <h2 id="chapter-polls-title">{ui.t('polls.section.chapter')}</h2>
      {polls.map((poll) => (
        <PollCard ui={ui} poll={poll} heading={3} />
      ))}
      {newPollHref && (
        <p>
          <a class="button-small" href={newPollHref}>
            {ui.t('polls.list.new')}
          </a>
        </p>
      )}
    </section>
  );

/** The club home's card of open polls (`pollsOnClubHome`); `empty`: no polls at all, nothing to offer. */
export const OpenPollsSection: FC<{ ui: PollUi; clubId: number; polls: PollCardView[]; canCreate: boolean; empty: boolean }> = ({ ui, clubId, polls, canCreate, empty }) => (
  <section class="card club-polls" aria-labelledby="polls-title">
    <h2 id="polls-title">{ui.t('polls.home.title')}</h2>
    {empty ? <p class="muted">{ui.t('polls.home.empty')}</p> : <OpenPolls ui={ui} clubId={clubId} polls={polls} canCreate={canCreate} />}
  </section>
);

const OpenPolls: FC<{ ui: PollUi; clubId: number; polls: PollCardView[]; canCreate: boolean }> = ({ ui, clubId, polls, canCreate }) => (
  <div class="polls-open">
    {polls.length === 0 && <p class="muted">{ui.t('polls.list.empty_open')}</p>}
    {polls.map((poll) => (
      <PollCard ui={ui} poll={poll} heading={3} />
    ))}
    <p class="actions">
      <a href={`/clubs/${clubId}/polls`}>{ui.t('polls.back_to_polls')}</a>
      {canCreate && (
        <a class="button-small" href={`/clubs/${clubId}/polls/new`}>
          {ui.t('polls.list.new')}
        </a>
      )}
    </p>
  </div>
);
