/**
 * `npm run corpus -- <folder> [--verbose]`: dry-runs every .txt/.md/.epub in a folder and prints
 * one line per file: file, title, chapters (reader pages), outline entries, paragraphs, warnings,
 * milliseconds.
 * With `--verbose`, also the outline and the warnings. Touches no database.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodingLabel } from './import/encoding-label';
import { isBookFile } from './content';
import { dryRunSummary } from './dry-run';
import { splitIntoPages } from './pages';
import { ImportError, parseBook } from './import/index';

const args = process.argv.slice(2);
const verbose = args.includes('--verbose');
const folder = args.find((arg) => !arg.startsWith('--'));
if (!folder) {
  console.error('usage: npm run corpus -- <folder> [--verbose]');
  process.exit(2);
}

const files = readdirSync(folder)
  .filter(isBookFile)
  .sort();
let failures = 0;
console.log(['file', 'title', 'chapters', 'outline', 'paragraphs', 'warnings', 'ms'].join('\t'));
for (const name of files) {
  const bytes = new Uint8Array(readFileSync(join(folder, name)));
  const started = performance.now();
  try {
    const book = parseBook({ bytes, filename: name });
    const ms = performance.now() - started;
    const summary = dryRunSummary(book);
    console.log([name, summary.title, splitIntoPages(book.sections).length, book.sections.length, summary.paragraphs, summary.warnings.length, ms.toFixed(1)].join('\t'));
    if (verbose) {
      console.log(`  author=${summary.author ?? '-'} language=${summary.language} encoding=${encodingLabel(summary.encoding)} direction=${book.direction} writing=${book.writingMode}`);
      book.sections.forEach((section, i) =>
        console.log(`  ${'  '.repeat(section.depth - 1)}[${section.kind}] ${section.title || '(untitled)'} — ${summary.outline[i]!.paragraphs}`),
      );
      for (const warning of summary.warnings) console.log(`  ! ${warning}`);
    }
  } catch (error) {
    failures++;
    const ms = performance.now() - started;
    const reason = error instanceof ImportError ? `${error.code} ${JSON.stringify(error.params)}` : String(error);
    console.log([name, `ERROR ${reason}`, '-', '-', '-', '-', ms.toFixed(1)].join('\t'));
  }
}
process.exitCode = failures > 0 ? 1 : 0;
