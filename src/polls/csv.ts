/**
 * Poll results as CSV for spreadsheets.
 *
 * - UTF-8 with a byte-order mark and CRLF line ends: Excel only reads UTF-8 (and so Korean)
 *   correctly when the file starts with a BOM.
 * - Cells are quoted when they hold a comma, quote or line break (RFC 4180).
 * - Formula injection: a cell starting with `=`, `+`, `-`, `@`, a tab or a carriage return is
 *   prefixed with `'`, so a spreadsheet shows option labels and names as text instead of
 *   running them (OWASP "CSV injection").
 * - Anonymity: the export is built from the same card the page shows, so an anonymous poll
 *   exports counts only (the card carries no voters), and a poll whose results the reader may
 *   not see cannot be exported at all.
 *
 * Layout: anonymous single/multiple polls → `option, votes, percent`; anonymous ranked polls →
 * `round, option, votes, percent, result` (plus each round's exhausted ballots); public polls →
 * `voter, option, rank`, one row per choice.
 *
 * @example
 * toCsv([['option', 'votes'], ['=1+1', '3']]); // '\uFEFFoption,votes\r\n\'=1+1,3\r\n'
 */
import type { Translator } from '../i18n';
import type { PollCardView } from './types';

const FORMULA_START = /^[=+\-@\t\r]/;

export function csvCell(value: string | number): string {
  let text = String(value);
  if (typeof value === 'string' && FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv(rows: readonly (readonly (string | number)[])[]): string {
  return `\uFEFF${rows.map((row) => row.map(csvCell).join(',')).join('\r\n')}\r\n`;
}

/** The rows of a poll's export; null when the card carries no results for this reader. */
export function pollResultRows(card: PollCardView, t: Translator): (string | number)[][] | null {
  const results = card.results;
  if (!results) return null;

  if (results.voters) {
    const rows: (string | number)[][] = [[t('polls.csv.voter'), t('polls.csv.option'), t('polls.csv.rank')]];
    for (const voter of results.voters) {
      voter.choices.forEach((label, index) => rows.push([voter.name, label, card.kind === 'ranked' ? index + 1 : '']));
    }
    return rows;
  }

  if (results.runoff) {
    const rows: (string | number)[][] = [[t('polls.csv.round'), t('polls.csv.option'), t('polls.csv.votes'), t('polls.csv.percent'), t('polls.csv.result')]];
    for (const round of results.runoff.rounds) {
      for (const tally of round.tallies) {
        const result =
          round.winner === tally.label ? t('polls.results.winner') : round.eliminated.includes(tally.label) ? t('polls.results.eliminated') : '';
        rows.push([round.round, tally.label, tally.votes, tally.percent, result]);
      }
      rows.push([round.round, t('polls.results.exhausted'), round.exhausted, '', '']);
    }
    return rows;
  }

  return [[t('polls.csv.option'), t('polls.csv.votes'), t('polls.csv.percent')], ...results.counts.map((row) => [row.label, row.votes, row.percent])];
}
