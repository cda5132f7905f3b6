/** The club home's card of club life: the next meeting, the book vote, links to the area's pages. */
import type { FC } from 'hono/jsx';
import type { LifeUi } from '../../src/clublife';

export const ClubLifeCard: FC<{ ui: LifeUi; clubId: number; nextMeeting: { title: string; startsAt: number; href: string } | null; pick: { phase: 'nominating' | 'voting' | 'ended'; endsAt: number | null } | null }> = ({ ui, clubId, nextMeeting, pick }) => {
  const { t } = ui;
  return (
    <section class="card club-life-card" aria-labelledby="club-life-title">
      <h2 id="club-life-title">{t('clublife.home.title')}</h2>
      {nextMeeting && (
        <p>
          <a href={nextMeeting.href}>{t('clublife.home.next_meeting', { title: nextMeeting.title, date: ui.when(nextMeeting.startsAt) })}</a>
        </p>
      )}
      {pick?.phase === 'nominating' && <p>{t('clublife.home.nominating')}</p>}
      {pick?.phase === 'voting' && pick.endsAt !== null && <p>{t('clublife.home.voting', { date: ui.when(pick.endsAt) })}</p>}
      <ul class="club-life-links">
        <li>
          <a href={`/clubs/${clubId}/next-book`}>{t('clublife.home.next_book')}</a>
        </li>
        <li>
          <a href={`/clubs/${clubId}/meetings`}>{t('clublife.home.meetings')}</a>
        </li>
        <li>
          <a href={`/clubs/${clubId}/shelf`}>{t('clublife.home.shelf')}</a>
        </li>
      </ul>
    </section>
  );
};
