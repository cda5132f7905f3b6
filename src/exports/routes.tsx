/**
 * The exports area's pages and downloads.
 *
 *   GET  /account/annotations                         the member's exports and the import form
 *   GET  /account/annotations/export.jsonld?club=&page=  W3C AnnotationCollection (or its page N)
 *   GET  /account/annotations/export.md?club=         Markdown, one file per book (a zip for several)
 *   GET  /account/annotations/export.csv?club=        CSV (RFC 4180, BOM, formula-safe)
 *   POST /account/annotations/upload                  import a Web Annotation file as private notes
 *   GET  /clubs/:clubId/annotated-edition             the moderators' form
 *   GET  /clubs/:clubId/annotated-edition/print       the printable HTML (chapter=…&names=…)
 *   GET  /clubs/:clubId/annotated-edition/download.md the same as Markdown
 *
 * `club` absent means every club. A club the reader cannot see, or is not a member of, is 404
 * like one that does not exist. The import answers with its result page (200): re-sending it
 * imports nothing twice (a note already there is listed as such), so no stored state is
 * needed to redirect to.
 */
import { zipSync, strToU8 } from 'fflate';
import { Hono } from 'hono';
import type { Context } from 'hono';
import { transaction } from '../../db/connection';
import { AnnotatedEditionForm, AnnotatedEditionPage, ExportsPage, ImportResultPage } from '../../views/exports/pages';
import { insertComment } from '../annotations';
import { chapterOpensAt, chapterOpenTo, clubAccessOr404, currentReading, getReading, loadClubAccess } from '../clubs';
import { getEdition, listChapters, chapterName } from '../books';
import type { DomainEvent } from '../events';
import { notFound, tooManyRequests } from '../http/errors';
import { validateForm, type FieldErrors } from '../http/forms';
import { consumePosting, redirectToLogin, refuse } from '../http/guards';
import { formatBytes } from '../http/middleware';
import { pageContext, sendPage } from '../http/page';
import type { AppEnv, AreaDeps } from '../http/types';
import type { MessageKey } from '../i18n';
import { annotatedEditionMarkdown, bookFileName, bookMarkdown, notesByBook, notesCsv } from './documents';
import { anchorAnnotations, IMPORT_MAX_ANNOTATIONS, IMPORT_MAX_BYTES, parseUpload, type AnchoredNote, type ImportParagraph } from './import';
import { exportCan } from './policy';
import { annotatedEdition, exportLinks, ownNotes } from './present';
import { editionParagraphs, memberReadings, noteKey, ownNoteKeys } from './queries';
import type { ExportsPageView, ImportResultView, ImportTargetView, UnmatchedView } from './types';
import { clubParam, editionFormSchema, importFormSchema, pageParam, type EditionChoice } from './validation';
import { ANNO_MEDIA_TYPE, annotationCollection, annotationPage, pageCount } from './web-annotation';

type C = Context<AppEnv>;


/** `attachment; filename="ascii"; filename*=UTF-8''…` (RFC 6266), so Korean titles survive. */
function attachment(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

export function exportRoutes(deps: AreaDeps): Hono<AppEnv> {
  const { db, clock, config, events, rateLimiters } = deps;
  const origin = config.origin.replace(/\/$/, '');
  const app = new Hono<AppEnv>();

  /** The scope of `?club=`: null for everything; 404 for a club the reader is not a member of. */
  async function scopeOf(c: C): Promise<{ clubId: number | null; label: string }> {
    const club = clubParam(c.req.query('club'));
    if (club === 'invalid') throw notFound();
    if (club === null) return { clubId: null, label: c.get('t')('exports.collection.all') };
    const access = await loadClubAccess(db, club, c.get('user'));
    if (!exportCan(access, 'exportOwn')) throw notFound();
    return { clubId: club, label: access!.club.name };
  }

  function download(c: C, body: string | Uint8Array, type: string, filename: string) {
    c.header('Content-Type', type);
    c.header('Content-Disposition', attachment(filename));
    c.header('Cache-Control', 'no-store');
    c.header('X-Content-Type-Options', 'nosniff');
    return c.body(typeof body === 'string' ? body : (body as Uint8Array<ArrayBuffer>));
  }

  const stamp = () => new Date(clock()).toISOString().slice(0, 10);

  async function targetsOf(userId: number): Promise<ImportTargetView[]> {
    const targets: ImportTargetView[] = [];
    for (const row of await memberReadings(db, userId)) {
      if (!exportCan(await loadClubAccess(db, row.clubId, { id: userId }), 'importOwn')) continue;
      targets.push({ readingId: row.readingId, clubId: row.clubId, clubName: row.clubName, bookTitle: row.bookTitle, bookLanguage: row.bookLanguage, current: row.endedAt === null });
    }
    return targets;
  }

  async function pageView(c: C): Promise<ExportsPageView> {
    const user = c.get('user')!;
    const notes = await ownNotes(db, user, null, origin, c.get('t'));
    const counts = new Map<number, { name: string; count: number }>();
    for (const note of notes) counts.set(note.clubId, { name: note.clubName, count: (counts.get(note.clubId)?.count ?? 0) + 1 });
    const clubs: ExportsPageView['clubs'] = [];
    for (const [clubId, { name, count }] of counts) {
      if (exportCan(await loadClubAccess(db, clubId, user), 'exportOwn')) clubs.push({ clubId, clubName: name, noteCount: count, links: exportLinks(clubId) });
    }
    return { clubs, everything: exportLinks(null), noteCount: notes.length, targets: await targetsOf(user.id), maxImportBytes: IMPORT_MAX_BYTES, maxImportAnnotations: IMPORT_MAX_ANNOTATIONS };
  }

  const renderPage = async (c: C, values: { reading?: string } = {}, errors: FieldErrors = {}, status: 200 | 413 | 422 = 200) =>
    sendPage(c, <ExportsPage page={pageContext(c)} view={await pageView(c)} values={values} errors={errors} />, status);

  app.get('/account/annotations', (c) => {
    if (!c.get('user')) return redirectToLogin(c);
    return renderPage(c);
  });

  app.get('/account/annotations/export.jsonld', async (c) => {
    const user = c.get('user');
    if (!user) return redirectToLogin(c);
    const scope = await scopeOf(c);
    const page = pageParam(c.req.query('page'));
    if (page === 'invalid') throw notFound();
    const notes = await ownNotes(db, user, scope.clubId, origin, c.get('t'));
    const info = { id: `${origin}${exportLinks(scope.clubId).jsonld}`, label: c.get('t')('exports.collection.label', { scope: scope.label }) };
    if (page !== null && page > pageCount(notes.length)) throw notFound();
    const doc = page === null ? annotationCollection(notes, info) : annotationPage(notes, info, page);
    const name = `marginalia-annotations-${scope.clubId ?? 'all'}-${stamp()}${page !== null ? `-page-${page}` : ''}.jsonld`;
    return download(c, JSON.stringify(doc, null, 2), ANNO_MEDIA_TYPE, name);
  });

  app.get('/account/annotations/export.md', async (c) => {
    const user = c.get('user');
    if (!user) return redirectToLogin(c);
    const scope = await scopeOf(c);
    const t = c.get('t');
    const books = notesByBook(await ownNotes(db, user, scope.clubId, origin, t));
    if (books.length === 1) return download(c, bookMarkdown(books[0]!, t, clock()), 'text/markdown; charset=utf-8', bookFileName(books[0]![0]!, 'md'));
    // Several books (or none): one Markdown file per book in a zip.
    const files: Record<string, Uint8Array> = {};
    for (const notes of books) {
      let name = bookFileName(notes[0]!, 'md');
      for (let n = 2; name in files; n++) name = bookFileName({ ...notes[0]!, bookTitle: `${notes[0]!.bookTitle} (${n})` }, 'md');
      files[name] = strToU8(bookMarkdown(notes, t, clock()));
    }
    return download(c, zipSync(files), 'application/zip', `marginalia-annotations-${scope.clubId ?? 'all'}-${stamp()}.zip`);
  });

  app.get('/account/annotations/export.csv', async (c) => {
    const user = c.get('user');
    if (!user) return redirectToLogin(c);
    const scope = await scopeOf(c);
    const csv = notesCsv(await ownNotes(db, user, scope.clubId, origin, c.get('t')), c.get('t'));
    return download(c, csv, 'text/csv; charset=utf-8; header=present', `marginalia-annotations-${scope.clubId ?? 'all'}-${stamp()}.csv`);
  });

  app.post('/account/annotations/upload', async (c) => {
    const user = c.get('user');
    if (!user) return redirectToLogin(c, '/account/annotations');
    const t = c.get('t');
    const body = await c.req.parseBody({ all: false });
    const reading = typeof body.reading === 'string' ? body.reading : '';
    const values = { reading };
    const parsed = validateForm(importFormSchema, { reading });
    const target = parsed.ok ? (await targetsOf(user.id)).find((row) => row.readingId === parsed.data.reading) : undefined;
    const errors: Record<string, string> = {};
    if (!target) errors.reading = t('exports.import.error.reading');
    const file = body.file;
    if (!(file instanceof File) || file.name === '' ) errors.file = t('exports.import.error.file_missing');
    else if (file.size > IMPORT_MAX_BYTES) errors.file = t('exports.import.error.too_large', { size: formatBytes(file.size), limit: formatBytes(IMPORT_MAX_BYTES) });
    let upload: ReturnType<typeof parseUpload> | null = null;
    if (!errors.file && file instanceof File) {
      let text: string | null = null;
      try {
        text = new TextDecoder('utf-8', { fatal: true }).decode(await file.arrayBuffer());
      } catch {
        errors.file = t('exports.import.error.not_utf8');
      }
      if (text !== null) {
        upload = parseUpload(text);
        if (!upload.ok) errors.file = t(upload.error);
      }
    }
    if (Object.keys(errors).length > 0 || !target || !upload || !upload.ok) {
      return sendPage(c, <ExportsPage page={pageContext(c)} view={await pageView(c)} values={values} errors={{}} messages={errors} />, 422);
    }

    const readingRow = (await getReading(db, target.clubId, target.readingId))!;
    const access = (await loadClubAccess(db, target.clubId, user))!;
    const paragraphs: ImportParagraph[] = await editionParagraphs(db, readingRow.editionId);
    const bySource = new Map(paragraphs.map((p) => [`${origin}/books/${readingRow.editionId}/chapters/${p.chapterOrdinal}#p-${p.ordinal}`, p]));
    const { anchored, unmatched } = anchorAnnotations(upload.annotations, paragraphs, (source) => bySource.get(source));

    // What may be written: chapters open to the member now, and nothing they already have.
    const now = clock();
    const openChapters = new Map<number, boolean>();
    const isOpen = async (chapterId: number) => {
      if (!openChapters.has(chapterId)) openChapters.set(chapterId, chapterOpenTo(access, await chapterOpensAt(db, readingRow.id, chapterId), now));
      return openChapters.get(chapterId)!;
    };
    const existing = await ownNoteKeys(db, user.id, readingRow.id);
    const toWrite: AnchoredNote[] = [];
    for (const note of anchored) {
      const key = noteKey(note.paragraph.id, note.passage?.start ?? null, note.passage?.end ?? null, note.body);
      if (!(await isOpen(note.paragraph.chapterId))) unmatched.push({ index: note.index, reason: 'closed', exact: note.passage?.exact ?? note.paragraph.text, body: note.body });
      else if (existing.has(key)) unmatched.push({ index: note.index, reason: 'duplicate', exact: note.passage?.exact ?? note.paragraph.text, body: note.body });
      else {
        existing.add(key);
        toWrite.push(note);
      }
    }
    if (toWrite.length > 0) {
      // The club's posting rules (a mute, slow mode, young accounts) apply as to writing one
      // note by hand, then the import counts once against the posting limit.
      const refusal = await c.get('postingGate')?.({ user, clubId: target.clubId, kind: 'comment', now });
      if (refusal) throw tooManyRequests(refusal.seconds);
      await consumePosting(c, rateLimiters.postingPerUser, now);
    }
    const written = await transaction(db, async (tx) => {
      const rows = [];
      for (const note of toWrite) {
        const facts = { clubId: target.clubId, readingId: readingRow.id, chapterId: note.paragraph.chapterId, paragraphId: note.paragraph.id, anchorPosition: note.paragraph.position, authorId: user.id, visibility: 'private' as const };
        const id = await insertComment(tx, { ...facts, parentId: null, rootId: null, quotedText: null, body: note.body, createdAt: now, passage: note.passage });
        rows.push({ ...facts, commentId: id, rootId: id });
      }
      return rows;
    });
    for (const facts of written) await events.publish({ type: 'comment.posted', actorId: user.id, ...facts, parentId: null } satisfies DomainEvent);

    const edition = (await getEdition(db, readingRow.editionId))!;
    const excerpt = (s: string, max: number) => (s.length > max ? `${s.slice(0, max - 1)}…` : s);
    const view: ImportResultView = {
      clubId: target.clubId,
      clubName: target.clubName,
      bookTitle: edition.title,
      bookLanguage: edition.language,
      imported: written.length,
      total: upload.annotations.length,
      declaredTotal: upload.declaredTotal,
      unmatched: unmatched
        .sort((a, b) => a.index - b.index)
        .map((row): UnmatchedView => ({ index: row.index, reason: row.reason, exact: row.exact === null ? null : excerpt(row.exact, 200), bodyExcerpt: excerpt(row.body, 300) })),
    };
    return sendPage(c, <ImportResultPage page={pageContext(c)} view={view} readingHref={readingRow.endedAt === null ? `/clubs/${target.clubId}` : `/clubs/${target.clubId}/readings/${readingRow.id}`} />);
  });

  // ---- the club's annotated edition (moderators)

  async function editionAccess(c: C) {
    const access = await clubAccessOr404(deps, c.req.param('clubId'), c.get('user'));
    const readingParam = c.req.query('reading');
    const reading = readingParam ? (/^[1-9]\d{0,15}$/.test(readingParam) ? await getReading(db, access.club.id, Number(readingParam)) : undefined) : await currentReading(db, access.club.id);
    if (!reading) throw notFound();
    return { access, reading };
  }

  type EditionAccess = Awaited<ReturnType<typeof editionAccess>>;

  async function formView(c: C, access: EditionAccess['access'], reading: EditionAccess['reading'], values: { chapter: string; names: string }) {
    const t = c.get('t');
    const edition = (await getEdition(db, reading.editionId))!;
    const chapters = await listChapters(db, reading.editionId);
    return {
      clubId: access.club.id,
      clubName: access.club.name,
      bookTitle: edition.title,
      readingId: reading.id,
      current: reading.endedAt === null,
      chapters: chapters.map((chapter) => ({ ordinal: chapter.ordinal, name: chapterName(t, chapter) })),
      values,
    };
  }

  /** The choices of the form, checked; or the form again with its errors (422). */
  async function editionChoice(c: C, access: EditionAccess['access'], reading: EditionAccess['reading']) {
    const values = { chapter: c.req.query('chapter') ?? '', names: c.req.query('names') ?? '' };
    const parsed = validateForm(editionFormSchema, values);
    const chapters = await listChapters(db, reading.editionId);
    let errors: FieldErrors = parsed.ok ? {} : parsed.errors;
    const chosen = parsed.ok ? (parsed.data.chapter === 'all' ? chapters : chapters.filter((ch) => String(ch.ordinal) === parsed.data.chapter)) : [];
    if (parsed.ok && chosen.length === 0) errors = { chapter: 'exports.error.chapter' as MessageKey };
    if (Object.keys(errors).length > 0) return { refused: sendPage(c, <AnnotatedEditionForm page={pageContext(c)} view={await formView(c, access, reading, values)} errors={errors} />, 422) } as const;
    return { choice: parsed.ok ? (parsed.data as EditionChoice) : null, chapters: chosen } as const;
  }

  app.get('/clubs/:clubId/annotated-edition', async (c) => {
    const { access, reading } = await editionAccess(c);
    if (!exportCan(access, 'annotatedEdition')) return refuse(c);
    return sendPage(c, <AnnotatedEditionForm page={pageContext(c)} view={await formView(c, access, reading, { chapter: 'all', names: 'names' })} errors={{}} />);
  });

  app.get('/clubs/:clubId/annotated-edition/print', async (c) => {
    const { access, reading } = await editionAccess(c);
    if (!exportCan(access, 'annotatedEdition')) return refuse(c);
    const chosen = await editionChoice(c, access, reading);
    if ('refused' in chosen) return chosen.refused;
    const view = await annotatedEdition(db, { access, reading, chapters: chosen.chapters, anonymised: chosen.choice!.names === 'anonymous', now: clock(), t: c.get('t') });
    c.header('Cache-Control', 'no-store');
    return sendPage(c, <AnnotatedEditionPage page={pageContext(c)} view={view} backHref={`/clubs/${access.club.id}/annotated-edition${reading.endedAt === null ? '' : `?reading=${reading.id}`}`} />);
  });

  app.get('/clubs/:clubId/annotated-edition/download.md', async (c) => {
    const { access, reading } = await editionAccess(c);
    if (!exportCan(access, 'annotatedEdition')) return refuse(c);
    const chosen = await editionChoice(c, access, reading);
    if ('refused' in chosen) return chosen.refused;
    const t = c.get('t');
    const view = await annotatedEdition(db, { access, reading, chapters: chosen.chapters, anonymised: chosen.choice!.names === 'anonymous', now: clock(), t });
    const part = chosen.chapters.length === 1 ? `-${chosen.chapters[0]!.ordinal}` : '';
    return download(c, annotatedEditionMarkdown(view, t), 'text/markdown; charset=utf-8', bookFileName({ bookTitle: `${view.bookTitle}${part}`, editionId: reading.editionId }, 'md'));
  });

  return app;
}
