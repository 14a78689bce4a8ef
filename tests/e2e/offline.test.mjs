// End-to-end tests of "no network, strict policy" and of the single offline file
// (issue 6, items 3 and 5), against the RELEASE build in headless Chromium:
//
// - the served page, across the whole default lesson played to the end by clicking its
//   Run button, requests nothing but its own files during load and nothing at all after
//   it, and raises no Content-Security-Policy violation;
// - dist/orrery-offline.html, copied alone into an empty folder (a USB stick) and opened
//   from file:// with the network disabled, plays the same lesson to the end with no
//   console error;
// - dist/index.html carries its policy as a meta element (and the test server sends it
//   as a header); the offline file carries its own, whose hashes match its inline parts.
//
// Screenshots go to tests/e2e/screenshots/offline-*.png.
// Run with `make test-e2e`, or `node --test tests/e2e/offline.test.mjs` after `make dist`.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DIST, SCREENSHOTS, useBrowser } from './harness.mjs';

const OFFLINE = `${DIST}orrery-offline.html`;
const env = useBrowser();
let usb;

before(() => {
  assert.ok(existsSync(OFFLINE), 'dist/orrery-offline.html is missing: run `make dist` first');
  // The offline file alone in a folder: nothing beside it to lean on.
  usb = mkdtempSync(join(tmpdir(), 'orrery-usb-'));
  copyFileSync(OFFLINE, join(usb, 'orrery-offline.html'));
});

after(() => {
  if (usb) rmSync(usb, { recursive: true, force: true });
});

/** Runs in every page before its own scripts: keeps each CSP violation it reports. */
function recordViolations() {
  window.__cspViolations = [];
  addEventListener(
    'securitypolicyviolation',
    (e) => window.__cspViolations.push(`${e.effectiveDirective} blocked ${e.blockedURI || '(inline)'} ${e.sample}`.trim()),
    true,
  );
}

/**
 * A fresh context and page that record every request (and whether it came before the
 * load event), every console error or warning, uncaught errors and CSP violations.
 * `allowed(url)` says which requests may go through; anything else is aborted, so a
 * leak fails loudly here instead of reaching the network. (harness.mjs's openPage does
 * the same for the served page, without file://, the load mark or the violations.)
 */
async function open(url, allowed, { viewport = { width: 1280, height: 720 }, offline = false } = {}) {
  const context = await env.browser.newContext({ viewport, deviceScaleFactor: 1, serviceWorkers: 'block' });
  if (offline) await context.setOffline(true);
  const requests = [];
  const problems = [];
  const state = { loaded: false };
  context.on('request', (r) => requests.push({ url: r.url(), afterLoad: state.loaded }));
  await context.route('**/*', (route) =>
    allowed(route.request().url()) ? route.continue() : route.abort('blockedbyclient'),
  );
  await context.addInitScript(recordViolations);
  const page = await context.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`console.${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`uncaught: ${e.message}`));
  page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()} (${r.failure()?.errorText})`));
  const response = await page.goto(url, { waitUntil: 'load' });
  state.loaded = true;
  // The page loaded with the network off (a request fails), but Chromium 148 (Debian's,
  // session 10) shows a document `navigator.onLine === true` until the emulated state
  // changes while it is open; 156 did not. Set it again so the page itself sees offline.
  if (offline) {
    await context.setOffline(false);
    await context.setOffline(true);
  }
  await page.getByTestId('app').waitFor();
  const violations = () => page.evaluate(() => window.__cspViolations);
  return { context, page, response, requests, problems, violations };
}

/** Plays the default lesson to its end with its Run button, one step per click, and
 * returns how many steps it had. */
async function playLesson(page, shot) {
  const progress = page.getByTestId('lesson-progress');
  const total = Number((await progress.textContent()).match(/^Step 1 of (\d+)$/)?.[1]);
  assert.ok(total > 20, `the default lesson starts at step 1 (${await progress.textContent()})`);
  for (let step = 1; step <= total; step++) {
    await page.getByTestId('lesson-run').click();
    const next = step < total ? `Step ${step + 1} of ${total}` : `${total} of ${total} done`;
    await page.waitForFunction(
      ([want]) => document.querySelector('[data-testid="lesson-progress"]')?.textContent === want,
      [next],
      { timeout: 15_000 },
    );
    if (shot && step === 6) await shot('lesson-created');
  }
  assert.equal(await page.getByTestId('lesson-run').count(), 0, 'no Run button once the lesson is done');
  return total;
}

/** What the lesson leaves on the canvas: mongo-0 ready on its claim, ten pacman pods. */
async function assertLessonEnd(page) {
  await page.waitForFunction(
    () => {
      const pods = [...document.querySelectorAll('[data-testid="pod"]')];
      const pacman = pods.filter((e) => e.dataset.name?.startsWith('pacman-') && e.dataset.status === 'ready');
      const mongo = pods.some((e) => e.dataset.name === 'mongo-0' && e.dataset.status === 'ready');
      return mongo && pacman.length === 10;
    },
    null,
    { timeout: 20_000 },
  );
  assert.match(await page.getByTestId('lesson-narrative').textContent(), /Lesson complete/);
  assert.ok(
    await page.evaluate(() => document.body.innerText.includes("curl -s -H 'Host: pacman.com' http://192.168.49.2/")),
    'the last command was run',
  );
}

/** A few clicks beyond the lesson: the inspector's tabs, the theme, the fit button. */
async function explore(page) {
  await page.locator('[data-testid="pod"][data-name="mongo-0"]').first().click();
  for (const tab of ['yaml', 'describe', 'events', 'why']) await page.getByTestId(`inspector-tab-${tab}`).click();
  await page.getByTestId('theme-toggle').click();
  await page.getByTestId('zoom-fit').click();
  await page.getByTestId('theme-toggle').click();
  // The clock keeps ticking for a while: still no request.
  await page.waitForTimeout(1_500);
}

test('served: across the whole lesson, only the page\'s own files are requested, all before load, and no CSP violation', async () => {
  const origin = new URL(env.site.url).origin;
  const { context, page, response, requests, problems, violations } = await open(
    env.site.url,
    (u) => new URL(u).origin === origin,
  );
  try {
    assert.ok(response.headers()['content-security-policy'], 'the server sends the policy as a header too');
    const total = await playLesson(page, async (name) => page.screenshot({ path: `${SCREENSHOTS}offline-served-${name}.png` }));
    await assertLessonEnd(page);
    await explore(page);
    await page.screenshot({ path: `${SCREENSHOTS}offline-served-end.png` });

    assert.ok(requests.length > 1, 'requests were recorded');
    assert.deepEqual(requests.filter((r) => new URL(r.url).origin !== origin).map((r) => r.url), [], 'nothing leaves 127.0.0.1');
    assert.deepEqual(requests.filter((r) => r.afterLoad).map((r) => r.url), [], `no request after load (lesson of ${total} steps)`);
    // Every request is for a file the build wrote.
    for (const r of requests) {
      const path = decodeURIComponent(new URL(r.url).pathname).replace(/^\//, '') || 'index.html';
      assert.ok(existsSync(join(DIST, path)), `${r.url} is one of the page's own files`);
    }
    assert.deepEqual(await violations(), [], 'no CSP violation');
    assert.deepEqual(problems, [], 'no console error or warning');
  } finally {
    await context.close();
  }
});

test('served: the ?bench harness runs under the same policy without a violation', async () => {
  const origin = new URL(env.site.url).origin;
  const { context, page, requests, problems, violations } = await open(
    `${env.site.url}?bench=frames&sizes=20`,
    (u) => new URL(u).origin === origin,
  );
  try {
    await page.getByTestId('bench').waitFor();
    await page.waitForFunction(
      () => ['done', 'error'].includes(document.querySelector('[data-testid="bench-results"]')?.dataset.state),
      null,
      { timeout: 60_000, polling: 250 },
    );
    assert.equal(await page.getByTestId('bench-results').getAttribute('data-state'), 'done');
    assert.deepEqual(requests.filter((r) => r.afterLoad).map((r) => r.url), [], 'no request after load');
    assert.deepEqual(await violations(), [], 'no CSP violation');
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('offline file: from file://, with the network off, it plays the whole lesson', async () => {
  const url = pathToFileURL(join(usb, 'orrery-offline.html')).href;
  const { context, page, requests, problems, violations } = await open(url, (u) => u.startsWith('file:'), { offline: true });
  try {
    assert.equal(await page.evaluate(() => navigator.onLine), false, 'the browser is offline');
    assert.equal(await page.evaluate(() => location.protocol), 'file:');
    await page.screenshot({ path: `${SCREENSHOTS}offline-file-01-opened.png` });
    await playLesson(page, async (name) => page.screenshot({ path: `${SCREENSHOTS}offline-file-02-${name}.png` }));
    await assertLessonEnd(page);
    await page.screenshot({ path: `${SCREENSHOTS}offline-file-03-done.png` });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.waitForTimeout(500);
    await page.screenshot({ path: `${SCREENSHOTS}offline-file-04-phone.png` });
    await explore(page);

    assert.deepEqual(requests.map((r) => r.url), [url], 'the file itself is the only request');
    assert.deepEqual(await violations(), [], 'no CSP violation');
    assert.deepEqual(problems, [], 'no console error or warning');
  } finally {
    await context.close();
  }
});

/** The directives of a policy, as a map of lists. */
function directives(policy) {
  return Object.fromEntries(
    policy.split(';').map((d) => d.trim().split(/\s+/)).filter((d) => d[0]).map(([k, ...v]) => [k, v]),
  );
}

const sha256 = (text) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
const metaPolicy = (html) =>
  html.match(/<meta\s+http-equiv="?Content-Security-Policy"?\s+content="([^"]*)"/i)?.[1] ?? null;
const inline = (html, tag) =>
  [...html.matchAll(new RegExp(`<${tag}\\b([^>]*)>([\\s\\S]*?)</${tag}>`, 'gi'))]
    .filter((m) => !/\bsrc\s*=/.test(m[1]))
    .map((m) => m[2]);

test('policies: the site carries its own as a meta element and a header, the offline file its own', async () => {
  // The site.
  const res = await fetch(env.site.url);
  const html = await res.text();
  const policy = metaPolicy(html);
  assert.ok(policy, 'dist/index.html has a Content-Security-Policy meta element');
  assert.ok(html.indexOf('Content-Security-Policy') < html.search(/<script|<link/i), 'the policy comes before any script or link');
  assert.equal(res.headers.get('content-security-policy'), policy, 'the server sends the same policy');
  const d = directives(policy);
  assert.deepEqual(d['default-src'], ["'none'"]);
  assert.deepEqual(d['connect-src'], ["'self'"]);
  assert.ok(!policy.includes('unsafe-inline') && !policy.includes("'unsafe-eval'"), policy);
  const scripts = inline(html, 'script');
  assert.ok(scripts.length >= 1, 'Trunk writes an inline loader');
  for (const s of scripts) assert.ok(d['script-src'].includes(sha256(s)), 'every inline script is allowed by its hash');
  assert.deepEqual(
    d['script-src'].filter((v) => !v.startsWith("'sha256-")),
    ["'self'", "'wasm-unsafe-eval'"],
  );
  // Every file the page names is its own (relative), or a data: URL.
  for (const [, url] of html.replace(/<script\b[^>]*>[\s\S]*?<\/script>/gi, '').matchAll(/\b(?:src|href)=["']?([^"'\s>]+)/gi)) {
    assert.ok(url.startsWith('./') || url.startsWith('data:'), `index.html names ${url}`);
  }

  // The offline file.
  const offline = readFileSync(OFFLINE, 'utf8');
  const own = metaPolicy(offline);
  assert.ok(own, 'the offline file has its own policy');
  assert.ok(offline.indexOf('Content-Security-Policy') < offline.search(/<script|<style|<link/i), 'before any script or style');
  const o = directives(own);
  assert.deepEqual(o['default-src'], ["'none'"]);
  assert.deepEqual(o['connect-src'], ["'none'"], 'the offline file connects nowhere');
  assert.deepEqual(o['img-src'], ['data:']);
  assert.ok(!own.includes("'self'") && !own.includes('unsafe-inline'), own);
  const [script, ...moreScripts] = inline(offline, 'script');
  assert.deepEqual(moreScripts, [], 'one inline script');
  assert.deepEqual(o['script-src'], [sha256(script), "'wasm-unsafe-eval'"]);
  const [style, ...moreStyles] = inline(offline, 'style');
  assert.deepEqual(moreStyles, [], 'one inline style sheet');
  assert.deepEqual(o['style-src'], [sha256(style)]);
  // Nothing in it points at another file, here or anywhere.
  assert.equal(/<script[^>]*\bsrc=|<link[^>]*\brel=["']?(?:stylesheet|preload|modulepreload)/i.test(offline), false);
  const markup = offline.replace(/<script\b[^>]*>[\s\S]*?<\/script>/gi, '<script></script>');
  for (const [, url] of markup.matchAll(/\b(?:src|href)=["']?([^"'\s>]+)/gi)) {
    assert.ok(url.startsWith('data:') || url.startsWith('#'), `the offline file names ${url}`);
  }
  assert.equal(/url\((?!["']?(?:data:|#))/i.test(style), false, 'the CSS names no file');
  assert.equal(/\bimport\s*\(|^\s*import\s/m.test(script), false, 'the script imports nothing');
});
