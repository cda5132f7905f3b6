import { chromium } from 'playwright-core';
const b = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
const p = await b.newPage({ viewport: { width: 1000, height: 1000 } });
await p.goto('file://' + process.argv[2]);
await p.screenshot({ path: '/tmp/chart.png', timeout: 120000 });
await b.close();
