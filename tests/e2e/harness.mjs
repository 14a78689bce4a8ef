// The end-to-end suites' shared set-up: the release build in dist/ served on 127.0.0.1
// by server.mjs, Debian's Chromium driven by playwright-core, and pages that record every
// request and every problem (console errors and warnings, uncaught exceptions, failed
// requests, HTTP errors) and refuse any request that is not for our server, so a leak
// fails loudly instead of reaching the network.

import { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { serve } from './server.mjs';

export const DIST = fileURLToPath(new URL('../../dist/', import.meta.url));
export const SCREENSHOTS = fileURLToPath(new URL('./screenshots/', import.meta.url));
export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-quic',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
];

/** Registers the suite's before/after hooks: serve dist/, launch Chromium. The returned
 * object's `site` and `browser` are set once the `before` hook has run. */
export function useBrowser() {
  const env = { site: null, browser: null };
  before(async () => {
    assert.ok(existsSync(`${DIST}index.html`), 'dist/index.html is missing: run `make dist` first');
    mkdirSync(SCREENSHOTS, { recursive: true });
    env.site = await serve(DIST);
    env.browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  });
  after(async () => {
    await env.browser?.close();
    await env.site?.close();
  });
  return env;
}

/** Opens the page (`query` appended to the site's URL) in a fresh context that records
 * every request and every problem. Waits for the app unless `waitFor` is null. */
export async function openPage(
  env,
  { width = 1280, height = 720, colorScheme = 'light', query = '', waitFor = 'app', warnings = true } = {},
) {
  const { site, browser } = env;
  const context = await browser.newContext({
    viewport: { width, height },
    deviceScaleFactor: 1,
    colorScheme,
    serviceWorkers: 'block',
  });
  const requests = [];
  const problems = [];
  context.on('request', (r) => requests.push(r.url()));
  await context.route('**/*', (route) => {
    const url = new URL(route.request().url());
    return url.hostname === '127.0.0.1' && Number(url.port) === site.port
      ? route.continue()
      : route.abort('blockedbyclient');
  });
  const page = await context.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error' || (warnings && m.type() === 'warning')) {
      problems.push(`console.${m.type()}: ${m.text()}`);
    }
  });
  page.on('pageerror', (e) => problems.push(`uncaught: ${e.message}`));
  page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()} (${r.failure()?.errorText})`));
  page.on('response', (r) => {
    if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`);
  });
  await page.goto(site.url + query, { waitUntil: 'load' });
  if (waitFor) await page.getByTestId(waitFor).waitFor();
  return { context, page, requests, problems };
}

/** No problem was recorded and every request went to the local server. */
export function assertClean(env, { requests, problems }) {
  assert.deepEqual(problems, [], 'no console errors, failed requests or HTTP errors');
  const foreign = requests.filter((u) => new URL(u).origin !== new URL(env.site.url).origin);
  assert.deepEqual(foreign, [], 'every request goes to the local server');
}

/** Types a command at the console prompt and runs it; waits for its entry. */
export async function runCommand(page, line) {
  const input = page.getByTestId('console-input');
  const before = await page.getByTestId('console-entry').count();
  await input.fill(line);
  await input.press('Enter');
  await page.waitForFunction(
    (n) => document.querySelectorAll('[data-testid="console-entry"]').length !== n,
    before,
  );
}

/** Starts recording the gaps between animation frames; the returned function stops it
 * and says how many frames there were and the longest gap (ms). */
export async function watchFrames(page) {
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
      const gaps = window.__frames.gaps;
      return { frames: gaps.length, longest: Math.max(0, ...gaps) };
    });
}
