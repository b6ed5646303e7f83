// Starts a training worker in browsers and bundled apps (a module Worker), and is the worker's
// side of the channel. `new Worker(new URL('./worker-main.js', import.meta.url), { type: 'module' })`
// is the form that Vite and webpack 5 find and bundle as a worker of its own. package.json's
// `imports` map serves this module as `#spawn-worker` everywhere but Node; the browser bundle
// replaces it with one that starts the bundle itself (see scripts/build-browser.mjs).
import type { Channel, WorkerEvents, WorkerHandle } from './protocol.js';

/** The name a worker of ours is started with, by which the browser bundle knows to serve in it. */
export const WORKER_NAME = 'rnn-wasm';

/**
 * Wires a started Worker to `events` and returns its handle. A browser does not say when a
 * worker dies of anything but an error, so only errors end it here.
 *
 * @example
 * const worker = adoptWorker(new Worker(url, { type: 'module' }), events);
 */
export function adoptWorker(worker: Worker, events: WorkerEvents): WorkerHandle {
  let ended = false;
  worker.onmessage = (event: MessageEvent) => {
    if (!ended) events.message(event.data);
  };
  worker.onerror = (event: ErrorEvent) => {
    event.preventDefault();
    if (ended) return;
    ended = true;
    events.fault(new Error(event.message || 'the worker failed to start or threw'));
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
  return adoptWorker(new Worker(new URL('./worker-main.js', import.meta.url), { type: 'module', name: WORKER_NAME }), events);
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
