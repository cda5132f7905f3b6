/** A club's book page, choosing the book, and the schedule editor. */
import type { FC } from 'hono/jsx';
import type { MessageKey } from '../../src/i18n';
import { SCHEDULE_MAX_EVERY_DAYS } from '../../src/clubs';
import { bookCounts } from '../books/format';
import type { PageContext } from '../context';
import { FieldError, FormErrors, Layout } from '../layout';
import { ChapterTable, ClubHeader, ProgressMeter, type ChapterRowView, type ClubHeading } from './parts';

export interface ReadingPageView {
  club: ClubHeading;
  isModerator: boolean;
  currentReadingId: number | null;
  reading: { id: number; title: string; author: string | null; language: string; startedAtText: string; endedAtText: string | null };
  myBookPercent: number | null;
  continueLink: { href: string; title: string } | null;
  chapters: ChapterRowView[];
  canSetSchedule: boolean;
}

export const ReadingPage: FC<{ page: PageContext; view: ReadingPageView }> = ({ page, view }) => {
  const { t } = page;
  const { club, reading } = view;
  return (
    <Layout page={page} title={`${reading.title} · ${club.name}`} bodyClass="club-page">
      <ClubHeader page={page} club={club} tab="book" currentReadingId={view.currentReadingId} isModerator={view.isModerator} />
      <section class="club-reading">
        <h2 class="club-book-title" lang={reading.language}>
          {reading.title}
        </h2>
        {reading.author && (
          <p class="muted" lang={reading.language}>
            {reading.author}
          </p>
        )}
        <p class="muted">
          {reading.endedAtText
            ? t('clubs.reading.ended', { start: reading.startedAtText, end: reading.endedAtText })
            : t('clubs.reading.started', { start: reading.startedAtText })}
        </p>
        {view.myBookPercent !== null && <ProgressMeter label={t('clubs.progress.my_book')} percent={view.myBookPercent} />}
        <p class="actions">
          {view.continueLink && (
            <a class="button" href={view.continueLink.href}>
              {view.myBookPercent ? t('clubs.current.continue', { chapter: view.continueLink.title }) : t('clubs.current.start', { chapter: view.continueLink.title })}
            </a>
          )}
          {view.canSetSchedule && (
            <a class="button button-secondary" href={`/clubs/${club.id}/readings/${reading.id}/schedule`}>
              {t('clubs.schedule.edit')}
            </a>
          )}
          {view.canSetSchedule && (
            <a class="button button-secondary" href={`/clubs/${club.id}/readings/${reading.id}/edition`}>
              {t('annotations.edition.title')}
            </a>
          )}
          {view.canSetSchedule && (
            <a class="button button-secondary" href={`/clubs/${club.id}/orphans`}>
              {t('annotations.orphans.title')}
            </a>
          )}
        </p>
        <h3>{t('clubs.reading.contents')}</h3>
        <ChapterTable page={page} chapters={view.chapters} caption={t('clubs.reading.contents')} bookLang={reading.language} />
      </section>
    </Layout>
  );
};

export interface LibraryChoice {
  editionId: number;
  title: string;
  author: string | null;
  language: string;
  chapterCount: number;
  paragraphCount: number;
}

export const PickBookPage: FC<{
  page: PageContext;
  club: ClubHeading;
  currentReadingId: number | null;
  currentEditionId: number | null;
  library: LibraryChoice[];
  preselected: number | null;
  error: MessageKey | null;
}> = ({ page, club, currentReadingId, currentEditionId, library, preselected, error }) => {
  const { t } = page;
  return (
    <Layout page={page} title={`${t('clubs.pick.title')} · ${club.name}`} bodyClass="club-page">
      <ClubHeader page={page} club={club} tab="pick" currentReadingId={currentReadingId} isModerator={true} />
      <h2>{t('clubs.pick.title')}</h2>
      <p>{currentReadingId ? t('clubs.pick.intro_change') : t('clubs.pick.intro')}</p>
      {error && <FormErrors page={page} errors={[t(error)]} />}
      <p>
        <a href={`/library/upload?club=${club.id}`}>{t('clubs.pick.upload')}</a>
      </p>
      {library.length === 0 ? (
        <p class="muted">{t('clubs.pick.empty')}</p>
      ) : (
        <ul class="pick-list">
          {library.map((edition) => (
            <li class={['card', 'pick-item', edition.editionId === preselected ? 'pick-preselected' : ''].filter(Boolean).join(' ')}>
              <div class="pick-book">
                <p class="pick-title" lang={edition.language}>
                  {edition.title}
                </p>
                <p class="muted">
                  {edition.author ? <span lang={edition.language}>{edition.author}</span> : t('clubs.pick.no_author')} ·{' '}
                  {t('clubs.pick.counts', bookCounts(t, { chapters: edition.chapterCount, paragraphs: edition.paragraphCount }))}
                </p>
              </div>
              {edition.editionId === currentEditionId ? (
                <span class="badge">{t('clubs.pick.current')}</span>
              ) : (
                <form method="post" action={`/clubs/${club.id}/readings`} class="inline-form">
                  <input type="hidden" name="editionId" value={String(edition.editionId)} />
                  <button type="submit" class="button-small" aria-label={t('clubs.pick.choose_named', { title: edition.title })}>
                    {t('clubs.pick.choose')}
                  </button>
                </form>
              )}
            </li>
          ))}
        </ul>
      )}
    </Layout>
  );
};

export interface ScheduleRowView {
  ordinal: number;
  title: string;
  opensAtText: string | null;
  opensAtValue: string;
}

export const SchedulePage: FC<{
  page: PageContext;
  club: ClubHeading;
  currentReadingId: number | null;
  reading: { id: number; title: string; language: string };
  rows: ScheduleRowView[];
  timeZone: string;
  values: Record<string, string>;
  errors: Partial<Record<string, MessageKey>>;
  saved: boolean;
}> = ({ page, club, currentReadingId, reading, rows, timeZone, values, errors, saved }) => {
  const { t } = page;
  const last = rows.length;
  const invalid = (name: string) => (errors[name] ? 'field field-invalid' : 'field');
  const chapterSelect = (name: 'fromOrdinal' | 'toOrdinal', id: string, fallback: number) => (
    <select id={id} name={name}>
      {rows.map((row) => (
        <option value={String(row.ordinal)} selected={(values[name] ?? String(fallback)) === String(row.ordinal)}>
          {row.title}
        </option>
      ))}
    </select>
  );
  return (
    <Layout page={page} title={`${t('clubs.schedule.title')} · ${club.name}`} bodyClass="club-page">
      <ClubHeader page={page} club={club} tab="schedule" currentReadingId={currentReadingId} isModerator={true} />
      <h2>
        {t('clubs.schedule.title')}: <span lang={reading.language}>{reading.title}</span>
      </h2>
      {saved && (
        <p class="flash" role="status">
          {t('clubs.schedule.saved')}
        </p>
      )}
      <p>{t('clubs.schedule.intro')}</p>
      <p class="field-hint">{t('clubs.schedule.zone', { zone: timeZone })}</p>
      <FormErrors page={page} errors={Object.values(errors).map((key) => t(key!))} />
      <form method="post" action={`/clubs/${club.id}/readings/${reading.id}/schedule`} class="card schedule-form">
        <div class="schedule-grid">
          <div class={invalid('fromOrdinal')}>
            <label for="schedule-from">{t('clubs.schedule.from')}</label>
            {chapterSelect('fromOrdinal', 'schedule-from', 1)}
          </div>
          <div class={invalid('toOrdinal')}>
            <label for="schedule-to">{t('clubs.schedule.to')}</label>
            {chapterSelect('toOrdinal', 'schedule-to', last)}
            <FieldError id="schedule-to-error" message={errors.toOrdinal ? t(errors.toOrdinal) : undefined} />
          </div>
          <div class={invalid('opensAt')}>
            <label for="schedule-opens">{t('clubs.schedule.opens_at')}</label>
            <input
              id="schedule-opens"
              name="opensAt"
              type="datetime-local"
              value={values.opensAt ?? ''}
              aria-invalid={errors.opensAt ? 'true' : undefined}
              aria-describedby={errors.opensAt ? 'schedule-opens-error' : undefined}
            />
            <FieldError id="schedule-opens-error" message={errors.opensAt ? t(errors.opensAt) : undefined} />
          </div>
          <div class={invalid('everyDays')}>
            <label for="schedule-every">{t('clubs.schedule.every')}</label>
            <input
              id="schedule-every"
              name="everyDays"
              type="number"
              min={0}
              max={SCHEDULE_MAX_EVERY_DAYS}
              value={values.everyDays ?? '0'}
              aria-describedby="schedule-every-hint"
            />
            <p class="field-hint" id="schedule-every-hint">
              {t('clubs.schedule.every_hint')}
            </p>
          </div>
        </div>
        <p class="actions">
          <button type="submit" name="action" value="set">
            {t('clubs.schedule.set')}
          </button>
          <button type="submit" name="action" value="clear" class="button-small">
            {t('clubs.schedule.clear')}
          </button>
        </p>
      </form>
      <div class="club-table-wrap">
        <table class="club-chapters">
          <thead>
            <tr>
              <th scope="col">{t('clubs.chapters.chapter')}</th>
              <th scope="col">{t('clubs.chapters.opens')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr>
                <td>
                  <span lang={reading.language}>{row.title}</span>
                </td>
                <td>{row.opensAtText ?? <span class="muted">{t('clubs.chapters.open_now')}</span>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Layout>
  );
};
