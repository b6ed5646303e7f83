// The script of a training worker (Node worker_threads, or a module Worker in a bundled app).
import { workerChannel } from '#spawn-worker';
import { serve } from './worker.js';

serve(workerChannel());
