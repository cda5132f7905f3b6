/**
 * `npm run restore -- <file>`: puts a backup made by `npm run backup` in place of the database at
 * `DATABASE_PATH` (default `data/marginalia.db`). Stop the server first: the restore refuses
 * while anything has the database open. The file is checked before anything changes
 * (`PRAGMA integrity_check`, and a migration history this version knows); the database it
 * replaces is kept beside it as `<name>.before-restore-<time>`.
 *
 * Exit status 0 on success, 1 when the restore was refused or failed (the reason on stderr; the
 * database is then as it was), 2 for a usage error.
 */
import { BackupError, restoreDatabase } from './backup';

const [file, ...rest] = process.argv.slice(2);
if (!file || rest.length > 0 || file.startsWith('-')) {
  process.stderr.write('usage: npm run restore -- <file>   (replaces the database at DATABASE_PATH, default data/marginalia.db; stop the server first)\n');
  process.exit(2);
}

try {
  const result = restoreDatabase(file, process.env.DATABASE_PATH || 'data/marginalia.db');
  const pending = result.pendingMigrations ? `; the server will apply ${result.pendingMigrations} newer migrations when it starts` : '';
  process.stdout.write(
    `restored ${file} to ${result.path}: ${result.users} users, ${result.clubs} clubs, ${result.comments} comments, integrity ok${pending}\n` +
      (result.replacedKeptAt ? `the database it replaced is kept at ${result.replacedKeptAt}\n` : ''),
  );
} catch (error) {
  process.stderr.write(`restore refused: ${error instanceof BackupError ? error.message : String(error)}\n`);
  process.exit(1);
}
