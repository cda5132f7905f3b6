/**
 * `npm run backup -- <file>`: a consistent copy of the database at `DATABASE_PATH` (default
 * `data/marginalia.db`) written to `<file>`, safe while the server runs (see `db/backup.ts`).
 * An existing `<file>` is replaced only once the new copy is complete and checked.
 *
 * Prints one line (what was written, its size and contents); exit status 0 on success, 1 when
 * the backup failed (the reason on stderr; nothing is left at `<file>` but an older backup),
 * 2 for a usage error.
 */
import { BackupError, backupDatabase } from './backup';

const [file, ...rest] = process.argv.slice(2);
if (!file || rest.length > 0 || file.startsWith('-')) {
  process.stderr.write('usage: npm run backup -- <file>   (copies the database at DATABASE_PATH, default data/marginalia.db)\n');
  process.exit(2);
}

try {
  const result = backupDatabase(process.env.DATABASE_PATH || 'data/marginalia.db', file);
  process.stdout.write(
    `backed up to ${result.path}: ${result.bytes} bytes, ${result.users} users, ${result.clubs} clubs, ${result.comments} comments, ` +
      `integrity ok, ${result.migrations} migrations (${result.milliseconds} ms)\n`,
  );
} catch (error) {
  process.stderr.write(`backup failed: ${error instanceof BackupError ? error.message : String(error)}\n`);
  process.exit(1);
}
