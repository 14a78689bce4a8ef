// Compare builds for the paste row: `?bench=paste` with the argo-cd install, as
// scripts/bench.mjs's paste row runs it, for several dist directories taken in turn
// (A, B, A, B, …) so that the machine's load falls on all of them alike. Besides the row's
// wall time (paste-start → paste-end) and its split, it reads a Chromium trace of each run
// and sums the main thread's CPU time (`tdur` of its tasks) inside that window, which the
// machine's load moves much less than wall time (BENCHMARKS.md, "Paste, session 9").
//
//   node scripts/paste-ab.mjs RUNS DIR_A DIR_B [DIR_C …]
//
// Prints each run, then each directory's medians: wall, parse, apply, converge+draw, the
// main thread's CPU in the window, its longest task (CPU and wall), and the load average.
// ORRERY_PASTE_PROFILE=N: also a CPU profile of each paste (V8's sampler, CDP `Profiler`),
// and at the end, per directory, the N functions with the most self time and the N of the
// page's own with the most inclusive time, summed over the runs (useful on a build with
// names: Trunk with `data-wasm-opt="0"`).

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { serve } from '../tests/e2e/server.mjs';
import { waitQuietly } from './wait-quietly.mjs';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const PASTE =
  process.env.ORRERY_BENCH_PASTE ||
  `${ROOT}../shared/fixtures/real-world/argoproj__argo-cd/install.yaml`;
const RUNS = Number(process.argv[2]);
const dirs = process.argv.slice(3);
if (!RUNS || dirs.length === 0) {
  console.error('usage: node scripts/paste-ab.mjs RUNS DIR_A [DIR_B …]');
  process.exit(2);
}
const text = fs.readFileSync(PASTE, 'utf8');
const sites = await Promise.all(dirs.map((d) => serve(d)));
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-quic', '--no-first-run', '--disable-component-update', '--disable-sync',
    '--enable-precise-memory-info',
    // ORRERY_CHROMIUM_ARGS: more switches, one a line (e.g. V8's `--js-flags=--no-liftoff --…`).
    ...(process.env.ORRERY_CHROMIUM_ARGS || '').split('\n').filter(Boolean)],
});
const out = path.join(os.tmpdir(), `orrery-paste-ab-${process.pid}.json`);
const PROFILE = Number(process.env.ORRERY_PASTE_PROFILE || 0);
const rows = dirs.map(() => []);
const self = dirs.map(() => new Map());
const incl = dirs.map(() => new Map());
const add = (m, k, v) => m.set(k, (m.get(k) ?? 0) + v);
/** Self and inclusive time by function name of a V8 CPU profile, added into the maps. */
function fold(p, selfMap, inclMap) {
  const nodes = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const name = (n) => n.callFrame.functionName || `(${n.callFrame.url.split('/').pop()}:${n.callFrame.lineNumber})`;
  for (let i = 0; i < p.samples.length; i++) {
    const dt = (p.timeDeltas[i + 1] ?? 0) / 1000;
    const n = nodes.get(p.samples[i]);
    const nm = name(n);
    if (nm === '(idle)' || nm === '(program)') continue;
    add(selfMap, nm, dt);
    const seen = new Set();
    for (let id = n.id; id !== undefined; id = parent.get(id)) {
      const m = name(nodes.get(id));
      if (!seen.has(m)) add(inclMap, m, dt);
      seen.add(m);
    }
  }
}
const sum = (xs) => xs.reduce((a, b) => a + b, 0);
try {
  for (let i = 0; i < RUNS; i++) {
    for (let d = 0; d < dirs.length; d++) {
      const load = os.loadavg()[0];
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 });
      const page = await context.newPage();
      await page.goto(`${sites[d].url}?bench=paste`, { waitUntil: 'load' });
      await page.getByTestId('bench-paste').waitFor();
      await page.evaluate((t) => {
        document.querySelector('[data-testid="bench-paste"]').value = t;
      }, text);
      await browser.startTracing(page, { path: out, categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'blink.user_timing', 'toplevel'] });
      const cdp = PROFILE ? await context.newCDPSession(page) : null;
      if (cdp) {
        await cdp.send('Profiler.enable');
        await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
        await cdp.send('Profiler.start');
      }
      await page.getByTestId('bench-paste-run').click();
      await waitQuietly(page, 'harness', { timeout: 120_000, every: 500 });
      if (cdp) {
        const { profile } = await cdp.send('Profiler.stop');
        fold(profile, self[d], incl[d]);
        // ORRERY_PASTE_PROFILE_DIR: keep each profile (.cpuprofile: DevTools opens it).
        if (process.env.ORRERY_PASTE_PROFILE_DIR) {
          fs.writeFileSync(path.join(process.env.ORRERY_PASTE_PROFILE_DIR, `paste-${d}-${i}.cpuprofile`), JSON.stringify(profile));
        }
      }
      const result = JSON.parse(await page.getByTestId('bench-results').textContent());
      const marks = await page.evaluate(() => {
        const at = (n) => performance.getEntriesByName(n)[0]?.startTime;
        return { start: at('orrery-bench:paste-start'), end: at('orrery-bench:paste-end'), warm: at('orrery:warm-done'), origin: performance.timeOrigin };
      });
      await browser.stopTracing();
      await context.close();
      const t = JSON.parse(fs.readFileSync(out, 'utf8'));
      const ev = t.traceEvents || t;
      // The page's main thread: the one that holds the paste marks.
      const mark = ev.find((e) => e.name === 'orrery-bench:paste-start');
      const onMain = (e) => mark && e.pid === mark.pid && e.tid === mark.tid;
      // Trace timestamps (µs) and the page's clock (ms since timeOrigin): align by the mark.
      const t0 = mark ? mark.ts : 0;
      const span = (marks.end - marks.start) * 1000;
      const tasks = ev.filter((e) => onMain(e) && e.ph === 'X' && e.name === 'RunTask' && e.ts + e.dur >= t0 && e.ts <= t0 + span);
      const p = result.paste || {};
      rows[d].push({
        wall: marks.end - marks.start,
        parse: p.parse_ms,
        apply: p.apply_ms,
        converge: p.converge_ms,
        cpu: sum(tasks.map((e) => e.tdur ?? 0)) / 1000,
        longest_cpu: Math.max(0, ...tasks.map((e) => e.tdur ?? 0)) / 1000,
        longest_wall: Math.max(0, ...tasks.map((e) => e.dur ?? 0)) / 1000,
        load,
        // How long before the paste the page's warm-up (src/warm.rs) was done (negative: after).
        warm_lead: marks.warm === undefined ? NaN : marks.start - marks.warm,
      });
      const r = rows[d].at(-1);
      console.log(`${dirs[d]}: ${Object.entries(r).map(([k, v]) => `${k} ${Number(v).toFixed(1)}`).join(', ')}`);
    }
  }
} finally {
  await browser.close();
  for (const s of sites) await s.close();
  fs.rmSync(out, { force: true });
}
const median = (xs) => {
  const v = xs.filter(Number.isFinite).sort((a, b) => a - b);
  return v.length ? v[Math.ceil(v.length / 2) - 1] : NaN;
};
const keys = Object.keys(rows[0][0]);
console.log(`\nmedians of ${RUNS} runs (ms; load = 1-min load average before each run)`);
console.log('dir'.padEnd(24) + keys.map((k) => k.padStart(13)).join(''));
dirs.forEach((dir, d) =>
  console.log(dir.slice(-24).padEnd(24) + keys.map((k) => median(rows[d].map((r) => r[k])).toFixed(1).padStart(13)).join('')),
);
if (PROFILE) {
  const top = (m, k) => [...m.entries()].sort((a, b) => b[1] - a[1]).slice(0, k);
  const own = /orrery|scene|canvas|glyph|timebar|inspector|editor|manifest|yaml|serde|kubectl|sim|store|event|leptos|reactive|tachys|clock|state|dlmalloc|alloc/i;
  dirs.forEach((dir, d) => {
    console.log(`\n${dir}: self time, ms per run (the whole run: page load to results)`);
    for (const [n, t] of top(self[d], PROFILE)) console.log(`  ${(t / RUNS).toFixed(1).padStart(7)}  ${n.slice(0, 150)}`);
    console.log(`${dir}: inclusive time of the page's functions, ms per run`);
    for (const [n, t] of top(new Map([...incl[d]].filter(([n]) => own.test(n))), PROFILE)) console.log(`  ${(t / RUNS).toFixed(1).padStart(7)}  ${n.slice(0, 150)}`);
  });
}
