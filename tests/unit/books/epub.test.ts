import { strToU8, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { importError } from '../../fixtures/books/import-error';
import { ImportError, parseBook, DEFAULT_IMPORT_LIMITS, type ImportLimits } from '../../../src/books/import/index';
import { deflateBomb, epub2Files, epub3Files, withDeclaredSize, xhtml, zipBombEpub, zipEpub, type EpubFiles } from '../../fixtures/books/epub';
import { inflateWithBudget } from '../../../src/books/import/epub/zip';

const parse = (bytes: Uint8Array, limits?: ImportLimits) => parseBook({ bytes, filename: 'book.epub' }, limits);
const outline = (files: EpubFiles) =>
  parse(zipEpub(files)).sections.map((s) => ({ depth: s.depth, title: s.title, kind: s.kind, paragraphs: s.paragraphs }));


describe('EPUB 3', () => {
  const book = parse(zipEpub(epub3Files()));

  it('reads metadata: title, the author (role aut, not the illustrator), language', () => {
    expect(book.title).toBe('The Lighthouse Club');
    expect(book.author).toBe('Mara Keel');
    expect(book.language).toBe('en');
    expect(book.format).toBe('epub');
  });

  it('follows the spine with nav titles; skips the image-only cover, the nav and linear="no"', () => {
    expect(outline(epub3Files())).toEqual([
      {
        depth: 1,
        title: 'Chapter One: The Keeper',
        kind: 'body',
        paragraphs: [
          'The keeper climbed the stairs every night.',
          'A loose line in a div.',
          'A paragraph inside a div.',
          'Another one.',
          'A quoted passage.',
          'First item',
          'Second item',
        ],
      },
      {
        depth: 1,
        title: 'Chapter Two: 漢字 and Light',
        kind: 'body',
        paragraphs: ['漢字を読む。', 'A lamp at dusk', 'Text after an unlabelled image.', 'line one\nline two'],
      },
      { depth: 1, title: 'Chapter Three', kind: 'body', paragraphs: ['Calm before.'] },
      { depth: 2, title: 'The Storm', kind: 'body', paragraphs: ['Wind and rain.'] },
      { depth: 3, title: 'An Unlisted Heading', kind: 'body', paragraphs: ['After the unlisted heading.'] },
      { depth: 1, title: 'Colophon', kind: 'back', paragraphs: ['Set in a test font.'] },
    ]);
  });

  it('warns about the missing chapter file and the missing audio, without failing', () => {
    expect(book.warnings).toEqual([
      { code: 'epub_missing_file', params: { count: 1, files: 'OEBPS/text/ch4.xhtml' } },
      { code: 'epub_missing_audio', params: { count: 1, files: 'OEBPS/audio/ch1.mp3' } },
    ]);
  });

  it('keeps a cover page that has text of its own, as front matter', () => {
    const files = epub3Files();
    files['OEBPS/text/cover.xhtml'] = xhtml('<section epub:type="cover"><img src="../images/cover.png" alt="Cover"/><p>About the author: a keeper.</p></section>');
    const sections = outline(files);
    // The cover image's alt text "Cover" is a placeholder, not a paragraph.
    expect(sections[0]).toEqual({ depth: 1, title: '', kind: 'front', paragraphs: ['About the author: a keeper.'] });
  });

  it('NFC-normalises decomposed text from content documents', () => {
    const files = epub3Files();
    files['OEBPS/text/ch1.xhtml'] = xhtml(`<h1>Chapter One: The Keeper</h1><p>${'한글 문장입니다.'.normalize('NFD')}</p>`);
    expect(outline(files)[0]!.paragraphs).toEqual(['한글 문장입니다.']);
  });

  it('accepts font obfuscation alone (not DRM)', () => {
    const files = epub3Files();
    files['OEBPS/fonts/a.otf'] = new Uint8Array([1, 2, 3]);
    files['META-INF/encryption.xml'] = `<encryption xmlns="urn:oasis:names:tc:opendocument:xmlns:container" xmlns:enc="http://www.w3.org/2001/04/xmlenc#">
  <enc:EncryptedData><enc:EncryptionMethod Algorithm="http://www.idpf.org/2008/embedding"/>
  <enc:CipherData><enc:CipherReference URI="OEBPS/fonts/a.otf"/></enc:CipherData></enc:EncryptedData></encryption>`;
    expect(parse(zipEpub(files)).title).toBe('The Lighthouse Club');
  });

  it('refuses encrypted content documents as DRM', () => {
    const files = epub3Files();
    files['META-INF/encryption.xml'] = `<encryption xmlns="urn:oasis:names:tc:opendocument:xmlns:container" xmlns:enc="http://www.w3.org/2001/04/xmlenc#">
  <enc:EncryptedData><enc:EncryptionMethod Algorithm="http://www.w3.org/2001/04/xmlenc#aes128-cbc"/>
  <enc:CipherData><enc:CipherReference URI="OEBPS/text/ch1.xhtml"/></enc:CipherData></enc:EncryptedData></encryption>`;
    const error = importError(() => parse(zipEpub(files)));
    expect(error.code).toBe('epub_drm');
    expect(error.params).toEqual({ file: 'OEBPS/text/ch1.xhtml' });
  });

  it('reads UTF-8 file names written without the ZIP UTF-8 flag', () => {
    const files = epub3Files();
    files['OEBPS/content.opf'] = String(files['OEBPS/content.opf']).replace('text/ch2.xhtml', 'text/%E4%BA%8C.xhtml');
    files['OEBPS/nav.xhtml'] = String(files['OEBPS/nav.xhtml']).replace('text/ch2.xhtml', 'text/二.xhtml');
    files['OEBPS/text/二.xhtml'] = files['OEBPS/text/ch2.xhtml']!;
    delete files['OEBPS/text/ch2.xhtml'];
    expect(outline(files)[1]!.title).toBe('Chapter Two: 漢字 and Light');
  });
});

describe('EPUB 2', () => {
  const book = parse(zipEpub(epub2Files()));

  it('reads metadata and takes titles from the NCX, nested navPoints deeper', () => {
    expect([book.title, book.author, book.language]).toEqual(['옛 책방 이야기', '김하늘', 'ko']);
    expect(book.sections.map((s) => ({ depth: s.depth, title: s.title, kind: s.kind, paragraphs: s.paragraphs }))).toEqual([
      { depth: 1, title: '', kind: 'front', paragraphs: ['옛 책방 이야기', '김하늘 지음'] },
      { depth: 1, title: '제1부 봄', kind: 'body', paragraphs: [] },
      { depth: 2, title: '1장 문을 열며', kind: 'body', paragraphs: ['책방 문을 열었다.', '같은 장의 두 번째 파일이다.'] },
      { depth: 2, title: '2장 & 닫으며', kind: 'body', paragraphs: ['책방 문을 닫았다.'] },
    ]);
    expect(book.warnings).toEqual([]);
  });
});

describe('EPUB safety and errors', () => {
  const code = (bytes: Uint8Array, limits?: ImportLimits) => importError(() => parse(bytes, limits)).code;

  it('epub_invalid: not a ZIP, or no container.xml', () => {
    expect(code(strToU8('hello, not a zip'))).toBe('epub_invalid');
    const files = epub3Files();
    delete files['META-INF/container.xml'];
    const error = importError(() => parse(zipEpub(files)));
    expect(error.code).toBe('epub_invalid');
    expect(String(error.params.detail)).toContain('container.xml');
  });

  it('epub_too_large: a declared total over the limit is refused before inflating (zip bomb)', () => {
    const zip = withDeclaredSize(zipEpub(epub3Files()), 'OEBPS/text/notes.xhtml', 300 * 1024 * 1024);
    expect(code(zip, { ...DEFAULT_IMPORT_LIMITS, maxEntryBytes: 400 * 1024 * 1024 })).toBe('epub_too_large');
    expect(code(zip)).toBe('epub_too_large');
  });

  it('epub_too_large: a header that declares less than the entry really holds', () => {
    const files = epub3Files();
    files['OEBPS/text/ch1.xhtml'] = xhtml(`<h1>Chapter One: The Keeper</h1><p>${'a'.repeat(200_000)}</p>`);
    const zip = withDeclaredSize(zipEpub(files), 'OEBPS/text/ch1.xhtml', 1000);
    expect(code(zip)).toBe('epub_too_large');
  });

  it('epub_too_large: a 2 KB header over 16 GiB of output stops after the budget, not after inflating it all', () => {
    const zip = zipBombEpub();
    expect(zip.length).toBeGreaterThan(16_000_000); // the archive of issue #16: ~17 MB, 16 GiB inflated
    const error = importError(() => parse(zip));
    expect(error.code).toBe('epub_too_large');
    expect(error.params.name).toBe('OEBPS/text/bomb.xhtml');
  });

  it('inflateWithBudget counts what comes out: refuses one byte over, accepts the exact size', () => {
    const bomb = deflateBomb(1); // 1 MiB of zeros
    expect(inflateWithBudget(bomb, 1 << 20, 'x', 1).length).toBe(1 << 20);
    expect(importError(() => inflateWithBudget(bomb, (1 << 20) - 1, 'x', 7)).params).toEqual({ name: 'x', limit: 7 });
  });

  it('epub_too_many_entries', () => {
    const files = epub3Files();
    for (let i = 0; i < 20; i++) files[`OEBPS/extra/${i}.txt`] = 'x';
    expect(code(zipEpub(files), { ...DEFAULT_IMPORT_LIMITS, maxEntries: 15 })).toBe('epub_too_many_entries');
    const many: Record<string, Uint8Array> = {};
    for (let i = 0; i <= DEFAULT_IMPORT_LIMITS.maxEntries; i++) many[`f${i}`] = new Uint8Array(0);
    expect(code(zipSync(many, { level: 0 }))).toBe('epub_too_many_entries');
  });

  it.each(['../evil.xhtml', 'OEBPS/../../evil.xhtml', '/etc/passwd', 'C:\\evil.xhtml', '..\\..\\evil.xhtml'])(
    'epub_path_escape: %s',
    (name) => {
      const files = epub3Files();
      files[name] = 'x';
      const error = importError(() => parse(zipEpub(files)));
      expect(error.code).toBe('epub_path_escape');
      expect(error.params).toEqual({ name });
    },
  );

  it('too_large: the file itself over maxFileBytes', () => {
    expect(code(zipEpub(epub3Files()), { ...DEFAULT_IMPORT_LIMITS, maxFileBytes: 100 })).toBe('too_large');
  });

  it('no_text: an EPUB with nothing to read', () => {
    const files = epub3Files();
    for (const name of ['cover', 'ch1', 'ch2', 'ch3', 'colophon']) files[`OEBPS/text/${name}.xhtml`] = xhtml('<div> </div>');
    expect(code(zipEpub(files))).toBe('no_text');
  });

  it('no_text_images: a book of pictures says it is made of images (and counts them)', () => {
    const files = epub3Files();
    for (const name of ['ch1', 'ch2', 'ch3', 'colophon']) files[`OEBPS/text/${name}.xhtml`] = xhtml('<div><img src="x.png" alt=""/></div>');
    const error = importError(() => parse(zipEpub(files)));
    expect(error.code).toBe('no_text_images');
    expect(error.params).toEqual({ images: 5 });
  });

  it('no_text_fixed_layout: a fixed-layout comic whose pages are SVG images and bitmaps in the spine', () => {
    const files = epub3Files();
    files['OEBPS/content.opf'] = String(files['OEBPS/content.opf'])
      .replace('<dc:language>', '<meta property="rendition:layout">pre-paginated</meta><dc:language>')
      .replace('</manifest>', '<item id="p2" href="images/p2.png" media-type="image/png"/></manifest>')
      .replace('</spine>', '<itemref idref="p2"/></spine>');
    for (const name of ['ch1', 'ch2', 'ch3', 'colophon'])
      files[`OEBPS/text/${name}.xhtml`] = xhtml('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><image href="../images/p.png" width="10" height="10"/></svg>');
    expect(code(zipEpub(files))).toBe('no_text_fixed_layout');
  });
});
