import { readFileSync } from 'node:fs';
const prof = JSON.parse(readFileSync(process.argv[2]!, 'utf8'));
const nodes = new Map<number, any>(); for (const n of prof.nodes) nodes.set(n.id, n);
const self = new Map<number, number>();
const dt = prof.timeDeltas as number[];
prof.samples.forEach((id: number, i: number) => self.set(id, (self.get(id) ?? 0) + (dt[i] ?? 0)));
const parent = new Map<number, number>(); for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const byFn = new Map<string, number>(); const byFile = new Map<string, number>(); const total = new Map<string, number>();
let all = 0;
for (const [id, t] of self) { const n = nodes.get(id); const cf = n.callFrame; const key = `${cf.functionName || '(anon)'} ${cf.url.replace(/.*wt-perf\//,'')}:${cf.lineNumber}`; byFn.set(key, (byFn.get(key) ?? 0) + t); const f = cf.url.replace(/.*wt-perf\//,'').replace(/node_modules\/([^/]+)\/.*/, 'nm:$1'); byFile.set(f, (byFile.get(f) ?? 0) + t); all += t;
  // inclusive
  const seen = new Set<string>(); let cur: number | undefined = id; while (cur !== undefined) { const c = nodes.get(cur).callFrame; const k = `${c.functionName || '(anon)'} ${c.url.replace(/.*wt-perf\//,'')}:${c.lineNumber}`; if (!seen.has(k)) { total.set(k, (total.get(k) ?? 0) + t); seen.add(k); } cur = parent.get(cur); } }
const top = (m: Map<string, number>, n: number) => [...m].sort((a, b) => b[1] - a[1]).slice(0, n).map(([k, v]) => `${(v / 1000).toFixed(0).padStart(7)} ms ${(100 * v / all).toFixed(1).padStart(5)}%  ${k}`).join('\n');
console.log('total', (all/1000).toFixed(0), 'ms');
console.log('--- self by fn'); console.log(top(byFn, 30));
console.log('--- self by file'); console.log(top(byFile, 20));
console.log('--- inclusive'); console.log(top(total, Number(process.argv[3] ?? 50)));
