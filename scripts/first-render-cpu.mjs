// Where a cold load's main-thread time goes, split at the page's marks, from a Chromium
// trace (devtools.timeline, v8.wasm, fonts): for each directory (loads taken in turn),
// the medians of — the row's total (`wall`), `main`'s start, the main thread's CPU before
// `main` (`pre`), `main`'s task in CPU and wall time, its style, layout (CPU and wall),
// the wall time of its font look-ups and its font strike IPCs (synchronous calls to the
// browser process, which cost wall time, not CPU), its lazy wasm compilation, and the
// main thread's CPU and wall time from the end of `main` to the first contentful paint.
// Wall time is at the machine's mercy; CPU time much less (BENCHMARKS.md, "First render,
// session 8").
//
//   node scripts/first-render-cpu.mjs LOADS DIR [DIR …]     (dist/ after `make dist`)

import { chromium } from 'playwright-core';
import { serve } from '../tests/e2e/server.mjs';
import { waitQuietly } from './wait-quietly.mjs';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
const LOADS = Number(process.argv[2] || 4); const dirs = process.argv.slice(3);
const sites = await Promise.all(dirs.map((d) => serve(d)));
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic', '--no-first-run', '--disable-component-update', '--disable-sync'] });
const out = path.join(os.tmpdir(), `orrery-first-render-cpu-${process.pid}.json`);
const rows = dirs.map(() => []);
const sum = (xs) => xs.reduce((a, b) => a + b, 0);
for (let i = 0; i < LOADS; i++) for (let d = 0; d < dirs.length; d++) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await browser.startTracing(page, { path: out, categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8.wasm', 'blink.user_timing', 'loading', 'toplevel', 'blink', 'fonts'] });
  await page.goto(sites[d].url, { waitUntil: 'load' });
  await waitQuietly(page, 'mounted', { every: 20 });
  await waitQuietly(page, 'painted', { timeout: 5000, every: 20 }).catch(() => {});
  const m = await page.evaluate(() => Object.fromEntries(['orrery:wasm-started', 'orrery:first-render', 'first-contentful-paint'].map((n) => [n, performance.getEntriesByName(n)[0]?.startTime])));
  await browser.stopTracing(); await context.close(); 
  const t = JSON.parse(fs.readFileSync(out, 'utf8')); const ev = t.traceEvents || t;
  const tn = {}; for (const e of ev) if (e.name === 'thread_name') tn[e.pid + ':' + e.tid] = e.args.name;
  const nav = ev.find((e) => e.name === 'navigationStart' && e.args?.data?.documentLoaderURL?.startsWith('http'));
  const key = nav.pid + ':' + nav.tid;
  const main = ev.filter((e) => e.pid + ':' + e.tid === key && e.ph === 'X').map((e) => ({ ...e, at: (e.ts - nav.ts) / 1000, end: (e.ts + e.dur - nav.ts) / 1000 }));
  const tasks = main.filter((e) => e.name === 'RunTask');
  const s = m['orrery:wasm-started'], mo = m['orrery:first-render'], f = m['first-contentful-paint'];
  const cpu = (a, b) => sum(tasks.filter((e) => e.at >= a && e.at < b).map((e) => (e.tdur ?? 0))) / 1000;
  const mainTask = tasks.find((e) => e.at <= s && e.end >= mo);
  const inMain = (name, field='tdur') => sum(main.filter((e) => e.name === name && mainTask && e.at >= mainTask.at && e.end <= mainTask.end).map((e) => e[field] ?? 0)) / 1000;
  rows[d].push({ wall: Math.max(mo, f), started: s, pre: cpu(0, mainTask?.at ?? s), main: (mainTask?.tdur ?? NaN) / 1000, mainWall: (mainTask?.dur ?? NaN) / 1000,
    style: inMain('UpdateLayoutTree'), layout: inMain('Layout'), layoutW: inMain('Layout', 'dur'), fontW: inMain('FontCache::GetFontPlatformData', 'dur'), strikes: main.filter((e) => e.name === 'WebSandboxSupportLinux::GetWebFontRenderStyleForStrike' && mainTask && e.at >= mainTask.at && e.end <= mainTask.end).length, lazy: inMain('wasm.CompileLazy'), post: cpu(mainTask ? mainTask.end : mo, f), postWall: f - mo });
}
await browser.close(); for (const s of sites) await s.close(); fs.rmSync(out, { force: true });
const median = (xs) => { const v = xs.filter(Number.isFinite).sort((a, b) => a - b); return v.length ? v[Math.ceil(v.length / 2) - 1] : NaN; };
const keys = Object.keys(rows[0][0]);
console.log('dir'.padEnd(20) + keys.map((k) => k.padStart(9)).join(''));
dirs.forEach((dir, d) => console.log(dir.slice(-20).padEnd(20) + keys.map((k) => median(rows[d].map((r) => r[k])).toFixed(1).padStart(9)).join('')));
