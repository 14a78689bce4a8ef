// Compare builds for the first-render row: cold loads of several dist directories, taken
// in turn (A, B, A, B, …) so that the machine's load falls on all of them alike. Each load
// is measured as scripts/first-render.mjs measures it (the later of `orrery:first-render`
// and the first contentful paint); prints each directory's medians.
//
//   node scripts/first-render-ab.mjs LOADS DIR_A DIR_B [DIR_C …]

import { chromium } from 'playwright-core';
import { serve } from '../tests/e2e/server.mjs';
import { waitQuietly } from './wait-quietly.mjs';

const LOADS = Number(process.argv[2]);
const dirs = process.argv.slice(3);
const sites = await Promise.all(dirs.map((d) => serve(d)));
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-quic', '--no-first-run', '--disable-component-update', '--disable-sync',
    // CHROMIUM_ARGS: extra flags, to try what the browser itself spends (not the row's setup).
    ...(process.env.CHROMIUM_ARGS ? process.env.CHROMIUM_ARGS.split(' ') : [])],
});
const rows = dirs.map(() => []);
try {
  for (let i = 0; i < LOADS; i++) {
    for (let d = 0; d < dirs.length; d++) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      const page = await context.newPage();
      await page.goto(sites[d].url, { waitUntil: 'load' });
      await waitQuietly(page, 'mounted', { every: 20 });
      await waitQuietly(page, 'painted', { timeout: 5000, every: 20 }).catch(() => {});
      rows[d].push(await page.evaluate(() => {
        const at = (n) => performance.getEntriesByName(n)[0]?.startTime ?? NaN;
        const res = (ext) => performance.getEntriesByType('resource').find((r) => r.name.endsWith(ext));
        return {
          wasm: res('.wasm')?.responseEnd,
          started: at('orrery:wasm-started'),
          playground: at('orrery:playground'),
          mounted: at('orrery:first-render'),
          fcp: at('first-contentful-paint'),
        };
      }));
      await context.close();
    }
  }
} finally {
  await browser.close();
  await Promise.all(sites.map((s) => s.close()));
}
const median = (xs) => { const v = xs.filter(Number.isFinite).sort((a, b) => a - b); return v.length ? v[Math.ceil(v.length / 2) - 1] : NaN; };
const keys = Object.keys(rows[0][0]);
console.log('dir'.padEnd(28) + keys.map((k) => k.padStart(10)).join('') + '     total   (all totals)');
dirs.forEach((dir, d) => {
  const total = rows[d].map((r) => Math.max(r.mounted, r.fcp || 0));
  console.log(dir.slice(-28).padEnd(28) + keys.map((k) => median(rows[d].map((r) => r[k])).toFixed(0).padStart(10)).join('')
    + median(total).toFixed(0).padStart(10) + '   ' + total.map((t) => t.toFixed(0)).join(' '));
});
