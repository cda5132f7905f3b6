/**
 * Turning what a reader typed into a safe search expression for the indexes built with
 * `tokens.ts` — an FTS5 `MATCH` expression for SQLite and a `to_tsquery` text for PostgreSQL,
 * both from the same terms and tokens — and the words to highlight in snippets.
 *
 * Nothing the reader types reaches either engine as syntax: every token becomes part of a
 * double-quoted FTS5 string or a single-quoted tsquery lexeme (tokens hold only letters,
 * digits, marks and CJK characters, and quotes would be escaped anyway), so `AND`, `NEAR(`,
 * `*`, `^`, `:`, `-`, `&`, `!`, `<->`, parentheses, unbalanced quotes and emoji are either
 * separators or plain words. What the reader can ask for:
 *
 * - words, all of which must match (AND);
 * - `"a quoted phrase"` (an unclosed quote runs to the end) — its words in that order;
 * - the last word being typed is a prefix (`loo` finds "Loopt"), so search-as-you-type
 *   answers before the word is finished;
 * - a 1-character Korean or Japanese word is a prefix of the bigram index ("정" → `"정"*`).
 *
 * The same terms on PostgreSQL (docs/postgres.md, "Search"): a phrase is its lexemes joined by
 * `<->`, a prefix is `:*` on its last lexeme, terms are joined by `&` ("정책을 Loo" →
 * `('정책' <-> '책을') & 'Loo':*`); the configuration `marginalia_search` stems and folds the
 * lexemes as it did the indexed text.
 *
 * Input is NFC-normalised and cut to {@link QUERY_MAX_CHARS} characters and
 * {@link QUERY_MAX_TERMS} terms.
 *
 * @example
 * const query = buildSearchQuery('정책을 Loo');
 * query.match   // '"정책 책을" "Loo"*'
 * query.tsquery // "('정책' <-> '책을') & 'Loo':*"
 */
import { bigramsOf, runTokens, textRuns, type TextRun } from './tokens';

/** Longest query read (characters, after NFC); the rest is ignored. */
export const QUERY_MAX_CHARS = 200;
/** Most terms (words or phrases) read from one query. */
export const QUERY_MAX_TERMS = 12;

/** A query with something to search for: the expression of each engine. */
export interface SearchExpression {
  /** The FTS5 MATCH expression (SQLite); also what names the search (memory keys). */
  match: string;
  /** The same search as the text of `to_tsquery('marginalia_search', …)` (PostgreSQL). */
  tsquery: string;
}

export type SearchQuery = {
  /** The query as read (NFC, trimmed, cut to the limits): what the search box shows back. */
  text: string;
  /** Lower-cased runs to highlight in snippets, longest first. */
  needles: string[];
} & (SearchExpression | { match: null; tsquery: null });

interface Term {
  runs: TextRun[];
  quoted: boolean;
}

const QUOTES = /["\u201C\u201D\u300C\u300D\uFF02]/;

/** Splits the input into terms: quoted phrases and whitespace-separated words. */
function termsOf(input: string): { terms: Term[]; endsInWord: boolean } {
  const terms: Term[] = [];
  let i = 0;
  const chars = [...input];
  let endsInWord = false;
  while (i < chars.length && terms.length < QUERY_MAX_TERMS) {
    const char = chars[i]!;
    if (/\s/u.test(char)) {
      i++;
      continue;
    }
    let piece = '';
    let quoted = false;
    if (QUOTES.test(char)) {
      quoted = true;
      i++;
      while (i < chars.length && !QUOTES.test(chars[i]!)) piece += chars[i++];
      i++;
    } else {
      while (i < chars.length && !/\s/u.test(chars[i]!) && !QUOTES.test(chars[i]!)) piece += chars[i++];
    }
    endsInWord = !quoted && i >= chars.length;
    const runs = textRuns(piece);
    if (runs.length > 0) terms.push({ runs, quoted });
  }
  return { terms, endsInWord };
}

/** What one term asks for: its tokens in this order, the last one perhaps as a prefix. */
interface Phrase {
  tokens: string[];
  prefix: boolean;
}

/** One FTS5 string, quotes doubled (tokens never contain any; this is the belt to the braces). */
function ftsString(tokens: string[]): string {
  return `"${tokens.join(' ').replaceAll('"', '""')}"`;
}

function ftsPhrase(phrase: Phrase): string {
  return ftsString(phrase.tokens) + (phrase.prefix ? '*' : '');
}

/** One tsquery lexeme, quoted (backslashes and quotes escaped: the same belt as {@link ftsString}). */
function tsLexeme(token: string): string {
  return `'${token.replaceAll('\\', '\\\\').replaceAll("'", "''")}'`;
}

function tsPhrase(phrase: Phrase): string {
  const lexemes = phrase.tokens.map(tsLexeme);
  if (phrase.prefix) lexemes[lexemes.length - 1] += ':*';
  return lexemes.length > 1 ? `(${lexemes.join(' <-> ')})` : lexemes[0]!;
}

/**
 * The phrase for one term: every run's tokens in order, except that the LAST run of a CJK
 * term gives only its bigrams (so "정책" also finds "정책을"), or, when it is one character,
 * is matched as a prefix. A word being typed at the end of the query is a prefix too.
 */
function phraseOf(term: Term, typing: boolean): Phrase {
  const tokens: string[] = [];
  let prefix = false;
  term.runs.forEach((run, index) => {
    const last = index === term.runs.length - 1;
    if (!last) {
      tokens.push(...runTokens(run));
    } else if (run.kind === 'cjk') {
      const grams = bigramsOf(run.text);
      if (grams.length > 0) tokens.push(...grams);
      else {
        tokens.push(run.text);
        prefix = true;
      }
    } else {
      tokens.push(run.text);
      if (typing) prefix = true;
    }
  });
  return { tokens, prefix };
}

/** Reads a reader's query; never throws, whatever the input. */
export function buildSearchQuery(input: unknown): SearchQuery {
  const raw = typeof input === 'string' ? input : '';
  // NFC, no control characters, and no stray end marks (they are ours).
  const cleaned = raw.normalize('NFC').replace(/[\p{Cc}\p{Cf}\p{Cs}\p{Co}]/gu, ' ');
  const text = [...cleaned.trim()].slice(0, QUERY_MAX_CHARS).join('');
  const { terms, endsInWord } = termsOf(text);
  if (terms.length === 0) return { text, match: null, tsquery: null, needles: [] };
  // A space typed after the last word says the word is finished: no prefix then.
  const typing = endsInWord && !/\s$/u.test(cleaned);
  const phrases = terms.map((term, index) => phraseOf(term, typing && index === terms.length - 1 && !term.quoted));
  const needles = [...new Set(terms.flatMap((term) => term.runs.map((run) => run.text.toLowerCase())))].sort((a, b) => b.length - a.length);
  return { text, match: phrases.map(ftsPhrase).join(' '), tsquery: phrases.map(tsPhrase).join(' & '), needles };
}

