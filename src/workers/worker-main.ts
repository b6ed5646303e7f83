// The script of a training worker in Node (worker_threads); in browsers the worker is the browser
// bundle (see spawn.ts).
import { workerChannel } from '#spawn-worker';
import { serve } from './worker.js';

serve(workerChannel());
