// Starts a training worker in Node (worker_threads) and is the worker's side of the channel.
// package.json's `imports` map serves this module as `#spawn-worker` under the `node` condition;
// spawn.ts is the same pair of functions for browsers and bundled apps.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parentPort, Worker } from 'node:worker_threads';
import type { Channel, WorkerEvents, WorkerHandle } from './protocol.js';

/**
 * The worker's script: the built file beside this one. Run from the TypeScript sources (the tests,
 * under the `rnn-wasm-source` condition), the worker runs the build in dist/, which `npm test`
 * makes first: worker_threads cannot run TypeScript.
 */
function scriptUrl(): URL {
  const here = import.meta.url;
  if (!here.endsWith('.ts')) return new URL('./worker-main.js', here);
  const built = new URL('../../dist/workers/worker-main.js', here);
  if (!existsSync(fileURLToPath(built))) {
    throw new Error(`rnn-wasm: workers run the built library, and ${fileURLToPath(built)} is missing: run npm run build`);
  }
  return built;
}

/** The condition under which package.json's `imports` serve src/ (vitest.config.ts, tsconfig.json). */
const SOURCE_CONDITION = 'rnn-wasm-source';

/**
 * The worker's Node flags: the parent's (Node's default) unless the parent resolves under the
 * source condition (vitest), where the worker, which runs dist/, would resolve `#spawn-worker` and
 * `#wasm-bytes` to src/'s .ts files. There it gets the parent's other conditions and nothing else:
 * given a list, Node refuses one that holds a flag a worker cannot take (--expose-gc, say), which
 * it drops silently from the list it inherits.
 */
function workerExecArgv(): string[] | undefined {
  const args = process.execArgv, conditions: string[] = [];
  let fromSource = false;
  for (let i = 0; i < args.length; i++) {
    const flag = /^(--conditions|-C)(?:=(.*))?$/.exec(args[i]);
    if (flag === null) continue;
    const condition = flag[2] ?? args[++i];
    if (condition === SOURCE_CONDITION) fromSource = true;
    else if (condition !== undefined) conditions.push('--conditions', condition);
  }
  return fromSource ? conditions : undefined;
}

/**
 * Starts a worker; `events` hear its messages and its end. It is unref'd only once terminated:
 * while it runs, it keeps the process alive, as the run it serves does.
 *
 * @example
 * const worker = spawnWorker({ message: (m) => console.log(m), fault: (e) => console.error(e) });
 * worker.terminate();
 */
export function spawnWorker(events: WorkerEvents): WorkerHandle {
  const worker = new Worker(scriptUrl(), { execArgv: workerExecArgv() });
  let ended = false;
  worker.on('message', (message: unknown) => {
    if (!ended) events.message(message);
  });
  worker.on('error', (error: Error) => {
    if (ended) return;
    ended = true;
    events.fault(error);
  });
  worker.on('exit', (code: number) => {
    if (ended) return;
    ended = true;
    events.fault(new Error(`the worker exited with code ${code}`));
  });
  return {
    post: (message, transfer) => worker.postMessage(message, transfer as never),
    terminate: () => {
      ended = true;
      void worker.terminate();
    },
  };
}

/**
 * Inside a worker: the channel to the thread that started it.
 *
 * @example
 * const channel = workerChannel();
 * channel.listen((message) => channel.post({ echo: message }));
 */
export function workerChannel(): Channel {
  const port = parentPort;
  if (port === null) throw new Error('rnn-wasm: workerChannel() is for a worker thread');
  return {
    post: (message, transfer) => port.postMessage(message, transfer as never),
    listen: (handler) => port.on('message', handler),
  };
}
