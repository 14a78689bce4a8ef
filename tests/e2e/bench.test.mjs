// The benchmark page still works: a few seconds of `?bench` at a small scale, so that a
// change to the page (test ids, the Playground, the canvas) cannot silently break
// `make bench`. It checks that the harness runs and reports, not any budget: the
// budgets are measured by `make bench` (scripts/bench.mjs, BENCHMARKS.md).
//
// Run with `make test-e2e`, or `node --test tests/e2e/bench.test.mjs` after `make dist`.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openPage, useBrowser } from './harness.mjs';

const env = useBrowser();

async function open(query) {
  return openPage(env, { height: 800, query, waitFor: null, warnings: false });
}

async function results(page) {
  await page.waitForFunction(
    () => ['done', 'error'].includes(document.querySelector('[data-testid="bench-results"]')?.dataset.state),
    null,
    { timeout: 60_000, polling: 250 },
  );
  return JSON.parse(await page.getByTestId('bench-results').textContent());
}

test('the default page marks its first render', async () => {
  const { context, page, problems } = await open('');
  try {
    await page.getByTestId('canvas-svg').waitFor();
    await page.waitForFunction(() => performance.getEntriesByName('orrery:first-render').length > 0);
    const marks = await page.evaluate(() => performance.getEntriesByName('orrery:first-render').length);
    assert.equal(marks, 1);
    assert.equal(await page.getByTestId('bench').count(), 0, 'no harness without ?bench');
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('?bench plays pods in and out on the real page and reports frame times', async () => {
  const { context, page, problems } = await open('?bench=frames&sizes=20');
  try {
    await page.getByTestId('bench').waitFor();
    assert.equal(await page.getByTestId('canvas').count(), 1, 'the real page is mounted');
    const r = await results(page);
    assert.deepEqual(r.errors, []);
    const f = r.frames['20'];
    assert.equal(f.create.converged, true);
    assert.equal(f.scale_to_0.converged, true);
    assert.equal(f.delete.converged, true);
    assert.ok(f.all.count > 0 && f.all.p95_ms > 0, JSON.stringify(f.all));
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('?bench=paste parses, applies, converges and draws what it is given', async () => {
  const { context, page, problems } = await open('?bench=paste');
  try {
    const manifest = [
      'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 2\n',
      '  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n',
      '        app: web\n    spec:\n      containers:\n      - name: web\n        image: nginx\n',
    ].join('');
    await page.getByTestId('bench-paste').fill(manifest);
    await page.getByTestId('bench-paste-run').click();
    const r = await results(page);
    assert.deepEqual(r.errors, []);
    assert.equal(r.paste.documents, 1);
    assert.equal(r.paste.drawn.deployments, 1);
    assert.equal(r.paste.drawn.pods, 2);
    assert.ok(r.paste.total_ms > 0);
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});
