// End-to-end tests of the learner's controls on the RELEASE build: the console, the
// lesson, time travel (scrubber, back to now, replay from here), the event log, and the
// editor's tabs and Apply. Like app.test.mjs they fail on any console error or any
// request that leaves 127.0.0.1. Screenshots go to tests/e2e/screenshots/.
//
// Run with `make test-e2e`, or `node --test tests/e2e/` after `make dist`.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { assertClean as clean, openPage, SCREENSHOTS, useBrowser, runCommand as run, watchFrames } from './harness.mjs';

const ARGO_CD = fileURLToPath(
  new URL('../../../shared/fixtures/real-world/argoproj__argo-cd/install.yaml', import.meta.url),
);

const env = useBrowser();

/** Opens the page in a fresh context that records every request and every problem. */
async function open({ width = 1280, height = 720, colorScheme = 'light' } = {}) {
  return openPage(env, { width, height, colorScheme });
}

function assertClean(recorded) {
  clean(env, recorded);
}

/** What the newest console entry printed. */
async function lastOutput(page) {
  const entry = page.getByTestId('console-entry').last();
  return (await entry.getByTestId('console-text').count()) ? entry.getByTestId('console-text').textContent() : '';
}

/** Pastes text into the console input as a browser does (a paste event with the text). */
async function paste(page, text) {
  await page.evaluate((text) => {
    const input = document.querySelector('[data-testid="console-input"]');
    input.focus();
    const data = new DataTransfer();
    data.setData('text', text);
    input.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
  }, text);
}

/** Pauses the clock (the page opens playing, like a live cluster). */
async function pause(page) {
  const play = page.getByTestId('play');
  if ((await play.getAttribute('aria-pressed')) === 'true') await play.click();
  assert.equal(await play.getAttribute('aria-pressed'), 'false');
}

/** Moves the scrubber to `t` (virtual ms) as dragging it would. */
async function scrubTo(page, t) {
  await page.getByTestId('scrubber').evaluate((el, t) => {
    el.value = String(t);
    el.dispatchEvent(new Event('input', { bubbles: true }));
  }, t);
}

const POD = `kubectl apply -f - <<EOF
apiVersion: v1
kind: Pod
metadata:
  name: solo
spec:
  containers:
  - name: web
    image: nginx
EOF
`;

test('the console runs kubectl get sc and prints the table exactly as kubectl does', async () => {
  const session = await open();
  const { page } = session;
  try {
    await run(page, 'kubectl get sc');
    const table = await lastOutput(page);
    const lines = table.split('\n');
    assert.match(lines[0], /^NAME {17}PROVISIONER {16}RECLAIMPOLICY {3}VOLUMEBINDINGMODE {3}ALLOWVOLUMEEXPANSION {3}AGE$/);
    assert.match(lines[1], /^standard \(default\) {3}k8s\.io\/minikube-hostpath {3}Delete {10}Immediate {11}false {18}\S+$/);
    // Whitespace survives the page: the columns line up on screen as in a terminal.
    const { x: nameX } = await page.getByTestId('console-text').last().boundingBox();
    assert.ok(nameX > 0);

    // Errors keep the CLI's words.
    await run(page, 'kubectl get nosuchkind');
    assert.equal(
      await lastOutput(page),
      'error: the server doesn\'t have a resource type "nosuchkind"\n',
    );
    assert.match(await page.getByTestId('console-text').last().getAttribute('class'), /error/);

    // History and completion.
    const input = page.getByTestId('console-input');
    await input.press('ArrowUp');
    assert.equal(await input.inputValue(), 'kubectl get nosuchkind');
    await input.press('ArrowUp');
    assert.equal(await input.inputValue(), 'kubectl get sc');
    await input.fill('kubectl get storageclasse');
    await input.press('Tab');
    assert.equal(await input.inputValue(), 'kubectl get storageclasses ');
    await input.fill('kubectl describe sc ');
    await input.press('Tab');
    assert.equal(await input.inputValue(), 'kubectl describe sc standard ');
    await input.fill('kubectl get p');
    await input.press('Tab');
    await page.getByTestId('console-completions').waitFor();
    assert.match(await page.getByTestId('console-completions').textContent(), /pods.*pv.*pvc/s);

    // Tab completes while there is text; Escape then Tab leaves the prompt (keyboard users
    // are never trapped).
    await input.fill('kubectl get');
    await input.press('Escape');
    await input.press('Tab');
    assert.notEqual(await page.evaluate(() => document.activeElement?.dataset?.testid), 'console-input');
    assert.equal(await input.inputValue(), 'kubectl get', 'the typed line stays');

    await page.screenshot({ path: `${SCREENSHOTS}console.png` });
    assertClean(session);
  } finally {
    await session.context.close();
  }
});

test('kubectl run makes a pod (and --expose its service) that the canvas draws; attaching is refused', async () => {
  const session = await open();
  const { page } = session;
  try {
    const input = page.getByTestId('console-input');
    await input.fill('kubectl run web --im');
    await input.press('Tab');
    assert.equal(await input.inputValue(), 'kubectl run web --image ');
    await run(page, 'kubectl run web --image=nginx --port=80 --expose');
    assert.equal(await lastOutput(page), 'service/web created\npod/web created\n');
    // The bare pod, labelled run=web, is drawn and becomes ready; its service is drawn.
    await page.locator('[data-testid="service"][data-name="web"]').waitFor();
    await page.waitForFunction(
      () => document.querySelector('[data-testid="pod"][data-name="web"]')?.getAttribute('data-status') === 'ready',
      null,
      { timeout: 20_000 },
    );
    await run(page, 'kubectl get pod web --show-labels');
    assert.match(await lastOutput(page), /^NAME +READY +STATUS +RESTARTS +AGE +LABELS\nweb +1\/1 +Running +0 +\S+ +run=web\n$/);
    // An interactive shell has no terminal to attach to: refused in the console's error
    // style, nothing made.
    await run(page, 'kubectl run -it shell --image=busybox -- sh');
    assert.match(await lastOutput(page), /^error: interactive shells are not simulated/);
    assert.match(await page.getByTestId('console-text').last().getAttribute('class'), /error/);
    assert.equal(await page.locator('[data-testid="pod"][data-name="shell"]').count(), 0);
    // One command attached runs, prints, and --rm takes its pod away again.
    await run(page, 'kubectl run -i --rm --restart=Never probe --image=busybox -- wget -qO- http://web');
    assert.match(await lastOutput(page), /Welcome to nginx![\s\S]*Served by pod web [\s\S]*pod "probe" deleted\n$/);
    assert.equal(await page.locator('[data-testid="pod"][data-name="probe"]').count(), 0);
    assertClean(session);
  } finally {
    await session.context.close();
  }
});

test('a cordoned, tainted node says so on its box and in its Why; a Job is drawn over its pods', async () => {
  const session = await open();
  const { page } = session;
  try {
    const machine = page.locator('[data-testid="machine"]');
    await machine.waitFor();
    assert.match(await machine.locator('.detail').textContent(), /^192\.168\.49\.2 · \d+ pods?$/);
    await run(page, 'kubectl cordon minikube');
    await page.waitForFunction(() => document.querySelector('[data-testid="machine"]')?.getAttribute('data-status') === 'pending');
    assert.match(await machine.locator('.detail').textContent(), /^cordoned · /);
    await run(page, 'kubectl taint nodes minikube dedicated=gpu:NoExecute');
    await run(page, 'kubectl run solo --image=nginx');
    await machine.click();
    const why = page.getByTestId('why');
    await why.waitFor();
    const text = await why.textContent();
    assert.match(text, /Cordoned: the scheduler places no new pods here/);
    assert.match(text, /Taint dedicated=gpu:NoExecute: pods that do not tolerate it are evicted/);
    await page.waitForFunction(() => /1 pod\(s\) wait to be scheduled/.test(document.querySelector('[data-testid="why"]')?.textContent ?? ''));
    await run(page, 'kubectl uncordon minikube');
    assert.match(await machine.locator('.detail').textContent(), /^tainted · /);
    await run(page, 'kubectl taint nodes minikube dedicated-');
    await page.waitForFunction(() => document.querySelector('[data-testid="machine"]')?.getAttribute('data-status') === 'ready');
    assert.match(await machine.locator('.detail').textContent(), /^192\.168\.49\.2 · /);
    // A Job: a box of its own, its pods under it.
    const entries = await page.getByTestId('console-entry').count();
    await paste(page, 'kubectl apply -f - <<EOF\napiVersion: batch/v1\nkind: Job\nmetadata:\n  name: hello\nspec:\n  template:\n    spec:\n      restartPolicy: Never\n      containers:\n      - name: hello\n        image: busybox\n        command: ["sh", "-c", "echo hello"]\nEOF\n');
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid="console-entry"]').length > n, entries);
    assert.equal(await lastOutput(page), 'job.batch/hello created\n');
    const job = page.locator('[data-testid="job"][data-name="hello"]');
    await job.waitFor();
    assert.match(await job.locator('.detail').textContent(), /\d\/1 complete$/);
    await page.screenshot({ path: `${SCREENSHOTS}/node-cordon-and-job.png` });
    assertClean(session);
  } finally {
    await session.context.close();
  }
});

test('a line longer than the console wraps at its edge; a table keeps its rows whole', async () => {
  const session = await open();
  const { page } = session;
  try {
    // Apply's warning for an object made without --save-config is one 300-character line.
    await run(page, 'kubectl create deployment web --image=nginx');
    await run(page, 'kubectl create deployment web --image=nginx --dry-run=client -o yaml > web.yaml');
    await run(page, 'kubectl apply -f web.yaml');
    const text = await lastOutput(page);
    const warning = text.split('\n')[0];
    assert.match(warning, /^Warning: resource deployments\/web is missing the kubectl\.kubernetes\.io\/last-applied-configuration annotation/);
    assert.ok(warning.length > 200, `a long line (${warning.length} characters)`);
    const box = await page.evaluate(() => {
      const scroll = document.querySelector('.console-scroll');
      const out = [...document.querySelectorAll('[data-testid="console-text"]')].at(-1);
      const lineHeight = parseFloat(getComputedStyle(out).lineHeight);
      return { scrollWidth: scroll.scrollWidth, clientWidth: scroll.clientWidth, lines: out.getBoundingClientRect().height / lineHeight };
    });
    // Nothing to scroll sideways, and the warning takes several rows of the console.
    assert.ok(box.scrollWidth <= box.clientWidth, `no sideways scroll (${box.scrollWidth} > ${box.clientWidth})`);
    assert.ok(box.lines >= 4, `the warning wraps (${box.lines.toFixed(1)} rows for 2 lines of output)`);
    // The text is the same: wrapping is only how it is shown.
    assert.equal(await lastOutput(page), text);
    // A table wider than the console: one row a line, read by scrolling sideways.
    await run(page, 'kubectl get storageclass');
    const table = await page.evaluate(() => {
      const out = [...document.querySelectorAll('[data-testid="console-text"]')].at(-1);
      const lineHeight = parseFloat(getComputedStyle(out).lineHeight);
      return {
        rows: out.textContent.trimEnd().split('\n').length,
        lines: out.getBoundingClientRect().height / lineHeight,
        wide: out.scrollWidth > document.querySelector('.console-scroll').clientWidth,
      };
    });
    assert.ok(table.wide, 'the table is wider than the console');
    assert.equal(Math.round(table.lines), table.rows, 'each row on one line');
    assertClean(session);
  } finally {
    await session.context.close();
  }
});

test('kubectl create ingress makes a rule the canvas draws, and a request for its host reaches a pod through it', async () => {
  const session = await open();
  const { page } = session;
  try {
    await run(page, 'minikube addons enable ingress');
    await run(page, 'kubectl create deployment web --image=nginx');
    await run(page, 'kubectl expose deployment web --port=80');
    const input = page.getByTestId('console-input');
    await input.fill('kubectl create ing');
    await input.press('Tab');
    assert.equal(await input.inputValue(), 'kubectl create ingress ');
    await run(page, 'kubectl create ingress web --class=nginx --rule="web.local/*=web:80"');
    assert.equal(await lastOutput(page), 'ingress.networking.k8s.io/web created\n');
    await run(page, 'sleep 60s');
    await page.locator('[data-testid="ingress-rule"]').first().waitFor();
    await run(page, "curl -s -H 'Host: web.local' http://192.168.49.2/");
    assert.match(await lastOutput(page), /Welcome to nginx!/);
    const request = page.getByTestId('request');
    await request.waitFor();
    assert.equal(await request.getAttribute('data-ok'), 'true');
    const end = await request.getAttribute('data-end');
    assert.match(await page.locator(`[data-testid="pod"][data-uid="${end}"]`).getAttribute('data-name'), /^web-/);
    // A rule kubectl's pattern refuses is refused before anything is sent.
    await run(page, 'kubectl create ingress bad --rule=web.local=web:80');
    assert.match(await lastOutput(page), /^error: rule web.local=web:80 is invalid and should be in format host\/path=svcname:svcport\[,tls\[=secret\]\]\n$/);
    await page.screenshot({ path: `${SCREENSHOTS}console-create-ingress.png` });
    assertClean(session);
  } finally {
    await session.context.close();
  }
});

test('a pasted heredoc runs as one command', async () => {
  const session = await open();
  const { page } = session;
  try {
    await paste(page, `${POD}kubectl get pod solo\n`);
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="console-entry"]').length === 2);
    const commands = await page.getByTestId('console-command').allTextContents();
    assert.deepEqual(commands, ['kubectl apply -f - <<EOF', 'kubectl get pod solo']);
    const first = await page.getByTestId('console-entry').first().textContent();
    assert.match(first, /> kind: Pod/);
    assert.match(first, /pod\/solo created/);
    assert.match(await lastOutput(page), /^NAME   READY   STATUS/);
    assertClean(session);
  } finally {
    await session.context.close();
  }
});

test('the lesson opens on its first step and runs steps with the Run button', async () => {
  const session = await open();
  const { page } = session;
  try {
    const progress = page.getByTestId('lesson-progress');
    assert.match(await progress.textContent(), /^Step 1 of \d+$/);
    assert.match(await page.getByTestId('lesson-command').textContent(), /minikube start/);
    assert.ok((await page.getByTestId('lesson-narrative').textContent()).length > 40);
    await page.screenshot({ path: `${SCREENSHOTS}lesson-start.png` });

    for (let i = 0; i < 3; i++) await page.getByTestId('lesson-run').click();
    assert.match(await progress.textContent(), /^Step 4 of \d+$/);
    const origins = await page
      .getByTestId('console-entry')
      .evaluateAll((els) => els.map((e) => e.dataset.origin));
    assert.deepEqual(origins, ['lesson', 'lesson', 'lesson']);
    assert.equal(await lastOutput(page), 'storageclass.storage.k8s.io/csi-hostpath-sc patched\n');

    // Off-script and back: the lesson keeps its place.
    await run(page, 'kubectl get sc');
    await page.getByTestId('lesson-off-script').waitFor();
    assert.match(await progress.textContent(), /^Step 4 of \d+$/);
    await page.getByTestId('lesson-run').click();
    assert.match(await progress.textContent(), /^Step 5 of \d+$/);
    assert.equal(await lastOutput(page), 'storageclass.storage.k8s.io/standard patched\n');
    await page.screenshot({ path: `${SCREENSHOTS}lesson.png` });
    assertClean(session);
  } finally {
    await session.context.close();
  }
});

test('scrubbing back shows the pod before it was deleted; back to now; replay from here', async () => {
  const session = await open();
  const { page } = session;
  try {
    await pause(page);
    const start = Number(await page.getByTestId('scrubber').getAttribute('max'));
    await paste(page, `${POD}sleep 30s\nkubectl delete pod solo\nsleep 30s\n`);
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="console-entry"]').length === 4);
    const killing = page.locator('[data-testid="event-row"]', { hasText: 'Killing' });
    const soloRows = page.locator('[data-testid="event-row"]', { hasText: 'pod/solo' });
    await killing.first().waitFor();

    // Halfway through the first sleep the pod is running and nothing has killed it.
    await scrubTo(page, start + 15_000);
    await page.getByTestId('past-banner').waitFor();
    assert.equal(await killing.count(), 0, 'no Killing event yet in the past');
    assert.ok((await soloRows.count()) > 0, 'the pod has events in the past');
    assert.equal(
      await page.getByTestId('clock-time').textContent(),
      new Date(Date.UTC(2026, 0, 1) + start + 15_000).toISOString().slice(11, 19),
    );
    // The event log highlights the object a row is about.
    await soloRows.first().getByTestId('event-object').click();
    await page.waitForFunction(() =>
      [...document.querySelectorAll('[data-testid="event-row"]')].some((r) => r.classList.contains('selected')),
    );
    await page.screenshot({ path: `${SCREENSHOTS}past.png` });

    await page.getByTestId('back-to-now').click();
    await page.getByTestId('past-banner').waitFor({ state: 'detached' });
    assert.ok((await killing.count()) > 0, 'the present has the Killing event');

    // Replay from here: the deletion never happened.
    await scrubTo(page, start + 15_000);
    await page.getByTestId('replay-from-here').click();
    await page.getByTestId('past-banner').waitFor({ state: 'detached' });
    assert.equal(await killing.count(), 0);
    await run(page, 'kubectl get pod solo');
    assert.match(await lastOutput(page), /\nsolo   1\/1     Running   0          15s\n$/);
    assertClean(session);
  } finally {
    await session.context.close();
  }
});

test('the event log builds the rows its box shows, and all of them once reached for', async () => {
  const session = await open();
  const { page } = session;
  try {
    await pause(page);
    await run(page, 'kubectl create deployment web --image=nginx --replicas=20');
    await run(page, 'sleep 60s');
    const rows = page.getByTestId('event-row');
    const total = () => page.evaluate(() => {
      // The caption (visually hidden): "Events: the newest N of M" while rows are left out.
      const m = document.querySelector('.events-table caption').textContent.match(/(\d+)\D+(\d+)/);
      return m ? Number(m[2]) : 0;
    });
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="event-row"]').length >= 8);
    assert.ok((await total()) > 60, `enough events: ${await total()}`);
    // Until the learner reaches for it, the log holds a few rows more than its box shows:
    // the box is full and scrolls, and the rows below are not built.
    const fill = () => page.evaluate(() => {
      const box = document.querySelector('.events-scroll');
      return { rows: document.querySelectorAll('[data-testid="event-row"]').length, box: box.clientHeight, content: box.scrollHeight };
    });
    const small = await fill();
    assert.ok(small.content > small.box, `the rows overflow their box: ${JSON.stringify(small)}`);
    assert.ok(small.rows >= 8 && small.rows < 20, `a few rows: ${JSON.stringify(small)}`);
    // A taller window: more rows, still overflowing.
    await page.setViewportSize({ width: 1280, height: 1400 });
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid="event-row"]').length > n, small.rows);
    const tall = await fill();
    assert.ok(tall.content > tall.box && tall.box > small.box, JSON.stringify(tall));
    // Reached for (the pointer over it): every event, up to 200.
    const all = Math.min(200, await total());
    await page.getByTestId('events').hover();
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid="event-row"]').length === n, all);
    assert.equal(await rows.count(), all);
    assertClean(session);
  } finally {
    await session.context.close();
  }
});

test('play, step and speed drive virtual time', async () => {
  const session = await open();
  const { page } = session;
  try {
    const clock = page.getByTestId('clock-time');
    // The page opens playing: time flows.
    const opened = await clock.textContent();
    await page.waitForFunction((t) => document.querySelector('[data-testid="clock-time"]').textContent !== t, opened);
    await pause(page);
    await run(page, 'kubectl create deployment web --image=nginx --replicas=2');
    const before = await clock.textContent();
    await page.getByTestId('step').click();
    await page.waitForFunction((t) => document.querySelector('[data-testid="clock-time"]').textContent !== t, before);
    // Paused, the clock stands still.
    const paused = await clock.textContent();
    await page.waitForTimeout(1_200);
    assert.equal(await clock.textContent(), paused);
    await page.getByTestId('speed').selectOption('8');
    await page.getByTestId('play').click();
    assert.equal(await page.getByTestId('play').getAttribute('aria-pressed'), 'true');
    await page.waitForFunction((t) => document.querySelector('[data-testid="clock-time"]').textContent !== t, paused);
    await pause(page);
    assertClean(session);
  } finally {
    await session.context.close();
  }
});

test('pasting 10,000 commands shows progress and never freezes the page', async () => {
  const session = await open();
  const { page } = session;
  try {
    const frames = await watchFrames(page);
    const started = Date.now();
    await paste(page, 'kubectl get ns\n'.repeat(10_000));
    await page.getByTestId('console-progress').waitFor();
    await page.screenshot({ path: `${SCREENSHOTS}console-batch.png` });
    await page.getByTestId('console-progress').waitFor({ state: 'detached', timeout: 120_000 });
    const { frames: n, longest } = await frames();
    const seconds = (Date.now() - started) / 1000;
    assert.ok(n > seconds * 5, `the page kept painting: ${n} frames in ${seconds}s`);
    assert.ok(longest < 1_000, `no frame waited a second (longest ${Math.round(longest)} ms)`);
    assert.equal(await page.getByTestId('console-command').last().textContent(), 'kubectl get ns');
    assert.ok((await page.getByTestId('console-entry').count()) <= 200, 'the scrollback is bounded');
    assertClean(session);
  } finally {
    await session.context.close();
  }
});

test('a file a command writes with > opens in the editor, and a tab of that name takes the new text', async () => {
  const session = await open();
  const { page } = session;
  try {
    const panel = page.locator('[data-testid="editor-panel"]:not([hidden])');
    // The usual way to start a manifest: the generated YAML lands in a new tab, active.
    await run(page, 'kubectl create deployment web --image=nginx --dry-run=client -o yaml > web.yaml');
    assert.equal(await lastOutput(page), '');
    await page.locator('[data-testid="tab"][data-file="web.yaml"]').waitFor();
    assert.equal(await panel.getAttribute('data-file'), 'web.yaml');
    // Past the scenario's two tabs, the strip scrolls to show it.
    await page.waitForFunction(() => {
      const strip = document.querySelector('[data-testid="tabs"]').getBoundingClientRect();
      const tab = document.querySelector('[data-testid="tab"][data-file="web.yaml"]').getBoundingClientRect();
      return tab.left >= strip.left - 1 && tab.right <= strip.right + 1;
    });
    assert.match(await panel.getByTestId('editor-input').inputValue(), /^apiVersion: apps\/v1\nkind: Deployment\n/);
    await panel.getByTestId('summary').waitFor();
    // Edit it and apply it from the tab.
    const yaml = await panel.getByTestId('editor-input').inputValue();
    await panel.getByTestId('editor-input').fill(yaml.replace('replicas: 1', 'replicas: 2'));
    await panel.getByTestId('editor-apply').click();
    await panel.getByTestId('editor-result').waitFor();
    assert.match(await panel.getByTestId('editor-result').textContent(), /deployment\.apps\/web created/);
    // Written again from the console: the same tab shows the new text, and the next
    // command does not put the tab's older text back.
    await run(page, 'kubectl get deployment web -o name > web.yaml');
    await page.waitForFunction(
      () => document.querySelector('[data-testid="editor-panel"]:not([hidden]) [data-testid="editor-input"]')?.value === 'deployment.apps/web\n',
    );
    assert.equal(await page.locator('[data-testid="tab"][data-file="web.yaml"]').count(), 1);
    await run(page, 'cat web.yaml');
    assert.equal(await lastOutput(page), 'deployment.apps/web\n');
    await page.screenshot({ path: `${SCREENSHOTS}console-redirect.png` });
    assertClean(session);
  } finally {
    await session.context.close();
  }
});

test('editor tabs: new, Apply echoes its kubectl command, rename, close and reopen', async () => {
  const session = await open();
  const { page } = session;
  try {
    await page.getByTestId('tab-new').click();
    const panel = page.locator('[data-testid="editor-panel"]:not([hidden])');
    assert.equal(await panel.getAttribute('data-file'), 'untitled.yaml');
    await panel.getByTestId('editor-input').fill('apiVersion: v1\nkind: Namespace\nmetadata:\n  name: hello\n');
    await panel.getByTestId('summary').waitFor();
    await panel.getByTestId('editor-apply').click();
    await panel.getByTestId('editor-result').waitFor();
    assert.match(await panel.getByTestId('editor-result').textContent(), /namespace\/hello created/);
    const entry = page.getByTestId('console-entry').last();
    assert.equal(await entry.getAttribute('data-origin'), 'editor');
    assert.equal(await entry.getByTestId('console-command').textContent(), 'kubectl apply -f untitled.yaml');

    // The console reads the tab as a file too.
    await run(page, 'cat untitled.yaml');
    assert.equal(await lastOutput(page), 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: hello\n');

    // Rename (double-click, type, Enter); a bad name is refused and the old one kept.
    await page.locator('[data-testid="tab"][data-file="untitled.yaml"]').dblclick();
    await page.getByTestId('tab-rename').fill('my file.yaml');
    await page.getByTestId('tab-rename').press('Enter');
    await page.getByTestId('rename-error').waitFor();
    await page.getByTestId('tab-rename').fill('hello.yaml');
    await page.getByTestId('tab-rename').press('Enter');
    await page.locator('[data-testid="tab"][data-file="hello.yaml"]').waitFor();

    // Close and reopen: the text is not lost.
    const tabs = await page.getByTestId('tab').count();
    await page.getByRole('button', { name: 'Close hello.yaml' }).click();
    assert.equal(await page.getByTestId('tab').count(), tabs - 1);
    await page.getByTestId('tab-reopen').click();
    await page.locator('[data-testid="tab"][data-file="hello.yaml"]').waitFor();
    assert.match(
      await page.locator('[data-testid="editor-panel"]:not([hidden])').getByTestId('editor-input').inputValue(),
      /name: hello/,
    );

    // An error keeps the user's text.
    const broken = 'apiVersion: v1\nkind: Namespace\nmetadata: [\n';
    await panel.getByTestId('editor-input').fill(broken);
    await page.locator('[data-testid="editor-panel"]:not([hidden])').getByTestId('editor-apply').click();
    await page.locator('[data-testid="editor-panel"]:not([hidden])').getByTestId('editor-result').waitFor();
    assert.equal(
      await page.locator('[data-testid="editor-panel"]:not([hidden])').getByTestId('editor-input').inputValue(),
      broken,
    );
    await page.screenshot({ path: `${SCREENSHOTS}editor.png` });
    assertClean(session);
  } finally {
    await session.context.close();
  }
});

test('a 2 MB manifest pasted into the editor is parsed off the keystroke path', async (t) => {
  if (!existsSync(ARGO_CD)) {
    t.skip(`fixture not found: ${ARGO_CD}`);
    return;
  }
  const big = readFileSync(ARGO_CD, 'utf8');
  const session = await open();
  const { page } = session;
  try {
    await page.getByTestId('tab-new').click();
    const panel = page.locator('[data-testid="editor-panel"]:not([hidden])');
    // What a paste does: a new value, then an `input` event. (Playwright's `fill` types
    // through the browser's editing commands, which take minutes for 2 MB.)
    const handler = await panel.getByTestId('editor-input').evaluate((el, text) => {
      el.value = text;
      const t0 = performance.now();
      el.dispatchEvent(new Event('input', { bubbles: true }));
      return performance.now() - t0;
    }, big);
    assert.ok(handler < 50, `the input handler returns at once (${handler} ms)`);
    await panel.getByTestId('checking').waitFor();
    // More keystrokes while it waits: still cheap.
    const key = await panel.getByTestId('editor-input').evaluate((el) => {
      el.value += '\n# a comment';
      const t0 = performance.now();
      el.dispatchEvent(new Event('input', { bubbles: true }));
      return performance.now() - t0;
    });
    assert.ok(key < 50, `a keystroke on a large text is cheap (${key} ms)`);
    await panel.getByTestId('checking').waitFor({ state: 'detached', timeout: 60_000 });
    assert.equal(await panel.getByTestId('summary').textContent(), '59 documents parsed');
    assert.equal((await panel.getByTestId('editor-input').inputValue()).length, big.length + '\n# a comment'.length);
    assertClean(session);
  } finally {
    await session.context.close();
  }
});

test('a pasted 2 MB manifest goes to the read-only view, is parsed in slices and applied without a second parse', async (t) => {
  if (!existsSync(ARGO_CD)) {
    t.skip(`fixture not found: ${ARGO_CD}`);
    return;
  }
  const big = readFileSync(ARGO_CD, 'utf8');
  const session = await open();
  const { page } = session;
  try {
    await page.getByTestId('tab-new').click();
    const panel = page.locator('[data-testid="editor-panel"]:not([hidden])');
    await page.evaluate((text) => {
      window.__clipboard = text;
      window.__tasks = [];
      new PerformanceObserver((l) => {
        for (const e of l.getEntries()) window.__tasks.push(Math.round(e.duration));
      }).observe({ type: 'longtask' });
    }, big);
    // A real paste: a `paste` event carrying the text. 34,000 lines in Chromium's
    // textarea would take the page's thread for a second, so the editor keeps it.
    const prevented = await panel.getByTestId('editor-input').evaluate((el) => {
      el.focus();
      const data = new DataTransfer();
      data.setData('text/plain', window.__clipboard);
      return !el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
    });
    assert.ok(prevented, 'the textarea never gets the 34,000 lines');
    await panel.getByTestId('large-file-note').waitFor();
    await panel.getByTestId('checking').waitFor({ state: 'detached', timeout: 60_000 });
    assert.equal(await panel.getByTestId('summary').textContent(), '59 documents parsed');
    await panel.getByTestId('editor-apply').click();
    await panel.getByTestId('editor-result').waitFor({ timeout: 60_000 });
    const result = await panel.getByTestId('editor-result').textContent();
    assert.match(result, /customresourcedefinition\.apiextensions\.k8s\.io\/applications\.argoproj\.io created/);
    // As on a real cluster, client-side apply refuses the one CRD whose JSON is over the
    // 256 KiB annotation limit, and says so where the learner is looking.
    assert.match(result, /The CustomResourceDefinition "applicationsets\.argoproj\.io" is invalid: metadata\.annotations: Too long: may not be more than 262144 bytes/);
    t.diagnostic(`long tasks from the paste to Apply's result: [${(await page.evaluate(() => window.__tasks)).join(', ')}] ms`);
    assertClean(session);
  } finally {
    await session.context.close();
  }
});

test('screenshots: 1280×720 and a 390-px phone, light and dark', async () => {
  for (const [width, height, colorScheme] of [
    [1280, 720, 'light'],
    [1280, 720, 'dark'],
    [390, 844, 'light'],
    [390, 844, 'dark'],
  ]) {
    const session = await open({ width, height, colorScheme });
    const { page } = session;
    try {
      for (let i = 0; i < 5; i++) await page.getByTestId('lesson-run').click();
      await run(page, 'kubectl get sc');
      const name = `controls-${width}-${colorScheme}`;
      await page.screenshot({ path: `${SCREENSHOTS}${name}.png` });
      if (width < 500) {
        await page.getByTestId('console').scrollIntoViewIfNeeded();
        await page.screenshot({ path: `${SCREENSHOTS}${name}-console.png` });
        await page.getByTestId('time').scrollIntoViewIfNeeded();
        await page.screenshot({ path: `${SCREENSHOTS}${name}-time.png` });
      }
      assertClean(session);
    } finally {
      await session.context.close();
    }
  }
});
