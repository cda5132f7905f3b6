/**
 * Readers posting comments to a real server over HTTP, several at once, keeping the list of the
 * posts the server acknowledged (answered 303), for the durability tests: what was acknowledged
 * must be in the database after a crash, in a backup taken after it, and so on.
 *
 * Each writer is one member: two posts in three start a thread on a paragraph, the third
 * replies to one of that writer's acknowledged threads (so a reply's `root_id` is exercised).
 * Bodies are unique (`durability w<writer> #<n>`), so a row is matched to its post exactly.
 *
 * What the tests check afterwards is SQLite's own durability (a crash, a backup of the file,
 * a full disk): {@link writtenComments} and {@link integrityCheck} read an SQLite file through
 * its own connection (the one the test opened on the file, or `TestApp.sqlite!`), not the app's `Db`.
 */
import type { Sqlite } from '../../db/connection';
import { seedBenchDatabase, type BenchData } from '../../bench/seed';

export interface AcknowledgedComment {
  id: number;
  body: string;
  paragraphId: number;
  /** The acknowledged comment this one replies to, if it is a reply. */
  parentId: number | null;
}

/** A club with `members` members (index 0 the owner) reading a one-chapter book, with session tokens. */
export async function seedCommentRoom(databasePath: string, members = 7): Promise<BenchData> {
  return seedBenchDatabase(databasePath, { members, paragraphs: 12, comments: 1, polls: 0 });
}

export class CommentWriters {
  readonly acknowledged: AcknowledgedComment[] = [];
  /** Posts that got no answer (the server died under them): they may or may not have been saved. */
  unanswered = 0;
  /** Posts refused with another status; none expected. */
  readonly refused: { status: number; body: string }[] = [];
  private running = false;
  private loops: Promise<void>[] = [];
  private serial = 0;
  private waiters: { count: number; resolve: () => void }[] = [];

  constructor(
    private url: string,
    private readonly room: BenchData,
    private readonly writers = 6,
  ) {}

  /** Points the writers at another server (a restarted one). */
  retarget(url: string) {
    this.url = url;
  }

  start() {
    this.running = true;
    this.loops = Array.from({ length: this.writers }, (_, i) => this.write(i + 1));
  }

  /** Resolves once `count` posts in all have been acknowledged. */
  whenAcknowledged(count: number): Promise<void> {
    if (this.acknowledged.length >= count) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ count, resolve }));
  }

  /** Stops posting and waits for every post in flight to be answered or to fail. */
  async stop() {
    this.running = false;
    await Promise.all(this.loops);
  }

  private async write(writer: number) {
    const token = this.room.tokens[writer % this.room.tokens.length]!;
    const mine: AcknowledgedComment[] = [];
    while (this.running) {
      const n = ++this.serial;
      const parent = n % 3 === 0 && mine.length > 0 ? mine[n % mine.length]! : null;
      const paragraphId = parent?.paragraphId ?? this.room.paragraphIds[n % this.room.paragraphIds.length]!;
      const body = `durability w${writer} #${n}`;
      const fields: Record<string, string> = { reading_id: String(this.room.readingId), body, visibility: 'club', return: `/clubs/${this.room.clubId}/chapters/${this.room.chapterOrdinal}` };
      if (parent) fields.parent_id = String(parent.id);
      else fields.paragraph_id = String(paragraphId);
      let response: Response;
      try {
        response = await fetch(`${this.url}/clubs/${this.room.clubId}/comments`, {
          method: 'POST',
          body: new URLSearchParams(fields),
          redirect: 'manual',
          headers: { cookie: `marginalia_session=${token}`, 'sec-fetch-site': 'same-origin' },
        });
      } catch {
        this.unanswered += 1;
        await new Promise((r) => setTimeout(r, 20));
        continue;
      }
      if (response.status !== 303) {
        this.refused.push({ status: response.status, body: (await response.text()).slice(0, 500) });
        continue;
      }
      const id = Number(/#c-(\d+)$/.exec(response.headers.get('location') ?? '')?.[1]);
      if (!id) throw new Error(`no comment id in ${response.headers.get('location')}`);
      const comment = { id, body, paragraphId, parentId: parent?.id ?? null };
      mine.push(comment);
      this.acknowledged.push(comment);
      for (const waiter of this.waiters.filter((w) => this.acknowledged.length >= w.count)) waiter.resolve();
      this.waiters = this.waiters.filter((w) => this.acknowledged.length < w.count);
    }
  }
}

interface CommentRow {
  id: number;
  body: string;
  parent_id: number | null;
  root_id: number | null;
  paragraph_id: number | null;
  anchor_position: number;
}

/**
 * What a database holds of the writers' posts, checked for half-written rows: every comment
 * has its thread root; a root is its own root; a reply's parent exists, shares its root and its
 * anchor. Returns the problems found (none expected) and the rows by body.
 */
export function writtenComments(sqlite: Sqlite): { byBody: Map<string, CommentRow>; problems: string[] } {
  const rows = sqlite.prepare("select id, body, parent_id, root_id, paragraph_id, anchor_position from comments where body like 'durability %'").all() as CommentRow[];
  const byId = new Map(rows.map((row) => [row.id, row]));
  const byBody = new Map<string, CommentRow>();
  const problems: string[] = [];
  for (const row of rows) {
    if (byBody.has(row.body)) problems.push(`${row.body} saved twice`);
    byBody.set(row.body, row);
    if (row.root_id === null) problems.push(`comment ${row.id} has no root`);
    else if (row.parent_id === null && row.root_id !== row.id) problems.push(`root ${row.id} points at root ${row.root_id}`);
    if (row.parent_id !== null) {
      const parent = byId.get(row.parent_id);
      if (!parent) problems.push(`reply ${row.id} has no parent ${row.parent_id}`);
      else if (parent.root_id !== row.root_id || parent.anchor_position !== row.anchor_position || parent.paragraph_id !== row.paragraph_id) {
        problems.push(`reply ${row.id} does not match its parent ${parent.id}`);
      }
    }
  }
  return { byBody, problems };
}

/** The acknowledged posts that `byBody` lacks, or holds differently from how they were acknowledged. */
export function missingFrom(byBody: Map<string, CommentRow>, acknowledged: AcknowledgedComment[]): AcknowledgedComment[] {
  return acknowledged.filter((comment) => {
    const row = byBody.get(comment.body);
    return !row || row.id !== comment.id || row.parent_id !== comment.parentId || row.paragraph_id !== comment.paragraphId;
  });
}

/** SQLite's `integrity_check` of the file under `sqlite`: `['ok']` when it is sound. */
export function integrityCheck(sqlite: Sqlite): string[] {
  return (sqlite.pragma('integrity_check') as { integrity_check: string }[]).map((row) => row.integrity_check);
}
