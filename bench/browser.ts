/**
 * The bench's browser case: Debian's Chromium (playwright-core, headless) loads the chapter page
 * at phone size (390 × 844) with the CPU slowed 4× (DevTools `Emulation.setCPUThrottlingRate`),
 * cold (a new browser profile: nothing cached) and then warm (the same tab loading it again:
 * scripts and styles cached, the server's page cache warm), as a member who has read it all.
 *
 * Reported per load: First Contentful Paint and Largest Contentful Paint (the browser's own
 * `paint` and `largest-contentful-paint` entries), Total Blocking Time (the part over 50 ms of
 * every long task until the page is loaded and quiet), the DOM node count, and the bytes sent.
 */
import { chromium } from 'playwright-core';

export interface BrowserLoad {
  fcp_ms: number;
  lcp_ms: number;
  tbt_ms: number;
  long_tasks: number;
  dom_nodes: number;
  load_ms: number;
}

export interface BrowserResult {
  viewport: { width: number; height: number };
  cpu_throttling: number;
  paragraphs: number;
  cold: BrowserLoad;
  warm: BrowserLoad;
}

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const PHONE = { width: 390, height: 844 };
const THROTTLE = 4;

/** Runs in the page before any of its scripts (init scripts are not subject to the page's CSP). */
const OBSERVE = `
  window.__perf = { lcp: 0, longTasks: [] };
  new PerformanceObserver((list) => { for (const e of list.getEntries()) window.__perf.lcp = e.renderTime || e.loadTime || e.startTime; }).observe({ type: 'largest-contentful-paint', buffered: true });
  new PerformanceObserver((list) => { for (const e of list.getEntries()) window.__perf.longTasks.push([e.startTime, e.duration]); }).observe({ type: 'longtask', buffered: true });
`;

export async function browserCase(options: { base: string; path: string; cookie: { name: string; value: string }; paragraphs: number }): Promise<BrowserResult> {
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
  try {
    const context = await browser.newContext({ viewport: PHONE, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
    await context.addCookies([{ name: options.cookie.name, value: options.cookie.value, url: options.base }]);
    await context.addInitScript(OBSERVE);
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: THROTTLE });

    const load = async (): Promise<BrowserLoad> => {
      const response = await page.goto(options.base + options.path, { waitUntil: 'load' });
      if (!response?.ok()) throw new Error(`browser case: the chapter page answered ${response?.status()}`);
      // Let late paints and long tasks land (LCP is final once the page is loaded and quiet).
      await page.waitForTimeout(1500);
      return page.evaluate(() => {
        const perf = (window as unknown as { __perf: { lcp: number; longTasks: [number, number][] } }).__perf;
        const fcp = performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? 0;
        const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined;
        const blocking = perf.longTasks.filter(([start]) => start >= fcp).reduce((sum, [, duration]) => sum + Math.max(0, duration - 50), 0);
        return {
          fcp_ms: Math.round(fcp),
          lcp_ms: Math.round(perf.lcp),
          tbt_ms: Math.round(blocking),
          long_tasks: perf.longTasks.length,
          dom_nodes: document.getElementsByTagName('*').length,
          load_ms: Math.round(nav ? nav.loadEventEnd - nav.startTime : 0),
        };
      });
    };
    const cold = await load();
    const warm = await load();
    return { viewport: PHONE, cpu_throttling: THROTTLE, paragraphs: options.paragraphs, cold, warm };
  } finally {
    await browser.close();
  }
}
