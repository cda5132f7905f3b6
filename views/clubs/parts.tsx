/** Pieces shared by the club pages: the club's header and tabs, progress meters, badges. */
import type { FC } from 'hono/jsx';
import type { ClubRole } from '../../db/schema';
import type { MessageKey } from '../../src/i18n';
import type { ChapterRowView, ClubHeading } from '../../src/clubs';
import type { PageContext } from '../context';

export type { ChapterRowView, ClubHeading };

export type ClubTab = 'home' | 'book' | 'invitations' | 'schedule' | 'pick' | 'chapter' | 'life';

export const ROLE_KEYS: Record<ClubRole, MessageKey> = {
  owner: 'clubs.role.owner',
  moderator: 'clubs.role.moderator',
  member: 'clubs.role.member',
};

export const LANGUAGE_KEYS: Record<string, MessageKey> = {
  ko: 'clubs.language.ko',
  en: 'clubs.language.en',
  ja: 'clubs.language.ja',
  zh: 'clubs.language.zh',
  fr: 'clubs.language.fr',
  de: 'clubs.language.de',
  es: 'clubs.language.es',
};

export const languageName = (page: PageContext, code: string) => (LANGUAGE_KEYS[code] ? page.t(LANGUAGE_KEYS[code]!) : code);

export const VisibilityBadge: FC<{ page: PageContext; visibility: 'private' | 'public' }> = ({ page, visibility }) => (
  <span class={`badge badge-${visibility}`}>{page.t(visibility === 'public' ? 'clubs.visibility.public' : 'clubs.visibility.private')}</span>
);

/** The club's name and facts above every club page, with links between its pages. */
export const ClubHeader: FC<{ page: PageContext; club: ClubHeading; tab: ClubTab; currentReadingId?: number | null; isModerator?: boolean }> = ({
  page,
  club,
  tab,
  currentReadingId,
  isModerator,
}) => {
  const { t } = page;
  const link = (href: string, label: string, active: boolean) => (
    <a href={href} aria-current={active ? 'page' : undefined} class={active ? 'club-tab club-tab-active' : 'club-tab'}>
      {label}
    </a>
  );
  return (
    <header class="club-header">
      <p class="club-kicker">
        <a href="/clubs">{t('clubs.title')}</a>
      </p>
      <h1 class="club-name">
        <a href={`/clubs/${club.id}`}>{club.name}</a>
      </h1>
      <p class="club-facts">
        <VisibilityBadge page={page} visibility={club.visibility} />
        <span>{languageName(page, club.language)}</span>
        <span>{t('clubs.member_count', { count: club.memberCount })}</span>
        {club.role && <span class="badge badge-role">{t(ROLE_KEYS[club.role])}</span>}
      </p>
      <nav class="club-tabs" aria-label={t('clubs.nav.label')}>
        {link(`/clubs/${club.id}`, t('clubs.nav.home'), tab === 'home')}
        {currentReadingId ? link(`/clubs/${club.id}/readings/${currentReadingId}`, t('clubs.nav.book'), tab === 'book' || tab === 'chapter') : null}
        {isModerator && currentReadingId ? link(`/clubs/${club.id}/readings/${currentReadingId}/schedule`, t('clubs.nav.schedule'), tab === 'schedule') : null}
        {isModerator ? link(`/clubs/${club.id}/invitations`, t('clubs.nav.invitations'), tab === 'invitations') : null}
        {isModerator ? link(`/clubs/${club.id}/moderation`, t('moderation.queue.link'), false) : null}
      </nav>
    </header>
  );
};

/** A labelled progress bar with its percentage in words. */
export const ProgressMeter: FC<{ label: string; percent: number; id?: string }> = ({ label, percent, id }) => (
  <div class="club-meter" id={id}>
    <span class="club-meter-label">{label}</span>
    <progress max={100} value={percent} aria-label={label}>
      {percent}%
    </progress>
    <span class="club-meter-value">{percent}%</span>
  </div>
);

/** The chapters of a reading; `bookLang` marks the titles as the book's language (Korean titles then wrap between words). */
export const ChapterTable: FC<{ page: PageContext; chapters: ChapterRowView[]; caption: string; bookLang: string }> = ({ page, chapters, caption, bookLang }) => {
  const { t } = page;
  const showProgress = chapters.some((chapter) => chapter.myPercent !== null);
  return (
    <div class="club-table-wrap">
      <table class="club-chapters">
        <caption class="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{t('clubs.chapters.chapter')}</th>
            <th scope="col">{t('clubs.chapters.opens')}</th>
            {showProgress && <th scope="col">{t('clubs.chapters.my_progress')}</th>}
          </tr>
        </thead>
        <tbody>
          {chapters.map((chapter) => (
            <tr class={chapter.closedToMembers ? 'chapter-closed' : undefined}>
              <td class="chapter-title-cell" lang={bookLang}>
                {chapter.openToViewer ? <a href={chapter.href}>{chapter.title}</a> : <span>{chapter.title}</span>}
              </td>
              <td class="chapter-opens">
                {chapter.opensAtText === null ? (
                  <span class="muted">{t('clubs.chapters.open_now')}</span>
                ) : chapter.closedToMembers ? (
                  <span>{t('clubs.chapters.opens_on', { date: chapter.opensAtText })}</span>
                ) : (
                  <span class="muted">{t('clubs.chapters.opened_on', { date: chapter.opensAtText })}</span>
                )}
              </td>
              {showProgress && <td class="chapter-progress">{chapter.myPercent === null ? '' : `${chapter.myPercent}%`}</td>}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
};
