/** The shelf: finished readings, each member's own mark, and simple statistics. */
import type { FC } from 'hono/jsx';
import type { LifeUi, ShelfEntryView, ShelfView } from '../../src/clublife';
import type { MessageKey } from '../../src/i18n';
import type { PageContext } from '../context';
import { LifePage, type LifeFrame } from './parts';

export const ShelfPage: FC<{ page: PageContext; ui: LifeUi; frame: LifeFrame; shelf: ShelfView; notice?: MessageKey | null; error?: { readingId: number; key: MessageKey } | null }> = ({ page, ui, frame, shelf, notice, error }) => {
  const { t } = page;
  return (
    <LifePage page={page} frame={frame} title={t('clublife.shelf.title')} section="shelf" notice={notice}>
      {shelf.entries.length === 0 && <p class="muted">{t('clublife.shelf.none')}</p>}
      {shelf.entries.length > 0 && (
        <section class="card shelf-stats" aria-labelledby="shelf-stats-title">
          <h3 id="shelf-stats-title">{t('clublife.shelf.stats')}</h3>
          <p>{t('clublife.shelf.per_year')}</p>
          <ul>
            {shelf.perYear.map((y) => (
              <li>{t('clublife.shelf.year_count', { count: y.count, year: String(y.year) })}</li>
            ))}
          </ul>
          <p>{shelf.average === null ? t('clublife.shelf.no_rating') : t('clublife.shelf.overall', { rating: shelf.average })}</p>
        </section>
      )}
      <ul class="shelf">
        {shelf.entries.map((e) => (
          <ShelfEntry ui={ui} entry={e} clubId={frame.club.id} error={error && error.readingId === e.readingId ? error.key : null} />
        ))}
      </ul>
    </LifePage>
  );
};

const ShelfEntry: FC<{ ui: LifeUi; entry: ShelfEntryView; clubId: number; error: MessageKey | null }> = ({ ui, entry, clubId, error }) => {
  const { t } = ui;
  const id = entry.readingId;
  return (
    <li class="card shelf-entry" id={`shelf-${id}`}>
      <h3>{entry.title}</h3>
      {entry.author && <p class="muted">{entry.author}</p>}
      <p class="muted">{t('clublife.shelf.dates', { start: ui.day(entry.startedAt), end: ui.day(entry.endedAt) })}</p>
      <p>
        {t('clublife.shelf.finished', { count: entry.finishedCount })} · {entry.average === null ? t('clublife.shelf.no_rating') : t('clublife.shelf.average', { rating: entry.average })}
      </p>
      {entry.marks.length > 0 && (
        <>
          <h4>{t('clublife.shelf.who')}</h4>
          <ul class="shelf-marks">
            {entry.marks.map((m) => (
              <li>
                <strong>{m.name}</strong>: {t(`clublife.shelf.mark.${m.mark}`)}
                {m.rating !== null && <> · {t('clublife.shelf.stars', { rating: m.rating })}</>}
                {m.line && <> · {m.line}</>}
              </li>
            ))}
          </ul>
        </>
      )}
      {entry.hiddenMarks > 0 && <p class="muted">{t('clublife.shelf.hidden_marks', { count: entry.hiddenMarks })}</p>}
      {entry.canMark && (
        <form method="post" action={`/clubs/${clubId}/shelf/${id}/mark`} class="stack shelf-form">
          {error && (
            <p class="flash flash-error" role="alert">
              {t(error)}
            </p>
          )}
          <fieldset>
            <legend>{t('clublife.shelf.field.mark')}</legend>
            {(['all', 'partly', 'not'] as const).map((m) => (
              <label class="choice">
                <input type="radio" name="mark" value={m} checked={entry.mine?.mark === m} required /> {t(`clublife.shelf.mark.${m}`)}
              </label>
            ))}
          </fieldset>
          <label for={`rating-${id}`}>{t('clublife.shelf.field.rating')}</label>
          <select id={`rating-${id}`} name="rating">
            <option value="">{t('clublife.shelf.no_rating_choice')}</option>
            {[1, 2, 3, 4, 5].map((r) => (
              <option value={String(r)} selected={entry.mine?.rating === r}>
                {t('clublife.shelf.stars', { rating: r })}
              </option>
            ))}
          </select>
          <label for={`line-${id}`}>{t('clublife.shelf.field.line')}</label>
          <input id={`line-${id}`} name="line" maxlength={300} value={entry.mine?.line ?? ''} />
          <button type="submit">{t('clublife.shelf.save')}</button>
        </form>
      )}
    </li>
  );
};
