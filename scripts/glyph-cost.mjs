// What one kind of write costs on the 1,000 glyphs of a 1,000-pod page: each experiment
// writes every glyph once (a new value), then forces style and layout
// (`document.body.offsetHeight`) and waits for the next frame to be produced; printed:
// the script + forced style/layout time and the time to the frame after (ms), the
// median of ROUNDS tries. Session 7 (branch `draw3`), to choose what to cut.
//
//   node scripts/glyph-cost.mjs DIST [ROUNDS]

import { loadavg } from 'node:os';
import { chromium } from 'playwright-core';
import { serve } from '../tests/e2e/server.mjs';

const dist = process.argv[2] || 'dist';
const rounds = Number(process.argv[3] || 7);
const site = await serve(dist.endsWith('/') ? dist : `${dist}/`);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu'],
});
const load = () => loadavg()[0].toFixed(2);
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  const page = await context.newPage();
  await page.goto(site.url);
  const input = page.getByTestId('console-input');
  await input.fill('kubectl create deployment big --image=nginx --replicas=1000');
  await input.press('Enter');
  await page.waitForFunction(
    () => [...document.querySelectorAll('.glyphs [data-testid="pod"]')].filter((e) => (e.getAttribute('data-status') ?? e.getAttribute('class')).includes('ready')).length === 1000,
    null, { timeout: 120_000, polling: 500 },
  );
  // Stop the clock so the page does not redraw by itself.
  await page.getByTestId('play').click().catch(() => {});
  await page.waitForTimeout(500);
  const before = load();
  const res = await page.evaluate(async (rounds) => {
    const glyphs = [...document.querySelectorAll('.glyphs [data-testid="pod"]')];
    const frame = () => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
    const exps = {
      'data-uid': (g, k) => g.setAttribute('data-uid', `u-${k}-${Math.random()}`),
      'data-name': (g, k) => g.setAttribute('data-name', `big-${k}-${Math.random()}`),
      'aria-label': (g, k) => g.setAttribute('aria-label', `Pod big-${k} ${Math.random()}`),
      'title text': (g, k) => { const t = g.querySelector('title'); if (t) t.textContent = `big-${k} ${Math.random()}`; },
      'title node data': (g, k) => { const t = g.querySelector('title'); if (t?.firstChild) t.firstChild.data = `big-${k} ${Math.random()}`; },
      'class (state)': (g, k) => g.setAttribute('class', `node pod glyph ${k % 2 ? 'pending' : 'ready'}`),
      'rect x (same)': (g) => { const r = g.firstElementChild; r.setAttribute('x', r.getAttribute('x')); },
      'path d (same)': (g) => { const p = g.children[1]; p.setAttribute('d', p.getAttribute('d')); },
      'nothing': () => {},
    };
    const out = {};
    for (const [name, f] of Object.entries(exps)) {
      const sync = [], toFrame = [];
      for (let r = 0; r < rounds; r++) {
        await frame();
        const t0 = performance.now();
        glyphs.forEach((g, k) => f(g, k + r * 7));
        void document.body.offsetHeight;
        const t1 = performance.now();
        await frame();
        sync.push(t1 - t0); toFrame.push(performance.now() - t0);
      }
      const med = (a) => a.sort((x, y) => x - y)[a.length >> 1].toFixed(1);
      out[name] = `sync ${med(sync)} ms, to next frame ${med(toFrame)} ms`;
    }
    return { count: glyphs.length, out };
  }, rounds);
  console.log(`${res.count} glyphs, ${rounds} rounds, load ${before}→${load()}`);
  for (const [k, v] of Object.entries(res.out)) console.log(`  ${k.padEnd(16)} ${v}`);
  await context.close();
} finally {
  await browser.close();
  await site.close();
}
