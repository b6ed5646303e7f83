// A tiny static file server for the demo (and the browser tests): serves the package's folder on
// 127.0.0.1, so the page can import dist/rnn-wasm.browser.js. `/` opens the demo.
//
//   npm run demo                 # builds, then serves http://127.0.0.1:5173/
//   PORT=8080 npm run demo
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import { dirname, extname, join, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

/** The folder the demo serves by default: the package's root. */
export const PACKAGE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * Serves the files under `root` on `host`:`port` (port 0 picks a free one). Resolves to the base
 * URL and a `close()` that stops the server.
 *
 * @example
 * const { url, close } = await serve({ root: PACKAGE_ROOT, port: 0 });
 */
export async function serve({ root = PACKAGE_ROOT, host = '127.0.0.1', port = 5173, index = '/examples/browser/' } = {}) {
  const base = resolve(root);
  const server = createServer(async (request, response) => {
    let path;
    try {
      path = decodeURIComponent(new URL(request.url ?? '/', 'http://localhost').pathname);
    } catch {
      // A malformed %-escape or a request target that is not a URL: throwing here would be an
      // unhandled rejection of this async handler, which ends the process.
      response.writeHead(400, { 'content-type': 'text/plain' }).end('bad request: malformed URL');
      return;
    }
    if (path === '/') {
      response.writeHead(302, { location: index }).end();
      return;
    }
    let file = resolve(join(base, path));
    if (file !== base && !file.startsWith(base + sep)) {
      response.writeHead(403).end('forbidden');
      return;
    }
    try {
      if ((await stat(file)).isDirectory()) file = join(file, 'index.html');
      await stat(file);
    } catch {
      response.writeHead(404, { 'content-type': 'text/plain' }).end(`not found: ${path}`);
      return;
    }
    response.writeHead(200, {
      'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
      'cache-control': 'no-store',
    });
    createReadStream(file).pipe(response);
  });
  await new Promise((done, fail) => {
    server.once('error', fail);
    server.listen(port, host, done);
  });
  const { port: bound } = server.address();
  return {
    url: `http://${host}:${bound}`,
    close: () => new Promise((done) => server.close(() => done())),
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const port = Number(process.env.PORT ?? 5173);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new RangeError(`serve: PORT must be an integer in [0, 65535], got ${process.env.PORT}`);
  }
  const { url } = await serve({ port });
  console.log(`rnn-wasm demo: ${url}/  (Ctrl-C stops)`);
}
