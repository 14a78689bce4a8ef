// End-to-end tests: the RELEASE build (dist/, from `trunk build --release`) served on
// 127.0.0.1 and driven in headless Chromium through playwright-core. They check what a
// learner gets: the page loads, the app mounts, nothing is logged as an error, and no
// request leaves 127.0.0.1. Screenshots go to tests/e2e/screenshots/ (not committed).
//
// Run with `make test-e2e`, or `node --test tests/e2e/` after `make dist`.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertClean as clean, openPage, SCREENSHOTS, useBrowser } from './harness.mjs';

const env = useBrowser();

/** Opens the page in a fresh context that records every request and every problem. */
async function open() {
  return openPage(env, { height: 800 });
}

function assertAllLocal(requests) {
  assert.ok(requests.length > 0, 'requests were recorded');
  clean(env, { requests, problems: [] });
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
