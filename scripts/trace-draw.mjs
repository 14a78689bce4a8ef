// Where a draw's and a jump's time goes: runs `?bench=frames,scrub&sizes=N` in headless
// Chromium (the flags of scripts/bench.mjs that matter: --disable-gpu) under a Chromium
// trace (CDP `Tracing`), then splits the renderer main thread's tasks into script,
// style, layout, paint (+ prepaint, layerize, commit) and other, and prints:
//
//   - frames: every task of the frame phases longer than 16.7 ms, classed as a draw (it
//     changed the DOM: style or layout work) or a work frame (script only), and the
//     frame phases' tasks by thread time (CPU, unaffected by other processes' load);
//   - jumps: the scrub phase's tasks between one jump and the next.
//
//   node scripts/trace-draw.mjs [DIST] [SIZES] [OUT.json]
//
// The trace itself is written to OUT.json (default target/bench/trace-draw.json), for
// chrome://tracing or Perfetto.

import { writeFileSync, mkdirSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { serve } from '../tests/e2e/server.mjs';
import { waitQuietly } from './wait-quietly.mjs';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const dist = process.argv[2] || `${ROOT}dist/`;
const sizes = process.argv[3] || '1000';
const out = process.argv[4] || `${ROOT}target/bench/trace-draw.json`;
const tasks = process.env.ORRERY_TRACE_TASKS || 'frames,scrub';
const site = await serve(dist.endsWith("/") ? dist : `${dist}/`, 0, { isolated: true }); // as bench.mjs: exact frame timestamps
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
});
const load = () => loadavg().map((x) => x.toFixed(2)).join(' ');
const before = load();
let events = [];
let results;
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  const page = await context.newPage();
  // The harness's status line says which phase runs ("frames: …", "history: …",
  // "scrub: jump 3/50", "memory"): each change becomes a `console.timeStamp` in the trace.
  await page.addInitScript(() => {
    new MutationObserver(() => {
      const s = document.querySelector('[data-testid="bench"] [role="status"], [data-testid="bench-status"]');
      const text = s?.textContent ?? '';
      if (text !== globalThis.__orreryPhase) {
        globalThis.__orreryPhase = text;
        console.timeStamp(`orrery-phase:${text}`);
      }
    }).observe(document, { subtree: true, childList: true, characterData: true });
  });
  const cdp = await context.newCDPSession(page);
  cdp.on('Tracing.dataCollected', (e) => events.push(...e.value));
  const done = new Promise((r) => cdp.once('Tracing.tracingComplete', r));
  await cdp.send('Tracing.start', {
    transferMode: 'ReportEvents',
    traceConfig: {
      includedCategories: [
        'devtools.timeline',
        'disabled-by-default-devtools.timeline',
        'blink.user_timing',
        'v8.execute',
        'toplevel',
      ],
    },
  });
  if (process.env.ORRERY_TRACE_PROFILE) {
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
    await cdp.send('Profiler.start');
  }
  await page.goto(`${site.url}?bench=${tasks}&sizes=${sizes}`, { waitUntil: 'load' });
  await waitQuietly(page, 'harness', { timeout: 20 * 60_000, every: 500 });
  results = JSON.parse(await page.getByTestId('bench-results').textContent());
  if (process.env.ORRERY_TRACE_PROFILE) {
    const { profile } = await cdp.send('Profiler.stop');
    writeFileSync(out.replace(/\.json$/, '.cpuprofile'), JSON.stringify(profile));
    globalThis.cpuProfile = profile;
  }
  await cdp.send('Tracing.end');
  await done;
} finally {
  await browser.close();
  await site.close?.();
}
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, JSON.stringify({ traceEvents: events }));
console.log(`load average before: ${before}, after: ${load()}; ${events.length} trace events → ${out}`);

// The renderer main thread: the one with the most FunctionCall events.
const byThread = new Map();
for (const e of events) {
  if (e.name === 'FunctionCall' || e.name === 'Layout') {
    const k = `${e.pid}:${e.tid}`;
    byThread.set(k, (byThread.get(k) ?? 0) + 1);
  }
}
const main = [...byThread.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
const mine = events.filter((e) => `${e.pid}:${e.tid}` === main && e.ph === 'X');
const marks = events
  .filter((e) => e.cat?.includes('blink.user_timing') || e.name === 'TimeStamp')
  .map((e) => ({ name: e.name === 'TimeStamp' ? e.args?.data?.message : e.name, ts: e.ts }));
const tasksList = mine.filter((e) => e.name === 'RunTask' || e.name === 'ThreadControllerImpl::RunTask').sort((a, b) => a.ts - b.ts);
// Top-level tasks only (RunTask may nest).
const top = [];
let end = -1;
for (const t of tasksList) {
  if (t.ts >= end) {
    top.push(t);
    end = t.ts + t.dur;
  }
}
const CLASS = {
  script: ['FunctionCall', 'EvaluateScript', 'v8.callFunction', 'TimerFire', 'FireAnimationFrame', 'RunMicrotasks', 'EventDispatch', 'v8.compile', 'v8.compileModule'],
  style: ['UpdateLayoutTree', 'RecalculateStyles', 'ScheduleStyleRecalculation'],
  layout: ['Layout', 'UpdateLayerTree'],
  paint: ['Paint', 'PrePaint', 'Layerize', 'Commit', 'PaintImage', 'RasterTask', 'CompositeLayers', 'UpdateLayer'],
};
const kindOf = (n) => Object.keys(CLASS).find((k) => CLASS[k].includes(n));
// Self time by class inside each top-level task: sort events, walk nesting.
const sorted = mine.slice().sort((a, b) => a.ts - b.ts || b.dur - a.dur);
function breakdown(task) {
  const inside = sorted.filter((e) => e.ts >= task.ts && e.ts + e.dur <= task.ts + task.dur && e !== task);
  const acc = { script: 0, style: 0, layout: 0, paint: 0 };
  // Outermost event of each class counts; nested events of another class are
  // subtracted from their parent (a forced layout inside script is layout).
  const stack = [];
  const self = new Map();
  for (const e of inside) {
    while (stack.length && stack[stack.length - 1].ts + stack[stack.length - 1].dur <= e.ts) stack.pop();
    const k = kindOf(e.name);
    if (k) {
      const parent = [...stack].reverse().find((p) => kindOf(p.name));
      if (!parent || kindOf(parent.name) !== k) {
        self.set(e, (self.get(e) ?? 0) + e.dur);
        if (parent) self.set(parent, (self.get(parent) ?? 0) - e.dur);
      }
    }
    stack.push(e);
  }
  for (const [e, d] of self) acc[kindOf(e.name)] += d / 1000;
  acc.total = task.dur / 1000;
  acc.other = acc.total - acc.script - acc.style - acc.layout - acc.paint;
  return acc;
}
const f = (x) => x.toFixed(1).padStart(6);
const line = (b) => `total ${f(b.total)}  script ${f(b.script)}  style ${f(b.style)}  layout ${f(b.layout)}  paint ${f(b.paint)}  other ${f(b.other)}`;
const sum = (rows) => rows.reduce((a, b) => {
  for (const k of Object.keys(b)) a[k] = (a[k] ?? 0) + b[k];
  return a;
}, {});
const avg = (rows) => {
  const s = sum(rows);
  for (const k of Object.keys(s)) s[k] /= Math.max(rows.length, 1);
  return s;
};
const phaseMarks = marks.filter((m) => m.name?.startsWith('orrery-phase:'));
const scrubStart = phaseMarks.find((m) => m.name.includes('history'))?.ts;
const jumpMarks = phaseMarks.filter((m) => m.name.includes('scrub: jump'));
const long = top.filter((t) => t.dur > 16_700 && (!scrubStart || t.ts < scrubStart));
const rows = long.map((t) => ({ t, b: breakdown(t) }));
const draws = rows.filter((r) => r.b.style + r.b.layout > 1);
const work = rows.filter((r) => r.b.style + r.b.layout <= 1);
console.log(`\nframes phase: ${rows.length} tasks > 16.7 ms: ${draws.length} draw (style/layout > 1 ms), ${work.length} work only`);
if (draws.length) console.log(`  draw  mean: ${line(avg(draws.map((r) => r.b)))}`);
if (work.length) console.log(`  work  mean: ${line(avg(work.map((r) => r.b)))}`);
const allDraws = top
  .filter((t) => !scrubStart || t.ts < scrubStart)
  .map((t) => ({ t, b: breakdown(t) }))
  .filter((r) => r.b.style + r.b.layout > 1 && r.b.total > 3);
if (allDraws.length) {
  const d = allDraws.map((r) => r.b.total).sort((a, b) => a - b);
  console.log(`  all draw tasks: ${allDraws.length}, median ${d[d.length >> 1].toFixed(1)} ms, max ${d[d.length - 1].toFixed(1)}; mean ${line(avg(allDraws.map((r) => r.b)))}`);
}
// The same tasks by thread time (`tdur`: the CPU the renderer's main thread spent, without
// the time it was descheduled), from the first phase that creates pods: a measure of the
// page's own work that holds also when other builds share the cores (session 8).
{
  const first = phaseMarks.find((m) => m.name.includes('frames: creating'))?.ts ?? 0;
  const ph = top.filter((t) => t.ts >= first && (!scrubStart || t.ts < scrubStart));
  const cpu = (t) => (t.tdur ?? t.dur) / 1000;
  const drawsCpu = ph
    .filter((t) => t.dur > 3000)
    .map((t) => ({ t, b: breakdown(t) }))
    .filter((r) => r.b.style + r.b.layout > 1)
    .map((r) => cpu(r.t))
    .sort((a, b) => a - b);
  const q = (a, p) => (a.length ? a[Math.min(a.length - 1, Math.floor(a.length * p))].toFixed(1) : '-');
  const total = ph.reduce((a, t) => a + cpu(t), 0);
  console.log(`  thread time (CPU) of the frame phases' tasks: ${total.toFixed(0)} ms in ${ph.length} tasks; over 16.7 ms: ${ph.filter((t) => cpu(t) > 16.7).length}, over 12 ms: ${ph.filter((t) => cpu(t) > 12).length}; draws ${drawsCpu.length}, CPU p50 ${q(drawsCpu, 0.5)} p90 ${q(drawsCpu, 0.9)} max ${q(drawsCpu, 1)} ms`);
}
if (process.env.ORRERY_TRACE_VERBOSE) for (const r of rows) console.log(`  ${((r.t.ts - top[0].ts) / 1000).toFixed(0).padStart(7)} ms ${line(r.b)}`);
if (results?.scrub) {
  console.log(`\nscrub (the page's own numbers): view_at ${JSON.stringify(results.scrub.view_at)}\n  to_drawn ${JSON.stringify(results.scrub.to_drawn)}`);
  // The jumps: the biggest tasks after the last frame-phase task.
  // Each jump: every task from its status mark to the next one.
  const ends = phaseMarks.filter((m) => m.ts > (jumpMarks[0]?.ts ?? Infinity));
  const jumps = jumpMarks.map((m) => {
    const next = ends.find((e) => e.ts > m.ts)?.ts ?? Infinity;
    return sum(top.filter((t) => t.ts >= m.ts && t.ts < next).map((t) => breakdown(t)));
  });
  if (jumps.length) {
    console.log(`  ${jumps.length} jumps, mean of the tasks per jump: ${line(avg(jumps))}`);
    for (const j of jumps.slice().sort((a, b) => b.total - a.total).slice(0, 5)) console.log(`    ${line(j)}`);
    // The same by thread time (CPU): what a jump costs the page whatever the load.
    const cpus = jumpMarks.map((m, i) => {
      const next = ends.find((e) => e.ts > m.ts)?.ts ?? Infinity;
      return { i, cpu: top.filter((t) => t.ts >= m.ts && t.ts < next).reduce((a, t) => a + (t.tdur ?? t.dur), 0) / 1000 };
    });
    const byCpu = cpus.map((c) => c.cpu).sort((a, b) => a - b);
    const at = (p) => byCpu[Math.min(byCpu.length - 1, Math.floor(byCpu.length * p))].toFixed(1);
    console.log(`  thread time (CPU) per jump: median ${at(0.5)} p95 ${at(0.95)} max ${at(1)} ms; the largest (jump: ms): ${cpus.slice().sort((a, b) => b.cpu - a.cpu).slice(0, 8).map((c) => `${c.i + 1}: ${c.cpu.toFixed(1)}`).join(', ')}`);
    // ORRERY_TRACE_JUMPS=1: every jump — its window (wall, from its mark to the next),
    // the main thread's tasks in it (wall and CPU), their split, and the moment.
    if (process.env.ORRERY_TRACE_JUMPS) {
      const moments = results.scrub.moments_ms ?? [];
      const t0 = results.history?.start_ms ?? 0;
      jumpMarks.forEach((m, i) => {
        const next = ends.find((e) => e.ts > m.ts)?.ts ?? Infinity;
        const ts = top.filter((t) => t.ts >= m.ts && t.ts < next);
        const b = sum(ts.map((t) => breakdown(t)));
        const cpu = ts.reduce((a, t) => a + (t.tdur ?? t.dur), 0) / 1000;
        const big = ts.slice().sort((x, y) => y.dur - x.dur).slice(0, 3).map((t) => `${(t.dur / 1000).toFixed(1)}/${((t.tdur ?? t.dur) / 1000).toFixed(1)}`);
        const sc = results.scrub;
        console.log(`  jump ${String(i + 1).padStart(2)} at ${String((moments[i] ?? 0) - t0).padStart(8)}: pods ${String(sc.pods_each?.[i] ?? '-').padStart(4)} to_drawn ${String(sc.to_drawn_each_ms?.[i] ?? '-').padStart(6)} view_at ${String(sc.view_at_each_ms?.[i] ?? '-').padStart(6)} window ${((next - m.ts) / 1000).toFixed(1).padStart(6)} tasks ${String(ts.length).padStart(2)} cpu ${cpu.toFixed(1).padStart(6)} ${line(b ?? {})}  largest wall/cpu ${big.join(' ')}`);
      });
    }
  }
}
if (results?.frames) {
  for (const [n, phases] of Object.entries(results.frames)) {
    const a = phases.all;
    console.log(`\nframes ${n}: all ${JSON.stringify(a)}`);
  }
}
if (results?.errors?.length) console.log('errors:', results.errors);

// The CPU profile (ORRERY_TRACE_PROFILE=1, a build with names: wasm-opt off): self time by
// function, in the frames phase and in the scrub phase (split at the first scrub sample
// after the last frame-phase long task), and inclusive time of the page's own functions.
if (globalThis.cpuProfile) {
  const p = globalThis.cpuProfile;
  const nodes = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const name = (n) => n.callFrame.functionName || `(${n.callFrame.url.split('/').pop()}:${n.callFrame.lineNumber})`;
  let t = p.startTime;
  // Samples in the frame phases (up to the history's first mark) and in the jumps
  // (from the first jump's mark to the memory phase's); the history's churn is neither.
  const framesEnd = scrubStart ?? Infinity;
  const jumpsStart = jumpMarks[0]?.ts ?? Infinity;
  const jumpsEnd = phaseMarks.find((m) => m.ts > jumpsStart && !m.name.includes('scrub'))?.ts ?? Infinity;
  const phases = { frames: new Map(), scrub: new Map() };
  const incl = { frames: new Map(), scrub: new Map() };
  for (let i = 0; i < p.samples.length; i++) {
    t += p.timeDeltas[i];
    const ph = t < framesEnd ? 'frames' : t >= jumpsStart && t < jumpsEnd ? 'scrub' : null;
    if (!ph) continue;
    const dt = (p.timeDeltas[i + 1] ?? 0) / 1000;
    const n = nodes.get(p.samples[i]);
    const nm = name(n);
    if (nm === '(idle)' || nm === '(program)') continue;
    phases[ph].set(nm, (phases[ph].get(nm) ?? 0) + dt);
    const seen = new Set();
    for (let id = n.id; id !== undefined; id = parent.get(id)) {
      const m = name(nodes.get(id));
      if (seen.has(m)) continue;
      seen.add(m);
      incl[ph].set(m, (incl[ph].get(m) ?? 0) + dt);
    }
  }
  const top = (m, k) => [...m.entries()].sort((a, b) => b[1] - a[1]).slice(0, k);
  for (const ph of ['frames', 'scrub']) {
    console.log(`\nCPU profile, ${ph}: self time (ms)`);
    for (const [n, d] of top(phases[ph], 40)) console.log(`  ${d.toFixed(0).padStart(7)}  ${n.slice(0, 140)}`);
    console.log(`CPU profile, ${ph}: inclusive time of the page's functions (ms)`);
    const re = /orrery|scene|canvas|glyph|timebar|inspector|Layout|cells|event|leptos|reactive|tachys|clock|state|dlmalloc|alloc/i;
    for (const [n, d] of top(new Map([...incl[ph]].filter(([n]) => re.test(n))), 60)) console.log(`  ${d.toFixed(0).padStart(7)}  ${n.slice(0, 140)}`);
  }
}
