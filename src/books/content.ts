/** Imports the books shipped in `content/` on start-up (filled in by the books area). */
import type { Config } from '../config';
import type { Db, Sqlite } from '../../db/connection';

export async function importContentFolder(_deps: { db: Db; sqlite: Sqlite; config: Config; log: (line: Record<string, unknown>) => void }): Promise<void> {}
