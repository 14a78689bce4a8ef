// End-to-end test of the page's crash notice (src/main.rs, `install_crash_notice`),
// against the RELEASE build in headless Chromium. The release wasm has no panic
// machinery (`-Cpanic=immediate-abort`, Makefile): a bug is a trap, a
// `WebAssembly.RuntimeError` out of whichever Rust callback the browser was running. The
// page must tell the learner where they are looking, and lose nothing they typed.
//
// The trap is set off by the page's test hook `wasmBindings.orrery_test_trap(entry)`,
// which panics in a Rust callback the browser calls: a timer, an animation frame, a DOM
// event listener, and a future (the page's async work).
//
// Screenshots go to tests/e2e/screenshots/crash-*.png.
// Run with `make test-e2e`, or `node --test tests/e2e/crash.test.mjs` after `make dist`.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SCREENSHOTS, openPage, runCommand as run, useBrowser } from './harness.mjs';

const env = useBrowser();

/** Sets off a trap in the given entry and waits for the notice. */
async function trap(page, entry) {
  await page.evaluate((entry) => {
    window.wasmBindings.orrery_test_trap(entry);
    if (entry === 'event') document.dispatchEvent(new Event('orrery-test-trap'));
  }, entry);
  const notice = page.getByTestId('crash-notice');
  await notice.waitFor({ timeout: 10_000 });
  return notice;
}

for (const entry of ['timer', 'frame', 'event', 'task']) {
  test(`a trap in a ${entry} shows the crash notice and keeps what was typed`, async () => {
    const opened = await openPage(env, { warnings: false });
    const { context, page, problems } = opened;
    // Half a command typed, not run: it must still be there after the trap.
    await page.getByTestId('console-input').fill('kubectl get po');
    const notice = await trap(page, entry);
    assert.equal(await notice.getAttribute('role'), 'alert');
    assert.match(await notice.textContent(), /Orrery stopped because of a bug\. Nothing you typed is lost/);
    assert.ok(await notice.isVisible());
    assert.equal(await page.getByTestId('console-input').inputValue(), 'kubectl get po');
    // The trap itself is the only problem the page reported.
    assert.ok(problems.length >= 1, 'the trap reaches the page as an uncaught error');
    for (const p of problems) assert.match(p, /unreachable|RuntimeError/, p);
    // Once, however many traps follow.
    await page.evaluate(() => window.wasmBindings.orrery_test_trap('timer'));
    await page.waitForTimeout(200);
    assert.equal(await page.getByTestId('crash-notice').count(), 1);
    await context.close();
  });
}

test('an error that is not a trap of the wasm shows no crash notice', async () => {
  const { context, page, problems } = await openPage(env, { warnings: false });
  await page.evaluate(() => {
    setTimeout(() => {
      throw new Error('not ours');
    });
    Promise.reject(new Error('not ours either'));
  });
  await page.waitForTimeout(500);
  assert.equal(problems.length, 2, problems.join('\n'));
  assert.equal(await page.getByTestId('crash-notice').count(), 0);
  await context.close();
});

test('after a trap, Reload opens the session as it was saved', async () => {
  const { context, page } = await openPage(env, { warnings: false });
  await run(page, 'kubectl get pods -A');
  await page.waitForTimeout(1_500); // the autosave runs on every command and once a second
  const notice = await trap(page, 'timer');
  await page.screenshot({ path: `${SCREENSHOTS}crash-1280.png` });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: `${SCREENSHOTS}crash-390.png` });
  await notice.getByTestId('crash-reload').click();
  await page.getByTestId('crash-notice').waitFor({ state: 'detached' });
  await page.getByTestId('app').waitFor();
  await page.getByTestId('reach-notice').waitFor();
  assert.match(await page.getByTestId('reach-notice').textContent(), /Restored your session/);
  const commands = await page.getByTestId('console-command').allTextContents();
  assert.ok(commands.includes('kubectl get pods -A'), commands.join('\n'));
  await context.close();
});

// A session whose replay stops the page would stop it again on every reload: after two
// traps in a row (counted in localStorage, src/main.rs), the page opens the default
// scenario instead, says why, and keeps the saved session for the learner to reopen
// (src/reach.rs).
const CRASH_KEY = 'orrery.crashes.v1';

test('a session that stopped the page twice in a row is not reopened a third time', async () => {
  const { context, page } = await openPage(env, { warnings: false });
  await run(page, 'kubectl get pods -A');
  await page.waitForTimeout(1_500); // the autosave
  let notice = await trap(page, 'timer');
  assert.equal(await page.evaluate((k) => localStorage.getItem(k), CRASH_KEY), '1');
  await notice.getByTestId('crash-reload').click();
  await page.getByTestId('app').waitFor();
  await page.getByTestId('reach-notice').waitFor();
  // One trap: Reload reopens the session, as the crash notice says.
  assert.match(await page.getByTestId('reach-notice').textContent(), /Restored your session/);
  // A second one before the page has run 10 s without a trap.
  notice = await trap(page, 'frame');
  assert.equal(await page.evaluate((k) => localStorage.getItem(k), CRASH_KEY), '2');
  await notice.getByTestId('crash-reload').click();
  await page.getByTestId('app').waitFor();
  await page.getByTestId('reach-notice').waitFor();
  const text = await page.getByTestId('reach-notice').textContent();
  assert.match(text, /Orrery stopped twice in a row with this session open, so it was not reopened/);
  let commands = await page.getByTestId('console-command').allTextContents();
  assert.ok(!commands.includes('kubectl get pods -A'), commands.join('\n'));
  await page.screenshot({ path: `${SCREENSHOTS}crash-not-reopened-1280.png` });
  // The saved session was kept; the learner may still open it.
  await page.getByTestId('notice-open-saved').click();
  await page.getByText('Restored your session').waitFor();
  commands = await page.getByTestId('console-command').allTextContents();
  assert.ok(commands.includes('kubectl get pods -A'), commands.join('\n'));
  assert.equal(await page.evaluate((k) => localStorage.getItem(k), CRASH_KEY), null);
  await context.close();
});

test('the count of traps is cleared once the page has run 10 s without one', async () => {
  const { context, page } = await openPage(env, { warnings: false });
  await run(page, 'kubectl get pods -A');
  await page.waitForTimeout(1_500);
  const notice = await trap(page, 'timer');
  await notice.getByTestId('crash-reload').click();
  await page.getByTestId('app').waitFor();
  assert.equal(await page.evaluate((k) => localStorage.getItem(k), CRASH_KEY), '1');
  await page.waitForFunction((k) => localStorage.getItem(k) === null, CRASH_KEY, { timeout: 15_000 });
  await context.close();
});
