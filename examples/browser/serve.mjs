// A tiny static file server for the demo (and the browser tests): serves the demo's own files,
// and nothing else, on 127.0.0.1. `/` opens the demo.
//
//   npm run demo                 # builds, then serves http://127.0.0.1:5173/
//   PORT=8080 npm run demo       # another port (PORT=0 picks a free one)
//
// It answers only what the demo needs, so that a page elsewhere cannot use it to read the
// repository: the files listed in DEMO_FILES (below; nothing outside the folder it serves, even
// through a symbolic link), GET and HEAD only, and only requests whose Host is the address it
// listens on (a DNS-rebinding page sends its own host name). Every file is streamed from an open
// descriptor that is closed when the download ends, fails or is aborted.
import { constants } from 'node:fs';
import { open, realpath } from 'node:fs/promises';
import { createServer } from 'node:http';
import { dirname, extname, join, posix, resolve, sep } from 'node:path';
import { pipeline } from 'node:stream';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * Every file the demo page loads, relative to the package's root and served at `/` + that path:
 * the page, its script, and the library's browser bundle (with its source map, for the browser's
 * developer tools). A file the page comes to fetch (a worker script, a data file) must be added
 * here: nothing else is served. A listed `.../index.html` is also served at its folder's URL.
 */
export const DEMO_FILES = [
  'examples/browser/index.html',
  'examples/browser/demo.js',
  'examples/browser/forecast.js',
  'examples/data/airline-passengers.csv',
  'dist/rnn-wasm.browser.js',
  'dist/rnn-wasm.browser.js.map',
];

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.txt': 'text/plain; charset=utf-8',
};

/** The folder the demo serves by default: the package's root. */
export const PACKAGE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

const ALLOW = 'GET, HEAD';

/** The URL paths served, each to its file under `root`. */
function routes(root, files) {
  const table = new Map();
  for (const file of files) {
    const path = posix.normalize(`/${file.split(sep).join('/')}`);
    if (path.split('/').includes('..')) throw new RangeError(`serve: files must stay inside the root, got ${JSON.stringify(file)}`);
    const target = join(root, ...path.split('/'));
    table.set(path, target);
    if (posix.basename(path) === 'index.html') table.set(posix.dirname(path).replace(/\/?$/, '/'), target);
  }
  return table;
}

/** The Host headers that name this server: its address, or localhost, with its port. */
function hostNames(host, port) {
  const names = new Set(['localhost', '127.0.0.1', '[::1]']);
  if (host !== '0.0.0.0' && host !== '::') names.add(host.includes(':') ? `[${host}]` : host);
  const withPort = [...names].map((name) => `${name}:${port}`);
  return new Set(port === 80 ? [...withPort, ...names] : withPort);
}

/** The status for a file that cannot be opened. */
function statusOf(error) {
  switch (error?.code) {
    case 'ENOENT': case 'ENOTDIR': case 'ELOOP': return 404;
    case 'EACCES': case 'EPERM': return 403;
    case 'EMFILE': case 'ENFILE': return 503;
    default: return 500;
  }
}

/**
 * The headers that make a page cross-origin isolated (and so give it SharedArrayBuffer): its
 * browsing context group is its own, and everything it loads is same-origin or says it may be
 * embedded. Sent on every answer, as a module worker's script needs them as much as its page.
 */
const ISOLATION = {
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-embedder-policy': 'require-corp',
};

/**
 * Serves the files listed in `files` (paths relative to `root`, default DEMO_FILES) on
 * `host`:`port` (port 0 picks a free one); `/` redirects to `index`. With `crossOriginIsolated`,
 * every answer carries COOP same-origin and COEP require-corp, so that its pages are cross-origin
 * isolated and can share memory with their workers. Resolves to the base URL and a `close()` that
 * stops the server.
 *
 * @example
 * const { url, close } = await serve({ port: 0 });
 * const other = await serve({ root: 'site/dist', files: ['index.html', 'main.js'], index: '/index.html', port: 0 });
 * const isolated = await serve({ port: 0, crossOriginIsolated: true });
 */
export async function serve({ root = PACKAGE_ROOT, files = DEMO_FILES, host = '127.0.0.1', port = 5173, index = '/examples/browser/', crossOriginIsolated = false } = {}) {
  const base = await realpath(resolve(root));
  const table = routes(base, files);
  const isolation = crossOriginIsolated ? ISOLATION : {};
  let allowedHosts = new Set();

  const server = createServer(async (request, response) => {
    const reply = (status, text, headers = {}) => {
      response.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store', ...isolation, ...headers });
      response.end(request.method === 'HEAD' ? undefined : `${text}\n`);
    };
    if (!allowedHosts.has(request.headers.host ?? '')) return reply(403, 'forbidden: this server answers only to its own address');
    if (request.method !== 'GET' && request.method !== 'HEAD') return reply(405, `method not allowed: ${ALLOW} only`, { allow: ALLOW });
    let path;
    try {
      path = decodeURIComponent(new URL(request.url ?? '/', 'http://localhost').pathname);
    } catch {
      // A malformed %-escape or a request target that is not a URL: throwing here would be an
      // unhandled rejection of this async handler, which ends the process.
      return reply(400, 'bad request: malformed URL');
    }
    if (path === '/') {
      response.writeHead(302, { location: index, 'cache-control': 'no-store', ...isolation }).end();
      return;
    }
    const file = table.get(path);
    if (file === undefined) return reply(404, 'not found');

    let handle;
    try {
      // Resolved first, so that a listed name that is a link out of the root is refused; opened
      // without blocking, so that a FIFO there cannot hang the server.
      const real = await realpath(file);
      if (!real.startsWith(base + sep)) return reply(403, 'forbidden: outside the served folder');
      handle = await open(real, constants.O_RDONLY | constants.O_NONBLOCK | (constants.O_NOFOLLOW ?? 0));
      const info = await handle.stat();
      if (!info.isFile()) {
        await handle.close();
        return reply(404, 'not found');
      }
    } catch (error) {
      await handle?.close().catch(() => undefined);
      const status = statusOf(error);
      return reply(status, status === 503 ? 'busy: too many open files, try again' : status === 404 ? 'not found' : 'cannot read the file', status === 503 ? { 'retry-after': '1' } : {});
    }
    response.writeHead(200, {
      'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      ...isolation,
    });
    if (request.method === 'HEAD') {
      response.end();
      await handle.close().catch(() => undefined);
      return;
    }
    // pipeline destroys the file stream, which closes the descriptor, when the response ends,
    // fails or is aborted by the client; a read error ends the response instead of the process.
    pipeline(handle.createReadStream(), response, () => undefined);
  });
  await new Promise((done, fail) => {
    server.once('error', fail);
    server.listen(port, host, () => {
      server.off('error', fail);
      done();
    });
  });
  // Errors of the listening socket itself (accept() out of descriptors, say) must not end the demo.
  server.on('error', (error) => console.error(`rnn-wasm demo: ${error.message}`));
  const { port: bound } = server.address();
  allowedHosts = hostNames(host, bound);
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${bound}`,
    close: () => new Promise((done) => {
      server.close(() => done());
      server.closeAllConnections();
    }),
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const raw = process.env.PORT ?? '5173';
  const port = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!(port >= 0 && port <= 65535)) {
    console.error(`rnn-wasm demo: PORT must be an integer in [0, 65535], got ${JSON.stringify(raw)}`);
    process.exit(2);
  }
  try {
    const { url } = await serve({ port });
    console.log(`rnn-wasm demo: ${url}/  (Ctrl-C stops)`);
  } catch (error) {
    const why = { EADDRINUSE: 'is taken (is the demo already running?)', EACCES: 'needs privileges this user lacks' }[error?.code];
    if (why === undefined) throw error;
    console.error(`rnn-wasm demo: port ${port} ${why}; choose another with PORT, e.g. PORT=8080 npm run demo`);
    process.exit(1);
  }
}
