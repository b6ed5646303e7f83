// The demo's static server (examples/browser/serve.mjs) on requests a browser would not send: it
// must answer them and keep serving, not throw inside its request handler.
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serve } from '../examples/browser/serve.mjs';

/** Sends `GET <target>` as written, without the URL parsing that fetch does; resolves to the status. */
function rawGet(base: string, target: string): Promise<number> {
  const { hostname, port } = new URL(base);
  return new Promise((done, fail) => {
    const req = request({ hostname, port, path: target, method: 'GET' }, (response) => {
      response.resume();
      done(response.statusCode ?? 0);
    });
    req.once('error', fail);
    req.end();
  });
}

describe('demo server', () => {
  let server: Awaited<ReturnType<typeof serve>>;

  beforeAll(async () => {
    server = await serve({ port: 0 });
  });

  afterAll(async () => {
    await server?.close();
  });

  it('serves a file of the package', async () => {
    const response = await fetch(`${server.url}/package.json`);
    expect(response.status).toBe(200);
    expect((await response.json()).name).toBe('rnn-wasm');
  });

  it('answers 400 to a path with a malformed percent-escape, and keeps serving', async () => {
    const response = await fetch(`${server.url}/%E0%A4%A`);
    expect(response.status).toBe(400);
    expect((await fetch(`${server.url}/package.json`)).status).toBe(200);
  });

  it('answers 400 to a request target that is not a URL, and keeps serving', async () => {
    expect(await rawGet(server.url, 'http://[/')).toBe(400);
    expect((await fetch(`${server.url}/package.json`)).status).toBe(200);
  });

  it('refuses a path that climbs out of the served folder', async () => {
    expect(await rawGet(server.url, '/..%2F..%2Fetc%2Fpasswd')).toBe(403);
  });
});
