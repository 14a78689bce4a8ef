// End-to-end tests: the RELEASE build (dist/, from `trunk build --release`) served on
// 127.0.0.1 and driven in headless Chromium through playwright-core. They check what a
// learner gets: the page loads, the app mounts, nothing is logged as an error, and no
// request leaves 127.0.0.1. Screenshots go to tests/e2e/screenshots/ (not committed).
//
// Run with `make test-e2e`, or `node --test tests/e2e/` after `make dist`.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { serve } from './server.mjs';

const DIST = fileURLToPath(new URL('../../dist/', import.meta.url));
const SCREENSHOTS = fileURLToPath(new URL('./screenshots/', import.meta.url));
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
// Keep Chromium itself quiet on the network too (updates, sync, field trials).
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-quic',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
];

let site;
let browser;

before(async () => {
  assert.ok(existsSync(`${DIST}index.html`), 'dist/index.html is missing: run `make dist` first');
  mkdirSync(SCREENSHOTS, { recursive: true });
  site = await serve(DIST);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
});

after(async () => {
  await browser?.close();
  await site?.close();
});

/** Opens the page in a fresh context that records every request and every problem. */
async function open() {
  const context = await browser.newContext({
    viewport: { width: 1280, height: 800 },
    deviceScaleFactor: 1,
    serviceWorkers: 'block',
  });
  const requests = [];
  const problems = [];
  context.on('request', (r) => requests.push(r.url()));
  // Anything that is not for our server is refused, so a leak fails loudly here
  // instead of reaching the network.
  await context.route('**/*', (route) => {
    const url = new URL(route.request().url());
    return url.hostname === '127.0.0.1' && Number(url.port) === site.port
      ? route.continue()
      : route.abort('blockedbyclient');
  });
  const page = await context.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`console.${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`uncaught: ${e.message}`));
  page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()} (${r.failure()?.errorText})`));
  page.on('response', (r) => {
    if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`);
  });
  await page.goto(site.url, { waitUntil: 'load' });
  await page.getByTestId('app').waitFor();
  return { context, page, requests, problems };
}

function assertAllLocal(requests) {
  assert.ok(requests.length > 0, 'requests were recorded');
  const foreign = requests.filter((u) => new URL(u).origin !== new URL(site.url).origin);
  assert.deepEqual(foreign, [], 'every request goes to the local server');
}

test('the release build loads, mounts the app and opens the pacman lesson', async () => {
  const { context, page, requests, problems } = await open();
  try {
    assert.equal(await page.getByTestId('product-name').textContent(), 'Orrery');
    assert.deepEqual(await page.getByTestId('tab').allTextContents(), [
      'pacman-stateful-demo.yaml',
      'pacman-ingress.yaml',
    ]);
    const panel = page.locator('[data-testid="editor-panel"]:not([hidden])');
    assert.match(await panel.getByTestId('editor-input').inputValue(), /kind: StatefulSet/);
    assert.equal(await panel.getByTestId('summary').textContent(), '11 documents parsed');
    assert.equal(await page.getByTestId('diagnostic').count(), 0);
    assert.ok(requests.some((u) => u.endsWith('.wasm')), 'the wasm module was fetched');

    await page.screenshot({ path: `${SCREENSHOTS}app.png` });
    assert.deepEqual(problems, [], 'no console errors, failed requests or HTTP errors');
    assertAllLocal(requests);
  } finally {
    await context.close();
  }
});

test('broken YAML shows line:column diagnostics, and the other tab still parses', async () => {
  const { context, page, requests, problems } = await open();
  try {
    const panel = page.locator('[data-testid="editor-panel"]:not([hidden])');
    const input = panel.getByTestId('editor-input');
    const text = await input.inputValue();
    await input.fill(text.replace('  name: pacman\n', '  name: [pacman\n'));
    await panel.getByTestId('diagnostic').first().waitFor();
    assert.match(await panel.getByTestId('diagnostic-location').first().textContent(), /^\d+:\d+$/);
    assert.equal(await page.getByTestId('tab-problems').count(), 1);
    await page.screenshot({ path: `${SCREENSHOTS}diagnostics.png` });

    await page.getByTestId('tab').nth(1).click();
    const ingress = page.locator('[data-testid="editor-panel"]:not([hidden])');
    assert.equal(await ingress.getAttribute('data-file'), 'pacman-ingress.yaml');
    assert.equal(await ingress.getByTestId('summary').textContent(), '1 document parsed');

    assert.deepEqual(problems, []);
    assertAllLocal(requests);
  } finally {
    await context.close();
  }
});
