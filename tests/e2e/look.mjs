// A scratch look at the page (not a test): runs the lesson through the console and takes
// screenshots at desktop and phone sizes, light and dark, into $OUT (default /tmp/shots).
//   node tests/e2e/look.mjs
import { chromium } from 'playwright-core';
import { fileURLToPath } from 'node:url';
import { serve } from './server.mjs';

const DIST = process.env.DIST || fileURLToPath(new URL('../../dist/', import.meta.url));
const OUT = process.env.OUT || '/tmp/canvas-shots';
const site = await serve(DIST);
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu'] });
const LESSON = [
  'minikube start --addons volumesnapshots,csi-hostpath-driver --kubernetes-version=1.21.2',
  `kubectl patch storageclass csi-hostpath-sc -p '{"metadata": {"annotations":{"storageclass.kubernetes.io/is-default-class":"true"}}}'`,
  `kubectl patch storageclass standard -p '{"metadata": {"annotations":{"storageclass.kubernetes.io/is-default-class":"false"}}}'`,
  'kubectl create -f pacman-stateful-demo.yaml',
  'sleep 60s',
  'minikube addons enable ingress',
  'kubectl create -f pacman-ingress.yaml',
  'sleep 60s',
];
const only = process.argv[2];
for (const [name, viewport, scheme] of [
  ['desktop-light', { width: 1280, height: 720 }, 'light'],
  ['desktop-dark', { width: 1280, height: 720 }, 'dark'],
  ['phone-light', { width: 390, height: 844 }, 'light'],
  ['phone-dark', { width: 390, height: 844 }, 'dark'],
]) {
  if (only && !name.startsWith(only)) continue;
  const context = await browser.newContext({ viewport, colorScheme: scheme, deviceScaleFactor: 1 });
  const page = await context.newPage();
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') console.log(name, m.type(), m.text()); });
  page.on('pageerror', (e) => console.log(name, 'pageerror', e.message));
  await page.goto(site.url);
  await page.getByTestId('app').waitFor();
  await page.screenshot({ path: `${OUT}/${name}-0-empty.png`, fullPage: name.startsWith('phone') });
  const input = page.getByTestId('console-input');
  for (const line of LESSON) {
    await input.fill(line);
    await input.press('Enter');
  }
  await page.waitForTimeout(800);
  await page.screenshot({ path: `${OUT}/${name}-1-lesson.png`, fullPage: name.startsWith('phone') });
  await page.locator('[data-testid="pod"][data-name="mongo-0"]').click();
  await page.waitForTimeout(300);
  await page.screenshot({ path: `${OUT}/${name}-2-selected.png`, fullPage: name.startsWith('phone') });
  await page.getByTestId('request-send').click();
  await page.waitForTimeout(700);
  await page.screenshot({ path: `${OUT}/${name}-3-request-mid.png` });
  await page.waitForTimeout(2000);
  await page.screenshot({ path: `${OUT}/${name}-4-request.png`, fullPage: name.startsWith('phone') });
  await context.close();
}
await browser.close();
await site.close();
