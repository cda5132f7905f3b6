import Database from 'better-sqlite3';
const s = new Database('/tmp/msp.db');
const N = 100;
const time = (name: string, sql: string, ...args: unknown[]) => { const st = s.prepare(sql); st.all(...args); const c = process.cpuUsage(); for (let i = 0; i < N; i++) st.all(...args); const u = process.cpuUsage(c); console.log(name.padEnd(40), ((u.user + u.system) / 1000 / N).toFixed(3)); };
const ids = JSON.stringify((s.prepare(`select rowid from search_comment_text where search_comment_text match '"정책"' order by rowid desc limit 300`).all() as any[]).map((r) => r.rowid));
const kept = `select search_comment_text.rowid as id, bm25(search_comment_text) as sortKey from search_comment_text
         where search_comment_text match ? and +search_comment_text.rowid in (select value from json_each(?))
         order by sortKey, id desc limit ?`;
const full = `select comments.id, comments.chapter_id as chapterId, comments.paragraph_id as paragraphId, paragraphs.ordinal as paragraphOrdinal,
              comments.author_id as authorId, users.display_name as authorDisplayName, comments.anchor_position as anchorPosition,
              comments.visibility, comments.body, comments.created_at as createdAt
       from (${kept}) kept
       join comments on comments.id = kept.id
       join users on users.id = comments.author_id
       left join paragraphs on paragraphs.id = comments.paragraph_id
       where comments.deleted_at is null and comments.moderation is null
       order by kept.sortKey, kept.id desc`;
console.log(s.prepare('explain query plan ' + full).all('"정책"', ids, 40).map((r: any) => r.detail));
for (let k = 0; k < 2; k++) {
  time('kept', kept, '"정책"', ids, 40);
  time('full', full, '"정책"', ids, 40);
  time('bm25 only newest 300', `select * from (select rowid, bm25(search_comment_text) b from search_comment_text where search_comment_text match ? order by rowid desc limit 300) order by b limit 40`, '"정책"');
}
