/**
 * The books area's public face: the library, book pages, the library reader and uploads.
 * Other areas read editions, chapters and paragraphs through the queries below and decorate
 * paragraphs through {@link ParagraphDecoration}; nothing else of `src/books/` is theirs.
 */
export { bookRoutes } from './routes';
export { importContentFolder } from './content';
export { getChapterById, getChapterByOrdinal, getEdition, getParagraph, listChapters, listLibrary, listParagraphs } from './queries';
export type { TocEntry } from './pages';
export type { ImportPool } from './import/pool';
export { encodingLabel } from './import/encoding-label';
export type { BookTextSetting, ClubUploadRights, Highlight, ParagraphDecoration, ParagraphView, RubyView } from './types';
export { bodyStartPosition, chapterName, firstBodyChapter, type ChapterKind } from './reading-order';
