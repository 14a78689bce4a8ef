// The benchmark page's frames, scrub and memory rows (`?bench`, as scripts/bench.mjs's
// page run opens it: same Chromium flags, 1280×800), for release builds side by side,
// interleaved so they share the machine's load:
//
//   node scripts/jump-ab.mjs ROUNDS DIST_A DIST_B …
//
// Prints per run: jump to_drawn max / median, view_at max / median, frames p95 at 1,000
// pods, memory (wasm + JS heap after GC), with the load average before → after.

import { loadavg } from 'node:os';
import { chromium } from 'playwright-core';
import { serve } from '../tests/e2e/server.mjs';
import { waitQuietly } from './wait-quietly.mjs';

const [rounds, ...dists] = process.argv.slice(2);
const load = () => loadavg()[0].toFixed(2);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-quic',
    '--no-first-run',
    '--disable-component-update',
    '--disable-sync',
    '--enable-precise-memory-info',
  ],
});
const f = (x) => (Number.isFinite(x) ? x.toFixed(1) : 'n/a');
try {
  for (let r = 0; r < Number(rounds); r++) {
    for (const dist of dists) {
      const site = await serve(dist.endsWith("/") ? dist : `${dist}/`, 0, { isolated: true }); // as bench.mjs: exact frame timestamps
      const context = await browser.newContext({
        viewport: { width: 1280, height: 800 },
        deviceScaleFactor: 1,
        serviceWorkers: 'block',
      });
      const page = await context.newPage();
      const errors = [];
      page.on('pageerror', (e) => errors.push(e.message));
      const before = load();
      await page.goto(`${site.url}?bench`, { waitUntil: 'load' });
      await waitQuietly(page, 'harness', { timeout: 30 * 60_000, every: 500 });
      const res = JSON.parse(await page.getByTestId('bench-results').textContent());
      const cdp = await context.newCDPSession(page);
      await cdp.send('HeapProfiler.collectGarbage');
      const heap = await page.evaluate(() => performance.memory?.usedJSHeapSize ?? 0);
      const s = res.scrub ?? {};
      const t0 = Date.now();
      const big = res.frames?.['1000']?.all;
      const mem = ((res.memory?.wasm_bytes ?? 0) + heap) / 1024 / 1024;
      console.log(
        [
          `round ${r + 1}`,
          dist,
          `jump max ${f(s.to_drawn?.max_ms)} median ${f(s.to_drawn?.median_ms)}`,
          `view_at max ${f(s.view_at?.max_ms)} median ${f(s.view_at?.median_ms)}`,
          `frames p95 ${f(big?.p95_ms)}`,
          `memory ${f(mem)} MB`,
          `wrong ${s.wrong_moment}`,
          `load ${before}→${load()}`,
          `${((Date.now() - t0) / 1000).toFixed(0)} s`,
          errors.length ? `ERRORS ${errors.join('; ')}` : '',
        ].join(' | '),
      );
      if (process.env.JUMP_AB_JSON) console.log(JSON.stringify({ frames: res.frames, memory: res.memory }));
      // JUMP_AB_EACH=1: the slowest jumps (builds that report each jump: to_drawn,
      // view_at, the pods shown, the moment after the history's start).
      if (process.env.JUMP_AB_EACH && s.to_drawn_each_ms) {
        const rows = s.to_drawn_each_ms.map((d, i) => ({ i, d, v: s.view_at_each_ms[i], p: s.pods_each?.[i], t: s.moments_ms[i] - (res.history?.start_ms ?? 0) }));
        rows.sort((a, b) => b.d - a.d);
        console.log(`  slowest: ${rows.slice(0, 8).map((r) => `#${r.i + 1} ${r.d.toFixed(0)}/${r.v.toFixed(0)} ms ${r.p} pods @${r.t}`).join('; ')}`);
      }
      await context.close();
      await site.close();
    }
  }
} finally {
  await browser.close();
}
