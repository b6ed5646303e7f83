// The demo's static server (examples/browser/serve.mjs): it serves the demo's files and nothing
// else, to GET and HEAD only, to requests that name its own address; it answers requests a browser
// would not send and files it cannot read without ending; it closes every file it opens, however
// the download ends; a busy port is one line on stderr; and it can make its pages cross-origin
// isolated.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { request, type IncomingHttpHeaders } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_FILES, PACKAGE_ROOT, serve } from '../examples/browser/serve.mjs';

const SERVE = fileURLToPath(new URL('../examples/browser/serve.mjs', import.meta.url));

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** Sends a request as written (no URL parsing, any method and Host); resolves to the whole answer. */
function send(base: string, target: string, { method = 'GET', host }: { method?: string; host?: string } = {}): Promise<Answer> {
  const { hostname, port } = new URL(base);
  return new Promise((done, fail) => {
    const req = request({ hostname, port, path: target, method, agent: false, headers: host === undefined ? {} : { host } }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => done({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }));
    });
    req.once('error', fail);
    req.end();
  });
}

/** Sends raw bytes and resolves to the status line of the answer. */
function sendRaw(base: string, bytes: string): Promise<string> {
  const { hostname, port } = new URL(base);
  return new Promise((done, fail) => {
    const socket = connect(Number(port), hostname, () => socket.end(bytes));
    let text = '';
    socket.on('data', (chunk) => (text += chunk));
    socket.on('end', () => done(text.split('\r\n')[0]));
    socket.once('error', fail);
  });
}

describe('demo server', () => {
  let server: Awaited<ReturnType<typeof serve>>;
  let port: string;

  beforeAll(async () => {
    server = await serve({ port: 0 });
    port = new URL(server.url).port;
  });

  afterAll(async () => {
    await server?.close();
  });

  it('serves each of the demo\'s files, the page also at its folder, and sends / to the page', async () => {
    for (const file of DEMO_FILES) {
      const answer = await send(server.url, `/${file}`);
      expect(answer.status, file).toBe(200);
      expect(answer.body.equals(readFileSync(join(PACKAGE_ROOT, file))), file).toBe(true);
    }
    expect((await send(server.url, '/examples/browser/')).body.toString()).toBe(readFileSync(join(PACKAGE_ROOT, 'examples/browser/index.html'), 'utf8'));
    expect((await send(server.url, '/dist/rnn-wasm.browser.js')).headers['content-type']).toBe('text/javascript; charset=utf-8');
    const root = await send(server.url, '/');
    expect([root.status, root.headers.location]).toEqual([302, '/examples/browser/']);
  });

  it('serves nothing else of the package: not its git config, its dependencies, its sources or the server itself', async () => {
    for (const path of ['/package.json', '/.git/config', '/.git/HEAD', '/node_modules/vitest/package.json', '/src/rnn.ts', '/examples/browser/serve.mjs',
      '/dist/index.js', '/build/rnn.wasm', '/examples/browser', '/examples/', '/dist/', '/..%2F..%2Fetc%2Fpasswd', '/examples/browser/..%2F..%2Fpackage.json']) {
      const answer = await send(server.url, path);
      expect(answer.status, path).toBe(404);
      expect(answer.body.toString(), path).toBe('not found\n');
    }
  });

  it('answers GET and HEAD; any other method is 405 with Allow', async () => {
    const head = await send(server.url, '/examples/browser/demo.js', { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.body.length).toBe(0);
    expect(head.headers['content-type']).toBe('text/javascript; charset=utf-8');
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']) {
      const answer = await send(server.url, '/examples/browser/demo.js', { method });
      expect(answer.status, method).toBe(405);
      expect(answer.headers.allow, method).toBe('GET, HEAD');
      expect(answer.body.toString(), method).not.toContain('import');
    }
  });

  it('answers only requests whose Host names its own address (a DNS-rebinding page sends its own name)', async () => {
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]) {
      expect((await send(server.url, '/examples/browser/demo.js', { host })).status, host).toBe(200);
    }
    for (const host of [`attacker.example:${port}`, 'attacker.example', `127.0.0.1:${Number(port) + 1}`, '127.0.0.1', `localhost.attacker.example:${port}`]) {
      const answer = await send(server.url, '/examples/browser/demo.js', { host });
      expect(answer.status, host).toBe(403);
      expect(answer.body.toString(), host).not.toContain('import');
    }
    // HTTP/1.0 lets a request leave the Host out: it names no address, so it is refused too.
    expect(await sendRaw(server.url, 'GET /examples/browser/demo.js HTTP/1.0\r\n\r\n')).toBe('HTTP/1.1 403 Forbidden');
  });

  it('answers 400 to a path with a malformed percent-escape, and keeps serving', async () => {
    expect((await send(server.url, '/%E0%A4%A')).status).toBe(400);
    expect((await send(server.url, '/examples/browser/demo.js')).status).toBe(200);
  });

  it('answers 400 to a request target that is not a URL, and keeps serving', async () => {
    expect((await send(server.url, 'http://[/')).status).toBe(400);
    expect((await send(server.url, '/examples/browser/demo.js')).status).toBe(200);
  });
});

describe('demo server with crossOriginIsolated', () => {
  it('sends COOP same-origin and COEP require-corp with every answer, and by default neither', async () => {
    const isolated = await serve({ port: 0, crossOriginIsolated: true });
    const plain = await serve({ port: 0 });
    try {
      for (const target of ['/examples/browser/', '/dist/rnn-wasm.browser.js', '/', '/missing']) {
        const { headers } = await send(isolated.url, target);
        expect([headers['cross-origin-opener-policy'], headers['cross-origin-embedder-policy']], target).toEqual(['same-origin', 'require-corp']);
        const other = await send(plain.url, target);
        expect([other.headers['cross-origin-opener-policy'], other.headers['cross-origin-embedder-policy']], target).toEqual([undefined, undefined]);
      }
    } finally {
      await isolated.close();
      await plain.close();
    }
  });
});

describe('demo server over a folder of hostile files', () => {
  const root = mkdtempSync(join(tmpdir(), 'rnn-wasm-serve-'));
  const outside = mkdtempSync(join(tmpdir(), 'rnn-wasm-serve-outside-'));
  const files = ['page.html', 'inside-link.html', 'outside-link.txt', 'folder.js', 'fifo.js', 'missing.js', 'sub/index.html'];
  let server: Awaited<ReturnType<typeof serve>>;

  beforeAll(async () => {
    writeFileSync(join(root, 'page.html'), '<p>page</p>');
    writeFileSync(join(outside, 'secret.txt'), 'secret');
    symlinkSync(join(root, 'page.html'), join(root, 'inside-link.html'));
    symlinkSync(join(outside, 'secret.txt'), join(root, 'outside-link.txt'));
    mkdirSync(join(root, 'folder.js'));
    spawnSync('mkfifo', [join(root, 'fifo.js')]);
    mkdirSync(join(root, 'sub'));
    writeFileSync(join(root, 'sub/index.html'), '<p>sub</p>');
    server = await serve({ root, files, port: 0, index: '/page.html' });
  });

  afterAll(async () => {
    await server?.close();
  });

  it('follows a link inside the folder, not one out of it', async () => {
    expect((await send(server.url, '/inside-link.html')).body.toString()).toBe('<p>page</p>');
    const out = await send(server.url, '/outside-link.txt');
    expect(out.status).toBe(403);
    expect(out.body.toString()).not.toContain('secret');
  });

  it('answers a listed name that is a folder, a FIFO or missing with 404, without hanging or ending', async () => {
    for (const path of ['/folder.js', '/fifo.js', '/missing.js']) expect((await send(server.url, path)).status, path).toBe(404);
    expect((await send(server.url, '/sub/')).body.toString()).toBe('<p>sub</p>');
    expect((await send(server.url, '/page.html')).status).toBe(200);
  });
});

describe.skipIf(process.platform !== 'linux')(`demo server's file descriptors${process.platform === 'linux' ? '' : ' (skipped: counts them in /proc, Linux only)'}`, () => {
  it('300 downloads aborted mid-file leave no descriptor open, even with ulimit -n 128', async () => {
    // A file far larger than the socket buffers, so that each download is cut off mid-file.
    const root = mkdtempSync(join(tmpdir(), 'rnn-wasm-serve-fds-'));
    writeFileSync(join(root, 'big.bin'), '');
    spawnSync('truncate', ['-s', String(64 * 2 ** 20), join(root, 'big.bin')]);
    const script = `import { serve } from ${JSON.stringify(SERVE)};
      const { url } = await serve({ root: process.argv[1], files: ['big.bin'], port: 0 });
      console.log(url);`;
    const child = spawn('sh', ['-c', `ulimit -n 128 && exec "${process.execPath}" --input-type=module -e "$0" "$1"`, script, root]);
    let exited = false;
    child.on('exit', () => (exited = true));
    try {
      const url = await new Promise<string>((done) => child.stdout.once('data', (chunk) => done(String(chunk).trim())));
      const descriptors = (): number => readdirSync(`/proc/${child.pid}/fd`).length;
      await send(url, '/big.bin', { method: 'HEAD' });
      const before = descriptors();
      for (let i = 0; i < 300; i++) {
        await new Promise<void>((done) => {
          const req = request(`${url}/big.bin`, { agent: false }, (response) => {
            response.destroy();
            done();
          });
          req.once('error', () => done()); // a server that has died refuses the connection
          req.end();
        });
      }
      // The server closes each file once it sees its connection close: give it requests to
      // answer (not time) until it has caught up.
      let after = Infinity;
      for (let round = 0; round < 200 && !exited && after > before + 4; round++) {
        await send(url, '/big.bin', { method: 'HEAD' });
        after = descriptors();
      }
      expect(exited, 'the server ended').toBe(false);
      expect(after).toBeLessThanOrEqual(before + 4);
      const whole = await send(url, '/big.bin');
      expect(whole.status).toBe(200);
      expect(whole.body.length).toBe(64 * 2 ** 20);
    } finally {
      child.kill();
    }
  });
});

describe('npm run demo', () => {
  /** Runs serve.mjs as `npm run demo` does, with PORT; resolves to its exit code and output. */
  function demo(env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
    const child = spawn(process.execPath, [SERVE], { env: { ...process.env, ...env } });
    let stdout = '', stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    return new Promise((done) => child.on('close', (code) => done({ code, stdout, stderr })));
  }

  it('on a port that is taken prints one line naming the port and how to choose another, and exits 1', async () => {
    const taken = await serve({ port: 0 });
    try {
      const port = new URL(taken.url).port;
      const run = await demo({ PORT: port });
      expect(run.code).toBe(1);
      expect(run.stdout).toBe('');
      expect(run.stderr).toBe(`rnn-wasm demo: port ${port} is taken (is the demo already running?); choose another with PORT, e.g. PORT=8080 npm run demo\n`);
    } finally {
      await taken.close();
    }
  });

  it('refuses a PORT that is not a port in one line, exit 2', async () => {
    const run = await demo({ PORT: '80a' });
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('rnn-wasm demo: PORT must be an integer in [0, 65535], got "80a"\n');
  });
});
