// End-to-end tests of the font warm-up (scripts/boot-fonts.mjs, BENCHMARKS.md "First
// render, session 8"): index.html's first script lays out one invisible line of text per
// font face while the wasm downloads, so that the app's first layout finds the fonts
// already looked up. Against the RELEASE build in headless Chromium:
//
// - every face the first paint uses (family stack × size × weight of every element laid
//   out, at 1280×800 and 390×844, and in Korean) was warmed, in the page's own stacks — if this fails, the
//   page has a new face: add it to FACES in scripts/boot-fonts.mjs;
// - the warm-up shows nothing, raises no error or policy violation, requests nothing,
//   and is gone from the DOM once the app has mounted.
//
// The wasm is held back until the warm-up has finished, so that the test sees every face
// whatever the machine's load (in a real load the script stops when the app starts).
// Run with `make test-e2e`, or `node --test tests/e2e/fonts.test.mjs` after `make dist`.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertClean, useBrowser } from './harness.mjs';

const env = useBrowser();

/** Runs in the page before its scripts: keeps the computed font of each warm-up line
 * as it is laid out, and notes when the warm-up is gone. */
function recordWarmup() {
  window.__warmed = [];
  window.__warmupGone = false;
  new MutationObserver((records) => {
    for (const r of records) {
      for (const n of r.addedNodes) {
        // The line may be gone by now (the last face is removed with it in its task):
        // keep the face as set, and compute it later.
        if (r.target.id === 'orrery-fonts') window.__warmed.push([n.tagName, n.style.font]);
      }
      for (const n of r.removedNodes) if (n.id === 'orrery-fonts') window.__warmupGone = true;
    }
  }).observe(document, { childList: true, subtree: true });
}

/** Family stack × size × weight of every element the page lays out: each needs its
 * font's metrics (line height, baseline, `ch` units) even where it shows no text. */
function census() {
  const out = new Set();
  for (const el of document.body.getElementsByTagName('*')) {
    if (el.getClientRects().length === 0) continue;
    const cs = getComputedStyle(el);
    out.add(JSON.stringify([cs.fontFamily, cs.fontSize, cs.fontWeight]));
  }
  return [...out].map((s) => JSON.parse(s));
}

for (const [width, height, query] of [[1280, 800, ''], [390, 844, ''], [1280, 800, '?lang=ko']]) {
  test(`every font face of the first paint is warmed up before the app starts (${width}×${height}${query})`, async () => {
    const { site, browser } = env;
    const context = await browser.newContext({ viewport: { width, height }, deviceScaleFactor: 1, serviceWorkers: 'block' });
    const requests = [];
    const problems = [];
    context.on('request', (r) => requests.push(r.url()));
    const page = await context.newPage();
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`console.${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`uncaught: ${e.message}`));
    await page.addInitScript(recordWarmup);
    // The wasm (its preload and the loader's fetch) waits until the warm-up is done.
    await context.route('**/*', async (route) => {
      const url = new URL(route.request().url());
      if (url.hostname !== '127.0.0.1' || Number(url.port) !== site.port) return route.abort('blockedbyclient');
      if (url.pathname.endsWith('.wasm')) {
        await page.waitForFunction(() => window.__warmupGone, null, { timeout: 10000 }).catch(() => {});
      }
      return route.continue();
    });
    try {
      await page.goto(site.url + query, { waitUntil: 'load' });
      await page.getByTestId('app').waitFor();
      await page.waitForFunction(() => performance.getEntriesByName('orrery:first-render').length > 0);
      // Each warmed face as the browser computes it, on a probe in the page.
      const warmed = await page.evaluate(() =>
        window.__warmed.map(([tag, font]) => {
          const probe = document.createElement(tag);
          if (tag === 'INPUT') probe.type = 'checkbox';
          probe.style.font = font;
          document.body.append(probe);
          const cs = getComputedStyle(probe);
          const face = [cs.fontFamily, cs.fontSize, cs.fontWeight];
          probe.remove();
          return face;
        }),
      );
      assert.ok(warmed.length >= 10, `the warm-up laid out its faces (${warmed.length})`);
      assert.ok(await page.evaluate(() => window.__warmupGone), 'the warm-up line is removed');
      assert.equal(await page.locator('#orrery-fonts').count(), 0, 'no warm-up line in the page once it has mounted');
      const faces = await page.evaluate(census);
      assert.ok(faces.length >= 10, `the census found the page's text (${faces.length} faces)`);
      const key = ([family, size, weight]) => `${weight} ${size} ${family}`;
      // Warmed in the same stacks: the computed family lists match the page's exactly
      // (quotes normalised by the browser).
      const have = new Set(warmed.map(key));
      const missing = faces.filter((f) => !have.has(key(f))).map(key);
      assert.deepEqual(missing, [], 'faces of the first paint that scripts/boot-fonts.mjs FACES does not warm up');
      assertClean(env, { requests, problems });
    } finally {
      await context.close();
    }
  });
}
