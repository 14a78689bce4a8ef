// The page in Korean, end to end on the release build: `?lang=ko` and the whole string
// table walked against what the page shows (no English UI string left), a lesson step
// with its Korean narrative, the switch that keeps the console and the lesson's place,
// the choice remembered, and the browser's language honoured. Screenshots of the Korean
// page at 1280×720 and 390×844 go to tests/e2e/screenshots/.
//
// The table is read from src/i18n.rs (one `Key: "English" => "한국어";` per entry).
// What the page marks translate="no" — kubectl's output, object names, YAML, what the
// user typed — is left out of the walk: it is never translated.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { assertClean, openPage, SCREENSHOTS, useBrowser } from './harness.mjs';

const env = useBrowser();

/** The string table: [{ key, en, ko }]. */
function readTable() {
  const src = readFileSync(fileURLToPath(new URL('../../src/i18n.rs', import.meta.url)), 'utf8');
  const start = src.indexOf('strings! {\n');
  const end = src.indexOf('\n}\n', start);
  const unescape = (s) => s.replace(/\\(["\\])/g, '$1');
  const entries = [];
  const re = /^\s*([A-Z][A-Za-z0-9]*): "((?:[^"\\]|\\.)*)" => "((?:[^"\\]|\\.)*)";$/gm;
  for (const m of src.slice(start, end).matchAll(re)) {
    entries.push({ key: m[1], en: unescape(m[2]), ko: unescape(m[3]) });
  }
  return entries;
}

/** The English pieces of an entry worth looking for: the text between placeholders,
 * trimmed, with at least three letters — a whole label ("Run", "Legend"), or a phrase of
 * two words or more from a template (a lone word between placeholders is a technical
 * token such as "UID" or "storageClassName", which Korean keeps). An entry that Korean
 * keeps as it is (a kubectl word) or quotes on purpose (the switch's "Show the page in
 * English") has none. */
function englishPieces({ en, ko }) {
  if (en === ko || ko.includes(en)) return [];
  const template = /\{\d+\}/.test(en);
  return en
    .split(/\{\d+\}/)
    .map((p) => p.replace(/^[\s.,;:·—…()]+|[\s.,;:·—()]+$/g, ''))
    .filter((p) => (p.match(/[A-Za-z]/g) || []).length >= 3)
    .filter((p) => !template || /[A-Za-z]\s+[A-Za-z]/.test(p));
}

const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Everything of the page's own that a learner reads or hears: visible text, accessible
 * names, titles (SVG ones too), placeholders and the document title — leaving out what
 * is marked translate="no". */
async function chromeText(page, { attributes = true, svg = true } = {}) {
  return page.evaluate(({ attributes, svg }) => {
    const out = [document.title];
    const skip = (el) => !!el.closest('[translate="no"], script, style, noscript');
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const el = n.parentElement;
      if (!el || skip(el) || !n.textContent.trim()) continue;
      if (!svg && el.closest('svg')) continue;
      const inTitle = el.closest('title');
      if (!inTitle && el.checkVisibility && !el.checkVisibility()) continue;
      out.push(n.textContent);
    }
    for (const el of document.querySelectorAll('[aria-label], [title], [placeholder], [aria-valuetext]')) {
      if (!attributes || skip(el)) continue;
      for (const a of ['aria-label', 'title', 'placeholder', 'aria-valuetext']) {
        const v = el.getAttribute(a);
        if (v) out.push(v);
      }
    }
    return out;
  }, { attributes, svg });
}

/** Table entries whose English is on the page. */
function englishLeft(texts, table) {
  const found = [];
  for (const entry of table) {
    for (const piece of englishPieces(entry)) {
      // Whole words only: "Pod" is not in "PodSecurityPolicy", "Node" not in "Node.js".
      const re = new RegExp(`(?<![A-Za-z])${escape(piece)}(?![A-Za-z]|\\.[A-Za-z])`);
      const hit = texts.find((t) => re.test(t));
      if (hit) found.push(`${entry.key}: "${piece}" in "${hit.slice(0, 120)}"`);
    }
  }
  return found;
}

/** Latin words in the visible chrome that are not technical names kept on purpose: a
 * net for UI strings that never made it into the table. */
const KEPT = new Set(
  `stateless Orrery Pacman YAML UID kubectl minikube curl heredoc Tab Esc Ctrl EN CSI DefaultStorageClass
   Ready Running Pending ContainerCreating Terminating Failed Completed Bound Available Released Lost
   NotReady Prefix Node MongoDB RBAC PodSecurityPolicy API volumeClaimTemplate storageClassName
   replicas reclaim policy Delete Retain pacman mongo localhost`.split(/\s+/),
);
function strayWords(texts) {
  const words = new Set();
  for (const t of texts) {
    for (const w of t.match(/[A-Za-z][A-Za-z-]{2,}/g) || []) {
      if (!KEPT.has(w) && !w.includes('-') && !/^(js|com|io|sc|nginx|hostpath)$/.test(w)) words.add(w);
    }
  }
  return [...words];
}

/** Opens everything that folds (the legend, a pod's exec form) so their text is walked. */
async function unfold(page) {
  await page.evaluate(() => document.querySelectorAll('details').forEach((d) => (d.open = true)));
}

async function runLessonSteps(page, n) {
  for (let i = 0; i < n; i++) {
    const step = await page.getByTestId('lesson-step').getAttribute('data-step');
    await page.getByTestId('lesson-run').click();
    await page.waitForFunction(
      (s) => document.querySelector('[data-testid="lesson-step"]')?.getAttribute('data-step') !== s,
      step,
    );
  }
}

const hangul = /[\uAC00-\uD7A3]/;

test('the Korean page has no English UI string left (the whole table walked)', async () => {
  const table = readTable();
  assert.ok(table.length > 200, `the table has ${table.length} entries`);
  const recorded = await openPage(env, { query: '?lang=ko' });
  const { page } = recorded;
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'ko');
  assert.match(await page.title(), hangul);
  await page.getByTestId('lesson-run').waitFor();

  const texts = [];
  const visible = async () => chromeText(page, { attributes: false, svg: false });
  const shown = [];
  // 1. The page as it opens.
  await unfold(page);
  texts.push(...(await chromeText(page)));
  shown.push(...(await visible()));
  // 2. After the lesson's first steps: a cluster on the canvas, a lesson in progress.
  await runLessonSteps(page, 8);
  await page.getByTestId('play').click(); // pause: a still page to read
  await unfold(page);
  texts.push(...(await chromeText(page)));
  shown.push(...(await visible()));
  // 3. An object selected: the inspector's actions, tabs and causal chain.
  await page.locator('[data-testid="pod"][data-name="mongo-0"]').click();
  await page.getByTestId('inspector-why').waitFor();
  await unfold(page);
  texts.push(...(await chromeText(page)));
  shown.push(...(await visible()));
  // 4. A request sent through the cluster, and the past viewed.
  await page.getByTestId('request-send').click();
  await page.getByTestId('request-result').waitFor();
  await page.getByTestId('scrubber').fill('0');
  await page.getByTestId('past-banner').waitFor();
  texts.push(...(await chromeText(page)));

  const left = englishLeft(texts, table);
  assert.deepEqual(left, [], `English UI strings on the Korean page:\n${left.join('\n')}`);
  shown.push(...(await visible()));
  // The net for words outside the table: the visible HTML text (the canvas's second
  // lines mix Kubernetes' words — ClusterIP, a provisioner — and are left to the table).
  const stray = strayWords(shown);
  assert.deepEqual(stray, [], `English words on the Korean page that are not in the table: ${stray.join(', ')}`);
  assertClean(env, recorded);
  await recorded.context.close();
});

test('a lesson step shows its Korean narrative, and the switch keeps the console and the place', async () => {
  const recorded = await openPage(env, { query: '?lang=ko' });
  const { page } = recorded;
  assert.match(await page.getByTestId('lesson-title').textContent(), /55일차/);
  assert.match(await page.getByTestId('lesson-narrative').textContent(), /노드 하나짜리 클러스터/);
  await runLessonSteps(page, 2);
  const narrative = await page.getByTestId('lesson-narrative').textContent();
  assert.match(narrative, hangul);
  assert.match(narrative, /기본 클래스는 어노테이션/);
  assert.match(await page.getByTestId('lesson-progress').textContent(), /단계/);

  // Something typed at the console, then English, then Korean again.
  const input = page.getByTestId('console-input');
  await input.fill('kubectl get storageclass');
  await input.press('Enter');
  const entries = await page.getByTestId('console-entry').count();
  const step = await page.getByTestId('lesson-step').getAttribute('data-step');
  await page.getByTestId('lang-en').click();
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
  assert.equal(await page.getByTestId('console-entry').count(), entries, 'the console keeps its history');
  assert.match(await page.getByTestId('console-command').last().textContent(), /kubectl get storageclass/);
  assert.equal(await page.getByTestId('lesson-step').getAttribute('data-step'), step, 'the lesson keeps its place');
  assert.match(await page.getByTestId('lesson-narrative').textContent(), /The default is nothing more than an/);
  assert.equal(await page.getByTestId('lesson-run').textContent(), '▶ Run');
  // ↑ still walks the history typed before the switch.
  await input.press('ArrowUp');
  assert.equal(await input.inputValue(), 'kubectl get storageclass');
  await page.getByTestId('lang-ko').click();
  assert.equal(await page.getByTestId('console-entry').count(), entries);
  assert.equal(await page.getByTestId('lang-ko').getAttribute('aria-pressed'), 'true');
  // The address bar follows the switch, so a reload keeps the language.
  assert.match(page.url(), /lang=ko/);
  assertClean(env, recorded);
  await recorded.context.close();
});

test('the choice is remembered, and the browser language decides the first visit', async () => {
  // A Korean browser, no ?lang, nothing stored: Korean.
  const korean = await env.browser.newContext({ locale: 'ko-KR', serviceWorkers: 'block' });
  const page = await korean.newPage();
  await page.goto(env.site.url, { waitUntil: 'load' });
  await page.getByTestId('app').waitFor();
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'ko');
  assert.equal(await page.getByTestId('lesson-run').textContent(), '▶ 실행');
  // The learner picks English: it stays English on the next visit.
  await page.getByTestId('lang-en').click();
  await page.reload({ waitUntil: 'load' });
  await page.getByTestId('app').waitFor();
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
  // ?lang= wins over the stored choice.
  await page.goto(`${env.site.url}?lang=ko`, { waitUntil: 'load' });
  await page.getByTestId('app').waitFor();
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'ko');
  await korean.close();

  // An English browser: English.
  const english = await env.browser.newContext({ locale: 'en-US', serviceWorkers: 'block' });
  const p2 = await english.newPage();
  await p2.goto(env.site.url, { waitUntil: 'load' });
  await p2.getByTestId('app').waitFor();
  assert.equal(await p2.evaluate(() => document.documentElement.lang), 'en');
  await english.close();
});

for (const [width, height] of [
  [1280, 720],
  [390, 844],
]) {
  test(`the Korean page fits at ${width}×${height}`, async () => {
    const recorded = await openPage(env, { query: '?lang=ko', width, height });
    const { page } = recorded;
    await runLessonSteps(page, 8);
    await page.getByTestId('play').click();
    // Nothing of the page's chrome is wider than the viewport (Korean runs longer).
    const overflowing = await page.evaluate((w) => {
      const out = [];
      for (const el of document.querySelectorAll('header *, .lesson-actions *, .transport *, .editor-actions *, .canvas-toolbar *')) {
        const r = el.getBoundingClientRect();
        // The legend's list is a fold-out (closed here), laid out the same in English.
        if (el.closest('.legend ul')) continue;
        if (r.width > 0 && (r.right > w + 1 || r.left < -1)) out.push(`${el.tagName}.${el.className}`);
      }
      return out;
    }, width);
    assert.deepEqual(overflowing, [], 'chrome inside the viewport');
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: `${SCREENSHOTS}i18n-ko-${width}x${height}.png` });
    if (width > 800) {
      await page.locator('[data-testid="pod"][data-name="mongo-0"]').click();
      await page.getByTestId('inspector-why').waitFor();
      await page.screenshot({ path: `${SCREENSHOTS}i18n-ko-${width}x${height}-inspector.png` });
    }
    assertClean(env, recorded);
    await recorded.context.close();
  });
}
