import { runCurvePoint, curveLines } from '../curve';
const comments = Number(process.argv[2] ?? 2000);
const clubs = Number(process.argv[3] ?? 1);
const members = Number(process.argv[4] ?? 50);
const p = await runCurvePoint({ axis: 'comments', sizes: { members, comments, clubs, paragraphs: 500 } }, { warmup: 1, duration: 4 }, (l) => process.stderr.write(l + '\n'), process.argv[5]);
console.log(JSON.stringify(p.cases.map(c => [c.name, c.rps, c.p99_ms, c.cpu_ms_per_req, c.server_cpu_pct])));
console.log(curveLines([p]).join('\n'));
