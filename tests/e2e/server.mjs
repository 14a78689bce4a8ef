// A tiny static file server for the end-to-end tests, with no dependencies: it serves
// one directory (the release build in dist/) on 127.0.0.1 and nothing else. An HTML page
// that carries a Content-Security-Policy meta element (scripts/offline.mjs puts one in
// dist/index.html) is also sent with that policy as a header, as a server would.
//
//   import { serve } from './server.mjs'; const site = await serve('dist');
//   serve('dist', 0, { isolated: true })   // also sends COOP/COEP, so the page is
//                                          // cross-origin isolated (finer timers)
//   node tests/e2e/server.mjs [DIR] [PORT]     # serve DIR (default dist) by hand

import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { policyOf } from '../../scripts/offline.mjs';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  // Needed by WebAssembly.instantiateStreaming.
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
  '.yaml': 'text/yaml; charset=utf-8',
};

/**
 * Serves `dir` on 127.0.0.1:`port` (0 picks a free port). Resolves once listening.
 * `isolated`: every response also carries Cross-Origin-Opener-Policy and
 * Cross-Origin-Embedder-Policy, which make the page cross-origin isolated. The benchmark
 * page needs that: outside isolation Chromium coarsens `performance.now()` and frame
 * timestamps to 100 µs, so a perfect 60 Hz frame reads 16.6, 16.7 or 16.8 ms.
 */
export async function serve(dir, port = 0, { isolated = false } = {}) {
  const root = resolve(dir);
  const server = createServer(async (req, res) => {
    try {
      const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
      let file = resolve(join(root, path));
      // Never serve anything outside the root, whatever the URL says.
      if (file !== root && !file.startsWith(root + sep)) return send(res, 403, 'forbidden');
      if ((await stat(file).catch(() => null))?.isDirectory()) file = join(file, 'index.html');
      const body = await readFile(file).catch(() => null);
      if (body === null) return send(res, 404, 'not found');
      const headers = {
        'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
        'content-length': body.length,
        'cache-control': 'no-store',
      };
      if (isolated) {
        headers['cross-origin-opener-policy'] = 'same-origin';
        headers['cross-origin-embedder-policy'] = 'require-corp';
      }
      if (extname(file) === '.html') {
        const policy = policyOf(body.toString('utf8'));
        if (policy) headers['content-security-policy'] = policy;
      }
      res.writeHead(200, headers);
      res.end(req.method === 'HEAD' ? undefined : body);
    } catch (error) {
      send(res, 400, String(error));
    }
  });
  await new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(port, '127.0.0.1', ok);
  });
  const { port: actual } = server.address();
  return {
    url: `http://127.0.0.1:${actual}/`,
    port: actual,
    close: () => new Promise((ok) => server.close(ok)),
  };
}

function send(res, status, text) {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
  res.end(text);
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const site = await serve(process.argv[2] ?? 'dist', Number(process.argv[3] ?? 8080));
  console.log(`serving ${resolve(process.argv[2] ?? 'dist')} on ${site.url}`);
}
