// The browser bundle's entry (scripts/build-browser.mjs): the library, and its worker. The bundle
// starts its workers from its own URL, named WORKER_NAME, so a page needs one file and no
// configuration; loaded so, it serves the run it was started for.
import { WORKER_NAME, workerChannel } from './workers/spawn.js';
import { serve } from './workers/worker.js';

export * from './index.js';

const scope = globalThis as { name?: unknown; WorkerGlobalScope?: unknown };
if (typeof scope.WorkerGlobalScope === 'function' && scope.name === WORKER_NAME) serve(workerChannel());
