/**
 * Keeping the search indexes current, and rebuilding them.
 *
 * - Comments: triggers on `comments` (migrations `0004_search_fts`, `0007_search_gate_columns`;
 *   on PostgreSQL `pg/0001_triggers_and_search`) list every inserted, edited, deleted, hidden or
 *   removed comment in an outbox in the SAME transaction as the write — whichever code wrote it (the app, the benchmark's seed, a cascade). The listener
 *   below drains the outbox right after each comment event (published after commit), and
 *   every search drains it first, so a search never reads a stale index.
 * - Book text: an edition is indexed once (its text never changes) when `book.imported` is
 *   heard, or at its first search when it was imported without the listener (the start-up
 *   import, the CLI); a marker table says which editions are done. A deleted paragraph leaves
 *   the index by trigger.
 * - `npm run reindex` ({@link rebuildSearchIndexes}) empties and rebuilds both.
 */
import type { Db } from '../../db/connection';
import type { EventBus } from '../events';
import { drainCommentOutbox, indexEdition } from './queries';

/**
 * Subscribes the search indexes to the domain events; returns the unsubscribe. The index is in
 * the database, so it is kept by the process where the change happened (`'once'`). Each
 * listener's work is awaited by the bus (which reports a failure), so the request that
 * published the event answers once the index has it.
 */
export function keepSearchIndexCurrent(db: Db, events: EventBus, clock: () => number = Date.now): () => void {
  const drain = async () => {
    await drainCommentOutbox(db);
  };
  const stops = [
    events.subscribe('comment.posted', drain, 'once'),
    events.subscribe('comment.edited', drain, 'once'),
    events.subscribe('comment.deleted', drain, 'once'),
    events.subscribe('comment.moderated', drain, 'once'),
    events.subscribe('comment.flag_hidden', drain, 'once'),
    events.subscribe('comment.restored', drain, 'once'),
    events.subscribe('comment.flags_cleared', drain, 'once'),
    events.subscribe('comment.reanchored', drain, 'once'),
    // Deleting an account deletes or blanks comments in bulk (see src/account/queries.ts).
    events.subscribe('account.deleted', drain, 'once'),
    events.subscribe(
      'book.imported',
      async (event) => {
        await indexEdition(db, event.editionId, clock());
      },
      'once',
    ),
    // A reading moved to another edition: its comments were re-anchored (outbox), and its text is that edition's.
    events.subscribe(
      'reading.edition_changed',
      async (event) => {
        await drain();
        await indexEdition(db, event.editionId, clock());
      },
      'once',
    ),
  ];
  return () => stops.forEach((stop) => stop());
}

export { rebuildSearchIndexes, searchIndexBytes } from './queries';
