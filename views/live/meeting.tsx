/**
 * Meeting mode on club pages: the banner (`#meeting-banner`, the element the live stream
 * replaces when the meeting starts, moves or ends), a moderator's controls inside it, the
 * "start a meeting here" form, and the club home's record of past meetings. Every control is
 * a form that posts and redirects; the jump to the spotlight is a plain link, so the page
 * scrolls only when the reader follows it.
 */
import type { FC } from 'hono/jsx';
import type { MeetingBannerView, MeetingRecordView } from '../../src/live';
import type { Translator } from '../../src/i18n';
import { formatDateTime } from '../../src/i18n/zoned-time';
import type { PageContext } from '../context';
import { Layout } from '../layout';

export const MeetingBanner: FC<{ t: Translator; view: MeetingBannerView | null }> = ({ t, view }) => {
  if (!view || (!view.meeting && !view.start)) return <div id="meeting-banner" class="meeting-banner-empty"></div>;
  const meeting = view.meeting;
  if (!meeting) {
    return (
      <div id="meeting-banner" class="meeting-start">
        <form method="post" action={view.start!.url} class="meeting-start-form">
          <input type="hidden" name="reading_id" value={String(view.start!.readingId)} />
          <input type="hidden" name="chapter_id" value={String(view.start!.chapterId)} />
          <button type="submit" class="button-small">
            {t('live.meeting.start')}
          </button>
        </form>
      </div>
    );
  }
  return (
    <section id="meeting-banner" class="meeting-banner card" aria-labelledby="meeting-banner-title">
      <h2 id="meeting-banner-title" class="meeting-title">
        {meeting.chapter ? t('live.meeting.on_chapter', { chapter: meeting.chapter.name }) : t('live.meeting.on_ahead')}
      </h2>
      {!meeting.here && meeting.chapter && (
        <p>
          <a class="button-small meeting-join" href={meeting.chapter.url}>
            {t('live.meeting.join')}
          </a>
        </p>
      )}
      {!meeting.here && !meeting.chapter && meeting.chapterOpen && <p class="muted">{t('live.meeting.ahead_note')}</p>}
      {meeting.spotlight === 'ahead' && <p class="meeting-spotlight muted">{t('live.meeting.spotlight_ahead')}</p>}
      {meeting.spotlight && meeting.spotlight !== 'ahead' && (
        <p class="meeting-spotlight">
          <strong>{meeting.spotlight.label}</strong>{' '}
          <a class="button-small meeting-jump" href={meeting.spotlight.url}>
            {t('live.meeting.jump')}
          </a>
        </p>
      )}
      {meeting.controls && (
        <div class="meeting-controls">
          <form method="post" action={meeting.controls.spotlightUrl} class="meeting-spotlight-form">
            <label for="meeting-paragraph">{t('live.meeting.spotlight_label')}</label>{' '}
            <select id="meeting-paragraph" name="paragraph_id">
              {meeting.controls.paragraphs.map((p) => (
                <option value={String(p.id)} selected={p.id === meeting.controls!.current}>
                  {t('live.meeting.paragraph_option', { ordinal: p.ordinal })}
                </option>
              ))}
            </select>{' '}
            <button type="submit" class="button-small">
              {t('live.meeting.spotlight')}
            </button>
          </form>
          {meeting.controls.threads.length > 0 && (
            <form method="post" action={meeting.controls.spotlightUrl} class="meeting-spotlight-form">
              <label for="meeting-thread">{t('live.meeting.spotlight_thread_label')}</label>{' '}
              <select id="meeting-thread" name="comment_id">
                {meeting.controls.threads.map((thread) => (
                  <option value={String(thread.id)} selected={thread.id === meeting.controls!.currentThread}>
                    {thread.label}
                  </option>
                ))}
              </select>{' '}
              <button type="submit" class="button-small">
                {t('live.meeting.spotlight')}
              </button>
            </form>
          )}
          <form method="post" action={meeting.controls.endUrl} class="meeting-end-form">
            <button type="submit" class="button-small">
              {t('live.meeting.end')}
            </button>
          </form>
        </div>
      )}
    </section>
  );
};

export const MeetingRecords: FC<{ t: Translator; locale: string; timeZone: string; records: MeetingRecordView[] }> = ({ t, locale, timeZone, records }) =>
  records.length === 0 ? null : (
    <section class="meeting-records card" aria-labelledby="meeting-records-title">
      <h2 id="meeting-records-title">{t('live.meeting.records')}</h2>
      <ul class="meeting-record-list">
        {records.map((record) => (
          <li class="meeting-record" id={`meeting-${record.id}`}>
            <p>
              <strong>{formatDateTime(record.startedAt, locale, timeZone)}</strong>{' '}
              {record.chapterUrl ? <a href={record.chapterUrl}>{t('live.meeting.record_chapter', { ordinal: record.chapterOrdinal })}</a> : t('live.meeting.record_chapter', { ordinal: record.chapterOrdinal })}
              {' · '}
              {t('live.meeting.record_minutes', { count: Math.max(1, Math.round((record.endedAt - record.startedAt) / 60_000)) })}
            </p>
            <p class="muted">
              {record.names.length > 0 && t('live.meeting.record_came', { names: record.names.join(', ') })}
              {record.names.length > 0 && record.unnamed > 0 && ' '}
              {record.unnamed > 0 && t(record.names.length > 0 ? 'live.meeting.record_others' : 'live.meeting.record_unnamed', { count: record.unnamed })}
              {record.names.length === 0 && record.unnamed === 0 && t('live.meeting.record_nobody')}
            </p>
            {(record.paragraphs.length > 0 || record.threads > 0 || record.polls > 0) && (
              <p class="muted">
                {[
                  record.paragraphs.length > 0 ? t('live.meeting.record_paragraphs', { list: record.paragraphs.map((n) => `¶${n}`).join(', ') }) : null,
                  record.threads > 0 ? t('live.meeting.record_threads', { count: record.threads }) : null,
                  record.polls > 0 ? t('live.meeting.record_polls', { count: record.polls }) : null,
                ]
                  .filter((part) => part !== null)
                  .join(' · ')}
              </p>
            )}
          </li>
        ))}
      </ul>
    </section>
  );

/** A meeting change that could not be made (a crafted or stale form): why, and the way back. */
export const MeetingErrorPage: FC<{ page: PageContext; message: string; back: string }> = ({ page, message, back }) => (
  <Layout page={page} title={page.t('live.meeting.error.title')}>
    <h1>{page.t('live.meeting.error.title')}</h1>
    <p role="alert" class="form-errors">
      {message}
    </p>
    <p>
      <a href={back}>{page.t('live.meeting.error.back')}</a>
    </p>
  </Layout>
);
