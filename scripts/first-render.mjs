// Where the first render's time goes: cold loads of the release build (dist/), each in a
// fresh browser context, with the page's startup marks and the wasm's resource timing.
// Prints the median of each phase (ms from navigation start).
//
//   node scripts/first-render.mjs [LOADS]       (after `make dist`; default 10 loads)

import { chromium } from 'playwright-core';
import { serve } from '../tests/e2e/server.mjs';
import { waitQuietly } from './wait-quietly.mjs';

const LOADS = Number(process.argv[2] || 10);
const site = await serve(new URL('../dist/', import.meta.url).pathname);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-quic', '--no-first-run', '--disable-component-update', '--disable-sync'],
});
const rows = [];
try {
  for (let i = 0; i < LOADS; i++) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await page.goto(site.url, { waitUntil: 'load' });
    await waitQuietly(page, 'mounted', { every: 20 });
    await waitQuietly(page, 'painted', { timeout: 5000, every: 20 }).catch(() => {});
    rows.push(await page.evaluate(() => {
      const at = (n) => performance.getEntriesByName(n)[0]?.startTime ?? NaN;
      const res = (ext) => performance.getEntriesByType('resource').find((r) => r.name.endsWith(ext));
      const nav = performance.getEntriesByType('navigation')[0];
      return {
        html: nav.responseEnd,
        js: res('.js')?.responseEnd,
        wasm: res('.wasm')?.responseEnd,
        started: at('orrery:wasm-started'),
        playground: at('orrery:playground'),
        mounted: at('orrery:first-render'),
        fcp: at('first-contentful-paint'),
      };
    }));
    await context.close();
  }
} finally {
  await browser.close();
  await site.close();
}
const keys = Object.keys(rows[0]);
const median = (xs) => { const v = xs.filter(Number.isFinite).sort((a, b) => a - b); return v.length ? v[Math.ceil(v.length / 2) - 1] : NaN; };
console.log(keys.map((k) => k.padStart(10)).join(''));
for (const r of rows) console.log(keys.map((k) => (r[k] ?? NaN).toFixed(0).padStart(10)).join(''));
console.log(keys.map((k) => median(rows.map((r) => r[k])).toFixed(0).padStart(10)).join(''), ' median');
const total = rows.map((r) => Math.max(r.mounted, r.fcp || 0));
console.log(`drawn and interactive (max of mounted, fcp): median ${median(total).toFixed(0)} ms`);
