// Reading model files on the command line: the library checks the file; a bad one is reported as
// bad input, naming the flag and the file. What the file keeps in `meta` is as untrusted as the
// rest: tasks.ts checks it before anything uses it. The file is parsed as it streams in, so that a model
// too large for one string (train writes those with jsonChunks) reads back as well.
import { RNN, type BackendName } from '../rnn.js';
import { UsageError } from './args.js';
import { openRegularFile } from './files.js';
import { JsonSyntaxError, parseJsonChunks } from './json-read.js';

/** The largest model file read: more than the largest model's file (a 2 GiB block, as JSON). */
export const MAX_MODEL_FILE_BYTES = 2 ** 34;

/** A model file read by the command line: the model, and what its `meta` and `optimizer.info` hold. */
export interface ReadModel {
  rnn: RNN;
  meta: unknown;
  /** The file's optimizer.info (which optimiser owns the state, its step count), as stored. */
  optimizerInfo: unknown;
}

/** Loads the model file named by `--flag`, with its `meta` (what the command line keeps there). */
export async function readModel(flag: string, path: string, backend: BackendName): Promise<ReadModel> {
  const handle = await openRegularFile(flag, path, MAX_MODEL_FILE_BYTES);
  let file: unknown;
  try {
    file = await parseJsonChunks(handle.createReadStream({ encoding: 'utf8', highWaterMark: 1 << 20 }));
  } catch (error) {
    if (error instanceof JsonSyntaxError) throw new UsageError(`--${flag} ${path} is not valid JSON${/end of JSON/.test(error.message) ? ': it ends too early, is it truncated?' : ''}`);
    const code = (error as { code?: string }).code ?? (error as Error).message;
    throw new UsageError(`--${flag}: cannot read ${path} (${code})`);
  } finally {
    await handle.close().catch(() => undefined); // the stream closes it at its end, not on an error
  }
  try {
    const rnn = await RNN.fromJSON(file as Parameters<typeof RNN.fromJSON>[0], { backend });
    const { meta, optimizer } = file as { meta?: unknown; optimizer?: { info?: unknown } };
    return { rnn, meta, optimizerInfo: optimizer?.info };
  } catch (error) {
    if (error instanceof TypeError || error instanceof RangeError) throw new UsageError(`--${flag} ${path}: ${error.message}`);
    throw error;
  }
}
