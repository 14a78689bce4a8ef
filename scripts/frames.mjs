// The frame benchmark alone (`?bench=frames`), for quick before/after comparisons:
//
//   node scripts/frames.mjs [DIST] [SIZES]      (defaults: dist/ and 1000)
//
// Serves DIST (a release build) on 127.0.0.1, opens `?bench=frames&sizes=SIZES` in
// headless Chromium and prints, per phase, the frame count and the rAF-delta p50 / p95 /
// max, with the load average. `make bench` (scripts/bench.mjs) runs the full table.

import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { serve } from '../tests/e2e/server.mjs';
import { waitQuietly } from './wait-quietly.mjs';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const dist = process.argv[2] || `${ROOT}dist/`;
const sizes = process.argv[3] || '1000';
const site = await serve(dist.endsWith("/") ? dist : `${dist}/`, 0, { isolated: true }); // as bench.mjs: exact frame timestamps
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
});
const load = () => loadavg().map((x) => x.toFixed(2)).join(' ');
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  const page = await context.newPage();
  const before = load();
  await page.goto(`${site.url}?bench=frames&sizes=${sizes}`, { waitUntil: 'load' });
  const h = page.getByTestId('bench-results');
  await waitQuietly(page, 'harness', { timeout: 20 * 60_000, every: 500 });
  const r = JSON.parse(await h.textContent());
  console.log(`load average before: ${before}, after: ${load()}`);
  for (const [n, phases] of Object.entries(r.frames ?? {})) {
    for (const [phase, s] of Object.entries(phases)) {
      const f = (x) => (x === undefined ? '-' : Number(x).toFixed(1));
      console.log(
        `${n.padStart(5)} ${phase.padEnd(11)} frames ${String(s.count ?? '-').padStart(5)}  p50 ${f(s.median_ms)}  p95 ${f(s.p95_ms)}  max ${f(s.max_ms)}  dropped ${s.dropped ?? '-'}  real ${f(s.real_ms)} ms  virtual ${s.virtual_ms ?? '-'} ms`,
      );
    }
  }
  if (r.errors?.length) console.log('errors:', r.errors);
} finally {
  await browser.close();
  await site.close?.();
}
