// Screenshots of a 1,000-pod cluster as glyphs (session 7, branch `draw3`), for one
// build: the canvas mid-creation (1 s after the command, states mixed), all ready with
// one glyph selected, and the default scenario; at 1280×720 and 390×844.
//
//   node scripts/glyph-shots.mjs DIST OUTDIR

import { mkdirSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { serve } from '../tests/e2e/server.mjs';

const [dist = 'dist', out = 'target/glyph-shots'] = process.argv.slice(2);
mkdirSync(out, { recursive: true });
const site = await serve(dist.endsWith('/') ? dist : `${dist}/`);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu'],
});
try {
  for (const [w, h] of [[1280, 720], [390, 844]]) {
    const context = await browser.newContext({ viewport: { width: w, height: h } });
    const page = await context.newPage();
    await page.goto(site.url);
    await page.getByTestId('console-input').waitFor();
    await page.waitForTimeout(1500);
    await page.screenshot({ path: `${out}/default-${w}.png` });
    const input = page.getByTestId('console-input');
    await input.fill('kubectl create deployment big --image=nginx --replicas=1000');
    await input.press('Enter');
    await page.waitForFunction(() => document.querySelectorAll('.glyphs [data-testid="pod"]').length === 1000, null, { timeout: 60_000 });
    await page.waitForTimeout(1000);
    await page.screenshot({ path: `${out}/mid-${w}.png` });
    await page.waitForFunction(
      () => [...document.querySelectorAll('.glyphs [data-testid="pod"]')].every((e) => e.getAttribute('data-status') === 'ready'),
      null, { timeout: 120_000, polling: 500 },
    );
    const g = page.locator('.glyphs [data-testid="pod"]').nth(45);
    await g.scrollIntoViewIfNeeded();
    await g.click();
    await page.waitForTimeout(500);
    await g.scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${out}/ready-selected-${w}.png` });
    // Hover another glyph: the tooltip is the browser's own; the ring shows.
    await page.locator('.glyphs [data-testid="pod"]').nth(47).hover();
    await page.waitForTimeout(300);
    await page.screenshot({ path: `${out}/hover-${w}.png` });
    await context.close();
  }
} finally {
  await browser.close();
  await site.close();
}
