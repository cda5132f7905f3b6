/**
 * Comment bodies: normalising what members type, and rendering it to safe HTML.
 *
 * Two layers, on purpose:
 *
 * 1. **markdown-it**, with raw HTML off (`html: false`) and only the rules a conversation
 *    needs switched on: paragraphs, line breaks, emphasis, links (and linkified bare URLs),
 *    blockquotes, lists, inline code and code blocks. Everything else — headings, tables,
 *    images, horizontal rules, strikethrough, raw HTML — stays off and renders as the text
 *    that was typed. Links must be absolute `http:`, `https:` or `mailto:`.
 * 2. **sanitize-html** on markdown-it's output with an explicit allow-list of tags and
 *    attributes. With layer 1 configured as above it should never remove anything; it is
 *    there so a markdown-it bug, a future option change or a plugin cannot turn a comment
 *    into markup. It also owns link hygiene: `rel="nofollow ugc noopener"`, no `target`,
 *    and hrefs re-checked.
 *
 * `@username` mentions (3–32 of `a-z 0-9 _ -`, case-insensitive) become links when the
 * caller's `mentionHref` returns a URL for that name (i.e. the user exists and may be
 * linked). A mention is not recognised inside inline code, code blocks or links, nor when
 * the `@` is glued to a preceding ASCII word character (`alice@example.com` is an e-mail,
 * `@alice@example.org` a fediverse handle). Hangul right after the name is fine
 * (`@alice님`). Names of 33+ characters are not truncated into a shorter mention.
 *
 * @example
 * const html = renderCommentBody('Agree with @mina — see *chapter 3*', {
 *   mentionHref: (name) => (knownUsers.has(name) ? `/users/${name}` : null),
 * });
 */
import MarkdownIt, { type StateCore, type Token } from 'markdown-it';
import sanitizeHtml from 'sanitize-html';
import { LruCache } from '../lib/lru-cache';
import { excerpt } from '../lib/excerpt';

/** Longest comment body, in UTF-16 code units (what `<textarea maxlength>` counts). */
export const COMMENT_MAX_CHARS = 10_000;

export interface RenderCommentOptions {
  /**
   * URL for a mentioned user, or `null` to leave `@name` as plain text. Receives the name
   * lowercased. Must return an absolute http(s) URL or a root-relative path (`/users/x`);
   * anything else is dropped by the sanitizer.
   */
  mentionHref: (username: string) => string | null;
}

// ---------------------------------------------------------------------------------------
// Normalisation (on write)
// ---------------------------------------------------------------------------------------

/** C0 controls except TAB and LF (CR is turned into LF first), DEL, and C1 controls. */
const CONTROL_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g;
/**
 * Bidi embeddings/overrides (U+202A–U+202E) and isolates (U+2066–U+2069), plus the BOM /
 * zero-width no-break space (U+FEFF).
 *
 * Decision: STRIP them rather than keep-and-neutralise. They are invisible, they are how
 * "Trojan Source"-style spoofing makes text (a mention, a link label, a quoted passage)
 * read differently from what it is, and an unbalanced override leaks into whatever the
 * page renders next. Right-to-left scripts do not need them: the Unicode bidi algorithm
 * orders Arabic or Hebrew text correctly on its own, and the view renders bodies with
 * `dir="auto"`. The implicit marks U+200E/U+200F (LRM/RLM) are kept — they cannot nest or
 * leak — and so are ZWJ/ZWNJ (emoji sequences, Persian and Indic shaping) and U+200B.
 */
const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069\uFEFF]/g;
/** Line and paragraph separators become ordinary newlines. */
const UNICODE_LINE_BREAKS = /[\u2028\u2029]/g;
/** Nothing a reader could see: whitespace and format characters (ZWSP, ZWJ, LRM, …). */
const INVISIBLE_ONLY = /^[\s\p{Cf}]*$/u;

export type NormalizeCommentResult =
  | { ok: true; body: string }
  | { ok: false; error: 'empty' | 'too_long' };

/** Remove control and bidi-override characters; shared by normalise and render. */
function scrubControls(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(UNICODE_LINE_BREAKS, '\n')
    .replace(CONTROL_CHARS, '')
    .replace(BIDI_CONTROLS, '');
}

/**
 * Turn what a member typed into the body we store: CRLF/CR → LF, control characters (NUL
 * and the other C0/C1 controls except `\n` and `\t`) and bidi overrides removed, NFC,
 * trimmed. `empty` when nothing visible is left; `too_long` above {@link COMMENT_MAX_CHARS}
 * code units after normalisation.
 */
export function normalizeCommentBody(raw: unknown): NormalizeCommentResult {
  if (typeof raw !== 'string') return { ok: false, error: 'empty' };
  // Do not spend time normalising megabytes that will be refused anyway.
  if (raw.length > COMMENT_MAX_CHARS * 4) return { ok: false, error: 'too_long' };
  const body = scrubControls(raw).normalize('NFC').trim();
  if (INVISIBLE_ONLY.test(body)) return { ok: false, error: 'empty' };
  if (body.length > COMMENT_MAX_CHARS) return { ok: false, error: 'too_long' };
  return { ok: true, body };
}

// ---------------------------------------------------------------------------------------
// Markdown (layer 1)
// ---------------------------------------------------------------------------------------

/**
 * `@name`: not after an ASCII word character, `.`, `+`, `-`, `@`, `/`, `=` or `:` (e-mails,
 * URLs, handles), and not followed by more name characters (no truncation) or another `@`.
 * Deliberately no `i` flag: with `/iu`, `[a-z]` would also match U+017F and U+212A.
 */
const MENTION = /(?<![A-Za-z0-9_.+\-@/=:])@([A-Za-z0-9_-]{3,32})(?![A-Za-z0-9_-]|@)/g;

interface MentionEnv {
  [key: PropertyKey]: unknown;
  mentionHref?: (username: string) => string | null;
  mentions?: Set<string>;
}

/** Links a comment may contain; checked on markdown-it's normalised URL. */
function isAllowedLinkUrl(url: string): boolean {
  return /^(?:https?:\/\/|mailto:)/i.test(url);
}

/**
 * Core rule: find `@name` in text tokens outside links (code tokens are not text tokens),
 * record it in `env.mentions`, and, when `env.mentionHref` gives a URL, split the text
 * token into text + link.
 */
function mentionRule(state: StateCore): void {
  const env = state.env as MentionEnv;
  for (const block of state.tokens) {
    if (block.type !== 'inline' || !block.children) continue;
    const out: Token[] = [];
    let linkDepth = 0;
    for (const token of block.children) {
      if (token.type === 'link_open') linkDepth += 1;
      if (token.type === 'link_close') linkDepth -= 1;
      if (token.type !== 'text' || linkDepth > 0) {
        out.push(token);
        continue;
      }
      let last = 0;
      for (const match of token.content.matchAll(MENTION)) {
        const name = (match[1] ?? '').toLowerCase();
        env.mentions?.add(name);
        const href = env.mentionHref?.(name) ?? null;
        if (href === null) continue;
        const at = match.index ?? 0;
        if (at > last) out.push(textToken(state, token.content.slice(last, at), token.level));
        const open = new state.Token('link_open', 'a', 1);
        open.attrs = [
          ['href', href],
          ['class', 'mention'],
        ];
        open.markup = 'mention';
        open.level = token.level;
        out.push(open);
        out.push(textToken(state, match[0], token.level + 1));
        const close = new state.Token('link_close', 'a', -1);
        close.markup = 'mention';
        close.level = token.level;
        out.push(close);
        last = at + match[0].length;
      }
      if (last === 0) out.push(token);
      else if (last < token.content.length) out.push(textToken(state, token.content.slice(last), token.level));
    }
    block.children = out;
  }
}

function textToken(state: StateCore, content: string, level: number): Token {
  const token = new state.Token('text', '', 0);
  token.content = content;
  token.level = level;
  return token;
}

/** Built once: markdown-it compiles its rule chains on construction. */
const md = new MarkdownIt('zero', {
  html: false,
  linkify: true,
  typographer: false,
  // Comments are written like messages: a single newline is a line break.
  breaks: true,
});
md.enable(['code', 'fence', 'blockquote', 'list', 'reference', 'paragraph']);
md.enable(['newline', 'escape', 'backticks', 'emphasis', 'link', 'autolink', 'entity', 'linkify']);
md.validateLink = isAllowedLinkUrl;
md.core.ruler.push('mention', mentionRule);

// ---------------------------------------------------------------------------------------
// Sanitizer (layer 2)
// ---------------------------------------------------------------------------------------

export const COMMENT_ALLOWED_TAGS = [
  'p',
  'br',
  'em',
  'strong',
  'a',
  'blockquote',
  'ul',
  'ol',
  'li',
  'code',
  'pre',
] as const;

const LINK_REL = 'nofollow ugc noopener';

/** Absolute http(s)/mailto, or a root-relative path (only mention links can be one). */
function isSafeHref(href: string): boolean {
  return isAllowedLinkUrl(href) || /^\/(?![/\\])/.test(href);
}

const SANITIZE_OPTIONS: sanitizeHtml.IOptions = {
  allowedTags: [...COMMENT_ALLOWED_TAGS],
  allowedAttributes: { a: ['href', 'title', 'rel', 'class'], ol: ['start'] },
  allowedClasses: { a: ['mention'] },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesByTag: {},
  allowedSchemesAppliedToAttributes: ['href'],
  allowProtocolRelative: false,
  allowedIframeHostnames: [],
  allowVulnerableTags: false,
  disallowedTagsMode: 'discard',
  transformTags: {
    a: (tagName, attribs) => {
      const href = attribs.href ?? '';
      // A link we would not allow loses its tag (and keeps its text): `span` is not allowed.
      if (!isSafeHref(href)) return { tagName: 'span', attribs: {} };
      const kept: sanitizeHtml.Attributes = { href, rel: LINK_REL };
      if (attribs.title !== undefined) kept.title = attribs.title;
      if (attribs.class === 'mention') kept.class = 'mention';
      return { tagName, attribs: kept };
    },
  },
};

/**
 * Render a stored (normalised) comment body to HTML safe to embed in a page.
 * The result contains only {@link COMMENT_ALLOWED_TAGS}.
 */
export function renderCommentBody(markdown: string, opts: RenderCommentOptions): string {
  const env: MentionEnv = { mentionHref: opts.mentionHref };
  const html = md.render(scrubControls(markdown), env);
  return sanitizeHtml(html, SANITIZE_OPTIONS);
}

/**
 * The users a body mentions (lowercased, unique, in order of first appearance), found by
 * the same rule that links them — so a mention in code or inside a link is not one.
 */
export function extractMentions(markdown: string): string[] {
  const env: MentionEnv = { mentions: new Set() };
  md.parse(scrubControls(markdown), env);
  return [...(env.mentions ?? [])];
}

/**
 * A body as the words a reader sees, without Markdown's marks: for places that quote a comment
 * as plain text (search snippets, notification and agenda excerpts). Read from the same token
 * stream as the HTML (so `**bold**` gives `bold`, a link gives its label, inline code and code
 * blocks give their text, and a `*` that is not emphasis stays); blocks and line breaks become
 * single spaces. With `max`, at most that many characters (code points), the last an "…" when cut
 * (`excerpt`, the same cut a reply's quote gets).
 */
export function commentPlainText(markdown: string, max = Infinity): string {
  const plain = MARKDOWN_MARKS.test(markdown) || BLOCK_MARKS.test(markdown) ? wordsOf(markdown) : scrubControls(markdown).replace(/\s+/g, ' ').trim();
  return plain.length <= max ? plain : excerpt(plain, max - 1);
}

/**
 * A body without any of these reads the same as text (most comments: parsing one costs tens of
 * microseconds, and a search shows twenty). Inline marks, entities and escapes, …
 */
const MARKDOWN_MARKS = /[\\`*_~[\]<>&]/;
/** … and lines that open a list or a quote. */
const BLOCK_MARKS = /^[ \t]*(?:[-+>]|\d{1,9}[.)])(?:[ \t]|$)/m;

/** The words of `markdown` read from markdown-it's tokens (exported for the test that the shortcut gives the same). */
export function wordsOf(markdown: string): string {
  const words: string[] = [];
  for (const token of md.parse(scrubControls(markdown), {})) {
    if (token.type === 'inline') {
      for (const child of token.children ?? []) {
        if (child.type === 'text' || child.type === 'code_inline') words.push(child.content);
        else if (child.type === 'softbreak' || child.type === 'hardbreak') words.push(' ');
      }
    } else if (token.type === 'code_block' || token.type === 'fence') words.push(' ', token.content, ' ');
    else if (token.nesting === -1 && token.block) words.push(' ');
  }
  return words.join('').replace(/\s+/g, ' ').trim();
}

type RenderedBody = { markdown: string; html: string; links: [name: string, href: string | null][] };
const bodyBytes = (body: RenderedBody) => (body.markdown.length + body.html.length) * 2 + body.links.length * 64 + 120;
/** Rendered bodies by their Markdown, with the mention links each rendering resolved; 16 MB until the app says. */
let renderedBodies = new LruCache<string, RenderedBody>(20_000, { maxBytes: 16 * 1024 * 1024, sizeOf: bodyBytes });
/** Longer bodies are rendered every time. */
const CACHED_BODY_MAX_CHARS = 4000;

/** The rendered bodies' memory budget (the annotations routes set it from `COMMENT_CACHE_MB`); starts empty. */
export function setRenderedBodiesBudget(maxBytes: number): void {
  if (renderedBodies.budget?.maxBytes === maxBytes) return;
  renderedBodies = new LruCache<string, RenderedBody>(20_000, { maxBytes, sizeOf: bodyBytes });
}

/**
 * {@link renderCommentBody}, remembered. A body renders to the same HTML as long as its
 * mentions resolve to the same links, so an entry is reused only when every name it mentioned
 * still gets the same `mentionHref` answer (a member who left is no longer linked). Thread
 * fragments show the same comments to every reader, and markdown-it with sanitize-html is the
 * larger part of drawing a comment.
 */
export function renderCommentBodyCached(markdown: string, opts: RenderCommentOptions): string {
  if (markdown.length > CACHED_BODY_MAX_CHARS) return renderCommentBody(markdown, opts);
  const hit = renderedBodies.get(markdown);
  if (hit && hit.links.every(([name, href]) => opts.mentionHref(name) === href)) return hit.html;
  const links: [string, string | null][] = [];
  const html = renderCommentBody(markdown, {
    mentionHref: (name) => {
      const href = opts.mentionHref(name);
      links.push([name, href]);
      return href;
    },
  });
  renderedBodies.set(markdown, { markdown, html, links });
  return html;
}
