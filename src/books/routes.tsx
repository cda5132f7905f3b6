/**
 * Routes of the books area: the library, a book's page, the library reader, and uploading a
 * book (form → preview → confirm or cancel). Decisions come from `./policy`, data from
 * `./queries`, `./store` and `./uploads`; views receive plain data.
 *
 *   GET  /library                          every book and edition
 *   GET  /books/:editionId                 a book: details, contents tree, continue reading
 *   GET  /books/:editionId/chapters/:n     a chapter (its text cached per chapter)
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
import { transaction } from '../../db/connection';
import { BookPage } from '../../views/books/book';
import { ChapterPage } from '../../views/books/chapter';
import { ChapterText, type BookTextSetting } from '../../views/books/chapter-text';
import { WRITING_COOKIE, offersVerticalWriting, writingModeFrom } from './writing-mode';
import { LibraryPage, type LibraryBookView } from '../../views/books/library';
import { PreviewPage, UploadPage, type UploadFormView } from '../../views/books/upload';
import { FONT_STEPS } from '../../views/layout';
import { updateFontStep } from '../auth';
import { HttpError, notFound, forbidden } from '../http/errors';
import { consumePosting, redirectToLogin } from '../http/guards';
import { cleanText, parseId, readForm, safeNextPath } from '../http/forms';
import { formatBytes } from '../http/middleware';
import { importErrorMessage } from './import-errors';
import { defaultImportPool, ImportBusyError, type ImportPool } from './import/pool';
import { pageContext, sendPage, seeOther } from '../http/page';
import type { AreaDeps, AppEnv } from '../http/types';
import { LruCache } from '../lib/lru-cache';
import { translate, type MessageKey } from '../i18n';
import { dryRunSummary } from './dry-run';
import { contentHash, DEFAULT_IMPORT_LIMITS, ImportError, type ImportLimits, type ParseBookInput, type ParsedBook } from './import/index';
import { splitIntoPages, tocTree } from './pages';
import { bookCan } from './policy';
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
import { findBookByIdentity, findEditionByHash, storeParsedBook, type ImportOverrides } from './store';
import type { ClubUploadRights } from './types';
import { createPendingUpload, deleteExpiredUploads, deletePendingUpload, findPendingUpload, updatePendingOverrides, uploadBytes, type PendingUpload } from './uploads';
import { UPLOAD_ENCODINGS } from './import/decode';

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
export async function renderChapterTextHtml(paragraphs: readonly Paragraph[], setting?: BookTextSetting): Promise<string> {
  return String(await (<ChapterText paragraphs={paragraphs} setting={setting} />).toString());
}

/** The file name as the browser sent it, reduced to a harmless base name of at most 200 characters. */
export function cleanFilename(name: string): string {
  const base = cleanText(name.split(/[\\/]/).pop() ?? '').replace(/[\u0000-\u001f\u007f]/g, '');
  if (base.length <= 200) return base || 'upload';
  const ext = /\.[A-Za-z0-9]{1,10}$/.exec(base)?.[0] ?? '';
  return base.slice(0, 200 - ext.length) + ext;
}

const LANGUAGE_TAG = /^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8}){0,3}$/;

/** Chapters kept rendered: about 200 KB each for a 500-paragraph Korean chapter; bytes bound it too (`TEXT_CACHE_MB`). */
export const CHAPTER_CACHE_SIZE = 200;

export function bookRoutes(deps: AreaDeps, clubs: ClubUploadRights, parsers?: ImportPool): Hono<AppEnv> {
  const { db, config, clock, rateLimiters: limiters, events } = deps;
  const moderatesAnyClub = async (user: { id: number } | null) => user !== null && (await clubs.moderatesAnyClub(user.id));
  const mayUpload = async (user: { id: number; isAdmin: boolean } | null) => bookCan(user, 'upload', { moderatesAnyClub: await moderatesAnyClub(user) });
  const mayUploadForClub = async (user: { id: number } | null, clubId: number) => user !== null && (await clubs.clubForUpload(user, clubId)) !== null;
  const app = new Hono<AppEnv>();
  const secure = config.origin.startsWith('https://');
  const chapterCache = new LruCache<number, string>(CHAPTER_CACHE_SIZE, { maxBytes: config.textCacheMb * 1024 * 1024, sizeOf: (html) => html.length * 2 });
  const importLimits: ImportLimits = { ...DEFAULT_IMPORT_LIMITS, maxFileBytes: config.maxUploadBytes };
  const importPool = parsers ?? defaultImportPool();

  /**
   * Parses in a worker thread (never on the event loop). Every worker busy → 429 with
   * Retry-After and a page that says so; an unreadable file → `{ error }`.
   */
  const parseOffThread = async (input: ParseBookInput): Promise<{ book: ParsedBook } | { error: ImportError }> => {
    try {
      return { book: await importPool.parse(input, importLimits) };
    } catch (error) {
      if (error instanceof ImportError) return { error };
      if (error instanceof ImportBusyError) {
        throw new HttpError(429, 'books.upload.busy', { seconds: error.retryAfterSeconds }, error.retryAfterSeconds);
      }
      throw error;
    }
  };

  // ---------------------------------------------------------------- reading

  app.get('/library', async (c) => {
    const user = c.get('user');
    const grouped = new Map<number, LibraryBookView>();
    for (const row of await listLibrary(db)) {
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
    const canUpload = await mayUpload(user);
    return sendPage(c, <LibraryPage page={pageContext(c)} books={[...grouped.values()]} canUpload={canUpload} />);
  });

  app.get('/books/:editionId', async (c) => {
    const editionId = parseId(c.req.param('editionId'));
    const edition = editionId ? await getEdition(db, editionId) : undefined;
    if (!edition) throw notFound();
    const user = c.get('user');
    const [heads, bookmark, headings, paragraphCount, editionsOfBook, seeWarnings] = await Promise.all([
      listChapterHeads(db, edition.id),
      user ? getBookmark(db, user.id, edition.id) : undefined,
      listHeadings(db, edition.id),
      textParagraphCount(db, edition.id),
      listEditionsOfBook(db, edition.bookId),
      moderatesAnyClub(user).then((moderates) => bookCan(user, 'seeImportWarnings', { moderatesAnyClub: moderates })),
    ]);
    const bookmarkedChapter = bookmark ? heads.find((head) => head.ordinal === bookmark.chapterOrdinal) : undefined;
    const locale = c.get('locale');
    const flash = c.req.query('imported') === '1' ? 'imported' : c.req.query('duplicate') === '1' ? 'duplicate' : null;
    return sendPage(
      c,
      <BookPage
        page={pageContext(c)}
        view={{
          edition,
          toc: tocTree(heads, headings),
          continueAt:
            bookmark && bookmarkedChapter
              ? { chapterOrdinal: bookmark.chapterOrdinal, paragraphOrdinal: bookmark.paragraphOrdinal, chapterTitle: bookmarkedChapter.title, chapterKind: bookmarkedChapter.kind }
              : null,
          firstChapter: firstBodyChapter(heads)?.ordinal ?? null,
          paragraphCount,
          otherEditions: editionsOfBook.filter((other) => other.id !== edition.id),
          warnings: seeWarnings
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
    const edition = editionId ? await getEdition(db, editionId) : undefined;
    const chapter = edition && ordinal ? await getChapterByOrdinal(db, edition.id, ordinal) : undefined;
    if (!edition || !chapter) throw notFound();
    const user = c.get('user');
    const heads = await listChapterHeads(db, edition.id);
    const index = heads.findIndex((head) => head.id === chapter.id);
    const setting: BookTextSetting = { lang: edition.language, dir: edition.direction };
    const textHtml = chapterCache.get(chapter.id) ?? chapterCache.set(chapter.id, await renderChapterTextHtml(await listParagraphs(db, chapter.id), setting));
    const offersVertical = offersVerticalWriting(edition);
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
          writing: offersVertical ? { vertical: writingModeFrom(getCookie(c, WRITING_COOKIE)) === 'vertical' } : null,
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
    const edition = editionId ? await getEdition(db, editionId) : undefined;
    if (!edition) throw notFound();
    const form = await readForm(c);
    const chapterOrdinal = parseId(form.chapter);
    const chapter = chapterOrdinal ? await getChapterByOrdinal(db, edition.id, chapterOrdinal) : undefined;
    const paragraphOrdinal = parseId(form.paragraph);
    if (!chapter || !paragraphOrdinal || paragraphOrdinal > chapter.paragraphCount) {
      return fromScript ? c.body(null, 400) : seeOther(c, `/books/${edition.id}`);
    }
    await saveBookmark(db, { userId: user.id, editionId: edition.id, chapterOrdinal: chapter.ordinal, paragraphOrdinal, now: clock() });
    return fromScript ? c.body(null, 204) : seeOther(c, `/books/${edition.id}/chapters/${chapter.ordinal}#p-${paragraphOrdinal}`);
  });

  app.post('/reader/font', async (c) => {
    const form = await readForm(c);
    const next = safeNextPath(form.next, '/library');
    const step = fontStepFrom(form.step);
    if (step === null) return seeOther(c, next);
    const user = c.get('user');
    if (user) {
      await updateFontStep(db, user.id, step);
      await events.publish({ type: 'reader.settings_changed', actorId: user.id, clubId: null, userId: user.id, what: 'font' });
    }
    else setCookie(c, FONT_COOKIE, String(step), { path: '/', sameSite: 'Lax', httpOnly: true, secure, maxAge: 365 * 24 * 3600 });
    return seeOther(c, next);
  });

  /** Vertical or horizontal text for CJK books: the reader's choice, kept in a cookie for a year. */
  app.post('/reader/writing', async (c) => {
    const form = await readForm(c);
    const next = safeNextPath(form.next, '/library');
    const mode = writingModeFrom(form.mode);
    if (mode) setCookie(c, WRITING_COOKIE, mode, { path: '/', sameSite: 'Lax', httpOnly: true, secure, maxAge: 365 * 24 * 3600 });
    return seeOther(c, next);
  });

  // ---------------------------------------------------------------- uploading

  /** Signed in and allowed to upload; otherwise redirect to sign-in or 403. Sweeps expired uploads. */
  const uploader = async (c: Context<AppEnv>) => {
    await deleteExpiredUploads(db, clock());
    const user = c.get('user');
    if (!user) return null;
    if (!(await mayUpload(user))) throw forbidden();
    return user;
  };

  /** The club an upload is for, when given: must be one the uploader moderates, else 404. */
  const clubFor = async (c: Context<AppEnv>, raw: string | undefined) => {
    if (raw === undefined || raw === '') return null;
    const user = c.get('user');
    const clubId = parseId(raw);
    const club = clubId && user ? await clubs.clubForUpload(user, clubId) : null;
    if (!club) throw notFound();
    return club;
  };

  const renderUploadForm = (c: Context<AppEnv>, view: Omit<UploadFormView, 'maxBytesLabel'>, status: 200 | 422 = 200) =>
    sendPage(c, <UploadPage page={pageContext(c)} view={{ ...view, maxBytesLabel: formatBytes(config.maxUploadBytes) }} />, status);

  app.get('/library/upload', async (c) => {
    if (!(await uploader(c))) return redirectToLogin(c);
    return renderUploadForm(c, { club: await clubFor(c, c.req.query('club')), values: {}, errors: {} });
  });

  app.post('/library/upload', async (c) => {
    const user = await uploader(c);
    if (!user) return redirectToLogin(c);
    // Counted before the upload is parsed: parsing is the expensive part the limits protect.
    await consumePosting(c, limiters.postingPerUser, clock());
    const hourly = await limiters.uploadsPerUser.consume(`user:${user.id}`, clock());
    if (!hourly.allowed) {
      throw new HttpError(429, 'books.upload.error.hourly', { count: limiters.uploadsPerUser.rule.limit, seconds: hourly.retryAfterSeconds }, hourly.retryAfterSeconds);
    }

    const body = await c.req.parseBody({ all: false });
    const text = (name: string) => (typeof body[name] === 'string' ? cleanText(body[name]) : '');
    const values = { title: text('title'), author: text('author'), lang: text('lang') };
    const club = await clubFor(c, text('clubId'));
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
    const parsed = await parseOffThread({ bytes, filename, ...overrides });
    if ('error' in parsed) return renderUploadForm(c, { club, values, errors: { file: importErrorMessage(c.get('locale'), parsed.error) } }, 422);
    const id = await createPendingUpload(db, { userId: user.id, clubId: club?.id ?? null, filename, bytes, overrides, now: clock() });
    return seeOther(c, `/library/uploads/${id}`);
  });

  /** The uploader's own pending upload, or 404 for anyone else and after 24 h. */
  const pendingFor = async (c: Context<AppEnv>): Promise<PendingUpload | null> => {
    const user = await uploader(c);
    if (!user) return null;
    const upload = await findPendingUpload(db, c.req.param('id') ?? '', user.id, clock());
    if (!upload || !bookCan(user, 'usePendingUpload', { upload })) throw notFound();
    return upload;
  };

  const parsePending = async (upload: PendingUpload): Promise<{ book: ParsedBook; bytes: Uint8Array } | { error: ImportError }> => {
    const bytes = uploadBytes(upload);
    const parsed = await parseOffThread({ bytes, filename: upload.filename, ...upload.overrides });
    return 'error' in parsed ? parsed : { book: parsed.book, bytes };
  };

  /** A pending upload that no longer parses (the importer changed): forget it and say why. */
  const refuseStale = async (c: Context<AppEnv>, upload: PendingUpload, error: ImportError) => {
    await deletePendingUpload(db, upload.id, upload.userId);
    let club: UploadFormView['club'] = null;
    try {
      club = upload.clubId ? await clubFor(c, String(upload.clubId)) : null;
    } catch {
      club = null; // no longer a moderator there: upload to the library only
    }
    return renderUploadForm(c, { club, values: {}, errors: { file: importErrorMessage(c.get('locale'), error) } }, 422);
  };

  /** The club an upload was made for, while the uploader may still pick its book; with its current book. */
  const clubOfUpload = async (c: Context<AppEnv>, upload: PendingUpload) => {
    const user = c.get('user');
    return upload.clubId && user ? clubs.clubForUpload(user, upload.clubId) : null;
  };

  app.get('/library/uploads/:id', async (c) => {
    const upload = await pendingFor(c);
    if (!upload) return redirectToLogin(c);
    const parsed = await parsePending(upload);
    if ('error' in parsed) return refuseStale(c, upload, parsed.error);
    const { book, bytes } = parsed;
    const summary = dryRunSummary(book, c.get('locale'));
    const duplicate = await findEditionByHash(db, contentHash(bytes));
    const club = await clubOfUpload(c, upload);
    const existingBook = (await findBookByIdentity(db, book.title, book.author)) ?? null;
    const replaces =
      club && club.currentEditionId !== null && club.currentEditionId !== duplicate?.id ? ((await getEdition(db, club.currentEditionId))?.title ?? null) : null;
    return sendPage(
      c,
      <PreviewPage
        page={pageContext(c)}
        view={{
          id: upload.id,
          filename: upload.filename,
          summary: { ...summary, outline: summary.outline.map((entry, i) => ({ ...entry, kind: book.sections[i]?.kind ?? 'body' })) },
          pages: splitIntoPages(book.sections).length,
          // Only for text read in a legacy encoding: UTF-8 and UTF-16 are never a guess.
          encodingChoice:
            book.format === 'epub' || book.encoding.startsWith('utf-')
              ? null
              : { alternatives: book.encodingAlternatives, all: UPLOAD_ENCODINGS, refused: UPLOAD_ENCODINGS.find((e) => e === c.req.query('refused')) ?? null },
          duplicateOf: duplicate ? { editionId: duplicate.id, title: duplicate.title } : null,
          existingBook,
          forClub: club && { name: club.name, replaces },
        }}
      />,
    );
  });

  app.post('/library/uploads/:id/confirm', async (c) => {
    const upload = await pendingFor(c);
    if (!upload) return redirectToLogin(c);
    const parsed = await parsePending(upload);
    if ('error' in parsed) return refuseStale(c, upload, parsed.error);
    const stored = await transaction(db, async (tx) => {
      const result = await storeParsedBook({ db: tx }, parsed.book, { hash: contentHash(parsed.bytes), filename: upload.filename, userId: upload.userId, now: clock() });
      await deletePendingUpload(tx, upload.id, upload.userId);
      return result;
    });
    deps.log?.({ level: 'notice', message: `book ${stored.status}: edition ${stored.editionId}`, user: upload.userId, file: upload.filename });
    if (stored.status === 'imported') await events.publish({ type: 'book.imported', actorId: upload.userId, clubId: null, editionId: stored.editionId });
    // Uploaded for a club: the preview said the club would read it, so it does (one step, not a picker).
    const user = c.get('user');
    if (upload.clubId && user && (await clubs.startReadingFor(user, upload.clubId, stored.editionId, clock()))) return seeOther(c, `/clubs/${upload.clubId}?done=book`);
    return seeOther(c, `/books/${stored.editionId}?${stored.status === 'imported' ? 'imported' : 'duplicate'}=1`);
  });

  /** The preview's encoding choice: kept when the file reads as text in it, else refused on the preview. */
  app.post('/library/uploads/:id/encoding', async (c) => {
    const upload = await pendingFor(c);
    if (!upload) return redirectToLogin(c);
    const form = await readForm(c);
    const encoding = UPLOAD_ENCODINGS.find((e) => e === form.encoding);
    if (!encoding) return seeOther(c, `/library/uploads/${upload.id}`);
    const parsed = await parseOffThread({ bytes: uploadBytes(upload), filename: upload.filename, ...upload.overrides, encoding });
    if ('error' in parsed) return seeOther(c, `/library/uploads/${upload.id}?refused=${encoding}`);
    await updatePendingOverrides(db, upload.id, upload.userId, { ...upload.overrides, encoding });
    return seeOther(c, `/library/uploads/${upload.id}`);
  });

  app.post('/library/uploads/:id/cancel', async (c) => {
    const upload = await pendingFor(c);
    if (!upload) return redirectToLogin(c);
    await deletePendingUpload(db, upload.id, upload.userId);
    return seeOther(c, upload.clubId && (await mayUploadForClub(c.get('user'), upload.clubId)) ? `/library/upload?club=${upload.clubId}` : '/library');
  });

  return app;
}
