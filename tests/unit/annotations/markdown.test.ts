import { Parser } from 'htmlparser2';
import { describe, expect, it } from 'vitest';
import {
  COMMENT_ALLOWED_TAGS,
  COMMENT_MAX_CHARS,
  commentPlainText,
  extractMentions,
  wordsOf,
  normalizeCommentBody,
  renderCommentBody,
} from '../../../src/annotations/markdown.js';
import { BIDI_CONTROL_CHARS, HOSTILE_STRINGS } from '../../fixtures/hostile-strings.js';

const KNOWN_USERS = new Set(['alice', 'mina', 'bob-2', 'reader_kim', 'admin']);
const opts = {
  mentionHref: (name: string) => (KNOWN_USERS.has(name) ? `/users/${encodeURIComponent(name)}` : null),
};
const render = (md: string) => renderCommentBody(md, opts);

interface ParsedElement {
  name: string;
  attribs: Record<string, string>;
}

/** Parse HTML properly (not with regexes) and report every element and any odd node. */
function parseHtml(html: string) {
  const elements: ParsedElement[] = [];
  const oddities: string[] = [];
  const parser = new Parser(
    {
      onopentag: (name, attribs) => elements.push({ name, attribs }),
      oncomment: (data) => oddities.push(`comment:${data}`),
      oncdatastart: () => oddities.push('cdata'),
      onprocessinginstruction: (name, data) => oddities.push(`pi:${name}:${data}`),
    },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true },
  );
  parser.write(html);
  parser.end();
  return { elements, oddities };
}

const ALLOWED_ATTRIBUTES: Record<string, readonly string[]> = {
  a: ['href', 'rel', 'title', 'class'],
  ol: ['start'],
};

/** Every structural promise renderCommentBody makes, checked on the parsed output. */
function assertSafeHtml(html: string, input: string): void {
  const context = `input: ${JSON.stringify(input.slice(0, 120))}\noutput: ${html.slice(0, 400)}`;
  const { elements, oddities } = parseHtml(html);
  expect(oddities, context).toEqual([]);
  for (const { name, attribs } of elements) {
    expect(COMMENT_ALLOWED_TAGS as readonly string[], context).toContain(name);
    for (const [attr, value] of Object.entries(attribs)) {
      expect(ALLOWED_ATTRIBUTES[name] ?? [], `${name}[${attr}] ${context}`).toContain(attr);
      expect(attr, context).not.toMatch(/^on/i);
      expect(attr, context).not.toMatch(/^(data-)?hx-/i);
      expect(value, context).not.toMatch(/javascript:|vbscript:|data:/i);
    }
    if (name === 'a') {
      const href = attribs.href ?? '';
      expect(href, context).toMatch(/^(https?:\/\/|mailto:|\/(?![/\\]))/i);
      expect(attribs.rel, context).toBe('nofollow ugc noopener');
      expect(attribs).not.toHaveProperty('target');
      if (attribs.class !== undefined) expect(attribs.class, context).toBe('mention');
    }
    if (name === 'ol' && attribs.start !== undefined) expect(attribs.start).toMatch(/^\d+$/);
  }
  // Belt and braces: the raw text, too.
  expect(html, context).not.toMatch(/<\s*(script|iframe|style|svg|img|object|embed|math|form|input|base|meta|link|template)\b/i);
  const tags = html.match(/<[^>]*>/g) ?? [];
  for (const tag of tags) {
    // Attribute names only: quoted values may legitimately contain escaped text like "onx=".
    const names = tag.replace(/"[^"]*"|'[^']*'/g, '""');
    expect(names, context).not.toMatch(/\son\w+\s*=/i);
    expect(names, context).not.toMatch(/\s(data-)?hx-[\w:-]*\s*=/i);
    expect(tag, context).not.toMatch(/href\s*=\s*["']?\s*(javascript|vbscript|data):/i);
  }
}

describe('hostile strings', () => {
  it('has a long, varied list', () => {
    expect(HOSTILE_STRINGS.length).toBeGreaterThanOrEqual(60);
    expect(new Set(HOSTILE_STRINGS).size).toBe(HOSTILE_STRINGS.length);
    expect(HOSTILE_STRINGS.some((s) => s.length === 5_000 && !/\s/.test(s))).toBe(true);
  });

  it.each(HOSTILE_STRINGS.map((s, i) => [i, s] as const))('#%i renders to safe HTML', (_i, input) => {
    assertSafeHtml(render(input), input);
  });

  it.each(HOSTILE_STRINGS.map((s, i) => [i, s] as const))('#%i normalised, then rendered, is safe', (_i, input) => {
    const normalized = normalizeCommentBody(input);
    if (!normalized.ok) return; // refused bodies are never rendered
    assertSafeHtml(render(normalized.body), normalized.body);
    for (const ch of BIDI_CONTROL_CHARS) expect(normalized.body).not.toContain(ch);
  });

  it('keeps the text of hostile markup visible as text (nothing silently lost)', () => {
    expect(render('<script>alert(1)</script>')).toBe('<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>\n');
    expect(render('<b>bold</b>')).toContain('&lt;b&gt;bold&lt;/b&gt;');
  });

  it('drops links a mentionHref would make dangerous', () => {
    for (const href of ['javascript:alert(1)', '//evil.example/u', 'data:text/html,x', ' javascript:alert(1)', 'vbscript:x']) {
      const html = renderCommentBody('hi @alice', { mentionHref: () => href });
      assertSafeHtml(html, href);
      expect(html).toBe('<p>hi @alice</p>\n');
    }
  });
});

describe('renderCommentBody — what is allowed', () => {
  it('renders emphasis, code, quotes, lists and line breaks', () => {
    expect(render('*em* **strong** _em_ `code`')).toBe(
      '<p><em>em</em> <strong>strong</strong> <em>em</em> <code>code</code></p>\n',
    );
    expect(render('> quoted\n> more')).toBe('<blockquote>\n<p>quoted<br />\nmore</p>\n</blockquote>\n');
    expect(render('- a\n- b')).toBe('<ul>\n<li>a</li>\n<li>b</li>\n</ul>\n');
    expect(render('3. c\n4. d')).toBe('<ol start="3">\n<li>c</li>\n<li>d</li>\n</ol>\n');
    expect(render('line one\nline two')).toBe('<p>line one<br />\nline two</p>\n');
  });

  it('renders fenced and indented code blocks, escaped, without language classes', () => {
    expect(render('```js\nconst a = "<b>";\n```')).toBe('<pre><code>const a = "&lt;b&gt;";\n</code></pre>\n');
    expect(render('    indented <i>')).toBe('<pre><code>indented &lt;i&gt;\n</code></pre>\n');
  });

  it('renders http(s) and mailto links with rel and without target', () => {
    expect(render('[site](https://example.org/a?b=1&c=2 "Title")')).toBe(
      '<p><a href="https://example.org/a?b=1&amp;c=2" rel="nofollow ugc noopener" title="Title">site</a></p>\n',
    );
    expect(render('<mailto:me@example.org>')).toContain('href="mailto:me@example.org"');
    expect(render('write to me@example.org')).toContain('<a href="mailto:me@example.org" rel="nofollow ugc noopener">');
  });

  it('linkifies bare http(s) URLs', () => {
    expect(render('see https://example.org/x.')).toBe(
      '<p>see <a href="https://example.org/x" rel="nofollow ugc noopener">https://example.org/x</a>.</p>\n',
    );
  });

  it('refuses other schemes and relative links, leaving the text', () => {
    expect(render('[a](ftp://x.example/f)')).toBe('<p>[a](ftp://x.example/f)</p>\n');
    expect(render('[a](/admin)')).toBe('<p>[a](/admin)</p>\n');
    expect(render('[a](//evil.example)')).toBe('<p>[a](//evil.example)</p>\n');
  });

  it('renders headings, tables, rules and strikethrough as plain text', () => {
    expect(render('# Heading')).toBe('<p># Heading</p>\n');
    expect(render('Setext\n===')).toBe('<p>Setext<br />\n===</p>\n');
    expect(render('| a | b |\n|---|---|\n| 1 | 2 |')).not.toContain('<table');
    expect(render('---')).toBe('<p>---</p>\n');
    expect(render('~~gone~~')).toBe('<p>~~gone~~</p>\n');
  });

  it('never renders images; an image becomes at most a safe link', () => {
    const html = render('![cover](https://example.org/cover.png)');
    expect(html).not.toContain('<img');
    assertSafeHtml(html, 'image');
  });

  it('keeps Korean text, emoji and ZWJ sequences intact', () => {
    expect(render('정말 **좋았어요** 👨‍👩‍👧')).toBe('<p>정말 <strong>좋았어요</strong> 👨‍👩‍👧</p>\n');
  });

  it('caps nesting (markdown-it maxNesting) instead of recursing without end', () => {
    const html = render('>'.repeat(500) + ' deep');
    expect((html.match(/<blockquote>/g) ?? []).length).toBeLessThanOrEqual(20);
  });
});

describe('mentions', () => {
  it('links known users, case-insensitively, with the lowercased name', () => {
    expect(render('thanks @Alice!')).toBe(
      '<p>thanks <a href="/users/alice" rel="nofollow ugc noopener" class="mention">@Alice</a>!</p>\n',
    );
  });

  it('leaves unknown users as text', () => {
    expect(render('hi @nobody_here')).toBe('<p>hi @nobody_here</p>\n');
  });

  it('accepts 3–32 characters of a-z 0-9 _ -', () => {
    expect(render('@bob-2 @reader_kim')).toContain('href="/users/bob-2"');
    expect(render('@bob-2 @reader_kim')).toContain('href="/users/reader_kim"');
    const withHref = (md: string) => renderCommentBody(md, { mentionHref: (n) => `/u/${n}` });
    expect(withHref('@ab')).toBe('<p>@ab</p>\n'); // too short
    expect(withHref('@abc')).toContain('href="/u/abc"');
    expect(withHref(`@${'x'.repeat(32)}`)).toContain(`href="/u/${'x'.repeat(32)}"`);
    expect(withHref(`@${'x'.repeat(33)}`)).toBe(`<p>@${'x'.repeat(33)}</p>\n`); // not truncated
  });

  it('is not recognised inside code, code blocks or links', () => {
    expect(render('`@alice`')).toBe('<p><code>@alice</code></p>\n');
    expect(render('```\n@alice\n```')).toBe('<pre><code>@alice\n</code></pre>\n');
    expect(render('[ask @alice](https://example.org)')).toBe(
      '<p><a href="https://example.org" rel="nofollow ugc noopener">ask @alice</a></p>\n',
    );
    expect(render('https://example.org/@alice')).not.toContain('/users/alice');
  });

  it('is not part of an e-mail address or a fediverse handle', () => {
    expect(render('mail alice@example.org')).not.toContain('/users/');
    expect(render('x.alice@host')).not.toContain('/users/');
    expect(render('@alice@example.social')).not.toContain('/users/');
  });

  it('works next to Hangul and punctuation, inside emphasis and quotes', () => {
    expect(render('@mina님 말씀처럼')).toContain('<a href="/users/mina" rel="nofollow ugc noopener" class="mention">@mina</a>님');
    expect(render('(@mina)')).toContain('class="mention">@mina</a>)');
    expect(render('*@mina*')).toContain('<em><a href="/users/mina"');
    expect(render('> @mina said')).toContain('class="mention">@mina</a> said');
  });

  it('refuses lookalike letters that case folding would allow (ſ, K)', () => {
    expect(render('@\u017Fmina')).toBe('<p>@\u017Fmina</p>\n');
    expect(extractMentions('@a\u212Abc')).toEqual([]);
  });

  it('extractMentions: lowercased, unique, in order, same rules as rendering', () => {
    expect(
      extractMentions('@Mina and @alice, again @MINA; `@code_user` [x @linked](https://e.org) a@b.org @zz @new_person'),
    ).toEqual(['mina', 'alice', 'new_person']);
    expect(extractMentions('')).toEqual([]);
  });
});

describe('normalizeCommentBody', () => {
  it('exports the limit', () => {
    expect(COMMENT_MAX_CHARS).toBe(10_000);
  });

  it('trims, turns CRLF and CR into LF, and applies NFC', () => {
    expect(normalizeCommentBody('  a\r\nb\rc\u2028d  ')).toEqual({ ok: true, body: 'a\nb\nc\nd' });
    expect(normalizeCommentBody('cafe\u0301')).toEqual({ ok: true, body: 'café' });
    expect(normalizeCommentBody('\u1112\u1161\u11AB\u1100\u1173\u11AF')).toEqual({ ok: true, body: '한글' });
  });

  it('strips NUL and other controls, keeping tabs and newlines', () => {
    expect(normalizeCommentBody('a\u0000b\u0007c\td\ne\u001Bf\u007Fg\u0085h')).toEqual({ ok: true, body: 'abc\td\nefgh' });
  });

  it('strips bidi embeddings, overrides and isolates, keeps LRM/RLM, ZWJ and ZWNJ', () => {
    const raw = `a${BIDI_CONTROL_CHARS.join('')}b\u200E\u200F👨\u200D👩 \u200C\uFEFF`;
    expect(normalizeCommentBody(raw)).toEqual({ ok: true, body: 'ab\u200E\u200F👨\u200D👩 \u200C' });
  });

  it('is empty when nothing visible remains', () => {
    for (const raw of ['', '   ', '\n\t\r\n', '\u200B\u200D', '\u202E\u0000', '\u3000']) {
      expect(normalizeCommentBody(raw), JSON.stringify(raw)).toEqual({ ok: false, error: 'empty' });
    }
    expect(normalizeCommentBody(undefined)).toEqual({ ok: false, error: 'empty' });
    expect(normalizeCommentBody(42)).toEqual({ ok: false, error: 'empty' });
  });

  it('is too_long above COMMENT_MAX_CHARS (after trimming), and refuses huge input early', () => {
    expect(normalizeCommentBody('x'.repeat(COMMENT_MAX_CHARS)).ok).toBe(true);
    expect(normalizeCommentBody(`  ${'x'.repeat(COMMENT_MAX_CHARS)}  `).ok).toBe(true);
    expect(normalizeCommentBody('x'.repeat(COMMENT_MAX_CHARS + 1))).toEqual({ ok: false, error: 'too_long' });
    expect(normalizeCommentBody('x'.repeat(COMMENT_MAX_CHARS * 5))).toEqual({ ok: false, error: 'too_long' });
  });

  it('counts UTF-16 code units, like <textarea maxlength>', () => {
    const emoji = '🎉'.repeat(COMMENT_MAX_CHARS / 2);
    expect(normalizeCommentBody(emoji).ok).toBe(true);
    expect(normalizeCommentBody(`${emoji}!`)).toEqual({ ok: false, error: 'too_long' });
  });
});

describe('commentPlainText: a body as the words a reader sees', () => {
  it.each([
    ['이 문단에서 **책을 고르는 기준**이 좋았어요.', '이 문단에서 책을 고르는 기준이 좋았어요.'],
    ['*emphasis* and _this_ and [the label](https://example.org/x)', 'emphasis and this and the label'],
    ['> quoted\n\nanswer', 'quoted answer'],
    ['- one\n- two', 'one two'],
    ['`a*b*c` stays as typed', 'a*b*c stays as typed'],
    ['```\nline one\nline two\n```\nafter', 'line one line two after'],
    ['2 * 3 * 4 is not emphasis', '2 * 3 * 4 is not emphasis'],
    ['# not a heading (headings are off)', '# not a heading (headings are off)'],
    ['<b>raw html</b> is text', '<b>raw html</b> is text'],
    ['hi @mina, see https://example.org', 'hi @mina, see https://example.org'],
    ['line\nbreak', 'line break'],
  ])('%j → %j', (markdown, plain) => {
    expect(commentPlainText(markdown)).toBe(plain);
  });

  it('gives what parsing gives for bodies it reads without parsing', () => {
    const bodies = [
      ...HOSTILE_STRINGS,
      '~~~\nfenced\n~~~',
      '    indented code\nafter',
      'www.example.com and https://example.org/a?b=c',
      'two spaces  \nthen a break',
      'a line\n===\nnot a heading',
      '---\nnot a rule',
      '1) a list\n2) more',
      '+ plus list',
      '정책 이야기 — 책방의 정책이 흥미로웠어요.\n\n새 문단이에요.',
      '\t tab-indented text',
    ];
    for (const body of bodies) expect(commentPlainText(body), JSON.stringify(body)).toBe(wordsOf(body));
  });

  it('cuts at `max` code points with an ellipsis, never inside a surrogate pair', () => {
    expect(commentPlainText('short', 10)).toBe('short');
    const cut = commentPlainText('😀'.repeat(20), 10);
    expect([...cut]).toHaveLength(10);
    expect(cut.endsWith('😀…')).toBe(true);
  });
});
