/**
 * Issue #15: each finding of the EPUB importer, on a book the test builds. The causes are in
 * `src/books/import/epub/xhtml.ts` (what is text), `epub/index.ts` (what is a chapter, title,
 * direction) and `src/books/pages.ts` (how long a reader chapter may be).
 */
import { describe, expect, it } from 'vitest';
import { parseBook, type ParsedBook } from '../../../src/books/import/index';
import { importError } from '../../fixtures/books/import-error';
import { mathToText, type MathNode } from '../../../src/books/import/epub/math';
import { extractContent } from '../../../src/books/import/epub/xhtml';
import { MAX_PAGE_PARAGRAPHS, paginate } from '../../../src/books/pages';
import { bookEpub, PNG, type SpineDocFixture } from '../../fixtures/books/epub';

const parse = (bytes: Uint8Array) => parseBook({ bytes, filename: 'book.epub' });
const paragraphs = (book: ParsedBook) => book.sections.flatMap((s) => s.paragraphs);
const headings = (book: ParsedBook) => book.sections.map((s) => s.title);
const oneDoc = (body: string, extra: Partial<SpineDocFixture> = {}) => parse(bookEpub({ docs: [{ name: 'c1.xhtml', body, navTitle: 'Chapter One', ...extra }] }));

describe('page-break markers are not text', () => {
  it('between paragraphs and inside a sentence', () => {
    const book = oneDoc(`<h1>Chapter One</h1>
<div class="center"><span epub:type="pagebreak" title="169" id="Page_169">169</span></div>
<p>He used it as <span epub:type="pagebreak" title="176" id="Page_176">176</span> a means of travel.</p>
<p>Another <span role="doc-pagebreak" aria-label="177">177</span>page.</p>`);
    expect(paragraphs(book)).toEqual(['He used it as a means of travel.', 'Another page.']);
  });
});

describe('note and line numbers do not glue to words', () => {
  it('a note reference after a word is dropped; the note keeps its own number', () => {
    const book = oneDoc(`<h1>Chapter One</h1>
<p>It was the last year<sup><a href="#n2">2</a></sup> of the war<a epub:type="noteref" href="#n3">3</a>, and the cancer<a href="#fn1" id="fn1-back">[1]</a> spread.</p>
<aside epub:type="footnote" id="fn1"><p><a href="#fn1-back">[1]</a> See the appendix.</p></aside>`);
    expect(paragraphs(book)).toEqual(['It was the last year of the war, and the cancer spread.', '[1] See the appendix.']);
  });

  it('line numbers in the margin of a poem', () => {
    const book = oneDoc(`<h1>Chapter One</h1><div class="linegroup">
<div>And went on in sunlight, into the Hofgarten,<span class="lnum">10</span></div>
<div>And drank coffee, and talked for an hour.</div></div>`);
    expect(paragraphs(book)).toEqual(['And went on in sunlight, into the Hofgarten,\nAnd drank coffee, and talked for an hour.']);
  });
});

describe('verse and SVG keep their shape', () => {
  it('line breaks inside a block, stanzas as paragraphs, pre as written', () => {
    const book = oneDoc(`<h1>Chapter One</h1>
<p>April is the cruellest month, breeding<br/>Lilacs out of the dead land, mixing<br/>
Memory and desire</p>
<div class="poem"><div class="stanza"><p>First line</p><p>Second line</p></div><div class="stanza"><span>Third line</span><br/><span>Fourth line</span></div></div>
<div class="poem"><p>Fifth line<br/>Sixth line</p><p>Seventh line<br/>Eighth line</p></div>
<pre>one
  two</pre>`);
    expect(paragraphs(book)).toEqual([
      'April is the cruellest month, breeding\nLilacs out of the dead land, mixing\nMemory and desire',
      'First line\nSecond line',
      'Third line\nFourth line',
      'Fifth line\nSixth line',
      'Seventh line\nEighth line',
      'one\ntwo',
    ]);
  });

  it('inline SVG text is separated by spaces, and stays in its sentence', () => {
    const book = oneDoc(`<h1>Chapter One</h1><p>Map: <svg xmlns="http://www.w3.org/2000/svg"><text x="0" y="10">North</text><text x="0" y="20">Sea</text><text><tspan>Dogger</tspan><tspan>Bank</tspan></text></svg></p>`);
    expect(paragraphs(book)).toEqual(['Map: North Sea Dogger Bank']);
  });

  it('a book made of SVG spine documents is read, not refused as "no readable text"', () => {
    const page = (words: string) =>
      `<?xml version="1.0" encoding="UTF-8"?><svg xmlns="http://www.w3.org/2000/svg" xml:lang="fr" viewBox="0 0 100 100"><title>page</title><text x="1" y="10">${words}</text><text x="1" y="20">et la suite.</text></svg>`;
    const book = parse(bookEpub({ lang: 'fr', docs: [{ name: 'p1.svg', svg: true, body: page('Sous le vent'), navTitle: 'Page 1' }, { name: 'p2.svg', svg: true, body: page('Le port') }] }));
    expect(paragraphs(book)).toEqual(['Sous le vent et la suite.', 'Le port et la suite.']);
  });
});

describe('noise is dropped and structure kept', () => {
  it('placeholder and repeated alt text is not a paragraph; a real description is', () => {
    const pictures = Array.from({ length: 22 }, () => '<p><img src="a.png" alt="代替テキスト"/></p>').join('');
    const book = oneDoc(`<h1>Chapter One</h1>${pictures}<p><img src="c.png" alt="cover"/></p><p><img src="p.png" alt="page 1"/></p>
<p><img src="lamp.png" alt="A lamp lit at dusk over the harbour"/></p><p>Real text.</p>`);
    expect(paragraphs(book)).toEqual(['A lamp lit at dusk over the harbour', 'Real text.']);
  });

  it('alt text before a heading does not make the heading appear twice', () => {
    const book = parse(
      bookEpub({
        docs: [
          { name: 'c1.xhtml', navTitle: 'Loomings', body: '<div><img src="t.png" alt="LOOMINGS"/></div><h2>Loomings</h2><p>Call me Ishmael.</p>' },
          { name: 'c2.xhtml', navTitle: 'The Carpet-Bag', body: '<p><img src="w.png" alt="A whale breaching"/></p><h2>The Carpet-Bag</h2><p>I stuffed a shirt.</p>' },
        ],
      }),
    );
    expect(headings(book)).toEqual(['Loomings', 'The Carpet-Bag']);
    expect(paragraphs(book)).toEqual(['Call me Ishmael.', 'A whale breaching', 'I stuffed a shirt.']);
  });

  it('an in-book contents page that is not the nav is not read (it would swallow the book)', () => {
    const book = parse(
      bookEpub({
        docs: [
          { name: 'contents.xhtml', body: '<h1>Contents</h1><p><a href="c1.xhtml">One</a></p><p><a href="c2.xhtml">Two</a></p><p><a href="c3.xhtml">Three</a></p>' },
          { name: 'c1.xhtml', body: '<p>First text.</p>', navTitle: 'One' },
          { name: 'c2.xhtml', body: '<p>Second text.</p>', navTitle: 'Two' },
          { name: 'c3.xhtml', body: '<p>Third text.</p>', navTitle: 'Three' },
        ],
      }),
    );
    expect(headings(book)).toEqual(['One', 'Two', 'Three']);
    expect(paginate(book.sections).pages).toHaveLength(3);
  });

  it('"Previous topic / Next topic" bars on every page are not imported', () => {
    const bar = (n: number) => `<p><a href="t${n - 1}.xhtml">Previous topic</a> <a href="t${n + 1}.xhtml">Next topic</a></p>`;
    const docs: SpineDocFixture[] = Array.from({ length: 5 }, (_, i) => ({
      name: `t${i + 1}.xhtml`,
      navTitle: `Topic ${i + 1}`,
      body: `${bar(i + 1)}<h1>Topic ${i + 1}</h1><p>Body of topic ${i + 1}.</p><div class="navfooter"><a href="index.xhtml">Home</a></div>${bar(i + 1)}
<div class="related-links"><div class="familylinks"><div class="previouslink"><strong>Previous topic:</strong> <a href="t${i}.xhtml">Notation</a></div></div></div>
<p><strong>Next topic:</strong> <a href="t${i + 2}.xhtml">Examples ${i}</a></p>`,
    }));
    const book = parse(bookEpub({ docs }));
    expect(paragraphs(book)).toEqual([1, 2, 3, 4, 5].map((n) => `Body of topic ${n}.`));
  });

  it('several headings of one <header> are one heading', () => {
    const blocks = extractContent('<body><header><h2>Chapter Two</h2><h1>What is cancer?</h1></header><p>Text.</p></body>').blocks;
    expect(blocks[0]).toEqual({ kind: 'heading', level: 1, text: 'Chapter Two: What is cancer?' });
  });
});

describe('MathML is readable linear text, never a jumble', () => {
  it('the quadratic formula, a sum, a matrix; alttext wins', () => {
    const book = oneDoc(`<h1>Chapter One</h1><p>Solve <math xmlns="http://www.w3.org/1998/Math/MathML"><mi>x</mi><mo>=</mo><mfrac><mrow><mo>−</mo><mi>b</mi><mo>±</mo><msqrt><msup><mi>b</mi><mn>2</mn></msup><mo>−</mo><mn>4</mn><mi>a</mi><mi>c</mi></msqrt></mrow><mrow><mn>2</mn><mi>a</mi></mrow></mfrac></math> now.</p>
<p><math><munderover><mo>∑</mo><mrow><mi>i</mi><mo>=</mo><mn>1</mn></mrow><mi>n</mi></munderover><msub><mi>a</mi><mi>i</mi></msub></math></p>
<p><math alttext="E equals m c squared"><mi>E</mi><mo>=</mo><mi>m</mi><msup><mi>c</mi><mn>2</mn></msup></math></p>
<p><math><mrow><mo>[</mo><mtable><mtr><mtd><mn>1</mn></mtd><mtd><mn>0</mn></mtd></mtr><mtr><mtd><mn>0</mn></mtd><mtd><mn>1</mn></mtd></mtr></mtable><mo>]</mo></mrow><annotation encoding="application/x-tex">I</annotation></math></p>`);
    expect(paragraphs(book)).toEqual(['Solve x = (−b ± √(b² − 4ac))/(2a) now.', '∑_(i = 1)^n a_i', 'E equals m c squared', '[[1, 0; 0, 1]]']);
  });

  it('fractions and powers group only what needs it', () => {
    const node = (name: string, ...children: (MathNode | string)[]): MathNode => ({ name, attributes: {}, children });
    expect(mathToText(node('math', node('mfrac', node('mn', '1'), node('mn', '2'))))).toBe('1/2');
    expect(mathToText(node('math', node('msup', node('mi', 'e'), node('mrow', node('mi', 'i'), node('mi', 'π')))))).toBe('e^(iπ)');
  });
});

describe('long chapters are split at the next heading level down', () => {
  it('a nav of top-level parts only: no reader chapter over the limit, and a warning', () => {
    const part = (n: number) => ({
      name: `part${n}.xhtml`,
      navTitle: `Part ${n}`,
      body: `<h1>Part ${n}</h1><p>Introduction to part ${n}.</p>${[1, 2].map((s) => `<h2>Section ${n}.${s}</h2>${'<p>A paragraph of the part.</p>'.repeat(200)}`).join('')}`,
    });
    const book = parse(bookEpub({ docs: [part(1), part(2)] }));
    const { pages, warnings } = paginate(book.sections);
    expect(pages.map((p) => p.title)).toEqual(['Part 1', 'Section 1.1', 'Section 1.2', 'Part 2', 'Section 2.1', 'Section 2.2']);
    expect(Math.max(...pages.map((p) => p.paragraphs.length))).toBeLessThanOrEqual(MAX_PAGE_PARAGRAPHS);
    expect(warnings).toEqual([{ code: 'long_chapter_split', params: { count: 2, limit: MAX_PAGE_PARAGRAPHS } }]);
  });
});

describe('refusals say why', () => {
  it('an image-only manga: no_text_images with the number of pictures', () => {
    const docs = Array.from({ length: 3 }, (_, i) => ({ name: `p${i}.xhtml`, body: `<div><img src="../images/p${i}.png" alt=""/></div>` }));
    const error = importError(() => parse(bookEpub({ lang: 'ja', docs, extraFiles: { 'OEBPS/images/p0.png': PNG } })));
    expect(error.code).toBe('no_text_images');
    expect(error.params).toEqual({ images: 3 });
  });

  it('a manga of picture pages with only an "About this document" page of text is still a book of images', () => {
    const pages = Array.from({ length: 8 }, (_, i) => ({ name: `p${i}.xhtml`, body: `<div><img src="../images/p${i}.jpg" alt="p${i}"/></div>` }));
    const about = { name: 'about.xhtml', bodyAttributes: 'epub:type="backmatter"', body: '<h2>About this document</h2><p>Each page is one JPEG file.</p>' };
    const error = importError(() =>
      parse(bookEpub({ lang: 'ja', metadata: '<meta property="rendition:layout">pre-paginated</meta>', docs: [...pages, about] })),
    );
    expect(error.code).toBe('no_text_fixed_layout');
    expect(error.params).toEqual({ images: 8 });
  });
});

describe('direction, title and writing mode as data', () => {
  const arabic = () =>
    parse(
      bookEpub({
        lang: 'ar',
        title: 'Le Vrai Régime anti-cancer',
        metadata: '<meta refines="#title" property="alternate-script" xml:lang="ar">النظام الغذائي الصحيح</meta>',
        spineAttributes: 'page-progression-direction="rtl"',
        navLang: 'fr',
        docs: [
          { name: 'title.xhtml', navTitle: 'Page de titre', body: '<figure><img src="t.jpg" alt="titlepage"/></figure>', bodyAttributes: 'dir="rtl"' },
          { name: 'c.xhtml', navTitle: 'Commencer la lecture', body: '<header><h2>الفصل الثاني</h2><h1>ما هو السرطان؟</h1></header><p>حسنًا! إن أردنا أن نفهم.</p>', bodyAttributes: 'dir="rtl"' },
        ],
      }),
    );

  it('an Arabic book: right to left, its Arabic title, no French nav label, no stray titlepage paragraph', () => {
    const book = arabic();
    expect(book.direction).toBe('rtl');
    expect(book.title).toBe('النظام الغذائي الصحيح');
    expect(headings(book)).toEqual(['الفصل الثاني: ما هو السرطان؟']);
    expect(paragraphs(book)).toEqual(['حسنًا! إن أردنا أن نفهم.']);
  });

  it('a Hebrew book by its language, and any book whose content says dir="rtl"', () => {
    expect(oneDoc('<h1>פרק א</h1><p>שלום עולם.</p>', { lang: 'he' }).direction).toBe('ltr'); // the OPF says en
    expect(parse(bookEpub({ lang: 'he', docs: [{ name: 'c.xhtml', body: '<p>שלום עולם.</p>' }] })).direction).toBe('rtl');
    expect(parse(bookEpub({ lang: 'en', docs: [{ name: 'c.xhtml', body: '<p>Text.</p>', bodyAttributes: 'dir="rtl"' }] })).direction).toBe('rtl');
  });

  it('Japanese vertical writing from the CSS, with ruby kept as ruby (not duplicated)', () => {
    const book = parse(
      bookEpub({
        lang: 'ja',
        spineAttributes: 'page-progression-direction="rtl"',
        extraFiles: { 'OEBPS/vertical.css': 'html { -epub-writing-mode: vertical-rl; }' },
        docs: [{ name: 'c.xhtml', navTitle: '一', stylesheet: 'vertical.css', body: '<h1>一</h1><p><ruby>山路<rt>やまみち</rt></ruby>を登りながら、<ruby>智<rp>(</rp><rt>ち</rt><rp>)</rp></ruby>に働けば<ruby>角<rt>かど</rt>立<rt>た</rt></ruby>つ。</p>' }],
      }),
    );
    expect(book.writingMode).toBe('vertical-rl');
    expect(book.direction).toBe('ltr');
    expect(paragraphs(book)).toEqual(['山路を登りながら、智に働けば角立つ。']);
    expect(book.sections[0]!.ruby).toEqual([
      [
        { start: 0, end: 2, text: 'やまみち' },
        { start: 9, end: 10, text: 'ち' },
        { start: 14, end: 15, text: 'かど' },
        { start: 15, end: 16, text: 'た' },
      ],
    ]);
  });
});
