// End-to-end tests of the cluster canvas, the inspector and their direct manipulation,
// against the RELEASE build in headless Chromium. The lesson's commands are typed into
// the console (data-testid="console-input"), as a learner would; every other action is a
// click or a key on the canvas and the inspector, and each must echo its kubectl command.
// One screenshot per step goes to tests/e2e/screenshots/canvas-*.png.
//
// Run with `make test-e2e`, or `node --test tests/e2e/` after `make dist`.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openPage, SCREENSHOTS, useBrowser } from './harness.mjs';

const PATCH_CSI = `kubectl patch storageclass csi-hostpath-sc -p '{"metadata": {"annotations":{"storageclass.kubernetes.io/is-default-class":"true"}}}'`;
const PATCH_STANDARD = `kubectl patch storageclass standard -p '{"metadata": {"annotations":{"storageclass.kubernetes.io/is-default-class":"false"}}}'`;

const env = useBrowser();

/** A fresh page that records every problem (console errors and warnings, failed
 * requests) and refuses any request that is not for our server. */
async function open(viewport, colorScheme = 'light') {
  return openPage(env, { ...viewport, colorScheme });
}

/** Helpers bound to one page. */
function on(page) {
  const node = (kind, name) => page.locator(`[data-testid="${kind}"][data-name="${name}"]`);
  return {
    node,
    /** A screenshot once the entrance animations have played. */
    async shot(name, fullPage = false) {
      await page.waitForTimeout(700);
      await page.screenshot({ path: `${SCREENSHOTS}canvas-${name}.png`, fullPage });
    },
    /** Types a command into the console and presses Enter. */
    async run(line) {
      const input = page.getByTestId('console-input');
      await input.fill(line);
      await input.press('Enter');
    },
    /** Waits until the page shows `text` somewhere (the console's echo of a command). */
    async echoed(text) {
      await page.waitForFunction((t) => document.body.innerText.includes(t), text, { timeout: 10_000 });
    },
    /** Waits until an attribute of the node has a value. */
    async attr(kind, name, attr, value) {
      await page.waitForFunction(
        ([k, n, a, v]) => [...document.querySelectorAll(`[data-testid="${k}"][data-name="${n}"]`)].some((e) => e.getAttribute(a) === v),
        [kind, name, attr, value],
        { timeout: 20_000 },
      );
    },
    /** The centre of an element's box on the page. */
    async centre(locator) {
      const b = await locator.boundingBox();
      return { x: b.x + b.width / 2, y: b.y + b.height / 2, box: b };
    },
  };
}

function inside(point, box) {
  return point.x >= box.x && point.x <= box.x + box.width && point.y >= box.y && point.y <= box.y + box.height;
}

test('the canvas tells the lesson, and every click is a kubectl command', async (t) => {
  const { context, page, problems } = await open({ width: 1280, height: 720 });
  const { node, shot, run, echoed, attr, centre } = on(page);
  try {
    await t.test('the default scenario loads: one cluster, standard is the default', async () => {
      await node('storageclass', 'standard').waitFor();
      assert.equal(await page.getByTestId('default-star').count(), 1);
      assert.ok(await page.getByTestId('canvas').isVisible());
      assert.ok(await page.getByTestId('inspector').isVisible());
      await shot('01-default');
    });

    await t.test('minikube start adds the csi class', async () => {
      await run('minikube start --addons volumesnapshots,csi-hostpath-driver --kubernetes-version=v1.21.2');
      await node('storageclass', 'csi-hostpath-sc').waitFor();
      await shot('02-minikube-start');
    });

    await t.test('clicking makes csi-hostpath-sc the default: two patches, and the star moves', async () => {
      await node('storageclass', 'csi-hostpath-sc').click();
      await page.getByTestId('make-default').click();
      await echoed(PATCH_CSI);
      await echoed(PATCH_STANDARD);
      const csi = await centre(node('storageclass', 'csi-hostpath-sc'));
      await page.waitForFunction(
        (box) => {
          const stars = document.querySelectorAll('[data-testid="default-star"]');
          if (stars.length !== 1) return false;
          const b = stars[0].getBoundingClientRect();
          const c = { x: b.x + b.width / 2, y: b.y + b.height / 2 };
          return c.x >= box.x && c.x <= box.x + box.width && c.y >= box.y && c.y <= box.y + box.height;
        },
        csi.box,
        { timeout: 5_000 },
      );
      await shot('03-default-class-moved');
    });

    await t.test('creating the lesson: mongo-0 ready, its claim bound through csi-hostpath-sc', async () => {
      await run('kubectl create -f pacman-stateful-demo.yaml');
      await run('kubectl wait --for=condition=Ready pod/mongo-0 -n pacman --timeout=120s');
      await attr('pod', 'mongo-0', 'data-status', 'ready');
      await attr('pod', 'mongo-0', 'data-badge', '0');
      await attr('claim', 'mongo-storage', 'data-status', 'bound');
      const claim = await node('claim', 'mongo-storage').getAttribute('data-uid');
      assert.equal(await page.locator(`[data-testid="edge"][data-kind="Bound"][data-from="${claim}"]`).count(), 1);
      // Hover/selection explains the claim's class.
      await node('claim', 'mongo-storage').click();
      await page.getByTestId('inspector-tab-why').click();
      assert.match(await page.getByTestId('why').textContent(), /csi-hostpath-sc/);
      await shot('04-lesson-created');
    });

    await t.test('the inspector shows mongo-0 as stored, described, its events', async () => {
      await node('pod', 'mongo-0').click();
      assert.equal(await page.getByTestId('inspector-name').textContent(), 'mongo-0');
      await page.getByTestId('inspector-tab-yaml').click();
      const yaml = await page.getByTestId('inspector-yaml').textContent();
      assert.match(yaml, /kind: Pod/);
      assert.match(yaml, /claimName: mongo-storage/);
      assert.match(yaml, /terminationGracePeriodSeconds: 30/, 'defaults filled in');
      await page.getByTestId('inspector-tab-describe').click();
      const describe = await page.getByTestId('inspector-describe').textContent();
      assert.match(describe, /\$ kubectl describe pod mongo-0 -n pacman/);
      assert.match(describe, /Name:\s+mongo-0/);
      await page.getByTestId('inspector-tab-events').click();
      await page.getByTestId('inspector-event').first().waitFor();
      assert.match(await page.getByTestId('inspector-events').textContent(), /Scheduled/);
      await shot('05-inspector');
    });

    await t.test('a file written on mongo-0 with kubectl exec', async () => {
      await page.getByTestId('exec-open').click();
      await page.getByTestId('exec-text').fill('high score: ada 4200');
      await page.getByTestId('exec-write').click();
      await echoed("kubectl exec mongo-0 -n pacman -- sh -c 'echo '\\''high score: ada 4200'\\'' > /bitnami/mongodb/note.txt'");
      await page.getByTestId('exec-read').click();
      await page.waitForFunction(() => /high score: ada 4200/.test(document.querySelector('[data-testid="exec-output"]')?.textContent ?? ''));
    });

    await t.test('deleting mongo-0 by clicking: it comes back with a new UID and the same claim', async () => {
      const mongo = node('pod', 'mongo-0');
      const oldUid = await mongo.getAttribute('data-uid');
      const claimUid = await node('claim', 'mongo-storage').getAttribute('data-uid');
      await mongo.click();
      assert.equal(await page.getByTestId('inspector-name').textContent(), 'mongo-0');
      await page.getByTestId('delete-button').click();
      await echoed('kubectl delete pod mongo-0 -n pacman');
      await attr('pod', 'mongo-0', 'data-status', 'terminating');
      await shot('06-mongo-terminating');
      await run('sleep 35s');
      await page.waitForFunction(
        (old) => [...document.querySelectorAll('[data-testid="pod"][data-name="mongo-0"]')].some(
          (e) => e.getAttribute('data-uid') !== old && e.getAttribute('data-status') === 'ready'),
        oldUid,
        { timeout: 30_000 },
      );
      const newUid = await page
        .locator(`[data-testid="pod"][data-name="mongo-0"]:not([data-uid="${oldUid}"])`)
        .getAttribute('data-uid');
      assert.notEqual(newUid, oldUid, 'a new pod object');
      assert.equal(await node('claim', 'mongo-storage').getAttribute('data-uid'), claimUid, 'the same claim');
      assert.equal(
        await page.locator(`[data-testid="edge"][data-kind="Mounts"][data-from="${newUid}"][data-to="${claimUid}"]`).count(),
        1,
        'the claim line goes to the new pod',
      );
      assert.equal(await page.locator(`[data-testid="edge"][data-from="${oldUid}"]`).count(), 0);
      // The inspector explains the recreation.
      await page.getByTestId('select-successor').click();
      await page.getByTestId('inspector-tab-why').click();
      const why = await page.getByTestId('why').textContent();
      assert.match(why, /StatefulSet mongo has replicas 1, and ordinal 0 was missing/);
      assert.match(why, /replaces an earlier mongo-0/);
      // The file is still there: it lives on the claim's volume, not in the pod.
      await page.getByTestId('exec-open').click();
      await page.getByTestId('exec-read').click();
      await echoed('kubectl exec mongo-0 -n pacman -- cat /bitnami/mongodb/note.txt');
      await page.waitForFunction(() => /high score: ada 4200/.test(document.querySelector('[data-testid="exec-output"]')?.textContent ?? ''));
      await shot('07-mongo-recreated');
    });

    await t.test('scaling the pacman Deployment to 10 with the control', async () => {
      await node('deployment', 'pacman').click();
      const input = page.getByTestId('scale-input');
      await input.fill('10');
      await input.press('Enter');
      await echoed('kubectl scale deployment pacman --replicas=10 -n pacman');
      await page.waitForFunction(
        () => document.querySelectorAll('[data-testid="pod"][data-name^="pacman-"]').length === 10,
        null,
        { timeout: 10_000 },
      );
      await run('sleep 30s');
      await page.waitForFunction(
        () => [...document.querySelectorAll('[data-testid="pod"][data-name^="pacman-"]')].every((e) => e.getAttribute('data-status') === 'ready'),
        null,
        { timeout: 20_000 },
      );
      await shot('08-scaled-to-10');
    });

    await t.test('enabling ingress by clicking, then a request for pacman.com reaches a pacman pod', async () => {
      // A click on the background clears the selection: the inspector shows the cluster.
      await page.getByTestId('canvas-svg').click({ position: { x: 5, y: 5 } });
      await page.getByTestId('addon-ingress').check();
      await echoed('minikube addons enable ingress');
      await run('kubectl create -f pacman-ingress.yaml');
      await run('sleep 60s');
      await page.locator('[data-testid="ingress-rule"]').first().waitFor();
      await attr('ingress-controller', 'ingress controller', 'data-status', 'ready');
      assert.equal(await page.getByTestId('request-host').inputValue(), 'pacman.com');
      await page.getByTestId('request-send').click();
      await echoed("curl -s -H 'Host: pacman.com' http://192.168.49.2/");
      const request = page.getByTestId('request');
      await request.waitFor();
      assert.equal(await request.getAttribute('data-ok'), 'true');
      const end = await request.getAttribute('data-end');
      assert.match(await page.locator(`[data-testid="pod"][data-uid="${end}"]`).getAttribute('data-name'), /^pacman-/);
      // The route: client → controller → rule → Service → pod.
      const through = (await request.getAttribute('data-through')).split(' ');
      assert.equal(through[0], 'lane:client');
      assert.equal(through[1], 'lane:controller');
      assert.match(through[2], /^rule:/);
      const svc = await page.locator('[data-testid="service"][data-name="pacman"]').getAttribute('data-uid');
      assert.equal(through[3], svc);
      // The dot is on its way, then arrives at the pod.
      await page.waitForTimeout(300);
      await page.screenshot({ path: `${SCREENSHOTS}canvas-09-request-travelling.png` });
      const pod = await centre(page.locator(`[data-testid="pod"][data-uid="${end}"]`));
      await page.waitForFunction(
        (box) => {
          const b = document.querySelector('.request-dot').getBoundingClientRect();
          const c = { x: b.x + b.width / 2, y: b.y + b.height / 2 };
          return c.x >= box.x && c.x <= box.x + box.width && c.y >= box.y && c.y <= box.y + box.height;
        },
        pod.box,
        { timeout: 6_000 },
      );
      assert.match(await page.getByTestId('request-result').textContent(), /200 OK/);
      await shot('10-request-arrived');
    });

    await t.test('a request for an unknown host stops at the controller with a 404 and says why', async () => {
      await page.getByTestId('request-host').fill('nobody.example');
      await page.getByTestId('request-send').click();
      await echoed("curl -s -H 'Host: nobody.example' http://192.168.49.2/");
      await page.waitForFunction(() => document.querySelector('[data-testid="request"]')?.getAttribute('data-ok') === 'false');
      assert.equal(await page.getByTestId('request').getAttribute('data-end'), 'lane:controller');
      assert.match(await page.getByTestId('request-result').textContent(), /404 Not Found/);
      await page.waitForTimeout(2_500);
      await shot('11-request-404');
    });

    await t.test('a request made inside a pod travels from that pod', async () => {
      await run('kubectl run client -n pacman --image=busybox:1.36 -- sleep infinity');
      await run('sleep 10s');
      await attr('pod', 'client', 'data-status', 'ready');
      await run('kubectl exec client -n pacman -- wget -qO- http://pacman/highscores/list');
      await echoed('kubectl exec client -n pacman -- wget -qO- http://pacman/highscores/list');
      const client = await node('pod', 'client').getAttribute('data-uid');
      await page.waitForFunction(
        (uid) => document.querySelector('[data-testid="request"]')?.getAttribute('data-through')?.startsWith(uid),
        client,
        { timeout: 10_000 },
      );
      const request = page.getByTestId('request');
      assert.equal(await request.getAttribute('data-ok'), 'true');
      const through = (await request.getAttribute('data-through')).split(' ');
      const svc = await page.locator('[data-testid="service"][data-name="pacman"]').getAttribute('data-uid');
      assert.equal(through[1], svc);
      assert.match(await page.locator(`[data-testid="pod"][data-uid="${through[2]}"]`).getAttribute('data-name'), /^pacman-/);
      await page.waitForTimeout(300);
      await page.screenshot({ path: `${SCREENSHOTS}canvas-11b-request-from-a-pod.png` });
    });

    await t.test('the keyboard reaches every node: Tab focuses, Enter selects', async () => {
      const mongo = node('pod', 'mongo-0');
      await mongo.focus();
      await page.keyboard.press('Enter');
      await page.waitForFunction(() => document.querySelector('[data-testid="inspector-name"]')?.textContent === 'mongo-0');
      assert.equal(await mongo.getAttribute('aria-pressed'), 'true');
      await page.keyboard.press('Tab');
      const focused = await page.evaluate(() => document.activeElement?.getAttribute('data-testid'));
      assert.ok(focused, 'focus moved on to another control');
      await shot('12-keyboard');
    });

    await t.test('Fit shows the whole cluster, for a slide', async () => {
      await page.getByTestId('zoom-fit').click();
      const fits = await page.evaluate(() => {
        const svg = document.querySelector('[data-testid="canvas-svg"]').getBoundingClientRect();
        const view = document.querySelector('.canvas-scroll').getBoundingClientRect();
        return svg.width <= view.width + 1 && svg.height <= view.height + 1;
      });
      assert.ok(fits);
      await shot('12b-fit');
      await page.getByTestId('zoom-reset').click();
    });

    await t.test('the theme toggle switches to dark', async () => {
      await page.getByTestId('theme-toggle').click();
      assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'dark');
      await page.waitForTimeout(400);
      await shot('13-dark');
      await page.getByTestId('theme-toggle').click();
      assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'light');
    });

    await t.test('with reduced motion, nothing moves', async () => {
      await page.emulateMedia({ reducedMotion: 'reduce' });
      const anim = await node('pod', 'mongo-0').evaluate((e) => getComputedStyle(e).animationName);
      assert.equal(anim, 'none');
      await page.emulateMedia({ reducedMotion: null });
    });

    assert.deepEqual(problems, [], 'no console errors or warnings');
  } finally {
    await context.close();
  }
});

test('on a phone the panels stack, in dark too', async () => {
  const { context, page, problems } = await open({ width: 390, height: 844 }, 'dark');
  const { node, shot, run } = on(page);
  try {
    await run('minikube start --addons volumesnapshots,csi-hostpath-driver --kubernetes-version=v1.21.2');
    await run('kubectl create -f pacman-stateful-demo.yaml');
    await run('kubectl wait --for=condition=Ready pod/mongo-0 -n pacman --timeout=120s');
    await node('pod', 'mongo-0').waitFor();
    const box = async (id) => page.getByTestId(id).boundingBox();
    const canvas = await box('canvas');
    const inspector = await box('inspector');
    assert.ok(canvas.width <= 390 && inspector.width <= 390, 'nothing wider than the phone');
    assert.ok(inspector.y >= canvas.y + canvas.height, 'the inspector is under the canvas');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(overflow <= 390, `no sideways scrolling of the page (${overflow}px)`);
    await shot('14-phone-dark');
    await shot('15-phone-dark-full', true);
    // On a dark system, the toggle picks light, for every panel.
    await page.getByTestId('theme-toggle').click();
    const colours = await page.evaluate(() => ({
      body: getComputedStyle(document.body).backgroundColor,
      play: getComputedStyle(document.querySelector('[data-testid="play"]') ?? document.body).backgroundColor,
    }));
    assert.equal(colours.body, 'rgb(243, 245, 249)');
    assert.notEqual(colours.play, 'rgb(27, 36, 54)', 'the time bar follows the choice too');
    await page.evaluate(() => window.scrollTo(0, 0));
    await shot('16-phone-light-on-a-dark-system');
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('a thousand pods render, and the page stays responsive', async () => {
  const { context, page, problems } = await open({ width: 1280, height: 720 });
  const { run, shot } = on(page);
  try {
    await run('kubectl create deployment big --image=nginx --replicas=1000');
    await page.waitForFunction(
      () => [...document.querySelectorAll('[data-testid="pod"]')].filter((e) => e.getAttribute('data-status') === 'ready').length === 1000,
      null,
      { timeout: 60_000, polling: 250 },
    );
    // Idle: no long frames while the clock keeps ticking.
    const long = await page.evaluate(
      () => new Promise((resolve) => {
        const seen = [];
        const obs = new PerformanceObserver((l) => l.getEntries().forEach((e) => seen.push(Math.round(e.duration))));
        obs.observe({ type: 'longtask' });
        setTimeout(() => { obs.disconnect(); resolve(seen); }, 3_000);
      }),
    );
    assert.ok(long.every((d) => d < 400), `long tasks while idle: ${long}`);
    // A click selects at once.
    const started = Date.now();
    const glyph = page.locator('[data-testid="pod"]').nth(500);
    await glyph.click();
    await page.getByTestId('inspector-name').waitFor();
    assert.ok(Date.now() - started < 2_000, 'selecting a pod among a thousand is quick');
    // A group this big is drawn as glyphs (scene::GLYPH_GROUP): each pod still its own
    // element, named by its title, pressed when selected, and the inspector shows it.
    assert.equal(await page.locator('.glyphs [data-testid="pod"]').count(), 1000);
    const name = await glyph.getAttribute('data-name');
    assert.equal(await page.getByTestId('inspector-name').textContent(), name);
    await page.waitForFunction((n) => document.querySelector(`.glyphs [data-name="${n}"]`)?.getAttribute('aria-pressed') === 'true', name);
    assert.match(await glyph.locator('title').textContent(), new RegExp(`${name}.*Ready`));
    // Enter on another glyph selects it.
    const other = page.locator('.glyphs [data-testid="pod"]').nth(3);
    await other.focus();
    await page.keyboard.press('Enter');
    const otherName = await other.getAttribute('data-name');
    await page.waitForFunction((n) => document.querySelector('[data-testid="inspector-name"]')?.textContent === n, otherName);
    // The glyphs are painted on a canvas under the pods' rects (canvas_glyphs.rs
    // `Paint`): at each rect's place the picture shows the fill of that pod's state, as
    // the style sheet gives it to the state's hidden probe; each pod's rect is what the
    // pointer finds at its centre.
    const drawn = () => page.evaluate(() => {
      const fills = {};
      for (const g of document.querySelectorAll('.glyphs .glyph-probes > g')) {
        const state = g.getAttribute('class').split(' ').pop();
        const m = getComputedStyle(g.querySelector('.box')).fill.match(/\d+/g);
        fills[state] = m ? m.slice(0, 3).map(Number) : null;
      }
      const out = { painted: {}, rects: {}, unknown: [] };
      for (const group of document.querySelectorAll('.glyphs')) {
        const fo = group.querySelector('foreignObject.glyph-paint');
        const canvas = fo?.querySelector('canvas');
        if (!canvas || !canvas.width) continue;
        const [fx, fy, fw] = ['x', 'y', 'width'].map((k) => Number(fo.getAttribute(k) ?? 0));
        const k = canvas.width / fw;
        // Read through a copy: reading the page's own canvas back again and again
        // would make Chromium warn (and slow its drawing).
        const copy = document.createElement('canvas');
        [copy.width, copy.height] = [canvas.width, canvas.height];
        const cx = copy.getContext('2d', { willReadFrequently: true });
        cx.drawImage(canvas, 0, 0);
        const data = cx.getImageData(0, 0, canvas.width, canvas.height).data;
        for (const r of group.querySelectorAll('[data-testid="pod"]')) {
          const [x, y] = [Number(r.getAttribute('x')), Number(r.getAttribute('y'))];
          // Inside the box, under every state's mark: the state's fill alone.
          const px = Math.round((x - fx + 10) * k), py = Math.round((y - fy + 17) * k);
          const i = (py * canvas.width + px) * 4;
          const rgb = [data[i], data[i + 1], data[i + 2]];
          const near = Object.entries(fills).filter(([, f]) => f && f.every((v, j) => Math.abs(v - rgb[j]) <= 3));
          const state = near.length ? near[0][0] : `rgba(${rgb},${data[i + 3]})`;
          if (!near.length) out.unknown.push(state);
          (out.painted[state] ??= []).push(`${x},${y}`);
          (out.rects[r.getAttribute('data-status')] ??= []).push(`${x},${y}`);
        }
      }
      for (const o of [out.painted, out.rects]) for (const key in o) o[key].sort();
      return out;
    });
    const all = await drawn();
    assert.deepEqual(all.unknown, [], 'every glyph painted in a state\'s fill');
    assert.deepEqual(Object.keys(all.painted), ['ready']);
    assert.equal(all.painted.ready.length, 1000);
    assert.deepEqual(all.painted, all.rects, 'each glyph painted where its pod is, in its state');
    for (const i of [0, 3, 999]) {
      const g = page.locator('.glyphs [data-testid="pod"]').nth(i);
      await g.scrollIntoViewIfNeeded();
      const uid = await g.getAttribute('data-uid');
      const hit = await page.evaluate((u) => {
        const r = document.querySelector(`.glyphs [data-uid="${u}"]`).getBoundingClientRect();
        return document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2)?.getAttribute('data-uid');
      }, uid);
      assert.equal(hit, uid, `glyph ${i} is hit at its centre`);
    }
    // Delete on a focused glyph deletes its pod: its rect says terminating, and the
    // picture paints it so (and only it changes).
    await other.focus();
    await page.keyboard.press('Delete');
    await page.waitForFunction(
      (n) => document.querySelector(`.glyphs [data-name="${n}"]`)?.getAttribute('data-status') === 'terminating',
      otherName,
    );
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => r())));
    const after = await drawn();
    assert.deepEqual(after.unknown, []);
    assert.deepEqual(after.painted, after.rects, 'the picture follows a change of state');
    assert.ok(after.painted.terminating?.length >= 1);
    for (const at of after.rects.terminating.concat(after.rects.ready.slice(0, 50))) {
      assert.ok(at.split(',').every((v) => Number(v) % 4 === 0), `a glyph on the grid of 4: ${at}`);
    }
    // In the other theme the picture is painted again in that theme's colours.
    const fillBefore = await page.evaluate(() => getComputedStyle(document.querySelector('.glyph-probes .ready .box')).fill);
    await page.getByTestId('theme-toggle').click();
    await page.waitForFunction((f) => getComputedStyle(document.querySelector('.glyph-probes .ready .box')).fill !== f, fillBefore);
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => r())));
    const dark = await drawn();
    assert.deepEqual(dark.unknown, [], 'painted in the new theme\'s fills');
    assert.deepEqual(dark.painted, dark.rects);
    await page.getByTestId('theme-toggle').click();
    // Zoomed in, the picture is painted again at the screen's pixels (a bigger bitmap),
    // each glyph still where its pod is.
    const width = () => page.evaluate(() => document.querySelector('.glyphs foreignObject.glyph-paint canvas').width);
    const before = await width();
    await page.getByTestId('zoom-in').click();
    await page.waitForFunction((w) => document.querySelector('.glyphs foreignObject.glyph-paint canvas').width > w, before);
    const zoomed = await drawn();
    assert.deepEqual(zoomed.unknown, [], 'zoomed: painted in the states\' fills');
    assert.deepEqual(zoomed.painted, zoomed.rects, 'zoomed: each glyph where its pod is');
    await page.getByTestId('zoom-reset').click();
    await shot('17-thousand-pods');
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});
