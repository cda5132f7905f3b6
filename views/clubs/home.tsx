/** The club home: the current book and where the club is in it, members, and what other areas contribute. */
import type { Child, FC } from 'hono/jsx';
import type { ClubRole } from '../../db/schema';
import type { MessageKey } from '../../src/i18n';
import type { PageContext } from '../context';
import { FieldError, Layout } from '../layout';
import { ChapterTable, ClubHeader, ProgressMeter, ROLE_KEYS, type ChapterRowView, type ClubHeading } from './parts';

export interface MemberView {
  userId: number;
  displayName: string;
  username: string;
  role: ClubRole;
  isSelf: boolean;
  /** Book progress in percent, or null when hidden from this viewer. */
  percent: number | null;
  hidden: boolean;
  actions: { promote: boolean; demote: boolean; remove: boolean };
}

export interface CurrentReadingView {
  readingId: number;
  title: string;
  author: string | null;
  language: string;
  startedAtText: string;
  chapterCount: number;
  openCount: number;
  openThrough: number;
  nextOpening: { ordinal: number; title: string; dateText: string } | null;
  /** Where the viewer picks up (members), or the first chapter (visitors). */
  continueLink: { href: string; title: string } | null;
  myBookPercent: number | null;
  chapters: ChapterRowView[];
}

export interface ClubHomeView {
  club: ClubHeading;
  isModerator: boolean;
  can: {
    join: boolean;
    signInToJoin: boolean;
    leave: boolean;
    ownerMustHandOver: boolean;
    seeMembers: boolean;
    hideProgress: boolean;
    pickBook: boolean;
    setSchedule: boolean;
    listInvites: boolean;
    transfer: boolean;
  };
  current: CurrentReadingView | null;
  members: MemberView[] | null;
  myProgressHidden: boolean;
  transfer: { candidates: { userId: number; name: string }[]; values: Record<string, string>; errors: Partial<Record<string, MessageKey>> };
  activeInvitations: number | null;
  earlier: { readingId: number; title: string; startedAtText: string; endedAtText: string }[];
  /** Cards other areas put in the side column (see src/clubs/slots.ts). */
  panels: Child[];
  /** Recent activity other areas report, in the main column. */
  recentActivity: Child[];
  notice: string | null;
}

export const ClubHomePage: FC<{ page: PageContext; view: ClubHomeView }> = ({ page, view }) => {
  const { t } = page;
  const { club, current, can } = view;
  return (
    <Layout page={page} title={club.name} bodyClass="club-page">
      <ClubHeader page={page} club={club} tab="home" currentReadingId={current?.readingId ?? null} isModerator={view.isModerator} />
      {view.notice && (
        <p class="flash" role="status">
          {view.notice}
        </p>
      )}
      {club.description && <p class="club-description">{club.description}</p>}
      {(can.join || can.signInToJoin) && (
        <div class="card club-join">
          <p>{t('clubs.join.public_intro')}</p>
          {can.join ? (
            <form method="post" action={`/clubs/${club.id}/join`}>
              <button type="submit">{t('clubs.join.button')}</button>
            </form>
          ) : (
            <a class="button" href={`/login?next=${encodeURIComponent(`/clubs/${club.id}`)}`}>
              {t('clubs.join.sign_in')}
            </a>
          )}
        </div>
      )}
      <div class="club-home">
        <div class="club-main">
          <section class="card club-current" aria-labelledby="current-title">
            <h2 id="current-title">{t('clubs.current.title')}</h2>
            {current ? (
              <>
                <p class="club-book-title" lang={current.language}>
                  <a href={`/clubs/${club.id}/readings/${current.readingId}`}>{current.title}</a>
                </p>
                {current.author && (
                  <p class="muted" lang={current.language}>
                    {current.author}
                  </p>
                )}
                <p class="club-where">
                  {current.openCount === current.chapterCount
                    ? t('clubs.current.all_open', { count: current.chapterCount })
                    : current.openThrough > 0
                      ? t('clubs.current.open_through', {
                          title: current.chapters.find((chapter) => chapter.ordinal === current.openThrough)?.title ?? '',
                          open: current.openCount,
                          total: current.chapterCount,
                        })
                      : t('clubs.current.none_open', { count: current.chapterCount })}
                  {current.nextOpening && (
                    <>
                      {' '}
                      {t('clubs.current.next_opening', { title: current.nextOpening.title, date: current.nextOpening.dateText })}
                    </>
                  )}
                </p>
                {current.myBookPercent !== null && <ProgressMeter label={t('clubs.progress.my_book')} percent={current.myBookPercent} />}
                <p class="actions">
                  {current.continueLink && (
                    <a class="button" href={current.continueLink.href}>
                      {current.myBookPercent ? t('clubs.current.continue', { chapter: current.continueLink.title }) : t('clubs.current.start', { chapter: current.continueLink.title })}
                    </a>
                  )}
                  {can.setSchedule && (
                    <a class="button button-secondary" href={`/clubs/${club.id}/readings/${current.readingId}/schedule`}>
                      {t('clubs.schedule.edit')}
                    </a>
                  )}
                  {can.pickBook && (
                    <a class="button button-secondary" href={`/clubs/${club.id}/readings/new`}>
                      {t('clubs.pick.change')}
                    </a>
                  )}
                </p>
              </>
            ) : (
              <>
                <p class="muted">{t('clubs.no_book')}</p>
                {can.pickBook && (
                  <p class="actions">
                    <a class="button" href={`/clubs/${club.id}/readings/new`}>
                      {t('clubs.pick.first')}
                    </a>
                    <a class="button button-secondary" href={`/library/upload?club=${club.id}`}>
                      {t('clubs.pick.upload')}
                    </a>
                  </p>
                )}
              </>
            )}
          </section>

          {current && (
            <section class="club-schedule" aria-labelledby="schedule-title">
              <h2 id="schedule-title">{t('clubs.schedule.title')}</h2>
              <ChapterTable page={page} chapters={current.chapters} caption={t('clubs.schedule.title')} bookLang={current.language} />
            </section>
          )}

          {/* Areas render their own sections and headings; with none, say so here. */}
          {view.recentActivity.length > 0 ? view.recentActivity : (
            <section class="club-discussion" aria-labelledby="discussion-title">
              <h2 id="discussion-title">{t('clubs.discussion.title')}</h2>
              <p class="muted">{t('clubs.discussion.empty')}</p>
            </section>
          )}

          {view.earlier.length > 0 && (
            <section class="club-earlier" aria-labelledby="earlier-title">
              <h2 id="earlier-title">{t('clubs.earlier.title')}</h2>
              <ul>
                {view.earlier.map((reading) => (
                  <li>
                    <a href={`/clubs/${club.id}/readings/${reading.readingId}`}>{reading.title}</a>{' '}
                    <span class="muted">{t('clubs.earlier.span', { start: reading.startedAtText, end: reading.endedAtText })}</span>
                  </li>
                ))}
              </ul>
            </section>
          )}
        </div>

        <aside class="club-side">
          {view.panels}

          {view.members && (
            <section class="card club-members" aria-labelledby="members-title">
              <h2 id="members-title">{t('clubs.members.title')}</h2>
              <ul class="member-list">
                {view.members.map((member) => (
                  <li class="member" id={`member-${member.username.toLowerCase()}`}>
                    <div class="member-line">
                      <span class="member-name">
                        {member.displayName} <span class="muted">@{member.username}</span>
                        {member.isSelf && <span class="muted"> {t('clubs.members.you')}</span>}
                      </span>
                      {member.role !== 'member' && <span class="badge badge-role">{t(ROLE_KEYS[member.role])}</span>}
                    </div>
                    {!view.current ? null : member.percent === null ? (
                      <p class="member-progress muted">{t('clubs.members.progress_hidden')}</p>
                    ) : (
                      <ProgressMeter
                        label={member.hidden ? t('clubs.members.progress_hidden_self') : t('clubs.progress.book')}
                        percent={member.percent}
                        id={`member-progress-${member.userId}`}
                      />
                    )}
                    {(member.actions.promote || member.actions.demote || member.actions.remove) && (
                      <div class="member-actions">
                        {member.actions.promote && (
                          <form method="post" action={`/clubs/${club.id}/members/${member.userId}/role`} class="inline-form">
                            <input type="hidden" name="role" value="moderator" />
                            <button type="submit" class="button-small">
                              {t('clubs.members.promote')}
                            </button>
                          </form>
                        )}
                        {member.actions.demote && (
                          <form method="post" action={`/clubs/${club.id}/members/${member.userId}/role`} class="inline-form">
                            <input type="hidden" name="role" value="member" />
                            <button type="submit" class="button-small">
                              {t('clubs.members.demote')}
                            </button>
                          </form>
                        )}
                        {member.actions.remove && (
                          <form method="post" action={`/clubs/${club.id}/members/${member.userId}/remove`} class="inline-form">
                            <button type="submit" class="button-small">
                              {t('clubs.members.remove', { name: member.displayName })}
                            </button>
                          </form>
                        )}
                      </div>
                    )}
                  </li>
                ))}
              </ul>
            </section>
          )}

          {view.activeInvitations !== null && (
            <section class="card club-invitations" aria-labelledby="invitations-title">
              <h2 id="invitations-title">{t('clubs.invitations.title')}</h2>
              <p>{t('clubs.invitations.active_count', { count: view.activeInvitations })}</p>
              <a class="button button-secondary" href={`/clubs/${club.id}/invitations`}>
                {t('clubs.invitations.manage')}
              </a>
            </section>
          )}

          {(can.hideProgress || can.leave || can.ownerMustHandOver || can.transfer) && (
            <section class="card club-me" aria-labelledby="me-title">
              <h2 id="me-title">{t('clubs.me.title')}</h2>
              {can.hideProgress && (
                <form method="post" action={`/clubs/${club.id}/progress-visibility`} class="club-toggle">
                  <input type="hidden" name="hidden" value={view.myProgressHidden ? 'no' : 'yes'} />
                  <p>{view.myProgressHidden ? t('clubs.me.progress_is_hidden') : t('clubs.me.progress_is_shown')}</p>
                  <button type="submit" class="button-small" aria-pressed={view.myProgressHidden ? 'true' : 'false'}>
                    {view.myProgressHidden ? t('clubs.me.show_progress') : t('clubs.me.hide_progress')}
                  </button>
                </form>
              )}
              {can.transfer && (
                <details class="club-transfer" open={Object.keys(view.transfer.errors).length > 0}>
                  <summary>{t('clubs.transfer.title')}</summary>
                <form method="post" action={`/clubs/${club.id}/transfer`}>
                  <p class="field-hint">{t('clubs.transfer.hint')}</p>
                  <div class={view.transfer.errors.userId ? 'field field-invalid' : 'field'}>
                    <label for="transfer-user">{t('clubs.transfer.to')}</label>
                    <select id="transfer-user" name="userId" aria-describedby={view.transfer.errors.userId ? 'transfer-user-error' : undefined}>
                      {view.transfer.candidates.map((candidate) => (
                        <option value={String(candidate.userId)} selected={view.transfer.values.userId === String(candidate.userId)}>
                          {candidate.name}
                        </option>
                      ))}
                    </select>
                    <FieldError id="transfer-user-error" message={view.transfer.errors.userId ? t(view.transfer.errors.userId) : undefined} />
                  </div>
                  <div class={view.transfer.errors.confirm ? 'field field-invalid' : 'field'}>
                    <label class="choice">
                      <input type="checkbox" name="confirm" value="yes" checked={view.transfer.values.confirm === 'yes'} aria-describedby={view.transfer.errors.confirm ? 'transfer-confirm-error' : undefined} />
                      <span>{t('clubs.transfer.confirm')}</span>
                    </label>
                    <FieldError id="transfer-confirm-error" message={view.transfer.errors.confirm ? t(view.transfer.errors.confirm) : undefined} />
                  </div>
                  <button type="submit" class="button-small">
                    {t('clubs.transfer.submit')}
                  </button>
                </form>
                </details>
              )}
              {can.leave && (
                <form method="post" action={`/clubs/${club.id}/leave`} class="club-leave">
                  <button type="submit" class="button-small">
                    {t('clubs.leave.button')}
                  </button>
                </form>
              )}
              {can.ownerMustHandOver && <p class="field-hint">{t('clubs.leave.owner_must_hand_over')}</p>}
            </section>
          )}
        </aside>
      </div>
    </Layout>
  );
};
