// Prints the size of every file the page ships (dist/ by default): raw, gzip -9 and
// brotli (quality 11), which is what a web server would send over the wire; the single
// offline file (dist/orrery-offline.html) on its own line, outside the site's total.
//
//   node scripts/size.mjs [DIR]        (make size)
//
// The last line checks issue 7's budget: the wasm, JS and CSS together ≤ 300 KB brotli
// (KB = 1,024 bytes). Over budget it says FAIL, and exits 1 only when
// ORRERY_SIZE_STRICT=1 (so `make size` reports, and a strict check can hold the line).
//
// Until the bundle meets that budget, a ceiling holds what it has reached: the line
// before it compares the bundle with scripts/size-ceiling.json, and with
// ORRERY_SIZE_CEILING_STRICT=1 (`make test` sets it) a bundle over the ceiling fails.
// Growth is then a decision: raise the ceiling in the commit that needs the bytes, and
// say why; lower it when a change wins bytes back (BENCHMARKS.md, "The size ceiling").

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** Issue 7: shipped wasm + JS + CSS, brotli. */
export const BUDGET_BROTLI = 300 * 1024;
/** The ceiling file: `{ "brotli_kb": N, … }`, the most the bundle may weigh now. */
export const CEILING_FILE = fileURLToPath(new URL('size-ceiling.json', import.meta.url));
/** The files that count against the budget. */
export const SHIPPED = /\.(wasm|js|css)$/;
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { OFFLINE_NAME } from './offline.mjs';

// Raw, gzip -9 and brotli (quality 11) sizes of every file under `dir`, sorted by path.
// scripts/bench.mjs uses it for the bundle budget.
export function measure(dir) {
  const rows = [];
  for (const path of files(dir)) {
    const data = readFileSync(path);
    const gzip = gzipSync(data, { level: 9 }).length;
    const brotli = brotliCompressSync(data, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: 11,
        [constants.BROTLI_PARAM_SIZE_HINT]: data.length,
      },
    }).length;
    rows.push({ name: relative(dir, path), raw: data.length, gzip, brotli });
  }
  return rows;
}

function* files(d) {
  for (const name of readdirSync(d).sort()) {
    const path = join(d, name);
    if (statSync(path).isDirectory()) yield* files(path);
    else yield path;
  }
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const dir = process.argv[2] ?? 'dist';
  const rows = measure(dir);
  if (rows.length === 0) {
    console.error(`${dir} is empty: run \`make dist\` first`);
    process.exit(1);
  }
  const kb = (n) => `${(n / 1024).toFixed(1)} KiB`.padStart(11);
  const width = Math.max(5, ...rows.map((r) => r.name.length));
  const line = (name, raw, gzip, brotli) =>
    console.log(`${name.padEnd(width)}  ${raw}  ${gzip}  ${brotli}`);
  // The single offline file (scripts/offline.mjs) is the whole page again: it is shown
  // on its own line, not added to the site's total.
  const site = rows.filter((r) => r.name !== OFFLINE_NAME);
  line('file', 'raw'.padStart(11), 'gzip'.padStart(11), 'brotli'.padStart(11));
  for (const r of site) line(r.name, kb(r.raw), kb(r.gzip), kb(r.brotli));
  const sum = (k) => site.reduce((a, r) => a + r[k], 0);
  line('total', kb(sum('raw')), kb(sum('gzip')), kb(sum('brotli')));
  const offline = rows.find((r) => r.name === OFFLINE_NAME);
  if (offline) {
    console.log('');
    line(offline.name, kb(offline.raw), kb(offline.gzip), kb(offline.brotli));
  }
  const shipped = rows.filter((r) => SHIPPED.test(r.name));
  const brotli = shipped.reduce((a, r) => a + r.brotli, 0);
  const gzip = shipped.reduce((a, r) => a + r.gzip, 0);
  const pass = brotli <= BUDGET_BROTLI;
  const ceiling = JSON.parse(readFileSync(CEILING_FILE, 'utf8')).brotli_kb * 1024;
  const held = brotli <= ceiling;
  console.log(
    `ceiling (scripts/size-ceiling.json): ${(ceiling / 1024).toFixed(1)} KB brotli: ` +
      (held
        ? `held (${((ceiling - brotli) / 1024).toFixed(1)} KB under)`
        : `FAIL: ${((brotli - ceiling) / 1024).toFixed(1)} KB over; win the bytes back, ` +
          'or raise the ceiling in the commit that needs them and say why'),
  );
  console.log(
    `bundle (wasm + JS + CSS): ${(brotli / 1024).toFixed(1)} KB brotli ` +
      `(${(gzip / 1024).toFixed(1)} KB gzip); budget ${BUDGET_BROTLI / 1024} KB brotli: ` +
      (pass ? 'PASS' : 'FAIL'),
  );
  if (!held && process.env.ORRERY_SIZE_CEILING_STRICT === '1') process.exit(1);
  if (!pass && process.env.ORRERY_SIZE_STRICT === '1') process.exit(1);
}
