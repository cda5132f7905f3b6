/**
 * A member's notes as Markdown and CSV, and the club's annotated edition as Markdown. Pure.
 *
 * **Markdown, one file per book**: the book's title, then each note in reading order under its
 * chapter — the passage quoted (`>`), the member's comment under it (their own Markdown, as
 * written), then a line saying where and when. Book text is escaped so it reads as text.
 *
 * **CSV** (RFC 4180: a header row, CRLF, quotes doubled): one row per note. UTF-8 with a
 * byte-order mark, because Excel reads UTF-8 (and so Korean or Japanese) correctly only when
 * the file starts with one; other tools ignore it. A cell starting with `=`, `+`, `-`, `@`
 * (or a tab or carriage return) is prefixed with `'` so a spreadsheet shows it as text
 * instead of running it as a formula (OWASP "CSV injection"); this is the polls area's
 * `csvCell`, shared so both exports protect the same way.
 */
import { toCsv } from '../polls';
import type { Translator } from '../i18n';
import type { AnnotatedEditionView, EditionThreadView, ExportedNote } from './types';

/** Backslash-escape what Markdown would read as markup, so book text stays text. */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/([\\`*_[\]<>|~])/g, '\\$1')
    .replace(/^(\s*)([#+-])(?=\s|$)/gm, '$1\\$2')
    .replace(/^(\s*\d+)([.)])(?=\s)/gm, '$1\\$2');
}

/** Every line of `text` behind `prefix` (`> ` for a quote), blank lines included. */
function prefixLines(text: string, prefix: string): string {
  return text
    .split(/\r?\n/)
    .map((line) => (line === '' ? prefix.trimEnd() : `${prefix}${line}`))
    .join('\n');
}

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** Notes grouped by book (edition), in the order they came (reading order). */
export function notesByBook(notes: readonly ExportedNote[]): ExportedNote[][] {
  const groups = new Map<number, ExportedNote[]>();
  for (const note of notes) {
    const list = groups.get(note.editionId) ?? [];
    list.push(note);
    groups.set(note.editionId, list);
  }
  return [...groups.values()];
}

/** A file name for a book: its title, kept readable (Hangul included), without path characters. */
export function bookFileName(note: Pick<ExportedNote, 'bookTitle' | 'editionId'>, extension: string): string {
  const base = note.bookTitle.normalize('NFC').replace(/[\\/:*?"<>|\p{Cc}]/gu, ' ').replace(/\s+/g, ' ').trim().slice(0, 80) || `book-${note.editionId}`;
  return `${base}.${extension}`;
}

/** One book's notes as Markdown (all notes must be of one edition). */
export function bookMarkdown(notes: readonly ExportedNote[], t: Translator, exportedAt: number): string {
  const first = notes[0];
  if (!first) return '';
  const out: string[] = [`# ${escapeMarkdown(first.bookTitle)}`, ''];
  if (first.bookAuthor) out.push(escapeMarkdown(first.bookAuthor), '');
  out.push(`*${t('exports.md.exported', { date: day(exportedAt), count: notes.length })}*`, '');
  let chapter: number | null = null;
  for (const note of notes) {
    if (note.chapterOrdinal !== chapter) {
      chapter = note.chapterOrdinal;
      out.push(`## ${escapeMarkdown(note.chapterName)}`, '');
    }
    if (note.quote) out.push(prefixLines(escapeMarkdown(note.quote.exact), '> '), '');
    out.push(note.body, '');
    const where = [
      note.kind === 'reply' ? t('exports.kind.reply') : note.visibility === 'private' ? t('exports.kind.private') : t('exports.kind.comment'),
      note.clubName,
      note.paragraphOrdinal !== null ? t('exports.md.paragraph', { n: note.paragraphOrdinal }) : t('exports.md.chapter_thread'),
      day(note.createdAt),
    ];
    if (note.hidden) where.push(t('exports.kind.hidden'));
    out.push(`<small>${where.map(escapeMarkdown).join(' · ')}</small>`, '', '---', '');
  }
  return `${out.join('\n').trimEnd()}\n`;
}

export const CSV_COLUMNS = ['book', 'chapter', 'paragraph', 'passage', 'start', 'end', 'kind', 'visibility', 'club', 'created', 'edited', 'comment', 'url'] as const;

/** Every note as one CSV document (header first). */
export function notesCsv(notes: readonly ExportedNote[], t: Translator): string {
  const header = CSV_COLUMNS.map((column) => t(`exports.csv.${column}`));
  const rows = notes.map((note) => [
    note.bookTitle,
    note.chapterName,
    note.paragraphOrdinal ?? '',
    note.quote?.exact ?? '',
    note.quote ? note.quote.start : '',
    note.quote ? note.quote.end : '',
    note.kind,
    note.visibility,
    note.clubName,
    new Date(note.createdAt).toISOString(),
    note.editedAt !== null ? new Date(note.editedAt).toISOString() : '',
    note.body,
    note.paragraphUrl ?? note.chapterUrl,
  ]);
  return toCsv([header, ...rows]);
}

function threadMarkdown(thread: EditionThreadView, t: Translator): string[] {
  const out: string[] = [];
  const said = (author: string, body: string | null) => (body === null ? `**${escapeMarkdown(author)}**: *${t('exports.edition.deleted')}*` : `**${escapeMarkdown(author)}**: ${body}`);
  if (thread.root.passage) out.push(prefixLines(`*“${escapeMarkdown(thread.root.passage)}”*`, '> '), '>');
  out.push(prefixLines(said(thread.root.author, thread.root.body), '> '));
  for (const reply of thread.replies) out.push('>', prefixLines(said(reply.author, reply.body), '> > '));
  out.push('');
  return out;
}

/** The annotated edition as Markdown: the text, each paragraph's discussion after it, the polls. */
export function annotatedEditionMarkdown(view: AnnotatedEditionView, t: Translator): string {
  const out: string[] = [`# ${escapeMarkdown(view.bookTitle)}`, ''];
  if (view.bookAuthor) out.push(escapeMarkdown(view.bookAuthor), '');
  out.push(`*${t('exports.edition.subtitle', { club: view.clubName, date: day(view.generatedAt) })}*`, '');
  for (const chapter of view.chapters) {
    out.push(`## ${escapeMarkdown(chapter.name)}`, '');
    for (const paragraph of chapter.paragraphs) {
      out.push(paragraph.kind === 'heading' ? `${'#'.repeat(Math.min(6, 2 + Math.max(1, paragraph.depth)))} ${escapeMarkdown(paragraph.text)}` : escapeMarkdown(paragraph.text), '');
      for (const thread of paragraph.threads) out.push(...threadMarkdown(thread, t));
    }
    if (chapter.chapterThreads.length > 0) {
      out.push(`### ${t('exports.edition.chapter_discussion')}`, '');
      for (const thread of chapter.chapterThreads) out.push(...threadMarkdown(thread, t));
    }
    for (const poll of chapter.polls) {
      out.push(`### ${t('exports.edition.poll')}: ${escapeMarkdown(poll.question)}`, '');
      if (!poll.results) out.push(`*${t('exports.edition.poll_hidden')}*`, '');
      else {
        for (const row of poll.results.counts) out.push(`- ${escapeMarkdown(row.label)}: ${t('exports.edition.votes', { count: row.votes })} (${row.percent}%)`);
        if (poll.results.winners && poll.results.winners.length > 0) out.push(`- ${t('exports.edition.winner', { names: poll.results.winners.join(', ') })}`);
        out.push('');
      }
    }
  }
  return `${out.join('\n').trimEnd()}\n`;
}
