import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { chartSpec, renderChart } from '../report';
const dir = process.argv[2]!;
const latest = existsSync(dir + '/latest.json') ? JSON.parse(readFileSync(dir + '/latest.json', 'utf8')) : undefined;
const curve = existsSync(dir + '/curve.json') ? JSON.parse(readFileSync(dir + '/curve.json', 'utf8')) : undefined;
writeFileSync('/tmp/redraw.svg', await renderChart(chartSpec({ title: 'test', cases: latest?.cases, staticCase: latest?.cases.find((c: any) => c.name.startsWith('3 '))?.name, curve: curve?.points })));
