/**
 * EPUB 2 and 3 → outline.
 *
 * `META-INF/container.xml` names the package (OPF); its metadata gives title, author and
 * language, its spine the reading order. Titles come from the EPUB 3 navigation document
 * (`nav.xhtml`), or the EPUB 2 `toc.ncx` for files the nav does not list.
 *
 * Which spine items are read, and as what:
 * - skipped: `linear="no"` items; the navigation document; table-of-contents pages (a
 *   `<nav epub:type="toc">`, or `epub:type`/landmark/guide type `toc`); cover pages with no
 *   text of their own (only an image); items that are not XHTML.
 * - `front`: items before the start of the body. The body starts at the landmark/guide
 *   `bodymatter` (or `text`) target; without one, at the first item declaring
 *   `epub:type` bodymatter/chapter/part; without that, at the first item the TOC lists.
 *   So a title page, a preface or an epigraph listed before Chapter 1 are front matter, and a
 *   cover page that carries text (an author's bio) is front matter too, never lost.
 * - `back`: items after the body start declared `backmatter`, `copyright-page`, `colophon`,
 *   `appendix`, `index`, `frontmatter` (a colophon put at the end), by their own `epub:type`
 *   or a landmark; later items stay back unless they declare `bodymatter`/`chapter`.
 * - `body`: the rest.
 *
 * Sections: a TOC entry pointing at a file (no fragment) titles the section that file starts;
 * entries with a fragment start a new section where that id appears in the file (at the
 * TOC's depth). A file's first heading, when it says what the TOC says, is not repeated as a
 * paragraph; later headings in a file start deeper sections. A file with no TOC entry and no
 * heading continues the previous section of the same kind.
 *
 * Encrypted content (`META-INF/encryption.xml` covering anything but fonts, or using anything
 * but the IDPF/Adobe font obfuscation algorithms) is refused as DRM. Files the manifest lists
 * but the archive lacks are warnings, not failures.
 */
import { XMLParser } from 'fast-xml-parser';
import { isRtlLanguage } from '../direction';
import { plainText } from '../rich';
import { cleanText, headingKey, primaryLanguage, similarity } from '../text';
import { ImportError, type ImportLimits, type ImportWarning, type OutlineSection, type SectionKind, type TextDirection, type WritingMode } from '../types';
import { extractContent, parseNav, type Block, type ContentDocument, type NavEntry } from './xhtml';
import { openArchive } from './zip';

export interface EpubOutline {
  title: string | null;
  author: string | null;
  language: string | null;
  sections: OutlineSection[];
  warnings: ImportWarning[];
  /** `rtl` when the content or the spine says so (the language is checked by the caller); null when neither does. */
  direction: TextDirection | null;
  writingMode: WritingMode;
}

const ARRAY_TAGS = new Set([
  'rootfile', 'item', 'itemref', 'reference', 'meta', 'title', 'creator', 'language', 'navPoint', 'EncryptedData', 'text', 'audio', 'par', 'seq',
]);

const xml = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  processEntities: true,
  htmlEntities: true,
  isArray: (name) => ARRAY_TAGS.has(name),
});

type XmlNode = Record<string, unknown>;

function asArray(value: unknown): XmlNode[] {
  if (value === undefined || value === null) return [];
  return (Array.isArray(value) ? value : [value]) as XmlNode[];
}

function textOf(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string' || typeof value === 'number') return cleanText(String(value));
  if (Array.isArray(value)) return textOf(value[0]);
  if (typeof value === 'object') return textOf((value as XmlNode)['#text']);
  return '';
}

function attr(node: XmlNode | undefined, name: string): string {
  const value = node?.[`@_${name}`];
  return typeof value === 'string' ? value : '';
}

/** XML bytes → string, honouring a BOM or the XML declaration's encoding. */
function decodeXml(bytes: Uint8Array): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes);
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes);
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, 200));
  const declared = /encoding\s*=\s*["']([\w.-]+)["']/i.exec(head)?.[1];
  try {
    return new TextDecoder(declared ?? 'utf-8').decode(bytes);
  } catch {
    return new TextDecoder('utf-8').decode(bytes);
  }
}

function parseXml(bytes: Uint8Array, name: string): XmlNode {
  try {
    return xml.parse(decodeXml(bytes)) as XmlNode;
  } catch (error) {
    throw new ImportError('epub_invalid', { detail: `${name}: ${error instanceof Error ? error.message : String(error)}` });
  }
}

function dirname(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? '' : path.slice(0, slash + 1);
}

/** Resolves `href` against `base` (a folder ending in '/'); null when it leaves the book or is external. */
function resolveHref(base: string, href: string): { path: string; fragment: string | null } | null {
  if (/^[a-z][a-z0-9+.-]*:/i.test(href)) return null;
  const hash = href.indexOf('#');
  const rawPath = (hash < 0 ? href : href.slice(0, hash)).split('?')[0]!;
  const fragment = hash < 0 ? null : decodeSafe(href.slice(hash + 1));
  const segments = (rawPath.startsWith('/') ? rawPath : base + rawPath).split('/');
  const out: string[] = [];
  for (const segment of segments) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') {
      if (out.length === 0) return null;
      out.pop();
    } else out.push(decodeSafe(segment));
  }
  return { path: out.join('/'), fragment };
}

function decodeSafe(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

const FONT_OBFUSCATION = new Set(['http://www.idpf.org/2008/embedding', 'http://ns.adobe.com/pdf/enc#RC']);
const FONT_FILE = /\.(otf|ttf|ttc|woff2?|eot)$/i;

function assertNoDrm(encryption: Uint8Array | undefined): void {
  if (!encryption) return;
  const doc = parseXml(encryption, 'META-INF/encryption.xml');
  const root = (doc['encryption'] ?? {}) as XmlNode;
  for (const data of asArray(root['EncryptedData'])) {
    const algorithm = attr(data['EncryptionMethod'] as XmlNode, 'Algorithm');
    const uri = attr((data['CipherData'] as XmlNode | undefined)?.['CipherReference'] as XmlNode, 'URI');
    if (!FONT_OBFUSCATION.has(algorithm) || !FONT_FILE.test(uri)) {
      throw new ImportError('epub_drm', { file: uri || 'unknown' });
    }
  }
}

interface ManifestItem {
  id: string;
  path: string;
  mediaType: string;
  properties: string[];
}

interface TocTarget {
  title: string;
  depth: number;
  fragment: string | null;
  fromNav?: boolean;
}

function flattenNcx(points: XmlNode[], base: string, depth: number, out: { path: string; target: TocTarget }[]): void {
  for (const point of points) {
    const label = textOf(((point['navLabel'] as XmlNode | undefined)?.['text'] as unknown[] | undefined)?.[0]);
    const src = attr(point['content'] as XmlNode, 'src');
    const resolved = src ? resolveHref(base, src) : null;
    if (resolved && label) out.push({ path: resolved.path, target: { title: label, depth, fragment: resolved.fragment } });
    flattenNcx(asArray(point['navPoint']), base, depth + 1, out);
  }
}

const CONTENT_TYPES = /^(application\/xhtml\+xml|text\/html|application\/x-dtbook\+xml)$/i;
const WANTED = /(^mimetype$|\.(xml|opf|ncx|xhtml|html|htm|xht|smil|svg|css)$)/i;
const SVG_TYPE = /^image\/svg\+xml$/i;
const VERTICAL_CSS = /(^|[;{\s])(-epub-|-webkit-)?writing-mode\s*:\s*(vertical-rl|tb-rl)/i;
/**
 * Alt text that says nothing: the name of the thing ("cover", "image"), a page number, a
 * placeholder some tools write ("代替テキスト", "alt"), an image file name.
 */
const PLACEHOLDER_ALT =
  /^(cover|cover image|front cover|back cover|image|img|picture|photo|figure|fig\.?|illustration|graphic|logo|icon|titlepage|title page|title|blank|alt|untitled|null|none|spacer|decoration|page|(page|p\.?|pg\.?)\s*\d+|\d+|代替テキスト|画像|イメージ|表紙|挿絵|이미지|그림|표지|사진|图片|图像|封面|插图|.+\.(jpe?g|png|gif|svg|webp))$/i;
const FRONT_TYPES = ['cover', 'titlepage', 'title-page', 'frontmatter', 'copyright-page', 'dedication', 'epigraph', 'preface', 'foreword', 'halftitlepage'];
const BACK_TYPES = ['backmatter', 'copyright-page', 'colophon', 'appendix', 'index', 'frontmatter', 'acknowledgments', 'afterword-back'];
const BODY_TYPES = ['bodymatter', 'chapter', 'part', 'text', 'start'];

export function parseEpub(bytes: Uint8Array, limits: ImportLimits): EpubOutline {
  const archive = openArchive(bytes, limits, (name) => WANTED.test(name));
  const lowerNames = new Map<string, string>();
  for (const name of archive.names) lowerNames.set(name.toLowerCase(), name);
  const exists = (path: string) => archive.names.has(path) || lowerNames.has(path.toLowerCase());
  const read = (path: string) => archive.files.get(path) ?? archive.files.get(lowerNames.get(path.toLowerCase()) ?? '');

  assertNoDrm(read('META-INF/encryption.xml'));

  const containerBytes = read('META-INF/container.xml');
  if (!containerBytes) throw new ImportError('epub_invalid', { detail: 'META-INF/container.xml is missing' });
  const container = parseXml(containerBytes, 'META-INF/container.xml');
  const rootfiles = asArray(((container['container'] as XmlNode | undefined)?.['rootfiles'] as XmlNode | undefined)?.['rootfile']);
  const rootfile =
    rootfiles.find((r) => attr(r, 'media-type') === 'application/oebps-package+xml') ?? rootfiles[0];
  const opfPath = rootfile ? resolveHref('', attr(rootfile, 'full-path'))?.path : undefined;
  const opfBytes = opfPath ? read(opfPath) : undefined;
  if (!opfPath || !opfBytes) throw new ImportError('epub_invalid', { detail: 'the package document (OPF) is missing' });
  const opfBase = dirname(opfPath);
  const pkg = (parseXml(opfBytes, opfPath)['package'] ?? {}) as XmlNode;
  const metadata = (pkg['metadata'] ?? {}) as XmlNode;
  const manifestNode = (pkg['manifest'] ?? {}) as XmlNode;
  const spineNode = (pkg['spine'] ?? {}) as XmlNode;

  const manifest = new Map<string, ManifestItem>();
  for (const item of asArray(manifestNode['item'])) {
    const resolved = resolveHref(opfBase, attr(item, 'href'));
    if (!resolved) continue;
    manifest.set(attr(item, 'id'), {
      id: attr(item, 'id'),
      path: resolved.path,
      mediaType: attr(item, 'media-type'),
      properties: attr(item, 'properties').split(/\s+/).filter(Boolean),
    });
  }
  const warnings: ImportWarning[] = [];

  // Metadata. `meta refines="#id" property="role"` (EPUB 3) or `opf:role` (EPUB 2) picks the author.
  const metas = asArray(metadata['meta']);
  const roleOf = (node: XmlNode) => {
    const id = attr(node, 'id');
    const refined = metas.find((m) => attr(m, 'refines') === `#${id}` && attr(m, 'property') === 'role');
    return (refined ? textOf(refined) : attr(node, 'role')).toLowerCase();
  };
  const language = primaryLanguage(textOf(asArray(metadata['language'])[0]));
  /**
   * A title or name in the book's own language: the element itself when it is written in it
   * (or says nothing), else its `alternate-script` refinement in that language. The Arabic
   * book whose `dc:title` is French shows its Arabic title.
   */
  const inBookLanguage = (node: XmlNode | undefined): string | null => {
    if (!node) return null;
    const own = textOf(node) || null;
    const ownLanguage = primaryLanguage(attr(node, 'lang')) ?? primaryLanguage(attr(pkg, 'lang'));
    if (!language || ownLanguage === language) return own;
    const id = attr(node, 'id');
    const alternate = metas.find(
      (m) => id && attr(m, 'refines') === `#${id}` && attr(m, 'property') === 'alternate-script' && primaryLanguage(attr(m, 'lang')) === language,
    );
    return (alternate ? textOf(alternate) : '') || own;
  };
  const creators = asArray(metadata['creator']);
  const creator = creators.find((c) => ['aut', ''].includes(roleOf(c))) ?? creators[0];
  let author = inBookLanguage(creator);
  let title = inBookLanguage(asArray(metadata['title'])[0]);

  // Navigation: EPUB 3 nav first, NCX for anything the nav does not list.
  const tocByPath = new Map<string, TocTarget[]>();
  const addTarget = (path: string, target: TocTarget) => {
    const list = tocByPath.get(path) ?? [];
    list.push(target);
    tocByPath.set(path, list);
  };
  const landmarkTypes = new Map<string, Set<string>>();
  const addLandmark = (path: string, types: string[]) => {
    const set = landmarkTypes.get(path) ?? new Set<string>();
    for (const t of types) set.add(t.toLowerCase());
    landmarkTypes.set(path, set);
  };
  let bodyStartPath: string | null = null;

  const navItem = [...manifest.values()].find((item) => item.properties.includes('nav'));
  const navBytes = navItem ? read(navItem.path) : undefined;
  let navLanguage: string | null = null;
  if (navItem && navBytes) {
    const nav = parseNav(decodeXml(navBytes));
    navLanguage = primaryLanguage(nav.lang);
    const navBase = dirname(navItem.path);
    for (const entry of nav.toc as NavEntry[]) {
      const resolved = resolveHref(navBase, entry.href);
      if (resolved && entry.title) addTarget(resolved.path, { title: entry.title, depth: entry.depth, fragment: resolved.fragment, fromNav: true });
    }
    for (const landmark of nav.landmarks) {
      const resolved = resolveHref(navBase, landmark.href);
      if (!resolved) continue;
      addLandmark(resolved.path, landmark.types);
      if (!bodyStartPath && landmark.types.some((t) => t === 'bodymatter')) bodyStartPath = resolved.path;
    }
  }
  const ncxItem = manifest.get(attr(spineNode, 'toc')) ?? [...manifest.values()].find((item) => item.mediaType === 'application/x-dtbncx+xml');
  const ncxBytes = ncxItem ? read(ncxItem.path) : undefined;
  if (ncxItem && ncxBytes) {
    const ncx = (parseXml(ncxBytes, ncxItem.path)['ncx'] ?? {}) as XmlNode;
    const found: { path: string; target: TocTarget }[] = [];
    flattenNcx(asArray((ncx['navMap'] as XmlNode | undefined)?.['navPoint']), dirname(ncxItem.path), 1, found);
    const navPaths = new Set(tocByPath.keys());
    for (const { path, target } of found) if (!navPaths.has(path)) addTarget(path, target);
    const docAuthor = textOf(((ncx['docAuthor'] as XmlNode | undefined)?.['text'] as unknown[] | undefined)?.[0]);
    // "夏目 漱石" in the OPF, "夏目漱石" in the NCX: the NCX spelling is the one printed on the cover.
    if (docAuthor && author && docAuthor !== author && docAuthor === author.replace(/\s+/g, '')) author = docAuthor;
    if (!author && docAuthor) author = docAuthor;
    const docTitle = textOf(((ncx['docTitle'] as XmlNode | undefined)?.['text'] as unknown[] | undefined)?.[0]);
    if (!title && docTitle) title = docTitle;
  }
  if (tocByPath.size === 0) warnings.push({ code: 'epub_no_toc', params: {} });
  const guide = asArray(((pkg['guide'] ?? {}) as XmlNode)['reference']);
  for (const reference of guide) {
    const resolved = resolveHref(opfBase, attr(reference, 'href'));
    if (!resolved) continue;
    const type = attr(reference, 'type').toLowerCase();
    addLandmark(resolved.path, [type === 'text' ? 'bodymatter' : type === 'title-page' ? 'titlepage' : type]);
    if (!bodyStartPath && type === 'text') bodyStartPath = resolved.path;
  }

  // Missing files: content and media in the manifest but not in the archive, audio counted apart.
  const missingAudio = new Set<string>();
  const missingFiles = new Set<string>();
  for (const item of manifest.values()) {
    if (exists(item.path)) continue;
    if (item.mediaType.startsWith('audio/')) missingAudio.add(item.path);
    else missingFiles.add(item.path);
  }
  for (const item of manifest.values()) {
    if (item.mediaType !== 'application/smil+xml') continue;
    const smil = read(item.path);
    if (!smil) continue;
    for (const m of decodeXml(smil).matchAll(/<audio\b[^>]*\bsrc\s*=\s*["']([^"']+)["']/g)) {
      const resolved = resolveHref(dirname(item.path), m[1]!);
      if (resolved && !exists(resolved.path)) missingAudio.add(resolved.path);
    }
  }

  // Read the spine.
  interface SpineDoc {
    path: string;
    doc: ContentDocument;
    types: Set<string>;
    /** Primary language of the document ('' when it says none). */
    language: string;
  }
  const docs: SpineDoc[] = [];
  const cssCache = new Map<string, string>();
  const cssOf = (path: string) => {
    if (!cssCache.has(path)) cssCache.set(path, read(path) ? decodeXml(read(path)!) : '');
    return cssCache.get(path)!;
  };
  let images = 0;
  let pictureDocs = 0;
  let vertical = false;
  let rtlContent = 0;
  let ltrContent = 0;
  const spineItems = asArray(spineNode['itemref']);
  for (const itemref of spineItems) {
    const item = manifest.get(attr(itemref, 'idref'));
    if (!item || attr(itemref, 'linear') === 'no' || item.properties.includes('nav')) continue;
    if (!CONTENT_TYPES.test(item.mediaType) && !SVG_TYPE.test(item.mediaType)) {
      if (item.mediaType.startsWith('image/')) images++; // a bitmap page in the spine
      continue;
    }
    const data = read(item.path);
    if (!data) {
      missingFiles.add(item.path);
      continue;
    }
    const anchors = new Set((tocByPath.get(item.path) ?? []).map((t) => t.fragment).filter((f): f is string => !!f));
    const doc = extractContent(decodeXml(data), anchors);
    images += doc.images;
    const css = doc.inlineCss + doc.stylesheets.map((href) => { const r = resolveHref(dirname(item.path), href); return r ? cssOf(r.path) : ''; }).join('\n');
    if (VERTICAL_CSS.test(css)) vertical = true;
    if (doc.dir === 'rtl') rtlContent++;
    else if (doc.dir === 'ltr') ltrContent++;
    const types = new Set([...doc.types, ...(landmarkTypes.get(item.path) ?? [])]);
    if (doc.hasTocNav || (types.has('toc') && !BODY_TYPES.some((t) => doc.types.has(t)))) continue;
    const docLanguage = primaryLanguage(doc.lang) ?? '';
    if (doc.textChars === 0 && !doc.blocks.some((b) => b.kind === 'para' && !b.alt && plainText(b.text))) {
      // A picture: a cover, a title page, a comic's page. Its alt text is not read; a title the
      // TOC gives it ("Moby-Dick" for the title page) stays as a heading, which joins the next
      // page (a page is never only headings). Not a cover's, nor a label from a nav in another language.
      pictureDocs++;
      const foreign = !!navLanguage && !!language && navLanguage !== language;
      const listed = (tocByPath.get(item.path) ?? []).some((t) => !t.fragment && !(t.fromNav && foreign));
      if (listed && !types.has('cover')) docs.push({ path: item.path, doc: { ...doc, blocks: [] }, types, language: docLanguage });
      continue;
    }
    if (isContentsPage(doc, tocByPath.has(item.path))) continue;
    docs.push({ path: item.path, doc, types, language: docLanguage });
  }
  dropNoise(docs.map((d) => d.doc));
  if (missingFiles.size > 0) {
    warnings.push({ code: 'epub_missing_file', params: { count: missingFiles.size, files: [...missingFiles].join(', ') } });
  }
  if (missingAudio.size > 0) {
    warnings.push({ code: 'epub_missing_audio', params: { count: missingAudio.size, files: [...missingAudio].join(', ') } });
  }

  let bodyStart = bodyStartPath ? docs.findIndex((d) => d.path === bodyStartPath) : -1;
  if (bodyStart < 0) bodyStart = docs.findIndex((d) => BODY_TYPES.some((t) => d.types.has(t)));
  if (bodyStart < 0) bodyStart = docs.findIndex((d) => tocByPath.has(d.path) && !FRONT_TYPES.some((t) => d.types.has(t)));
  if (bodyStart < 0) bodyStart = 0;

  const sections: OutlineSection[] = [];
  let inBack = false;
  let lastDepth = 1;
  docs.forEach(({ path, doc, types }, index) => {
    dropAltEchoes(doc.blocks);
    let kind: SectionKind = 'body';
    if (index < bodyStart) kind = 'front';
    else if (index > bodyStart && BACK_TYPES.some((t) => types.has(t)) && !types.has('chapter')) inBack = true;
    else if (types.has('bodymatter') || types.has('chapter')) inBack = false;
    if (index >= bodyStart && inBack) kind = 'back';

    const targets = tocByPath.get(path) ?? [];
    const byFragment = new Map(targets.filter((t) => t.fragment).map((t) => [t.fragment!, t]));
    // A nav written in another language than the document it points at ("Commencer la lecture"
    // over an Arabic chapter) does not title it: the document's own heading does.
    const foreignNav = (target: TocTarget) => target.fromNav === true && !!navLanguage && !!language && navLanguage !== language && (docLanguage || language) !== navLanguage;
    const docLanguage = docs[index]!.language;
    const wholeTarget = targets.find((t) => !t.fragment);
    const whole = wholeTarget && !(foreignNav(wholeTarget) && doc.blocks.some((b) => b.kind === 'heading')) ? wholeTarget : undefined;
    let current: OutlineSection | null = null;
    let titleHeadingPending = false;
    /** Text (not just an image's alt text) since the section opened: a heading after it is not the title's echo. */
    let sawText = false;
    let baseDepth = whole?.depth ?? lastDepth;

    const open = (section: OutlineSection, fromToc: boolean) => {
      sections.push(section);
      current = section;
      titleHeadingPending = fromToc;
      sawText = false;
      if (fromToc) baseDepth = section.depth;
      lastDepth = section.depth;
    };
    const continuing = (): OutlineSection => {
      if (current) return current;
      const previous = sections[sections.length - 1];
      if (previous && previous.kind === kind) {
        current = previous;
        return previous;
      }
      open({ depth: 1, title: '', kind, paragraphs: [] }, false);
      return current!;
    };
    if (whole) open({ depth: whole.depth, title: whole.title, kind, paragraphs: [] }, true);

    for (const block of doc.blocks) {
      if (block.kind === 'anchor') {
        const target = byFragment.get(block.id);
        if (target) open({ depth: target.depth, title: target.title, kind, paragraphs: [] }, true);
        continue;
      }
      if (block.kind === 'heading') {
        const section = current as OutlineSection | null;
        if (section && titleHeadingPending && !sawText) {
          titleHeadingPending = false;
          if (sameTitle(block.text, section.title)) continue;
          section.paragraphs.push(block.text);
          continue;
        }
        const depth = section || whole ? baseDepth + 1 : lastDepth;
        open({ depth, title: block.text, kind, paragraphs: [] }, false);
        continue;
      }
      if (!block.alt) sawText = true;
      continuing().paragraphs.push(block.text);
    }
  });

  const kept = sections.filter((s) => s.title !== '' || s.paragraphs.length > 0);
  // A comic with an "About this document" page: pages of pictures, and text only in documents
  // that say they are front or back matter. It is a book of images all the same.
  const textDocs = docs.filter((d) => d.doc.blocks.length > 0);
  const onlyMatterText = textDocs.length > 0 && textDocs.every(({ types }) => [...FRONT_TYPES, ...BACK_TYPES].some((t) => types.has(t)) && !BODY_TYPES.some((t) => types.has(t)));
  const picturesOnly = onlyMatterText && pictureDocs >= 5 && pictureDocs >= 3 * textDocs.length;
  if (picturesOnly || !kept.some((s) => s.paragraphs.some((p) => plainText(p)))) {
    // Nothing to read: say why when the book is made of pictures.
    const fixedLayout = metas.some((m) => attr(m, 'property') === 'rendition:layout' && textOf(m) === 'pre-paginated');
    if (fixedLayout && images > 0) throw new ImportError('no_text_fixed_layout', { images });
    if (images > 0) throw new ImportError('no_text_images', { images });
    throw new ImportError('no_text');
  }
  const progression = attr(spineNode, 'page-progression-direction').toLowerCase();
  const cjk = ['ja', 'zh', 'ko'].includes(language ?? '');
  const rtl = rtlContent > ltrContent || (progression === 'rtl' && !cjk && (isRtlLanguage(language ?? '') || rtlContent > 0));
  return {
    title,
    author,
    language,
    sections: kept,
    warnings,
    direction: rtl ? 'rtl' : rtlContent + ltrContent > 0 || progression === 'ltr' ? 'ltr' : null,
    writingMode: vertical && (cjk || !language) ? 'vertical-rl' : 'horizontal-tb',
  };
}

/**
 * A contents page that is not the navigation document: most of its text is links to other
 * documents of the book (at least 3 of them), and the TOC does not point at it. Reading it as
 * text would make its heading swallow the book into one chapter.
 */
function isContentsPage(doc: ContentDocument, listedInToc: boolean): boolean {
  const body = doc.textChars - doc.headingChars; // its "Contents" heading is not what it is made of
  if (doc.links < 3 || body <= 0) return false;
  const share = doc.linkChars / body;
  return share >= 0.75 || (!listedInToc && share >= 0.6);
}

/**
 * Noise across the whole book, removed before sections are built:
 * - placeholder alt text ("cover", "page 1", "代替テキスト") and any alt text that repeats
 *   (three times or more: a placeholder, whatever its words);
 * - short paragraphs made only of links that repeat three times or more (a "Previous topic /
 *   Next topic" bar on every page).
 */
function dropNoise(documents: ContentDocument[]): void {
  const altCount = new Map<string, number>();
  const linkCount = new Map<string, number>();
  for (const doc of documents) {
    for (const block of doc.blocks) {
      if (block.kind !== 'para' || !(block.alt || block.links)) continue;
      const key = headingKey(plainText(block.text));
      if (block.alt) altCount.set(key, (altCount.get(key) ?? 0) + 1);
      else if (block.links && plainText(block.text).length <= 80) linkCount.set(key, (linkCount.get(key) ?? 0) + 1);
    }
  }
  for (const doc of documents) {
    doc.blocks = doc.blocks.filter((block) => {
      if (block.kind !== 'para' || !(block.alt || block.links)) return true;
      const text = plainText(block.text);
      const key = headingKey(text);
      if (block.alt) return !PLACEHOLDER_ALT.test(text) && key !== '' && (altCount.get(key) ?? 0) < 3;
      if (block.links && text.length <= 80) return (linkCount.get(key) ?? 0) < 3;
      return true;
    });
  }
}

/** Alt text just before a heading that says the same (an image of the heading's words): the heading is enough. */
function dropAltEchoes(blocks: Block[]): void {
  for (let i = blocks.length - 2; i >= 0; i--) {
    const block = blocks[i]!;
    const next = blocks.slice(i + 1).find((b) => b.kind !== 'anchor');
    if (block.kind === 'para' && block.alt && next?.kind === 'heading' && sameTitle(block.text, next.text)) blocks.splice(i, 1);
  }
}

function sameTitle(heading: string, title: string): boolean {
  const a = headingKey(heading);
  const b = headingKey(title);
  if (!a || !b) return a === b;
  return a === b || a.includes(b) || b.includes(a) || similarity(a, b) >= 0.6;
}
