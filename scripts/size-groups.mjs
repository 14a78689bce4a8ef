// Where the brotli bytes of the page's wasm go, by group of functions (the simulator's
// kubectl, its controllers, Leptos, the page's components, …). BENCHMARKS.md, "Size:
// what stands in the way of 300 KB".
//
//   node scripts/size-groups.mjs [target/wasm-bindgen/release/orrery-web_bg.wasm]
//
// Reads wasm-bindgen's output before wasm-opt (it still has the function names; `make
// dist` writes it), sorts every function body into a group by its name, and prints for
// each group its raw size, its brotli size alone, and what it adds to the brotli size of
// all groups together (all minus all-but-this-group): the best estimate of what removing
// that group's code would save. Brotli quality 11 as `make size`. Takes a few minutes.
// Generic standard-library code (`core`, `alloc`, `hashbrown`) is its own group, since it
// is instantiated for whichever crate uses it; Leptos's group includes the page's view
// code that the compiler inlined into Leptos's generic render functions.
import fs from 'node:fs';
import zlib from 'node:zlib';

const file = process.argv[2] ?? 'target/wasm-bindgen/release/orrery-web_bg.wasm';
const d = fs.readFileSync(file);

function leb(i) {
  let r = 0, s = 0;
  for (;;) {
    const b = d[i++];
    r += (b & 0x7f) * 2 ** s;
    s += 7;
    if (b < 0x80) return [r, i];
  }
}
function skipLimits(j) {
  let fl;
  [fl, j] = leb(j);
  [, j] = leb(j);
  if (fl & 1) [, j] = leb(j);
  return j;
}

let importedFunctions = 0;
const bodies = [];
const names = new Map();
let data = Buffer.alloc(0);
for (let i = 8; i < d.length; ) {
  const id = d[i++];
  let size;
  [size, i] = leb(i);
  const start = i, end = i + size;
  if (id === 2) {
    let [n, j] = leb(start);
    for (let k = 0; k < n; k++) {
      for (let s = 0; s < 2; s++) {
        let l;
        [l, j] = leb(j);
        j += l;
      }
      const kind = d[j++];
      if (kind === 0) { [, j] = leb(j); importedFunctions++; }
      else if (kind === 1) { j = skipLimits(j + 1); }
      else if (kind === 2) { j = skipLimits(j); }
      else if (kind === 3) { j += 2; }
      else if (kind === 4) { j += 1; [, j] = leb(j); }
    }
  } else if (id === 10) {
    let [n, j] = leb(start);
    for (let k = 0; k < n; k++) {
      let l;
      [l, j] = leb(j);
      bodies.push(d.subarray(j, j + l));
      j += l;
    }
  } else if (id === 11) {
    data = d.subarray(start, end);
  } else if (id === 0) {
    let [nl, j] = leb(start);
    if (d.subarray(j, j + nl).toString() === 'name') {
      j += nl;
      while (j < end) {
        const sub = d[j++];
        let sl;
        [sl, j] = leb(j);
        if (sub === 1) {
          let [n, k] = leb(j);
          for (let c = 0; c < n; c++) {
            let idx, l;
            [idx, k] = leb(k);
            [l, k] = leb(k);
            names.set(idx, d.subarray(k, k + l).toString());
            k += l;
          }
        }
        j += sl;
      }
    }
  }
  i = end;
}
if (names.size === 0) {
  console.error(`${file} has no function names: use wasm-bindgen's output before wasm-opt`);
  process.exit(1);
}

const GROUPS = [
  [/orrery::kubectl/, 'simulator: kubectl'],
  [/orrery::controllers/, 'simulator: controllers'],
  [/orrery::(manifest|validation)/, 'simulator: manifest parser, validation'],
  [/orrery::/, 'simulator: the rest'],
  [/orrery_web::bench/, 'page: benchmark harness'],
  [/orrery_web::/, 'page: components'],
  [/tachys|reactive_graph|leptos|any_spawner|throw_error|or_poisoned|send_wrapper|slotmap/, 'Leptos (with inlined view code)'],
  [/serde_yaml|unsafe_libyaml/, 'serde_yaml + libyaml'],
  [/serde_json|ryu|itoa/, 'serde_json'],
  [/wasm_bindgen|js_sys|web_sys|gloo/, 'wasm-bindgen, js-sys, web-sys'],
  [/^<?(core|alloc|std|hashbrown|dlmalloc|indexmap)/, 'core, alloc (generic)'],
];
const groups = new Map();
const add = (g, b) => groups.set(g, [...(groups.get(g) ?? []), b]);
bodies.forEach((b, k) => {
  const name = (names.get(importedFunctions + k) ?? '').replace(/\[[0-9a-f]{1,16}\]/g, '');
  add(GROUPS.find(([re]) => re.test(name))?.[1] ?? 'other', b);
});
add('data (strings, tables, embedded files)', data);

const br = b =>
  zlib.brotliCompressSync(b, {
    params: {
      [zlib.constants.BROTLI_PARAM_QUALITY]: 11,
      [zlib.constants.BROTLI_PARAM_LGWIN]: 24,
      [zlib.constants.BROTLI_PARAM_SIZE_HINT]: b.length,
    },
  }).length;
const keys = [...groups.keys()];
const blob = ks => Buffer.concat(ks.flatMap(k => groups.get(k)));
const all = br(blob(keys));
const kb = n => (n / 1024).toFixed(1);
const rows = keys
  .map(k => {
    const b = blob([k]);
    return [k, b.length, br(b), all - br(blob(keys.filter(g => g !== k)))];
  })
  .sort((a, b) => b[3] - a[3]);
console.log(`${file}: ${bodies.length} functions; all groups together ${kb(all)} KB brotli`);
console.log('| group | raw KB | brotli alone KB | adds to the whole, KB brotli |');
console.log('| --- | --- | --- | --- |');
for (const [g, raw, alone, adds] of rows) console.log(`| ${g} | ${kb(raw)} | ${kb(alone)} | ${kb(adds)} |`);
