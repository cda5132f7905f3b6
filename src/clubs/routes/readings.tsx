/**
 * The book a club reads: choosing it, a reading's page (contents, dates, my progress), and its
 * schedule of chapter openings.
 *
 *   GET  /clubs/:id/readings/new                      choose a book (moderators)
 *   POST /clubs/:id/readings                          start reading it
 *   GET  /clubs/:id/readings/:readingId               a reading's contents
 *   GET  /clubs/:id/readings/:readingId/schedule      the schedule form (moderators)
 *   POST /clubs/:id/readings/:readingId/schedule      set or clear opening dates
 */
import { Hono } from 'hono';
import { PickBookPage, ReadingPage, SchedulePage } from '../../../views/clubs/reading';
import type { Reading } from '../../../db/schema';
import { getEdition, listChapters, listLibrary } from '../../books';
import { readForm, validateForm, type FieldErrors, type FormData, readValidForm } from '../../http/forms';
import { refuse } from '../../http/guards';
import { pageContext, seeOther, sendPage } from '../../http/page';
import type { AppEnv } from '../../http/types';
import type { MessageKey } from '../../i18n';
import { toDateTimeLocalValue } from '../../i18n/zoned-time';
import { currentReading, progressOf, type ClubAccess } from '../access';
import { clubCan } from '../policy';
import { chapterLabel, chapterRows, clubFrame, clubHeader, continueLink } from '../present';
import { scheduleOf, startReading, writeSchedule } from '../queries';
import { bookFraction, percent, planOpenings, scheduleFormDefaults } from '../reading';
import { pickBookSchema, scheduleSchema } from '../validation';
import { accessOr404, permittedOr, dates, errorKeys, idParam, readingOr404, type ClubRouteDeps, type Ctx } from './shared';

export function readingRoutes({ deps }: ClubRouteDeps): Hono<AppEnv> {
  const { db, clock, events } = deps;
  const app = new Hono<AppEnv>();

  async function renderPick(c: Ctx, access: ClubAccess, error: MessageKey | null, preselected: number | null, status: 200 | 422 = 200) {
    const current = await currentReading(db, access.club.id);
    const header = await clubHeader(db, access, current ?? null);
    // An edition just uploaded for the club (`?edition=`) comes first, ready to confirm.
    const library = [...(await listLibrary(db))].sort((a, b) => Number(b.editionId === preselected) - Number(a.editionId === preselected)).map((row) => ({
      editionId: row.editionId,
      title: row.title,
      author: row.author,
      language: row.language,
      chapterCount: row.chapterCount,
      paragraphCount: row.paragraphCount,
    }));
    return sendPage(
      c,
      <PickBookPage
        page={pageContext(c)}
        {...header}
        currentEditionId={current?.editionId ?? null}
        library={library}
        preselected={preselected}
        error={error}
      />,
      status,
    );
  }

  app.get('/clubs/:id/readings/new', async (c) => {
    const access = await permittedOr(deps, c, 'pickBook');
    if (access instanceof Response) return access;
    const preselected = idParam(c.req.query('edition'));
    return renderPick(c, access, null, Number.isNaN(preselected) ? null : preselected);
  });

  app.post('/clubs/:id/readings', async (c) => {
    const access = await permittedOr(deps, c, 'pickBook');
    if (access instanceof Response) return access;
    const parsed = validateForm(pickBookSchema, await readForm(c));
    const edition = parsed.ok ? await getEdition(db, parsed.data.editionId) : undefined;
    if (!edition) return renderPick(c, access, 'clubs.error.edition', null, 422);
    const started = await startReading(deps, access.club.id, edition.id, clock());
    if (started.changed) await events.publish({ type: 'reading.started', actorId: access.userId, clubId: access.club.id, readingId: started.reading.id, editionId: edition.id });
    return seeOther(c, `/clubs/${access.club.id}?done=book`);
  });

  app.get('/clubs/:id/readings/:readingId', async (c) => {
    const access = await accessOr404(deps, c);
    const reading = await readingOr404(deps, access, c.req.param('readingId'));
    const edition = (await getEdition(db, reading.editionId))!;
    const now = clock();
    const { format } = dates(c);
    const [chapters, schedule, progress, frame] = await Promise.all([
      listChapters(db, edition.id),
      scheduleOf(db, reading.id),
      access.isMember ? progressOf(db, reading.id, access.userId) : 0,
      clubFrame(db, access),
    ]);
    return sendPage(
      c,
      <ReadingPage
        page={pageContext(c)}
        view={{
          ...frame,
          reading: {
            id: reading.id,
            title: edition.title,
            author: edition.author,
            language: edition.language,
            startedAtText: format(reading.startedAt),
            endedAtText: reading.endedAt === null ? null : format(reading.endedAt),
          },
          myBookPercent: access.isMember ? percent(bookFraction(progress, edition.paragraphCount)) : null,
          continueLink: continueLink({ access, reading, chapters, schedule, progress, now, t: c.get('t') }),
          chapters: chapterRows({ access, reading, chapters, schedule, progress, now, format, t: c.get('t') }),
          canSetSchedule: clubCan(access, 'setSchedule'),
        }}
      />,
    );
  });

  async function renderSchedule(c: Ctx, access: ClubAccess, reading: Reading, values: FormData, errors: FieldErrors, status: 200 | 422 = 200) {
    const edition = (await getEdition(db, reading.editionId))!;
    const { format, timeZone } = dates(c);
    const [schedule, chapters, header] = await Promise.all([scheduleOf(db, reading.id), listChapters(db, edition.id), clubHeader(db, access)]);
    // A fresh form offers the next run to date (after saving one: the chapters after it).
    const shown = Object.keys(values).length > 0 ? values : scheduleFormDefaults(chapters.map((chapter) => ({ ordinal: chapter.ordinal, kind: chapter.kind, opensAt: schedule.get(chapter.id) ?? null })), timeZone);
    const rows = chapters.map((chapter) => {
      const opensAt = schedule.get(chapter.id) ?? null;
      return {
        ordinal: chapter.ordinal,
        title: chapterLabel(c.get('t'), chapter),
        opensAtText: opensAt === null ? null : format(opensAt),
        opensAtValue: opensAt === null ? '' : toDateTimeLocalValue(opensAt, timeZone),
      };
    });
    return sendPage(
      c,
      <SchedulePage
        page={pageContext(c)}
        {...header}
        reading={{ id: reading.id, title: edition.title, language: edition.language }}
        rows={rows}
        timeZone={timeZone}
        values={shown}
        errors={errorKeys(errors)}
        saved={c.req.query('saved') === '1' && status === 200}
      />,
      status,
    );
  }

  app.get('/clubs/:id/readings/:readingId/schedule', async (c) => {
    const access = await accessOr404(deps, c);
    const reading = await readingOr404(deps, access, c.req.param('readingId'));
    if (!clubCan(access, 'setSchedule')) return refuse(c, `/clubs/${access.club.id}`);
    return renderSchedule(c, access, reading, {}, {});
  });

  app.post('/clubs/:id/readings/:readingId/schedule', async (c) => {
    const access = await accessOr404(deps, c);
    const reading = await readingOr404(deps, access, c.req.param('readingId'));
    if (!clubCan(access, 'setSchedule')) return refuse(c, `/clubs/${access.club.id}`);
    const { form, parsed } = await readValidForm(c, scheduleSchema);
    if (!parsed.ok) return renderSchedule(c, access, reading, form, parsed.errors, 422);
    const chapters = await listChapters(db, reading.editionId);
    const { fromOrdinal, toOrdinal } = parsed.data;
    if (fromOrdinal > chapters.length) return renderSchedule(c, access, reading, form, { fromOrdinal: 'clubs.error.schedule_chapter' }, 422);
    if (toOrdinal > chapters.length) return renderSchedule(c, access, reading, form, { toOrdinal: 'clubs.error.schedule_chapter' }, 422);
    if (fromOrdinal > toOrdinal) return renderSchedule(c, access, reading, form, { toOrdinal: 'clubs.error.schedule_order' }, 422);
    const byOrdinal = new Map(chapters.map((chapter) => [chapter.ordinal, chapter.id]));
    if (parsed.data.action === 'clear') {
      const entries = chapters.filter((chapter) => chapter.ordinal >= fromOrdinal && chapter.ordinal <= toOrdinal).map((chapter) => ({ chapterId: chapter.id, opensAt: null }));
      await writeSchedule(deps, reading.id, entries);
    } else {
      const plan = planOpenings({ fromOrdinal, toOrdinal, startsAt: parsed.data.opensAt, everyDays: parsed.data.everyDays, timeZone: dates(c).timeZone });
      if (!plan) return renderSchedule(c, access, reading, form, { opensAt: 'clubs.error.schedule_date' }, 422);
      await writeSchedule(
        deps,
        reading.id,
        plan.map((entry) => ({ chapterId: byOrdinal.get(entry.ordinal)!, opensAt: entry.opensAt })),
      );
    }
    const chapterIds = chapters.filter((chapter) => chapter.ordinal >= fromOrdinal && chapter.ordinal <= toOrdinal).map((chapter) => chapter.id);
    await events.publish({ type: 'chapters.scheduled', actorId: access.userId, clubId: access.club.id, readingId: reading.id, chapterIds });
    return seeOther(c, `/clubs/${access.club.id}/readings/${reading.id}/schedule?saved=1`);
  });

  return app;
}
