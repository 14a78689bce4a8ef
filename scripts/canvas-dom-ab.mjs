// The canvas SVG markup of two release builds after the same four steps (1,000 pods
// created, 2 s, 60 s, scaled to 0; clock paused, reduced motion), compared character by
// character (the class `boxed`, added in session 6, left out):
//
//   node scripts/canvas-dom-ab.mjs DIST_A DIST_B

import { chromium } from 'playwright-core';
import { serve } from '../tests/e2e/server.mjs';
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu'] });
const dumps = [];
for (const dist of process.argv.slice(2)) {
  const site = await serve(`${dist}/`);
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 720 }, reducedMotion: 'reduce' });
  const page = await ctx.newPage();
  await page.goto(site.url, { waitUntil: 'load' });
  await page.getByTestId('console-input').waitFor();
  const play = page.getByTestId('play');
  if ((await play.getAttribute('aria-pressed')) === 'true') await play.click();
  const out = [];
  for (const line of ['kubectl create deployment big --image=nginx --replicas=1000', 'sleep 2s', 'sleep 60s', 'kubectl scale deployment big --replicas=0']) {
    const input = page.getByTestId('console-input');
    await input.fill(line); await input.press('Enter');
    await page.waitForTimeout(300);
    await page.waitForFunction(() => !document.querySelector('svg.canvas.busy'), null, { timeout: 60_000 });
    await page.waitForTimeout(500);
    out.push(await page.evaluate(() => document.querySelector('svg.canvas').outerHTML.replaceAll(' boxed', '')));
  }
  dumps.push(out);
  await ctx.close(); await site.close?.();
}
await browser.close();
dumps[0].forEach((d, i) => {
  const e = dumps[1][i];
  let at = 0; while (at < d.length && d[at] === e[at]) at++;
  console.log(`step ${i}: ${d.length} / ${e.length} chars, ${d === e ? 'IDENTICAL' : `differ at ${at}: ${JSON.stringify(d.slice(at - 80, at + 80))} vs ${JSON.stringify(e.slice(at - 80, at + 80))}`}`);
});
