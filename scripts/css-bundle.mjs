// The page's CSS as one file. Trunk runs this before every build (Trunk.toml
// [[hooks]] pre_build); it joins style/*.css, in the cascade order below, into
// target/css/orrery.css, which index.html links as the page's only stylesheet.
//
// Why one file (BENCHMARKS.md, "First render, session 5"): nine stylesheets are nine
// requests, and Chromium opens at most six connections to a host over HTTP/1.1, so the
// wasm (2.2 MB) and its loader waited behind the CSS; one stylesheet took a cold load's
// wasm arrival from ~400 to ~190 ms under load. The sources stay separate files, one per
// part of the page, so that branches editing different parts do not conflict.
//
// A new style/*.css file must be added to ORDER (or linked from index.html on its own):
// the build fails on a file that is in neither, so no rule is silently left out.
//
//   node scripts/css-bundle.mjs        (Trunk does it; by hand only to look at the file)

import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The stylesheets in cascade order: a later file wins over an earlier one at equal
 * specificity (the order index.html linked them in before they were joined). */
export const ORDER = [
  'theme.css',
  'main.css',
  'layout.css',
  'canvas.css',
  'console.css',
  'reach.css',
  'i18n.css',
  'bigpaste.css',
  'slices.css',
];

export const OUTPUT = 'target/css/orrery.css';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

export function bundle() {
  const html = readFileSync(join(root, 'index.html'), 'utf8');
  const missing = readdirSync(join(root, 'style'))
    .filter((f) => f.endsWith('.css') && !ORDER.includes(f) && !html.includes(`style/${f}`));
  if (missing.length) {
    throw new Error(`style/${missing.join(', style/')}: in neither scripts/css-bundle.mjs ORDER nor index.html`);
  }
  // Each file starts on a new line, with its name, so the dev build's CSS says where a
  // rule comes from (the release build is minified by Trunk).
  return ORDER.map((f) => `/* style/${f} */\n${readFileSync(join(root, 'style', f), 'utf8')}\n`).join('');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const css = bundle();
  const out = join(root, OUTPUT);
  mkdirSync(dirname(out), { recursive: true });
  // Unchanged text is not rewritten, so `trunk serve` sees no new file.
  let old = null;
  try { old = readFileSync(out, 'utf8'); } catch { /* first build */ }
  if (old !== css) writeFileSync(out, css);
}
