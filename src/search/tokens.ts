/**
 * How text is split for the search indexes, the same way for what is stored and what is asked.
 *
 * SQLite's `unicode61` tokenizer keeps a run of Hangul, kana or kanji as ONE token
 * ("정책에" is one word to it), and a `trigram` index cannot serve a query shorter than three
 * characters — yet most Korean words are two syllables (정책, 기업, 투자). So before the text
 * reaches FTS5 we cut every run of CJK characters into overlapping character bigrams, and end
 * the run with its last character plus an end mark (U+E000, a private-use character FTS5 keeps
 * as a token character):
 *
 *   "국가정책을" → "국가 가정 정책 책을 을\uE000"
 *
 * Every character then starts exactly one token, so
 * - a 2-character query is one token lookup ("정책"),
 * - a 1-character query is a prefix lookup ("정"*),
 * - a longer one is a phrase of its bigrams ("정책을" → "정책 책을"),
 * - and words written in other scripts are left whole for `porter unicode61` (stemming, case
 *   and diacritics folded by the tokenizer).
 * A CJK run next to a Latin word ("Loopt의") becomes two runs, so "Loopt" finds it.
 *
 * Pure: no I/O. Text is NFC-normalised first.
 */

/** Ends a CJK run in the index (see the module comment). */
export const RUN_END = '\uE000';

/** Hangul, kana, kanji, and the kana marks that belong to a run (ー 々 〆). */
const CJK = /[\p{Script=Hangul}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Han}\u30FC\u3005\u3006]/u;
/** Letters, digits and combining marks of every other script. */
const WORD = /[\p{L}\p{N}\p{M}]/u;

export interface TextRun {
  kind: 'cjk' | 'word';
  /** The run as written (NFC). */
  text: string;
}

/** Splits NFC text into runs of CJK characters and runs of word characters; everything else separates. */
export function textRuns(text: string): TextRun[] {
  const runs: TextRun[] = [];
  let current: TextRun | null = null;
  for (const char of text.normalize('NFC')) {
    const kind = CJK.test(char) ? 'cjk' : WORD.test(char) ? 'word' : null;
    if (kind === null) {
      current = null;
      continue;
    }
    if (current && current.kind === kind) current.text += char;
    else runs.push((current = { kind, text: char }));
  }
  return runs;
}

/** The bigrams of a CJK run (none for a single character). */
export function bigramsOf(run: string): string[] {
  const chars = [...run];
  const grams: string[] = [];
  for (let i = 0; i + 1 < chars.length; i++) grams.push(chars[i]! + chars[i + 1]!);
  return grams;
}

/** Every index token of a run: a word whole; a CJK run as its bigrams and its end token. */
export function runTokens(run: TextRun): string[] {
  if (run.kind === 'word') return [run.text];
  const chars = [...run.text];
  return [...bigramsOf(run.text), chars[chars.length - 1]! + RUN_END];
}

/** The text as the FTS5 table stores it: tokens separated by spaces. */
export function indexText(text: string): string {
  return textRuns(text).flatMap(runTokens).join(' ');
}
