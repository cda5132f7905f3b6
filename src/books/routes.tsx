/**
 * Routes of the books area: the library, a book's page, the library reader, and uploading a
 * book (form → preview → confirm or cancel). Decisions come from `./policy`, data from
 * `./queries`, `./store` and `./uploads`; views receive plain data.
 *
 *   GET  /library                          every book and edition
 *   GET  /books/:editionId                 a book: details, contents tree, continue reading
 *   GET  /books/:editionId/chapters/:n     a chapter (its text cached per chapter, see render-cache)
 *   POST /books/:editionId/bookmark        the reader's place (reader.js, or a plain form)
 *   POST /reader/font                      text size step −2…+3 (account, or a cookie when signed out)
 *   GET  /library/upload[?club=ID]         upload form (site admin, club owners and moderators)
 *   POST /library/upload                   parse → pending upload → 303 to its preview
 *   GET  /library/uploads/:id              preview (uploader only; 24 h)
 *   POST /library/uploads/:id/confirm      import → book page; for a club: the club reads it, → club home
 *   POST /library/uploads/:id/cancel       forget the upload
 */
import { Hono, type Context } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import type { Paragraph } from '../../db/schema';
import { inTransaction } from '../../db/connection';
import { BookPage } from '../../views/books/book';
import { ChapterPage } from '../../views/books/chapter';
import { ChapterText } from '../../views/books/chapter-text';
import { LibraryPage, type LibraryBookView } from '../../views/books/library';
import { PreviewPage, UploadPage, type UploadFormView } from '../../views/books/upload';
import { FONT_STEPS } from '../../views/layout';
import { redirectToLogin } from '../auth/routes';
import { updateFontStep } from '../auth/users';
import { currentReading, loadClubAccess } from '../clubs/access';
import { startReading } from '../clubs/queries';
import { HttpError, notFound, forbidden } from '../http/errors';
import { cleanText, parseId, readForm, safeNextPath } from '../http/forms';
import { formatBytes } from '../http/middleware';
import { pageContext, sendPage, seeOther } from '../http/page';
import type { RateLimiters } from '../http/rate-limit';
import type { AppDeps, AppEnv } from '../http/types';
import { translate, type Locale, type MessageKey } from '../i18n';
import { dryRunSummary } from './dry-run';
import { contentHash, DEFAULT_IMPORT_LIMITS, ImportError, parseBook, type ImportLimits, type ParsedBook } from './import/index';
import { splitIntoPages, tocTree } from './pages';
import { mayUploadBooks, mayUploadForClub, maySeeImportWarnings, mayUsePendingUpload } from './policy';
import {
  getBookmark,
  getChapterByOrdinal,
  getEdition,
  listChapterHeads,
  listEditionsOfBook,
  listHeadings,
  listLibrary,
  listParagraphs,
  saveBookmark,
  textParagraphCount,
} from './queries';
import { firstBodyChapter } from './reading-order';
import { CHAPTER_CACHE_SIZE, LruCache } from './render-cache';
import { findBookByIdentity, findEditionByHash, storeParsedBook, type ImportOverrides } from './store';
import { createPendingUpload, deleteExpiredUploads, deletePendingUpload, findPendingUpload, uploadBytes, type PendingUpload } from './uploads';

/** Cookie holding a signed-out reader's text size step. */
export const FONT_COOKIE = 'font_step';

const MIN_FONT_STEP = FONT_STEPS[0];
const MAX_FONT_STEP = FONT_STEPS[FONT_STEPS.length - 1]!;

function fontStepFrom(value: string | undefined): number | null {
  if (value === undefined || !/^-?[0-9]$/.test(value)) return null;
  const n = Number(value);
  return n >= MIN_FONT_STEP && n <= MAX_FONT_STEP ? n : null;
}

/** Renders a chapter's paragraphs with `ChapterText` (no decoration) to an HTML string. */
export async function renderChapterTextHtml(paragraphs: readonly Paragraph[]): Promise<string> {
  return String(await (<ChapterText paragraphs={paragraphs} />).toString());
}

/** The file name as the browser sent it, reduced to a harmless base name of at most 200 characters. */
export function cleanFilename(name: string): string {
  const base = cleanText(name.split(/[\\/]/).pop() ?? '').replace(/[\u0000-\u001f\u007f]/g, '');
  if (base.length <= 200) return base || 'upload';
  const ext = /\.[A-Za-z0-9]{1,10}$/.exec(base)?.[0] ?? '';
  return base.slice(0, 200 - ext.length) + ext;
}

function importErrorMessage(locale: Locale, error: ImportError): string {
  const params: Record<string, string | number> = { ...error.params };
  if (error.code === 'too_large' || error.code === 'epub_too_large') {
    for (const key of ['size', 'limit'] as const) if (typeof params[key] === 'number') params[key] = formatBytes(params[key]);
  }
  return translate(locale, `import.error.${error.code}` as MessageKey, params);
}

const LANGUAGE_TAG = /^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8}){0,3}$/;

export function bookRoutes(deps: AppDeps, limiters: RateLimiters): Hono<AppEnv> {
  const { db, sqlite, config, clock } = deps;
  const app = new Hono<AppEnv>();
  const secure = config.origin.startsWith('https://');
  const chapterCache = new LruCache<number, string>(CHAPTER_CACHE_SIZE);
  const importLimits: ImportLimits = { ...DEFAULT_IMPORT_LIMITS, maxFileBytes: config.maxUploadBytes };

  // ---------------------------------------------------------------- reading

  app.get('/library', (c) => {
    const user = c.get('user');
    const grouped = new Map<number, LibraryBookView>();
    for (const row of listLibrary(db)) {
      let book = grouped.get(row.bookId);
      if (!book) {
        book = { bookId: row.bookId, title: row.title, author: row.author, languages: [], editions: [] };
        grouped.set(row.bookId, book);
      }
      if (!book.languages.includes(row.language)) book.languages.push(row.language);
      book.editions.push({
        id: row.editionId,
        title: row.title,
        language: row.language,
        format: row.format,
        chapterCount: row.chapterCount,
        paragraphCount: row.paragraphCount,
        importedAt: row.importedAt,
      });
    }
    return sendPage(c, <LibraryPage page={pageContext(c)} books={[...grouped.values()]} canUpload={mayUploadBooks(db, user)} />);
  });

  app.get('/books/:editionId', (c) => {
    const editionId = parseId(c.req.param('editionId'));
    const edition = editionId ? getEdition(db, editionId) : undefined;
    if (!edition) throw notFound();
    const user = c.get('user');
    const heads = listChapterHeads(db, edition.id);
    const bookmark = user ? getBookmark(db, user.id, edition.id) : undefined;
    const bookmarkedChapter = bookmark ? heads.find((head) => head.ordinal === bookmark.chapterOrdinal) : undefined;
    const locale = c.get('locale');
    const flash = c.req.query('imported') === '1' ? 'imported' : c.req.query('duplicate') === '1' ? 'duplicate' : null;
    return sendPage(
      c,
      <BookPage
        page={pageContext(c)}
        view={{
          edition,
          toc: tocTree(heads, listHeadings(db, edition.id)),
          continueAt:
            bookmark && bookmarkedChapter
              ? { chapterOrdinal: bookmark.chapterOrdinal, paragraphOrdinal: bookmark.paragraphOrdinal, chapterTitle: bookmarkedChapter.title, chapterKind: bookmarkedChapter.kind }
              : null,
          firstChapter: firstBodyChapter(heads)?.ordinal ?? null,
          paragraphCount: textParagraphCount(db, edition.id),
          otherEditions: listEditionsOfBook(db, edition.bookId).filter((other) => other.id !== edition.id),
          warnings: maySeeImportWarnings(db, user)
            ? edition.warnings.map((warning) => translate(locale, `import.warning.${warning.code}` as MessageKey, warning.params))
            : null,
          flash,
        }}
      />,
    );
  });

  app.get('/books/:editionId/chapters/:ordinal', async (c) => {
    const editionId = parseId(c.req.param('editionId'));
    const ordinal = parseId(c.req.param('ordinal'));
    const edition = editionId ? getEdition(db, editionId) : undefined;
    const chapter = edition && ordinal ? getChapterByOrdinal(db, edition.id, ordinal) : undefined;
    if (!edition || !chapter) throw notFound();
    const user = c.get('user');
    const heads = listChapterHeads(db, edition.id);
    const index = heads.findIndex((head) => head.id === chapter.id);
    const textHtml = chapterCache.get(chapter.id) ?? chapterCache.set(chapter.id, await renderChapterTextHtml(listParagraphs(db, chapter.id)));
    const fontStep = user ? user.fontStep : (fontStepFrom(getCookie(c, FONT_COOKIE)) ?? 0);
    const nav = (head: (typeof heads)[number] | undefined) => (head ? { ordinal: head.ordinal, title: head.title, kind: head.kind } : null);
    return sendPage(
      c,
      <ChapterPage
        page={pageContext(c)}
        view={{
          edition: { id: edition.id, title: edition.title, author: edition.author, language: edition.language },
          chapter: { ordinal: chapter.ordinal, title: chapter.title, kind: chapter.kind },
          total: heads.length,
          previous: nav(heads[index - 1]),
          next: nav(heads[index + 1]),
          textHtml,
          fontStep,
          lastParagraph: chapter.paragraphCount,
          bookmarkUrl: user ? `/books/${edition.id}/bookmark` : null,
        }}
      />,
    );
  });

  /**
   * The reader's place. reader.js posts it (throttled) with `X-Requested-With: fetch` and gets
   * 204; the plain form gets a 303 back to the paragraph. Signed-out readers have no bookmark.
   */
  app.post('/books/:editionId/bookmark', async (c) => {
    const user = c.get('user');
    const fromScript = c.req.header('x-requested-with') === 'fetch';
    if (!user) return fromScript ? c.body(null, 204) : redirectToLogin(c);
    const editionId = parseId(c.req.param('editionId'));
    const edition = editionId ? getEdition(db, editionId) : undefined;
    if (!edition) throw notFound();
    const form = await readForm(c);
    const chapterOrdinal = parseId(form.chapter);
    const chapter = chapterOrdinal ? getChapterByOrdinal(db, edition.id, chapterOrdinal) : undefined;
    const paragraphOrdinal = parseId(form.paragraph);
    if (!chapter || !paragraphOrdinal || paragraphOrdinal > chapter.paragraphCount) {
      return fromScript ? c.body(null, 400) : seeOther(c, `/books/${edition.id}`);
    }
    saveBookmark(db, { userId: user.id, editionId: edition.id, chapterOrdinal: chapter.ordinal, paragraphOrdinal, now: clock() });
    return fromScript ? c.body(null, 204) : seeOther(c, `/books/${edition.id}/chapters/${chapter.ordinal}#p-${paragraphOrdinal}`);
  });

  app.post('/reader/font', async (c) => {
    const form = await readForm(c);
    const next = safeNextPath(form.next, '/library');
    const step = fontStepFrom(form.step);
    if (step === null) return seeOther(c, next);
    const user = c.get('user');
    if (user) updateFontStep(db, user.id, step);
    else setCookie(c, FONT_COOKIE, String(step), { path: '/', sameSite: 'Lax', httpOnly: true, secure, maxAge: 365 * 24 * 3600 });
    return seeOther(c, next);
  });

  // ---------------------------------------------------------------- uploading

  /** Signed in and allowed to upload; otherwise redirect to sign-in or 403. Sweeps expired uploads. */
  const uploader = (c: Context<AppEnv>) => {
    deleteExpiredUploads(db, clock());
    const user = c.get('user');
    if (!user) return null;
    if (!mayUploadBooks(db, user)) throw forbidden();
    return user;
  };

  /** The club an upload is for, when given: must be one the uploader moderates, else 404. */
  const clubFor = (c: Context<AppEnv>, raw: string | undefined) => {
    if (raw === undefined || raw === '') return null;
    const user = c.get('user');
    const clubId = parseId(raw);
    const access = clubId ? loadClubAccess(db, clubId, user) : null;
    if (!clubId || !access || !mayUploadForClub(db, user, clubId)) throw notFound();
    return { id: clubId, name: access.club.name };
  };

  const renderUploadForm = (c: Context<AppEnv>, view: Omit<UploadFormView, 'maxBytesLabel'>, status: 200 | 422 = 200) =>
    sendPage(c, <UploadPage page={pageContext(c)} view={{ ...view, maxBytesLabel: formatBytes(config.maxUploadBytes) }} />, status);

  app.get('/library/upload', (c) => {
    if (!uploader(c)) return redirectToLogin(c);
    return renderUploadForm(c, { club: clubFor(c, c.req.query('club')), values: {}, errors: {} });
  });

  app.post('/library/upload', async (c) => {
    const user = uploader(c);
    if (!user) return redirectToLogin(c);
    const verdict = limiters.postingPerUser.consume(`user:${user.id}`, clock());
    if (!verdict.allowed) throw new HttpError(429, 'error.429.body', { seconds: verdict.retryAfterSeconds }, verdict.retryAfterSeconds);

    const body = await c.req.parseBody({ all: false });
    const text = (name: string) => (typeof body[name] === 'string' ? cleanText(body[name]) : '');
    const values = { title: text('title'), author: text('author'), lang: text('lang') };
    const club = clubFor(c, text('clubId'));
    const t = c.get('t');
    const errors: UploadFormView['errors'] = {};
    if (values.title.length > 300) errors.title = t('books.upload.error.title_length');
    if (values.author.length > 200) errors.author = t('books.upload.error.author_length');
    if (values.lang && !LANGUAGE_TAG.test(values.lang)) errors.lang = t('books.upload.error.lang');

    const file = body.file;
    if (!(file instanceof File) || file.name === '') errors.file = t('books.upload.error.file_missing');
    else if (file.size > config.maxUploadBytes) {
      errors.file = t('books.upload.error.too_large', { size: formatBytes(file.size), limit: formatBytes(config.maxUploadBytes) });
    }
    if (Object.keys(errors).length > 0 || !(file instanceof File)) return renderUploadForm(c, { club, values, errors }, 422);

    const bytes = new Uint8Array(await file.arrayBuffer());
    const filename = cleanFilename(file.name);
    const overrides: ImportOverrides = {};
    if (values.title) overrides.title = values.title;
    if (values.author) overrides.author = values.author;
    if (values.lang) overrides.language = values.lang.toLowerCase();
    try {
      parseBook({ bytes, filename, ...overrides }, importLimits);
    } catch (error) {
      if (!(error instanceof ImportError)) throw error;
      return renderUploadForm(c, { club, values, errors: { file: importErrorMessage(c.get('locale'), error) } }, 422);
    }
    const id = createPendingUpload(db, { userId: user.id, clubId: club?.id ?? null, filename, bytes, overrides, now: clock() });
    return seeOther(c, `/library/uploads/${id}`);
  });

  /** The uploader's own pending upload, or 404 for anyone else and after 24 h. */
  const pendingFor = (c: Context<AppEnv>): PendingUpload | null => {
    const user = uploader(c);
    if (!user) return null;
    const upload = findPendingUpload(db, c.req.param('id') ?? '', user.id, clock());
    if (!upload || !mayUsePendingUpload(user, upload)) throw notFound();
    return upload;
  };

  const parsePending = (upload: PendingUpload): { book: ParsedBook; bytes: Uint8Array } | { error: ImportError } => {
    const bytes = uploadBytes(upload);
    try {
      return { book: parseBook({ bytes, filename: upload.filename, ...upload.overrides }, importLimits), bytes };
    } catch (error) {
      if (error instanceof ImportError) return { error };
      throw error;
    }
  };

  /** A pending upload that no longer parses (the importer changed): forget it and say why. */
  const refuseStale = (c: Context<AppEnv>, upload: PendingUpload, error: ImportError) => {
    deletePendingUpload(db, upload.id, upload.userId);
    let club: UploadFormView['club'] = null;
    try {
      club = upload.clubId ? clubFor(c, String(upload.clubId)) : null;
    } catch {
      club = null; // no longer a moderator there: upload to the library only
    }
    return renderUploadForm(c, { club, values: {}, errors: { file: importErrorMessage(c.get('locale'), error) } }, 422);
  };

  /** The club an upload was made for, while the uploader may still pick its book; with its current book. */
  const clubOfUpload = (c: Context<AppEnv>, upload: PendingUpload) => {
    if (!upload.clubId || !mayUploadForClub(db, c.get('user'), upload.clubId)) return null;
    const access = loadClubAccess(db, upload.clubId, c.get('user'))!;
    const current = currentReading(db, upload.clubId);
    return { id: upload.clubId, name: access.club.name, currentEditionId: current?.editionId ?? null };
  };

  app.get('/library/uploads/:id', (c) => {
    const upload = pendingFor(c);
    if (!upload) return redirectToLogin(c);
    const parsed = parsePending(upload);
    if ('error' in parsed) return refuseStale(c, upload, parsed.error);
    const { book, bytes } = parsed;
    const summary = dryRunSummary(book, c.get('locale'));
    const duplicate = findEditionByHash(db, contentHash(bytes));
    const club = clubOfUpload(c, upload);
    return sendPage(
      c,
      <PreviewPage
        page={pageContext(c)}
        view={{
          id: upload.id,
          filename: upload.filename,
          summary: { ...summary, outline: summary.outline.map((entry, i) => ({ ...entry, kind: book.sections[i]?.kind ?? 'body' })) },
          pages: splitIntoPages(book.sections).length,
          duplicateOf: duplicate ? { editionId: duplicate.id, title: duplicate.title } : null,
          existingBook: findBookByIdentity(db, book.title, book.author) ?? null,
          forClub: club && {
            name: club.name,
            replaces: club.currentEditionId !== null && club.currentEditionId !== duplicate?.id ? (getEdition(db, club.currentEditionId)?.title ?? null) : null,
          },
        }}
      />,
    );
  });

  app.post('/library/uploads/:id/confirm', (c) => {
    const upload = pendingFor(c);
    if (!upload) return redirectToLogin(c);
    const parsed = parsePending(upload);
    if ('error' in parsed) return refuseStale(c, upload, parsed.error);
    const stored = inTransaction(sqlite, () => {
      const result = storeParsedBook({ db, sqlite }, parsed.book, { hash: contentHash(parsed.bytes), filename: upload.filename, userId: upload.userId, now: clock() });
      deletePendingUpload(db, upload.id, upload.userId);
      return result;
    });
    deps.log?.({ level: 'notice', message: `book ${stored.status}: edition ${stored.editionId}`, user: upload.userId, file: upload.filename });
    // Uploaded for a club: the preview said the club would read it, so it does (one step, not a picker).
    const club = clubOfUpload(c, upload);
    if (club) {
      startReading(deps, club.id, stored.editionId, clock());
      return seeOther(c, `/clubs/${club.id}?done=book`);
    }
    return seeOther(c, `/books/${stored.editionId}?${stored.status === 'imported' ? 'imported' : 'duplicate'}=1`);
  });

  app.post('/library/uploads/:id/cancel', (c) => {
    const upload = pendingFor(c);
    if (!upload) return redirectToLogin(c);
    deletePendingUpload(db, upload.id, upload.userId);
    return seeOther(c, upload.clubId && mayUploadForClub(db, c.get('user'), upload.clubId) ? `/library/upload?club=${upload.clubId}` : '/library');
  });

  return app;
}
