// The page's fonts, looked up while the wasm downloads. Trunk runs this before every
// build (Trunk.toml [[hooks]] pre_build); it writes target/css/fonts.js, which
// index.html inlines (`<link data-trunk rel="inline">`) as a small script in <head>,
// before the stylesheet and the wasm's loader.
//
// Why (BENCHMARKS.md, "First render, session 8"): the first style and layout of the page
// happen inside `main`, on the way to the first paint, and most of the layout is font
// work: for each family × size × weight the text uses (25 of them), Chromium looks the
// families of the stack up through fontconfig and asks the browser process, by a
// synchronous IPC, how to render that "strike". The results are kept for the life of the
// renderer process. Meanwhile, from the HTML's arrival until the wasm has streamed in,
// the main thread mostly waits. The script lays out an invisible line of text, one face
// after another, in tasks of about 4 ms (so that the page's loading — the wasm's bytes
// reach the compiler through the main thread — is not held up behind a long one; the
// first face takes longer, as it starts the browser's font machinery), and stops as soon
// as the app starts (`orrery:wasm-started`): then `main` finds the fonts looked up.
//
// Nothing is shown: the line is `visibility: hidden`, fixed at the top left, out of the
// page's flow and of the accessibility tree, and src/main.rs removes it before the app
// mounts. It is not contentful, so it does not move the first contentful paint. No
// request: the fonts are the system's. The families are the page's own stacks, read
// from style/main.css (`--sans`, `--mono`) and style/i18n.css (`:lang(ko)`'s `--sans`),
// so they cannot drift apart. FACES is the page's first paint in English at 1280×800 and
// 390×844 (the same set); tests/e2e/fonts.test.mjs fails when the first paint uses a
// face that is not in it — add it here then.
//
//   node scripts/boot-fonts.mjs        (Trunk does it; by hand only to look at the file)

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** [stack, size in px, weight, characters beyond "Ag" that the page shows in that face
 * (each one outside the first font of the stack is a fallback look-up of its own)];
 * `['controls']` is a check box in the browser's own font for form controls. */
export const FACES = [
  ['sans', 12, 400, '×→★'],
  ['sans', 13, 500, '▶'],
  ['sans', 12, 600, '…☾'],
  ['mono', 12.5, 400, ''],
  ['sans', 14, 400, '—'],
  ['mono', 13, 400, ''],
  ['sans', 13, 400, '×'],
  ['mono', 12, 600, ''],
  ['sans', 11, 700, '✓'],
  ['sans', 10, 400, '·'],
  ['sans', 11, 400, '↑↓·'],
  ['sans', 11, 600, ''],
  ['sans', 11, 650, ''],
  ['sans', 13, 650, '—'],
  ['sans', 13, 700, ''],
  ['sans', 14, 700, ''],
  ['sans', 15, 600, '−'],
  ['sans', 16, 400, '×'],
  ['sans', 18, 400, ''],
  ['sans', 20, 650, ''],
  ['mono', 11, 400, ''],
  ['mono', 12, 400, ''],
  ['mono', 13, 700, ''],
  ['mono', 17, 600, ''],
  ['ko', 12, 600, '한국어'],
  // The form controls' own font (the browser's, 13.33px Arial here): the check boxes.
  ['controls'],
];

export const OUTPUT = 'target/css/fonts.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The value of custom property `name` in the first rule of `css` whose selector is
 * `selector`, on one line. */
function customProperty(css, selector, name, file) {
  const rule = css.match(new RegExp(`(?:^|\\n)${selector.replace(/[()[\]:.]/g, '\\$&')}\\s*\\{([^}]*)\\}`));
  const value = rule?.[1].match(new RegExp(`${name}\\s*:\\s*([^;]+);`))?.[1];
  if (!value) throw new Error(`${file}: no ${name} in \`${selector}\` (scripts/boot-fonts.mjs reads the page's font stacks there)`);
  return value.replace(/\s+/g, ' ').trim();
}

/** The page's font stacks, as its stylesheets write them. */
export function stacks() {
  const main = readFileSync(join(root, 'style/main.css'), 'utf8');
  const i18n = readFileSync(join(root, 'style/i18n.css'), 'utf8');
  return {
    sans: customProperty(main, ':root', '--sans', 'style/main.css'),
    mono: customProperty(main, ':root', '--mono', 'style/main.css'),
    ko: customProperty(i18n, ':lang(ko)', '--sans', 'style/i18n.css'),
  };
}

/** The script index.html inlines. */
export function script(families = stacks(), faces = FACES) {
  // Family names in single quotes (the same names to CSS): Trunk's minifier mangles a
  // `\"` inside a string of the inline script into a literal backslash.
  const quoted = (stack) => {
    if (!families[stack]) throw new Error(`FACES: no stack named ${stack}`);
    return families[stack].replaceAll('"', "'");
  };
  // [font, font when the page opens in Korean (`:lang(ko)`'s stack for the sans faces),
  // lang, text]; a check box is all empty.
  const list = faces.map(([stack, size, weight, text]) => {
    if (stack === 'controls') return ['', '', '', ''];
    const font = `${weight} ${size}px ${quoted(stack)}`;
    if (stack === 'ko') return [font, font, 'ko', text];
    return [font, stack === 'sans' ? `${weight} ${size}px ${quoted('ko')}` : font, '', `Ag${text}`];
  });
  if (JSON.stringify(list).includes('\\')) throw new Error('FACES or the font stacks need an escape in the script');
  return `// Generated by scripts/boot-fonts.mjs: the page's fonts looked up while the wasm downloads.
(() => {
  const faces = ${JSON.stringify(list)};
  // The language the page will open in, as src/lang.rs decides it: ?lang=, the
  // learner's last choice, then the browser's languages (any Korean one: Korean).
  const tag = (t) => {
    const primary = String(t ?? '').trim().split(/[-_]/)[0].toLowerCase();
    return primary === 'ko' || primary === 'en' ? primary : null;
  };
  let lang = null;
  for (const pair of location.search.slice(1).split('&')) {
    const at = pair.indexOf('=');
    if (at >= 0 && pair.slice(0, at) === 'lang') { lang = tag(pair.slice(at + 1)); break; }
  }
  try { lang ??= tag(localStorage.getItem('orrery-lang')); } catch {}
  const korean = (lang ?? ((navigator.languages ?? []).some((t) => tag(t) === 'ko') ? 'ko' : 'en')) === 'ko';
  const line = document.createElement('div');
  line.id = 'orrery-fonts';
  line.setAttribute('aria-hidden', 'true');
  line.style.cssText = 'position:fixed;top:0;left:0;visibility:hidden;white-space:nowrap;pointer-events:none';
  document.documentElement.append(line);
  const add = ([font, koFont, lang, text]) => {
    let face;
    if (font) {
      face = document.createElement('span');
      face.style.font = korean ? koFont : font;
      if (lang || korean) face.lang = 'ko';
      face.textContent = korean && !lang ? text + '한국어' : text;
    } else {
      face = document.createElement('input');
      face.type = 'checkbox';
      face.tabIndex = -1;
    }
    line.append(face);
    void line.offsetWidth;
  };
  const channel = new MessageChannel();
  let i = 0;
  const stop = () => { line.remove(); channel.port1.close(); };
  channel.port1.onmessage = () => {
    if (!line.isConnected || performance.getEntriesByName('orrery:wasm-started').length) return stop();
    const until = performance.now() + 4;
    do add(faces[i]); while (++i < faces.length && performance.now() < until);
    if (i < faces.length) channel.port2.postMessage(0); else stop();
  };
  channel.port2.postMessage(0);
})();
`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const out = join(root, OUTPUT);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, script());
}
