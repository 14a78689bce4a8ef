// After Trunk's release build: the page's Content-Security-Policy, and the single
// offline file. `make dist` runs it; it reads and writes only DIR (dist/ by default).
//
//   node scripts/offline.mjs [DIR]
//
// 1. DIR/index.html gets a `<meta http-equiv="Content-Security-Policy">` (static hosts
//    cannot set headers): the page's own files only ('self'), the one inline script
//    Trunk writes allowed by its sha256 (it names the hashed file names, so the hash is
//    computed here, after every build), 'wasm-unsafe-eval' to compile the module, no
//    'unsafe-inline' anywhere. The favicon is inlined as a data: URL (browsers fetch it
//    after load; the page requests nothing after load). tests/e2e/server.mjs sends the
//    same policy as a header.
// 2. DIR/orrery-offline.html: the whole page in one file that works when double-clicked
//    (file://, no server, no network). Chromium refuses module scripts and fetch() from
//    file://, so nothing may be loaded: the wasm-bindgen glue is inlined as the page's
//    one module script, the wasm is gzip-compressed and base64-encoded into it and
//    handed to the glue's init as a stream through the browser's own
//    DecompressionStream, the CSS is inlined in one <style>, the favicon is a data: URL.
//    Lessons and manifests are already inside the wasm (include_str!). Its policy allows
//    nothing but those inline parts, by hash, and connects nowhere.
//
// Running it twice gives the same files (an existing policy is replaced).

import { createHash } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';

export const OFFLINE_NAME = 'orrery-offline.html';

/** The directives both policies share: nothing is allowed unless named. */
const BASE = {
  'default-src': ["'none'"],
  'base-uri': ["'none'"],
  'form-action': ["'none'"],
  'object-src': ["'none'"],
};

/** `'sha256-…'` of a script or style element's text, as CSP computes it. */
export function hashSource(text) {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}

/** A policy object as the header/meta value. */
export function serialize(policy) {
  return Object.entries(policy)
    .map(([k, v]) => [k, ...v].join(' '))
    .join('; ');
}

/** The site's policy: its own files; inline scripts only by hash. */
export function sitePolicy(inlineScripts) {
  return serialize({
    ...BASE,
    // Trunk's loader (inline, by hash) imports the glue ('self'), which compiles the
    // wasm ('wasm-unsafe-eval': WebAssembly compilation, not JavaScript eval).
    'script-src': ["'self'", ...inlineScripts.map(hashSource), "'wasm-unsafe-eval'"],
    // Stylesheets from the page's own files. No 'unsafe-inline': the page sets styles
    // through the CSSOM (Leptos `style:` bindings), which CSP does not restrict.
    'style-src': ["'self'"],
    // The favicon, inlined as a data: URL.
    'img-src': ['data:'],
    // The wasm module (fetched by the glue, preloaded by a <link rel=preload as=fetch>).
    // Nothing is requested after load.
    'connect-src': ["'self'"],
  });
}

/** The offline file's policy: only its own inline script and style, by hash. */
export function offlinePolicy(script, style) {
  return serialize({
    ...BASE,
    'script-src': [hashSource(script), "'wasm-unsafe-eval'"],
    'style-src': [hashSource(style)],
    // The favicon, inlined.
    'img-src': ['data:'],
    'connect-src': ["'none'"],
  });
}

/** The attributes of one start tag, unquoted values included (Trunk minifies). */
function attributes(tag) {
  const out = {};
  const re = /([^\s"'<>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g;
  const body = tag.replace(/^<\w+/, '').replace(/\/?>$/, '');
  for (const m of body.matchAll(re)) out[m[1].toLowerCase()] = m[2] ?? m[3] ?? m[4] ?? '';
  return out;
}

const CSP_META = /<meta\s+http-equiv=["']?content-security-policy["']?[^>]*>/gi;
const CHARSET_META = /<meta\s+charset=["']?utf-8["']?\s*\/?>/i;
const SCRIPT = /<script\b[^>]*>([\s\S]*?)<\/script>/gi;

/** `html` with `policy` as a meta element right after `<meta charset>`: before any
 * script or stylesheet, so it governs all of them. */
function withPolicy(html, policy) {
  const clean = html.replace(CSP_META, '');
  if (!CHARSET_META.test(clean)) throw new Error('no <meta charset=utf-8> to put the policy after');
  const meta = `<meta http-equiv="Content-Security-Policy" content="${policy}">`;
  return clean.replace(CHARSET_META, (m) => m + meta);
}

/** The inline scripts of a page (their text, exactly as CSP hashes it). */
export function inlineScripts(html) {
  return [...html.matchAll(SCRIPT)]
    .filter((m) => !/\bsrc\s*=/.test(m[0].slice(0, m[0].indexOf('>'))))
    .map((m) => m[1]);
}

/** The policy a page's meta element carries, or null. */
export function policyOf(html) {
  const meta = html.match(CSP_META)?.[0];
  return meta ? attributes(meta).content : null;
}

/** Text that must go inside an element the HTML parser reads raw. */
function raw(text, element, what) {
  if (new RegExp(`</${element}`, 'i').test(text) || (element === 'script' && /<!--|<script/i.test(text))) {
    throw new Error(`${what} contains text that would end the <${element}> early`);
  }
  return text;
}

/** Builds both outputs from Trunk's dist/. Returns what it wrote. */
export function build(dir) {
  const indexPath = join(dir, 'index.html');
  const trunkHtml = readFileSync(indexPath, 'utf8').replace(CSP_META, '');

  // The favicon becomes a data: URL in both pages: browsers fetch it after the load
  // event, and the page makes no request after load. The file itself goes.
  let html = trunkHtml;
  let icon = '';
  for (const m of trunkHtml.matchAll(/<link\b[^>]*>/gi)) {
    const a = attributes(m[0]);
    if (!(a.rel ?? '').toLowerCase().split(/\s+/).includes('icon')) continue;
    let href = a.href ?? '';
    if (!href.startsWith('data:')) {
      const file = join(dir, href.replace(/^\.\//, ''));
      const type = file.endsWith('.svg') ? 'image/svg+xml' : file.endsWith('.ico') ? 'image/x-icon' : 'image/png';
      href = `data:${type};base64,${readFileSync(file).toString('base64')}`;
      rmSync(file);
    }
    icon = `<link rel="icon" href="${href}">`;
    html = html.replace(m[0], () => icon);
  }

  // 1. The site's policy.
  const scripts = inlineScripts(html);
  const site = sitePolicy(scripts);
  writeFileSync(indexPath, withPolicy(html, site));

  // 2. The offline file. Trunk's loader names the glue and the wasm.
  const loader = scripts.find((s) => /module_or_path/.test(s));
  if (!loader) throw new Error('no Trunk loader script in index.html');
  const gluePath = loader.match(/from\s+['"]\.\/([^'"]+\.js)['"]/)?.[1];
  const wasmPath = loader.match(/module_or_path:\s*['"]\.\/([^'"]+\.wasm)['"]/)?.[1];
  if (!gluePath || !wasmPath) throw new Error('the Trunk loader does not name the glue and the wasm');
  const glue = readFileSync(join(dir, gluePath), 'utf8');
  // The glue must stand alone: an import would be a request from file://.
  if (/^\s*import\b|\bimport\s*\(/m.test(glue)) throw new Error(`${gluePath} imports another file`);
  const wasm = readFileSync(join(dir, wasmPath));
  const packed = gzipSync(wasm, { level: 9 }).toString('base64');

  let styles = '';
  const head = [];
  for (const m of html.matchAll(/<link\b[^>]*>/gi)) {
    const a = attributes(m[0]);
    const rel = (a.rel ?? '').toLowerCase().split(/\s+/);
    const file = (a.href ?? '').replace(/^\.\//, '');
    if (rel.includes('stylesheet')) styles += readFileSync(join(dir, file), 'utf8') + '\n';
    else if (!['icon', 'modulepreload', 'preload'].some((r) => rel.includes(r))) head.push(a);
  }
  if (head.length) throw new Error(`index.html links something the offline file would not carry: ${JSON.stringify(head)}`);
  raw(styles, 'style', 'the CSS');

  // The loader, for file://: decompress the module while compiling it
  // (instantiateStreaming through the glue), and say so on the page if it fails.
  const script = `${raw(glue, 'script', gluePath)}
const ORRERY_WASM_GZIP_BASE64 = "${packed}";
try {
  if (typeof DecompressionStream !== 'function') throw new Error('this browser has no DecompressionStream; open the Orrery site instead');
  const text = atob(ORRERY_WASM_GZIP_BASE64);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
  const wasm = await __wbg_init({ module_or_path: new Response(stream, { headers: { 'content-type': 'application/wasm' } }) });
  dispatchEvent(new CustomEvent('TrunkApplicationStarted', { detail: { wasm } }));
} catch (error) {
  const p = document.createElement('p');
  p.setAttribute('role', 'alert');
  p.textContent = 'Orrery could not start: ' + (error && error.message ? error.message : error);
  document.body.append(p);
  throw error;
}
`;

  const policy = offlinePolicy(script, styles);
  // Trunk's head without its links and scripts, then the inlined parts.
  let page = html
    .replace(/<link\b[^>]*>/gi, '')
    .replace(SCRIPT, '');
  page = withPolicy(page, policy);
  const inlined = `${icon}<style>${styles}</style><script type="module">${script}</script>`;
  if (!/<\/head>/i.test(page)) throw new Error('no </head> in index.html');
  page = page.replace(/<\/head>/i, () => `${inlined}</head>`);
  const offlinePath = join(dir, OFFLINE_NAME);
  writeFileSync(offlinePath, page);
  return { indexPath, offlinePath, site, offline: policy, wasm: wasm.length, packed: packed.length };
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const dir = process.argv[2] ?? 'dist';
  const out = build(dir);
  const kb = (n) => `${(n / 1024).toFixed(1)} KiB`;
  console.log(`${out.indexPath}: Content-Security-Policy added`);
  console.log(`${out.offlinePath}: ${kb(readFileSync(out.offlinePath).length)} (wasm ${kb(out.wasm)} → gzip+base64 ${kb(out.packed)})`);
}
