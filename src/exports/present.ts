/**
 * Turning rows into what the exports write and show. The spoiler gate and the policies decide;
 * this module only asks them:
 *
 * - A member's export ({@link ownNotes}) carries only their own bodies. Book text is quoted
 *   where their own annotation anchors it, or — for a reply, whose anchor is someone else's
 *   root — only when the gate (`commentVisibleTo`, the annotations area's one rule) lets the
 *   member see that root right now. Nothing of the root (its body, its author) is written;
 *   a reply's copied quote of another comment (`quoted_text`) is never read.
 * - The annotated edition ({@link annotatedEdition}) holds the club's visible discussion:
 *   club comments that are neither hidden nor removed (a moderated root takes its thread with
 *   it), with deleted roots kept as a placeholder when replies live under them; never private
 *   notes (`clubDiscussion` does not even read them). Poll results come from the polls area's
 *   cards, so `pollResultsVisibleTo` decides them for the moderator asking. Voters are never
 *   named. Members are named, or numbered "Member 1, 2…" in order of first appearance in this
 *   export (and their `@mentions` with them), as the moderator chooses.
 */
import type { Db } from '../../db/connection';
import type { Chapter, Paragraph, Reading } from '../../db/schema';
import { commentVisibleTo, extractMentions, gateViewerFor, renderCommentBody, type GateViewer } from '../annotations';
import { chapterName, getEdition, listChapters, listParagraphs } from '../books';
import { loadClubAccess, type ClubAccess } from '../clubs';
import type { Translator } from '../i18n';
import { chapterPollCards } from '../polls';
import { clubDiscussion, memberUsernameKeys, ownComments, type EditionCommentRow, type OwnCommentRow } from './queries';
import type { ExportLinks, AnnotatedChapterView, AnnotatedEditionView, EditionCommentView, EditionThreadView, ExportedNote, QuotedPassage } from './types';

/** Where a member's exports of one club (or of everything) are downloaded. */
export function exportLinks(clubId: number | null): ExportLinks {
  const query = clubId === null ? '' : `?club=${clubId}`;
  return { jsonld: `/account/annotations/export.jsonld${query}`, markdown: `/account/annotations/export.md${query}`, csv: `/account/annotations/export.csv${query}` };
}

export function paragraphUrl(origin: string, editionId: number, chapterOrdinal: number, paragraphOrdinal: number): string {
  return `${origin}/books/${editionId}/chapters/${chapterOrdinal}#p-${paragraphOrdinal}`;
}

export function chapterUrl(origin: string, editionId: number, chapterOrdinal: number): string {
  return `${origin}/books/${editionId}/chapters/${chapterOrdinal}`;
}

/** A comment's IRI: its place in the club's thread pages (paragraph or chapter discussion). */
export function annotationIri(origin: string, clubId: number, place: { paragraphId: number | null; chapterId: number }, commentId: number): string {
  return place.paragraphId !== null ? `${origin}/clubs/${clubId}/paragraphs/${place.paragraphId}/comments#c-${commentId}` : `${origin}/clubs/${clubId}/discussion/${place.chapterId}#c-${commentId}`;
}

function wholeParagraph(text: string): QuotedPassage {
  return { exact: text, prefix: '', suffix: '', start: 0, end: text.length, paragraphText: text };
}

/** The book text a note may quote (see the module comment), or null. */
function quoteOf(row: OwnCommentRow, mayQuoteRoot: boolean): QuotedPassage | null {
  if (row.paragraphText === null) return null;
  const isReply = row.parentId !== null;
  if (isReply && !mayQuoteRoot) return null;
  const start = isReply ? row.rootPassageStart : row.passageStart;
  const end = isReply ? row.rootPassageEnd : row.passageEnd;
  const exact = isReply ? row.rootPassageExact : row.passageExact;
  if (start === null || end === null || exact === null) return wholeParagraph(row.paragraphText);
  return {
    exact,
    prefix: (isReply ? row.rootPassagePrefix : row.passagePrefix) ?? '',
    suffix: (isReply ? row.rootPassageSuffix : row.passageSuffix) ?? '',
    start,
    end,
    paragraphText: row.paragraphText,
  };
}

/**
 * The member's own notes (one club, or all), in reading order, ready for every format.
 * `clubId` null means everything they wrote, in clubs they left too.
 */
export async function ownNotes(db: Db, user: { id: number }, clubId: number | null, origin: string, t: Translator): Promise<ExportedNote[]> {
  const rows = await ownComments(db, user.id, clubId);
  const viewers = new Map<number, GateViewer>();
  const viewerFor = async (row: OwnCommentRow): Promise<GateViewer> => {
    let viewer = viewers.get(row.readingId);
    if (!viewer) {
      const access = await loadClubAccess(db, row.clubId, user);
      viewer = access ? await gateViewerFor(db, access, row.readingId) : { userId: user.id, progressPosition: 0, revealedChapterIds: new Set() };
      viewers.set(row.readingId, viewer);
    }
    return viewer;
  };
  const notes: ExportedNote[] = [];
  for (const row of rows) {
    const isReply = row.parentId !== null;
    const mayQuoteRoot =
      isReply &&
      row.rootAuthorId !== null &&
      row.rootVisibility !== null &&
      commentVisibleTo({ authorId: row.rootAuthorId, anchorPosition: row.anchorPosition, visibility: row.rootVisibility, chapterId: row.chapterId }, await viewerFor(row));
    const place = { paragraphId: row.paragraphId, chapterId: row.chapterId };
    notes.push({
      commentId: row.id,
      annotationId: annotationIri(origin, row.clubId, place, row.id),
      parentAnnotationId: row.parentId !== null ? annotationIri(origin, row.clubId, place, row.parentId) : null,
      kind: isReply ? 'reply' : row.paragraphId === null ? 'chapter' : row.passageStart !== null ? 'passage' : 'paragraph',
      clubId: row.clubId,
      clubName: row.clubName,
      bodyLanguage: row.clubLanguage,
      editionId: row.editionId,
      bookTitle: row.bookTitle,
      bookAuthor: row.bookAuthor,
      bookLanguage: row.bookLanguage,
      bookDirection: row.bookDirection,
      chapterOrdinal: row.chapterOrdinal,
      chapterName: chapterName(t, { title: row.chapterTitle, kind: row.chapterKind }),
      chapterUrl: chapterUrl(origin, row.editionId, row.chapterOrdinal),
      paragraphOrdinal: row.paragraphOrdinal,
      paragraphUrl: row.paragraphOrdinal !== null ? paragraphUrl(origin, row.editionId, row.chapterOrdinal, row.paragraphOrdinal) : null,
      quote: quoteOf(row, mayQuoteRoot),
      body: row.body,
      visibility: row.visibility,
      hidden: row.moderation === 'hidden',
      createdAt: row.createdAt,
      editedAt: row.editedAt,
      author: { username: row.authorUsername, displayName: row.authorDisplayName },
    } satisfies ExportedNote);
  }
  return notes;
}

/** Names in an annotated edition: real display names, or "Member N" by first appearance. */
export class EditionNames {
  private readonly numbers = new Map<number, number>();
  private readonly keyToId = new Map<string, number>();
  private nextNumber = 1;

  constructor(
    private readonly anonymised: boolean,
    private readonly t: Translator,
    /** Lower-cased usernames of the club's members (for `@mentions` of people who never commented). */
    private readonly memberKeys: readonly string[],
  ) {}

  private numberOf(key: string): number {
    const id = this.keyToId.get(key) ?? -1 - this.keyToId.size;
    this.keyToId.set(key, id);
    let n = this.numbers.get(id);
    if (n === undefined) {
      n = this.nextNumber++;
      this.numbers.set(id, n);
    }
    return n;
  }

  nameOf(row: Pick<EditionCommentRow, 'authorUsername' | 'authorDisplayName'>): string {
    if (!this.anonymised) return row.authorDisplayName;
    return this.t('exports.edition.member', { n: this.numberOf(row.authorUsername.toLowerCase()) });
  }

  /** The body with `@mentions` of members replaced by their number (anonymised editions only). */
  body(markdown: string): string {
    if (!this.anonymised) return markdown;
    const mentioned = extractMentions(markdown).filter((name) => this.memberKeys.includes(name));
    let out = markdown;
    for (const name of mentioned) {
      const label = this.t('exports.edition.member', { n: this.numberOf(name) });
      out = out.replace(new RegExp(`@${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\p{L}\\p{N}_.-])`, 'giu'), `@${label}`);
    }
    return out;
  }
}

/** Threads of one scope: roots in order, each with its live replies; moderated threads left out. */
function threadsOf(rows: readonly EditionCommentRow[], names: EditionNames): EditionThreadView[] {
  const threads: EditionThreadView[] = [];
  const byRoot = new Map<number, EditionThreadView>();
  const excludedRoots = new Set<number>();
  const view = (row: EditionCommentRow): EditionCommentView => {
    const author = names.nameOf(row);
    if (row.deletedAt !== null) return { id: row.id, author, body: null, html: null, passage: row.passageExact, createdAt: row.createdAt };
    const body = names.body(row.body);
    return { id: row.id, author, body, html: renderCommentBody(body, { mentionHref: () => null }), passage: row.passageExact, createdAt: row.createdAt };
  };
  for (const row of rows) {
    const isRoot = row.rootId === null || row.rootId === row.id;
    if (isRoot) {
      if (row.moderation !== null) {
        excludedRoots.add(row.id);
        continue;
      }
      const thread = { root: view(row), replies: [] };
      byRoot.set(row.id, thread);
      threads.push(thread);
    }
  }
  for (const row of rows) {
    const isRoot = row.rootId === null || row.rootId === row.id;
    if (isRoot || row.moderation !== null || row.deletedAt !== null || excludedRoots.has(row.rootId!)) continue;
    byRoot.get(row.rootId!)?.replies.push(view(row));
  }
  // A root its author deleted stays only while a reply lives under it.
  return threads.filter((thread) => thread.root.body !== null || thread.replies.length > 0);
}

export interface EditionRequest {
  access: ClubAccess;
  reading: Reading;
  /** One chapter, or every chapter of the book. */
  chapters: readonly Chapter[];
  anonymised: boolean;
  now: number;
  t: Translator;
}

/** The club's annotated edition of a chapter or of the whole book (see the module comment). */
export async function annotatedEdition(db: Db, request: EditionRequest): Promise<AnnotatedEditionView> {
  const { access, reading, t, now } = request;
  const edition = (await getEdition(db, reading.editionId))!;
  const names = new EditionNames(request.anonymised, t, await memberUsernameKeys(db, access.club.id));
  const rows = await clubDiscussion(
    db,
    reading.id,
    request.chapters.map((chapter) => chapter.id),
  );
  // Chapter by chapter, in order: members are numbered by first appearance in the book.
  const chapters: AnnotatedChapterView[] = [];
  for (const chapter of request.chapters) {
    const paragraphs: Paragraph[] = await listParagraphs(db, chapter.id);
    const inChapter = rows.filter((row) => row.chapterId === chapter.id);
    const byParagraph = new Map<number | null, EditionCommentRow[]>();
    for (const row of inChapter) {
      const list = byParagraph.get(row.paragraphId) ?? [];
      list.push(row);
      byParagraph.set(row.paragraphId, list);
    }
    const cards = await chapterPollCards(db, access, reading.id, chapter.id, now, `/clubs/${access.club.id}`);
    chapters.push({
      ordinal: chapter.ordinal,
      name: chapterName(t, chapter),
      paragraphs: paragraphs
        .map((p) => ({
          ordinal: p.ordinal,
          kind: p.kind,
          depth: p.depth,
          text: p.text,
          threads: threadsOf(byParagraph.get(p.id) ?? [], names).sort((a, b) => passageOrder(a) - passageOrder(b)),
        }))
        // The chapter's own heading is already its title; it stays only when someone commented on it.
        .filter((p) => !(p.ordinal === 1 && p.kind === 'heading' && p.text === chapter.title && p.threads.length === 0)),
      chapterThreads: threadsOf(byParagraph.get(null) ?? [], names),
      polls: cards.map((card) => ({
        question: card.question,
        status: card.status,
        results: card.results
          ? {
              ballots: card.results.ballots,
              counts: card.results.counts.map((row) => ({ label: row.label, votes: row.votes, percent: row.percent })),
              winners: card.results.runoff ? card.results.runoff.winners : null,
            }
          : null,
      })),
    });
  }
  return {
    clubId: access.club.id,
    clubName: access.club.name,
    bookTitle: edition.title,
    bookAuthor: edition.author,
    bookLanguage: edition.language,
    bookDirection: edition.direction,
    anonymised: request.anonymised,
    generatedAt: now,
    chapters,
  };
}

/** Passage threads in the order of their passages; whole-paragraph threads first. */
function passageOrder(thread: EditionThreadView): number {
  return thread.root.passage === null ? -1 : 0;
}

export { listChapters };
