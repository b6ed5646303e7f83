// Reading model files on the command line: the library checks the file; a bad one is reported as
// bad input, naming the flag and the file. What the file keeps in `meta` is as untrusted as the
// rest: tasks.ts checks it before anything uses it.
import { constants } from 'node:buffer';
import { RNN, type BackendName } from '../rnn.js';
import { UsageError } from './args.js';
import { parseJsonOf, readFileOf } from './files.js';

/** The largest model file read: the longest string JavaScript can hold, which JSON.parse needs. */
export const MAX_MODEL_FILE_BYTES = constants.MAX_STRING_LENGTH;

/** Loads the model file named by `--flag`, with its `meta` (what the command line keeps there). */
export async function readModel(flag: string, path: string, backend: BackendName): Promise<{ rnn: RNN; meta: unknown }> {
  const text = (await readFileOf(flag, path, MAX_MODEL_FILE_BYTES)).toString('utf8');
  // Parsed here rather than by RNN.fromJSON, whose syntax errors quote the text.
  const json = parseJsonOf(`--${flag} ${path}`, text);
  try {
    const rnn = await RNN.fromJSON(json as object, { backend });
    return { rnn, meta: (json as { meta?: unknown }).meta };
  } catch (error) {
    if (error instanceof TypeError || error instanceof RangeError) throw new UsageError(`--${flag} ${path}: ${error.message}`);
    throw error;
  }
}
