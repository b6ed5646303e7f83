// Reading model files on the command line: the library checks the file; a bad one is reported as
// bad input, naming the flag and the file.
import { RNN, type BackendName } from '../rnn.js';
import { readFileOf, UsageError } from './args.js';

/** Loads the model file named by `--flag`, with its `meta` (what the command line keeps there). */
export async function readModel(flag: string, path: string, backend: BackendName): Promise<{ rnn: RNN; meta: unknown }> {
  const text = (await readFileOf(flag, path)).toString('utf8');
  try {
    const rnn = await RNN.fromJSON(text, { backend });
    return { rnn, meta: (JSON.parse(text) as { meta?: unknown }).meta };
  } catch (error) {
    if (error instanceof TypeError || error instanceof RangeError) throw new UsageError(`--${flag} ${path}: ${error.message}`);
    throw error;
  }
}
