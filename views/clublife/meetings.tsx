/** Meetings: the list with the form to propose one, one meeting (time poll, RSVP, agenda), the calendar feed. */
import type { FC } from 'hono/jsx';
import type { AgendaView, LifeUi, MeetingSummary, MeetingView } from '../../src/clublife';
import type { FieldErrors } from '../../src/http/forms';
import type { MessageKey } from '../../src/i18n';
import type { PageContext } from '../context';
import { FormErrors } from '../layout';
import { Field, LifePage, type LifeFrame } from './parts';

export interface MeetingsPageProps {
  page: PageContext;
  ui: LifeUi;
  frame: LifeFrame;
  upcoming: MeetingSummary[];
  choosing: MeetingSummary[];
  past: MeetingSummary[];
  /** Cancelled meetings that had not happened yet (out of "upcoming", still listed). */
  cancelled: MeetingSummary[];
  canPropose: boolean;
  chapters: { id: number; label: string }[];
  feed: { active: boolean; newLink: string | null };
  notice?: MessageKey | null;
  values?: Record<string, string>;
  errors?: FieldErrors;
}

const MeetingList: FC<{ ui: LifeUi; items: MeetingSummary[] }> = ({ ui, items }) => (
  <ul class="meeting-list">
    {items.map((m) => (
      <li class={m.cancelled ? 'meeting-cancelled' : undefined}>
        <a href={m.href}>{m.title}</a>
        {m.cancelled && (
          <>
            {' '}
            <span class="badge badge-cancelled">{ui.t('clublife.meeting.cancelled_mark')}</span>
          </>
        )}
        {m.startsAt !== null && <span class="muted"> · {ui.when(m.startsAt)}</span>}
        {m.place && <span class="muted"> · {m.place}</span>}
      </li>
    ))}
  </ul>
);

/** The fields a meeting has whatever its time: title, place, call link (proposing and editing share them). */
const DetailFields: FC<{ t: LifeUi['t']; values: Record<string, string>; err: (k: string) => string | undefined }> = ({ t, values, err }) => (
  <>
    <Field id="meeting-title" label={t('clublife.meetings.field.title')} error={err('title')}>
      <input id="meeting-title" name="title" required maxlength={120} value={values.title ?? ''} aria-describedby={err('title') ? 'meeting-title-error' : undefined} />
    </Field>
    <Field id="meeting-place" label={t('clublife.meetings.field.place')} error={err('place')}>
      <input id="meeting-place" name="place" maxlength={200} value={values.place ?? ''} aria-describedby={err('place') ? 'meeting-place-error' : undefined} />
    </Field>
    <Field id="meeting-call" label={t('clublife.meetings.field.call_link')} error={err('callLink')}>
      <input id="meeting-call" name="callLink" type="url" maxlength={500} value={values.callLink ?? ''} aria-describedby={err('callLink') ? 'meeting-call-error' : undefined} />
    </Field>
  </>
);

/** Length and agenda chapter (proposing and editing share them). */
const LengthAndChapter: FC<{ t: LifeUi['t']; values: Record<string, string>; err: (k: string) => string | undefined; chapters: { id: number; label: string }[] }> = ({ t, values, err, chapters }) => (
  <>
    <Field id="meeting-duration" label={t('clublife.meetings.field.duration')} error={err('durationMinutes')}>
      <input id="meeting-duration" name="durationMinutes" type="number" min={15} max={600} value={values.durationMinutes ?? '90'} aria-describedby={err('durationMinutes') ? 'meeting-duration-error' : undefined} />
    </Field>
    {chapters.length > 0 && (
      <Field id="meeting-chapter" label={t('clublife.meetings.field.chapter')}>
        <select id="meeting-chapter" name="chapterId">
          <option value="">{t('clublife.meetings.no_chapter')}</option>
          {chapters.map((c) => (
            <option value={String(c.id)} selected={values.chapterId === String(c.id)}>
              {c.label}
            </option>
          ))}
        </select>
      </Field>
    )}
  </>
);

export const MeetingsPage: FC<MeetingsPageProps> = ({ page, ui, frame, upcoming, choosing, past, cancelled, canPropose, chapters, feed, notice, values = {}, errors = {} }) => {
  const { t } = page;
  const base = `/clubs/${frame.club.id}/meetings`;
  const err = (k: string) => (errors[k] ? t(errors[k]!) : undefined);
  const when = values.when === 'poll' ? 'poll' : 'fixed';
  return (
    <LifePage page={page} frame={frame} title={t('clublife.meetings.title')} section="meetings" notice={notice}>
      {upcoming.length + choosing.length + past.length + cancelled.length === 0 && <p class="muted">{t('clublife.meetings.none')}</p>}
      {upcoming.length > 0 && (
        <section>
          <h3>{t('clublife.meetings.upcoming')}</h3>
          <MeetingList ui={ui} items={upcoming} />
        </section>
      )}
      {choosing.length > 0 && (
        <section>
          <h3>{t('clublife.meetings.choosing')}</h3>
          <MeetingList ui={ui} items={choosing} />
        </section>
      )}
      {cancelled.length > 0 && (
        <section>
          <h3>{t('clublife.meetings.cancelled')}</h3>
          <MeetingList ui={ui} items={cancelled} />
        </section>
      )}
      {past.length > 0 && (
        <section>
          <h3>{t('clublife.meetings.past')}</h3>
          <MeetingList ui={ui} items={past} />
        </section>
      )}
      <FeedCard ui={ui} base={base} feed={feed} />
      {canPropose && (
        <form method="post" action={base} class="card stack" id="propose">
          <h3>{t('clublife.meetings.new')}</h3>
          <FormErrors page={page} errors={Object.values(errors).map((k) => t(k!))} />
          <DetailFields t={t} values={values} err={err} />
          <fieldset>
            <legend>{t('clublife.meetings.field.when')}</legend>
            <label class="choice">
              <input type="radio" name="when" value="fixed" checked={when === 'fixed'} /> {t('clublife.meetings.when.fixed')}
            </label>
            <Field id="meeting-starts" label={t('clublife.meetings.field.starts_at')} error={err('startsAt')}>
              <input id="meeting-starts" name="startsAt" type="datetime-local" value={values.startsAt ?? ''} />
            </Field>
            <label class="choice">
              <input type="radio" name="when" value="poll" checked={when === 'poll'} /> {t('clublife.meetings.when.poll')}
            </label>
            {[1, 2, 3, 4].map((n) => (
              <Field id={`meeting-slot-${n}`} label={t('clublife.meetings.field.slot', { n })} error={err(`slot_${n}`)}>
                <input id={`meeting-slot-${n}`} name={`slot_${n}`} type="datetime-local" value={values[`slot_${n}`] ?? ''} />
              </Field>
            ))}
            <p class="muted">{t('clublife.meetings.zone_note', { zone: ui.timeZone })}</p>
          </fieldset>
          <LengthAndChapter t={t} values={values} err={err} chapters={chapters} />
          <button type="submit">{t('clublife.meetings.create')}</button>
        </form>
      )}
    </LifePage>
  );
};

export const FeedCard: FC<{ ui: LifeUi; base: string; feed: { active: boolean; newLink: string | null } }> = ({ ui, base, feed }) => {
  const { t } = ui;
  return (
    <section class="card calendar-feed" id="feed" aria-labelledby="feed-title">
      <h3 id="feed-title">{t('clublife.feed.title')}</h3>
      <p class="muted">{t('clublife.feed.help', { zone: ui.timeZone })}</p>
      {feed.newLink && (
        <div role="status">
          <p>{t('clublife.feed.your_link')}</p>
          <p>
            <code class="feed-link">{feed.newLink.replace(/^webcal:/, 'https:')}</code>
          </p>
          <p>
            <a class="button" href={feed.newLink}>
              {t('clublife.feed.subscribe')}
            </a>
          </p>
        </div>
      )}
      {!feed.newLink && <p>{feed.active ? t('clublife.feed.active') : t('clublife.feed.none')}</p>}
      <form method="post" action={`${base}/feed`} class="inline-form">
        <button type="submit">{feed.active ? t('clublife.feed.rotate') : t('clublife.feed.create')}</button>
      </form>
      {feed.active && (
        <form method="post" action={`${base}/feed/revoke`} class="inline-form">
          <button type="submit" class="button-secondary">
            {t('clublife.feed.revoke')}
          </button>
        </form>
      )}
    </section>
  );
};

export const MeetingPage: FC<{ page: PageContext; ui: LifeUi; frame: LifeFrame; meeting: MeetingView; notice?: MessageKey | null; error?: MessageKey | null }> = ({ page, ui, frame, meeting, notice, error }) => {
  const { t } = page;
  return (
    <LifePage page={page} frame={frame} title={meeting.title} section="meetings" notice={notice}>
      {error && (
        <p class="flash flash-error" role="alert">
          {t(error)}
        </p>
      )}
      {meeting.cancellation && (
        <div class="card meeting-cancellation" id="cancelled">
          <p>
            <strong>{t('clublife.meeting.cancelled', { date: ui.when(meeting.cancellation.at) })}</strong>
          </p>
          {meeting.cancellation.reason && <p class="cancel-reason">{t('clublife.meeting.cancel_reason', { reason: meeting.cancellation.reason })}</p>}
          {meeting.canRestore && (
            <form method="post" action={`${meeting.href}/restore`} class="inline-form">
              <button type="submit" class="button-secondary">
                {t('clublife.meeting.restore')}
              </button>
            </form>
          )}
        </div>
      )}
      <dl class="meeting-facts">
        <dt>{t('clublife.meeting.when')}</dt>
        <dd>
          {meeting.startsAt !== null ? `${ui.when(meeting.startsAt)} (${t('clublife.meeting.minutes', { count: meeting.durationMinutes })})` : t('clublife.meeting.not_decided')}
        </dd>
        {meeting.place && (
          <>
            <dt>{t('clublife.meeting.where')}</dt>
            <dd>{meeting.place}</dd>
          </>
        )}
        {meeting.callLink && (
          <>
            <dt>{t('clublife.meeting.call')}</dt>
            <dd>
              <a href={meeting.callLink} rel="noopener noreferrer nofollow">
                {meeting.callLink}
              </a>
            </dd>
          </>
        )}
      </dl>
      {meeting.icsHref && (
        <p>
          <a href={meeting.icsHref} download>
            {t(meeting.cancellation ? 'clublife.meeting.download_ics_cancelled' : 'clublife.meeting.download_ics')}
          </a>
        </p>
      )}
      {(meeting.canEdit || meeting.canCancel) && (
        <p class="meeting-manage">
          <a href={`${meeting.href}/edit`}>{t('clublife.meeting.manage')}</a>
        </p>
      )}
      {meeting.slots.length > 0 && meeting.startsAt === null && <SlotPoll ui={ui} meeting={meeting} />}
      {meeting.startsAt !== null && <Rsvp ui={ui} meeting={meeting} />}
      <Agenda ui={ui} agenda={meeting.agenda} />
    </LifePage>
  );
};

const SlotPoll: FC<{ ui: LifeUi; meeting: MeetingView }> = ({ ui, meeting }) => {
  const { t } = ui;
  const action = `${meeting.href}/marks`;
  return (
    <section class="card slot-poll" id="slots" aria-labelledby="slots-title">
      <h3 id="slots-title">{t('clublife.slots.title')}</h3>
      <p class="muted">{t('clublife.slots.help')}</p>
      {meeting.tie && <p class="flash">{t('clublife.slots.tie')}</p>}
      <form method="post" action={action}>
        <ul class="slot-list">
          {meeting.slots.map((s) => (
            <li class={s.winner ? 'slot slot-best' : 'slot'}>
              <p>
                <strong>{ui.when(s.startsAt)}</strong> {s.winner && <span class="badge">{t('clublife.slots.best')}</span>}
              </p>
              <p class="muted">{t('clublife.slots.counts', { yes: s.yes, maybe: s.maybe, no: s.no })}</p>
              {meeting.canMark && (
                <fieldset class="slot-marks">
                  <legend class="visually-hidden">{t('clublife.slots.your_mark', { time: ui.when(s.startsAt) })}</legend>
                  {(['yes', 'maybe', 'no'] as const).map((m) => (
                    <label class="choice">
                      <input type="radio" name={`slot_${s.id}`} value={m} checked={s.mine === m} /> {t(`clublife.slots.mark.${m}`)}
                    </label>
                  ))}
                </fieldset>
              )}
            </li>
          ))}
        </ul>
        {meeting.canMark && <button type="submit">{t('clublife.slots.save')}</button>}
      </form>
      {meeting.canDecide &&
        meeting.slots.map((s) => (
          <form method="post" action={`${meeting.href}/decide`} class="inline-form">
            <input type="hidden" name="slotId" value={String(s.id)} />
            <button type="submit" class={s.winner ? undefined : 'button-secondary'}>
              {t('clublife.slots.decide')}: {ui.when(s.startsAt)}
            </button>
          </form>
        ))}
    </section>
  );
};

const Rsvp: FC<{ ui: LifeUi; meeting: MeetingView }> = ({ ui, meeting }) => {
  const { t } = ui;
  return (
    <section class="card rsvp" id="rsvp" aria-labelledby="rsvp-title">
      <h3 id="rsvp-title">{t(meeting.cancellation ? 'clublife.rsvp.title_closed' : 'clublife.rsvp.title')}</h3>
      <p class="rsvp-counts">{t('clublife.rsvp.counts', { going: meeting.rsvp.going, maybe: meeting.rsvp.maybe, not_going: meeting.rsvp.not_going })}</p>
      {meeting.going.length > 0 && <p class="muted">{t('clublife.rsvp.who_goes', { names: meeting.going.join(', ') })}</p>}
      {meeting.myRsvp && <p>{t('clublife.rsvp.yours', { answer: t(`clublife.rsvp.${meeting.myRsvp}`) })}</p>}
      {meeting.canRsvp && (
        <form method="post" action={`${meeting.href}/rsvp`} class="button-row">
          {(['going', 'maybe', 'not_going'] as const).map((a) => (
            <button type="submit" name="answer" value={a} class={meeting.myRsvp === a ? undefined : 'button-secondary'} aria-pressed={meeting.myRsvp === a ? 'true' : 'false'}>
              {t(`clublife.rsvp.${a}`)}
            </button>
          ))}
        </form>
      )}
    </section>
  );
};

export const Agenda: FC<{ ui: LifeUi; agenda: AgendaView | null }> = ({ ui, agenda }) => {
  const { t } = ui;
  if (!agenda) return <p class="muted">{t('clublife.agenda.none')}</p>;
  const chapter = agenda.chapterLabel;
  const empty = agenda.threads.length + agenda.hiddenThreads + agenda.polls.length + agenda.hiddenPolls + agenda.questions.length + agenda.hiddenQuestions === 0;
  return (
    <section class="card agenda" id="agenda" aria-labelledby="agenda-title">
      <h3 id="agenda-title">{t('clublife.agenda.title')}</h3>
      <p>
        <a href={agenda.chapterHref}>{t('clublife.agenda.chapter', { chapter })}</a>
      </p>
      {empty && <p class="muted">{t('clublife.agenda.empty')}</p>}
      {(agenda.threads.length > 0 || agenda.hiddenThreads > 0) && (
        <>
          <h4>{t('clublife.agenda.threads')}</h4>
          <ul class="agenda-threads">
            {agenda.threads.map((th) => (
              <li>
                <a href={th.href}>{th.excerpt}</a> <span class="muted">· {t('clublife.agenda.replies', { count: th.replies })}</span>
              </li>
            ))}
            {agenda.hiddenThreads > 0 && <li class="muted agenda-hidden">{t('clublife.agenda.hidden_threads', { count: agenda.hiddenThreads, chapter })}</li>}
          </ul>
        </>
      )}
      {(agenda.polls.length > 0 || agenda.hiddenPolls > 0) && (
        <>
          <h4>{t('clublife.agenda.polls')}</h4>
          <ul class="agenda-polls">
            {agenda.polls.map((p) => (
              <li>
                <a href={p.href}>{p.question}</a>{' '}
                <span class="muted">
                  ·{' '}
                  {p.leading === null
                    ? t('clublife.agenda.poll_hidden_result')
                    : p.leading.length > 0
                      ? t(p.closed ? 'clublife.agenda.poll_closed' : 'clublife.agenda.poll_leading', { options: p.leading.join(', ') })
                      : t('clublife.pick.no_votes')}
                </span>
              </li>
            ))}
            {agenda.hiddenPolls > 0 && <li class="muted agenda-hidden">{t('clublife.agenda.hidden_polls', { count: agenda.hiddenPolls, chapter })}</li>}
          </ul>
        </>
      )}
      {(agenda.questions.length > 0 || agenda.hiddenQuestions > 0) && (
        <>
          <h4>{t('clublife.agenda.questions')}</h4>
          <ul class="agenda-questions">
            {agenda.questions.map((q) => (
              <li>
                {q.body} <span class="muted">· {t('clublife.agenda.answers', { count: q.answers })}</span>
              </li>
            ))}
            {agenda.hiddenQuestions > 0 && <li class="muted agenda-hidden">{t('clublife.agenda.hidden_questions', { count: agenda.hiddenQuestions, chapter })}</li>}
          </ul>
        </>
      )}
    </section>
  );
};

export interface MeetingEditPageProps {
  page: PageContext;
  ui: LifeUi;
  frame: LifeFrame;
  meeting: MeetingView;
  chapters: { id: number; label: string }[];
  /** The form's values: the meeting's own, or what was sent. */
  values: Record<string, string>;
  errors?: FieldErrors;
  /** The cancellation form's reason and error, when it was refused. */
  cancel?: { reason: string; error: MessageKey | null };
}

/** A moderator's page for one meeting: change its details (and a fixed meeting's time), or cancel it with a reason. */
export const MeetingEditPage: FC<MeetingEditPageProps> = ({ page, ui, frame, meeting, chapters, values, errors = {}, cancel }) => {
  const { t } = page;
  const err = (k: string) => (errors[k] ? t(errors[k]!) : undefined);
  const fixed = meeting.startsAt !== null;
  return (
    <LifePage page={page} frame={frame} title={t('clublife.edit.title', { title: meeting.title })} section="meetings">
      <p>
        <a href={meeting.href}>{t('clublife.edit.back')}</a>
      </p>
      {meeting.canEdit && (
        <form method="post" action={`${meeting.href}/edit`} class="card stack" id="edit-meeting">
          <h3>{t('clublife.edit.details')}</h3>
          <FormErrors page={page} errors={Object.values(errors).map((k) => t(k!))} />
          <DetailFields t={t} values={values} err={err} />
          {fixed ? (
            <Field id="meeting-starts" label={t('clublife.meetings.field.starts_at')} error={err('startsAt')}>
              <input id="meeting-starts" name="startsAt" type="datetime-local" required value={values.startsAt ?? ''} aria-describedby={err('startsAt') ? 'meeting-starts-error meeting-zone' : 'meeting-zone'} />
            </Field>
          ) : (
            <p class="muted">{t('clublife.edit.slots_kept')}</p>
          )}
          {fixed && (
            <p class="muted" id="meeting-zone">
              {t('clublife.meetings.zone_note', { zone: ui.timeZone })} {t('clublife.edit.time_note')}
            </p>
          )}
          <LengthAndChapter t={t} values={values} err={err} chapters={chapters} />
          <button type="submit">{t('clublife.edit.save')}</button>
        </form>
      )}
      {meeting.canCancel && (
        <form method="post" action={`${meeting.href}/cancel`} class="card stack" id="cancel-meeting">
          <h3>{t('clublife.cancel.title')}</h3>
          <p class="muted">{t('clublife.cancel.help')}</p>
          <Field id="cancel-reason" label={t('clublife.cancel.reason')} error={cancel?.error ? t(cancel.error) : undefined}>
            <textarea id="cancel-reason" name="reason" rows={3} maxlength={500} aria-describedby={cancel?.error ? 'cancel-reason-error' : undefined}>
              {cancel?.reason ?? ''}
            </textarea>
          </Field>
          <button type="submit" class="button-danger">
            {t('clublife.cancel.submit')}
          </button>
        </form>
      )}
    </LifePage>
  );
};
