/**
 * A chapter of a club's reading, and the reader's progress through it. The page is composed
 * from what other areas contribute (`../slots.ts`): margins, blocks after the text, panels.
 *
 *   GET  /clubs/:id/chapters/:ordinal                          a chapter of the current reading
 *   GET  /clubs/:id/readings/:readingId/chapters/:ordinal      a chapter of any reading
 *   POST /clubs/:id/readings/:readingId/progress               move my progress (progress.js, or the margin buttons)
 */
import { Hono } from 'hono';
import { ClubChapterPage, ProgressBox, type ChapterProgressView } from '../../../views/clubs/chapter';
import type { Reading } from '../../../db/schema';
import { getChapterByOrdinal, getEdition, listParagraphs } from '../../books';
import { notFound } from '../../http/errors';
import { isHtmx, readForm, validateForm } from '../../http/forms';
import { refuse } from '../../http/guards';
import { pageContext, seeOther, sendFragment, sendHtml, sendPersonalPage } from '../../http/page';
import type { AppEnv } from '../../http/types';
import { chapterOpensAt, currentReading, type ClubAccess } from '../access';
import { chapterOpenTo, clubCan } from '../policy';
import { chapterBasePath, chapterLabel, clubFrame } from '../present';
import { bookFraction, chapterFraction, percent } from '../reading';
import { chapterProgressFor, moveProgress } from '../reading-progress';
import { chapterContextFor, mergeDecorators, type ClubChapterContext, type ParagraphDecorator } from '../slots';
import { progressSchema } from '../validation';
import { accessOr404, dates, documentHtml, idParam, messagePage, readingOr404, type ClubRouteDeps, type Ctx } from './shared';

export function chapterRoutes({ deps, pages }: ClubRouteDeps): Hono<AppEnv> {
  const { db, clock, events } = deps;
  const app = new Hono<AppEnv>();

  /**
   * A chapter page. Signed-in readers get it through the personal page cache (after the access
   * checks above have passed); visitors and htmx requests are rendered every time.
   */
  async function sendChapter(c: Ctx, access: ClubAccess, reading: Reading, ordinalParam: string | undefined) {
    const user = c.get('user');
    if (!user || isHtmx(c)) return sendHtml(c, await renderChapter(c, access, reading, ordinalParam));
    // What decided this page before the cache (club access, the reading) is read from the database
    // only, so an unchanged database may answer the same request again (src/http/warm-answers.ts).
    return sendPersonalPage(c, deps.pageCache!, { userId: user.id, clubId: access.club.id }, clock(), async () => renderChapter(c, access, reading, ordinalParam), '', { remember: true });
  }

  async function renderChapter(c: Ctx, access: ClubAccess, reading: Reading, ordinalParam: string | undefined): Promise<string> {
    const user = c.get('user');
    const t = c.get('t');
    const now = clock();
    const { format, timeZone } = dates(c);
    const edition = (await getEdition(db, reading.editionId))!;
    const chapter = await getChapterByOrdinal(db, edition.id, idParam(ordinalParam));
    if (!chapter) throw notFound();
    const opensAt = await chapterOpensAt(db, reading.id, chapter.id);
    const open = chapterOpenTo(access, opensAt, now);
    const closedToMembers = opensAt !== null && opensAt > now;
    const paragraphs = open ? await listParagraphs(db, chapter.id) : [];
    const context = await chapterContextFor({ deps, access, viewer: user, reading, chapter, paragraphs, t, locale: c.get('locale'), timeZone, now });
    const { progress, chapterBasePath: basePath } = context;
    // Other areas contribute only to a chapter the reader may read (see ../slots.ts); each may
    // read the database first, so all of them are awaited before anything is rendered.
    const contributions = open ? await Promise.all(pages.chapter.map((contribute) => contribute(context))) : [];
    const margins = contributions.map((slots) => slots.margin).filter((margin): margin is ParagraphDecorator => margin !== undefined);
    const neighbour = async (ordinal: number) => {
      const other = await getChapterByOrdinal(db, edition.id, ordinal);
      return other ? { href: `${basePath}/${other.ordinal}`, title: chapterLabel(t, other) } : null;
    };
    const [prev, next, frame] = await Promise.all([neighbour(chapter.ordinal - 1), neighbour(chapter.ordinal + 1), clubFrame(db, access)]);
    const progressView: ChapterProgressView | null = clubCan(access, 'recordProgress')
      ? await chapterProgressFor({ deps, access, reading, edition, chapter, paragraphs, progress, preview: closedToMembers, t, openedByProgress: pages.openedByProgress })
      : null;
    const scripts = [...(open && progressView ? ['progress.js', 'reader.js', 'paragraph-actions.js'] : []), ...contributions.flatMap((slots) => slots.scripts ?? [])];
    return documentHtml(
      <ClubChapterPage
        page={pageContext(c)}
        view={{
          ...frame,
          reading: { id: reading.id, title: edition.title, language: edition.language, direction: edition.direction, href: `/clubs/${access.club.id}/readings/${reading.id}` },
          chapter: { ordinal: chapter.ordinal, title: chapterLabel(t, chapter) },
          open,
          opensAtText: opensAt === null ? null : format(opensAt),
          moderatorPreview: open && closedToMembers,
          paragraphs,
          decorate: margins.length > 0 ? mergeDecorators(margins) : () => undefined,
          beforeText: contributions.map((slots) => slots.beforeText),
          afterText: contributions.map((slots) => slots.afterText),
          panels: contributions.map((slots) => slots.panels),
          progress: progressView,
          prev,
          next,
          scripts,
        }}
      />,
    );
  }

  app.get('/clubs/:id/chapters/:ordinal', async (c) => {
    const access = await accessOr404(deps, c);
    const reading = await currentReading(db, access.club.id);
    if (!reading) throw notFound();
    return sendChapter(c, access, reading, c.req.param('ordinal'));
  });

  app.get('/clubs/:id/readings/:readingId/chapters/:ordinal', async (c) => {
    const access = await accessOr404(deps, c);
    const reading = await readingOr404(deps, access, c.req.param('readingId'));
    return sendChapter(c, access, reading, c.req.param('ordinal'));
  });

  // ------------------------------------------------------------ reading progress

  app.post('/clubs/:id/readings/:readingId/progress', async (c) => {
    const access = await accessOr404(deps, c);
    const reading = await readingOr404(deps, access, c.req.param('readingId'));
    if (!clubCan(access, 'recordProgress')) return refuse(c, `/clubs/${access.club.id}`);
    const form = await readForm(c);
    const back = `/clubs/${access.club.id}/readings/${reading.id}`;
    const parsed = validateForm(progressSchema, form);
    if (!parsed.ok) return messagePage(c, 'clubs.error.position', back);
    const moved = await moveProgress(deps, access, reading, { position: parsed.data.position, mode: parsed.data.mode, form });
    if (!moved.ok) {
      if (moved.reason === 'preview' || moved.reason === 'skip') return messagePage(c, moved.reason === 'preview' ? 'clubs.error.progress_preview' : 'clubs.error.progress_skip', back, 409);
      return messagePage(c, moved.reason === 'position' ? 'clubs.error.position' : 'clubs.error.position_closed', back);
    }
    const { stored, chapter, edition } = moved;
    const now = clock();
    if (isHtmx(c)) {
      const shown = (await getChapterByOrdinal(db, edition.id, idParam(form.chapter))) ?? chapter;
      const shownOpensAt = await chapterOpensAt(db, reading.id, shown.id);
      const progress = await chapterProgressFor({ deps, access, reading, edition, chapter: shown, paragraphs: [], progress: stored, preview: shownOpensAt !== null && shownOpensAt > now, t: c.get('t') });
      return sendFragment(c, <ProgressBox page={pageContext(c)} progress={progress} />);
    }
    const paragraphOrdinal = parsed.data.position - chapter.firstPosition + 1;
    return seeOther(c, `${chapterBasePath(access.club.id, reading)}/${chapter.ordinal}#p-${paragraphOrdinal}`);
  });

  return app;
}
