// Where a cold load's first-render time goes, from a Chromium trace (devtools.timeline,
// v8.wasm, fonts): for each load of each directory (taken in turn), the startup marks and
// the main thread's time in lazy wasm compilation, the first style and layout, the font
// look-ups (sandbox IPCs to the browser process for each font "strike") and the paint.
// With one directory and VERBOSE=1 it also lists the main thread's events of ≥ 3 ms.
//
//   node scripts/first-render-trace.mjs LOADS DIR [DIR …]     (dist/ after `make dist`)

import { chromium } from 'playwright-core';
import { serve } from '../tests/e2e/server.mjs';
import { waitQuietly } from './wait-quietly.mjs';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const LOADS = Number(process.argv[2] || 1);
const dirs = process.argv.slice(3);
if (!dirs.length) dirs.push(new URL('../dist/', import.meta.url).pathname);
const sites = await Promise.all(dirs.map((d) => serve(d)));
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-quic', '--no-first-run', '--disable-component-update', '--disable-sync',
    // CHROMIUM_ARGS: extra flags, to try what the browser itself spends (not the row's setup).
    ...(process.env.CHROMIUM_ARGS ? process.env.CHROMIUM_ARGS.split(' ') : [])],
});
const out = path.join(os.tmpdir(), `orrery-first-render-trace-${process.pid}.json`);
const sum = (xs) => xs.reduce((a, b) => a + b, 0);
const rows = dirs.map(() => []);
function analyse(ev, marks) {
  const names = {};
  for (const e of ev) if (e.name === 'thread_name') names[e.pid + ':' + e.tid] = e.args.name;
  const nav = ev.find((e) => e.name === 'navigationStart' && names[e.pid + ':' + e.tid] === 'CrRendererMain');
  const key = nav.pid + ':' + nav.tid;
  const main = ev.filter((e) => e.pid + ':' + e.tid === key && e.ph === 'X');
  const fcp = marks['first-contentful-paint'] ?? Infinity;
  const before = (e) => (e.ts - nav.ts) / 1000 < fcp;
  const ms = (name) => sum(main.filter((e) => e.name === name && before(e)).map((e) => e.dur)) / 1000;
  const n = (name) => main.filter((e) => e.name === name && before(e)).length;
  if (process.env.VERBOSE) {
    const stack = [];
    for (const e of main.filter((e) => e.dur >= 3000).sort((a, b) => a.ts - b.ts)) {
      while (stack.length && stack.at(-1).ts + stack.at(-1).dur <= e.ts) stack.pop();
      const d = stack.length; stack.push(e);
      if (d <= 4) console.log(`${((e.ts - nav.ts) / 1000).toFixed(1).padStart(7)} ${(e.dur / 1000).toFixed(1).padStart(6)} ${'  '.repeat(d)}${e.name}`);
    }
  }
  // CPU time of the main thread's tasks before the first paint: less swayed by the
  // machine's load than wall time (a task waiting for a core does not count).
  const cpu = sum(main.filter((e) => e.name === 'RunTask' && before(e)).map((e) => e.tdur ?? 0)) / 1000;
  return {
    cpu,
    started: marks['orrery:wasm-started'], mounted: marks['orrery:first-render'], fcp,
    compileLazy: ms('wasm.CompileLazy'), compileN: n('wasm.CompileLazy'),
    style: ms('UpdateLayoutTree'), layout: ms('Layout'),
    fontIpc: ms('WebSandboxSupportLinux::GetWebFontRenderStyleForStrike'), strikes: n('WebSandboxSupportLinux::GetWebFontRenderStyleForStrike'),
    fontData: ms('FontCache::GetFontPlatformData'), fontDataN: n('FontCache::GetFontPlatformData'),
    svgText: ms('InlineNode::FindSvgTextChunks'), paint: ms('Paint'),
  };
}
try {
  for (let i = 0; i < LOADS; i++) {
    for (let d = 0; d < dirs.length; d++) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      const page = await context.newPage();
      await browser.startTracing(page, { path: out, categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8.wasm', 'blink.user_timing', 'loading', 'toplevel', 'fonts', 'blink'] });
      await page.goto(sites[d].url, { waitUntil: 'load' });
      await waitQuietly(page, 'mounted', { every: 20 });
      await waitQuietly(page, 'painted', { timeout: 5000, every: 20 }).catch(() => {});
      const marks = await page.evaluate(() => Object.fromEntries(['orrery:wasm-started', 'orrery:first-render', 'first-contentful-paint'].map((n) => [n, performance.getEntriesByName(n)[0]?.startTime])));
      await browser.stopTracing();
      await context.close();
      const t = JSON.parse(fs.readFileSync(out, 'utf8'));
      rows[d].push(analyse(t.traceEvents || t, marks));
    }
  }
} finally {
  fs.rmSync(out, { force: true });
  await browser.close();
  await Promise.all(sites.map((s) => s.close()));
}
const median = (xs) => { const v = xs.filter(Number.isFinite).sort((a, b) => a - b); return v.length ? v[Math.ceil(v.length / 2) - 1] : NaN; };
const keys = Object.keys(rows[0][0]);
console.log('medians, ms from navigation start / ms of main thread before the first paint / counts');
console.log('dir'.padEnd(24) + keys.map((k) => k.padStart(12)).join(''));
dirs.forEach((dir, d) => console.log(dir.slice(-24).padEnd(24) + keys.map((k) => median(rows[d].map((r) => r[k])).toFixed(0).padStart(12)).join('')));
