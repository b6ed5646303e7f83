// Starts a training worker in browsers and bundled apps (a module Worker), and is the worker's
// side of the channel. package.json's `imports` map serves this module as `#spawn-worker`
// everywhere but Node; the browser bundle replaces it with one that starts the bundle itself (see
// scripts/build-browser.mjs).
//
// The worker's script is that bundle, dist/rnn-wasm.browser.js: one module with no imports (its
// dependencies and the wasm are inside), which serves a run when it is loaded as a worker named
// WORKER_NAME (src/browser.ts). The library's own modules would not do: a dev server (Vite's)
// serves a dependency's worker as it is, unbundled, and its imports of CommonJS packages
// (seedrandom, protobufjs) do not load as ES modules there. `new Worker(new URL('...',
// import.meta.url), { type: 'module' })` is the form that Vite and webpack 5 find and emit as a
// worker of its own.
import type { Channel, WorkerEvents, WorkerHandle } from './protocol.js';

/** The name a worker of ours is started with, by which the browser bundle knows to serve in it. */
export const WORKER_NAME = 'rnn-wasm';

/**
 * Wires a Worker started from `script` (its URL, or a name for it) to `events` and returns its handle. A browser does not
 * say when a worker dies of anything but an error, so only errors end it here; one whose script
 * did not load says nothing but that, so the fault names the script.
 *
 * @example
 * const worker = adoptWorker(new Worker(url, { type: 'module' }), url, events);
 */
export function adoptWorker(worker: Worker, script: string, events: WorkerEvents): WorkerHandle {
  let ended = false;
  worker.onmessage = (event: MessageEvent) => {
    if (!ended) events.message(event.data);
  };
  worker.onerror = (event: ErrorEvent) => {
    event.preventDefault();
    if (ended) return;
    ended = true;
    // A script that threw has a message; one that could not be fetched or parsed as a module
    // (missing, the wrong MIME type, a Content-Security-Policy without worker-src) has none.
    events.fault(new Error(event.message || `its script ${script} did not load (is it served, as JavaScript, and does the page's Content-Security-Policy allow it as a worker?)`));
  };
  worker.onmessageerror = () => {
    if (ended) return;
    ended = true;
    events.fault(new Error('a message from the worker could not be read'));
  };
  return {
    post: (message, transfer) => worker.postMessage(message, (transfer ?? []) as Transferable[]),
    terminate: () => {
      ended = true;
      worker.terminate();
    },
  };
}

/**
 * Starts a worker; `events` hear its messages and its faults.
 *
 * @example
 * const worker = spawnWorker({ message: (m) => console.log(m), fault: (e) => console.error(e) });
 * worker.terminate();
 */
export function spawnWorker(events: WorkerEvents): WorkerHandle {
  // Inline, as the bundlers look for it; they rename the file, so a fault names the package's.
  return adoptWorker(new Worker(new URL('../rnn-wasm.browser.js', import.meta.url), { type: 'module', name: WORKER_NAME }), 'rnn-wasm/dist/rnn-wasm.browser.js', events);
}

/**
 * Inside a worker: the channel to the page (or worker) that started it.
 *
 * @example
 * const channel = workerChannel();
 * channel.listen((message) => channel.post({ echo: message }));
 */
export function workerChannel(): Channel {
  const scope = globalThis as unknown as {
    postMessage(message: unknown, transfer: Transferable[]): void;
    addEventListener(type: 'message', handler: (event: MessageEvent) => void): void;
  };
  return {
    post: (message, transfer) => scope.postMessage(message, (transfer ?? []) as Transferable[]),
    listen: (handler) => scope.addEventListener('message', (event) => handler(event.data)),
  };
}
