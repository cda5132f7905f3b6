import { mkdtempSync } from 'node:fs'; import { tmpdir } from 'node:os'; import { join } from 'node:path';
import Database from 'better-sqlite3';
import { seedBenchDatabase } from '../seed';
const dir = mkdtempSync(join(tmpdir(), 'sq-'));
const data = await seedBenchDatabase(join(dir, 'db'), { comments: 20000, members: 50, paragraphs: 500, polls: 1 });
const db = new Database(join(dir, 'db'));
const sql = `select id, root_id as rootId, parent_id as parentId, chapter_id as chapterId, paragraph_id as paragraphId, anchor_position as anchorPosition, passage_start as passageStart, passage_end as passageEnd, author_id as authorId, visibility, created_at as createdAt, deleted_at as deletedAt, moderation from comments where reading_id = ? and chapter_id = ?`;
console.log(db.prepare('explain query plan ' + sql).all(data.readingId, data.chapterId));
const st = db.prepare(sql);
for (const mode of ['obj', 'raw', 'obj']) { const t0 = process.cpuUsage(); let n = 0; for (let i = 0; i < 10; i++) n = (mode === 'raw' ? st.raw(true).all(data.readingId, data.chapterId) : st.raw(false).all(data.readingId, data.chapterId)).length; const u = process.cpuUsage(t0); console.log(mode, n, ((u.user + u.system) / 10000).toFixed(1), 'cpu ms'); }
const agg = db.prepare(`select paragraph_id, count(*) from comments where reading_id = ? and chapter_id = ? and deleted_at is null group by paragraph_id`);
let t1 = process.cpuUsage(); for (let i = 0; i < 10; i++) agg.all(data.readingId, data.chapterId); const u1 = process.cpuUsage(t1); console.log('agg', ((u1.user + u1.system) / 10000).toFixed(1));
console.log(db.pragma('page_size'), db.prepare('select count(*) c from comments').get());
