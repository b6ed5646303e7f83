// A fuzzer for model files: valid JSON model files and safetensors files, mutated (truncated,
// bit-flipped, spliced, restructured, given huge sizes and wrong types), then loaded. Every input
// must either load as a usable model or be refused with one of the documented errors (TypeError,
// RangeError); nothing else may happen: no other exception, no non-finite weight, no allocation
// beyond what the file's sizes justify. test/fuzz.test.ts runs it briefly; `npm run fuzz` runs
// it long.
import fc from 'fast-check';
import { RNN, textDataset, type BackendName } from '../../src/index.js';
import { modelOf } from '../internals.js';
import { blockBytes } from '../../src/plan.js';
import { replaceSafetensorsHeader } from '../helpers.js';

/** What a run saw: how many inputs loaded and how many were refused, by error type. */
export interface FuzzReport {
  json: { loaded: number; TypeError: number; RangeError: number };
  safetensors: { loaded: number; TypeError: number; RangeError: number };
}

const MiB = 2 ** 20;

/** Valid files to start from: fresh and trained models, every optimiser's state among them. */
async function seedFiles(): Promise<{ json: string[]; safetensors: Uint8Array[] }> {
  const models: RNN[] = [];
  const small = await RNN.create(1, 1, 2, { backend: 'ts', seed: 1 });
  models.push(small);
  for (const [k, optimizer] of (['adam', 'irprop+', 'rprop-notebook', 'momentum'] as const).entries()) {
    const rnn = await RNN.create(3, 4 + k, 3, { backend: 'ts', seed: k, init: k % 2 === 0 ? 'uniform' : 'notebook' });
    rnn.train([[1, 0, 0], [0, 1, 0], [0, 0, 1]], [0, 1, 2], { iterations: 5, optimizer });
    models.push(rnn);
  }
  const text = textDataset('fuzzing files', 4);
  const textModel = await RNN.create(text.vocab.length, 5, text.vocab.length, { backend: 'ts', seed: 'text' });
  textModel.fit(text.sequences, { epochs: 2, optimizer: 'adagrad', carryState: true });
  models.push(textModel);
  // Version-2 files: stacked layers, and a stack over token ids.
  const stacked = await RNN.create(3, 4, 2, { backend: 'ts', seed: 'stacked', layers: 2 });
  stacked.train([[1, 0, 0], [0, 1, 0]], [0, 1], { iterations: 3, optimizer: 'adam' });
  const ids = await RNN.create(text.vocab.length, 3, text.vocab.length, { backend: 'ts', seed: 'ids', layers: 3, input: 'index' });
  ids.fit(textDataset('fuzzing files', 4, { input: 'index' }).sequences, { epochs: 1, optimizer: 'rprop' });
  models.push(stacked, ids);
  return { json: models.map((m) => JSON.stringify(m)), safetensors: models.map((m) => m.toSafetensors()) };
}

/** Values that stand in for a number, an array or an object in a structural mutation. */
const HOSTILE = fc.constantFrom<unknown>(
  0, -1, 0.5, 1, 3, 1e9, 2 ** 31, 2 ** 53, 1e308, -1e308, 'NaN', 'Infinity', '-Infinity', '-0', 'x', '',
  null, true, [], {}, [1, 2, 3], { format: 'rnn-wasm-model' }, 'rnn-wasm-model', 1.5e-323,
);

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** A change to the structure of a parsed JSON document: follow `walk` down, then change what is there. */
interface Restructure {
  walk: number[];
  kind: 'replace' | 'delete' | 'shorten' | 'lengthen' | 'rename';
  value: unknown;
}

function restructure(doc: Json, { walk, kind, value }: Restructure): Json {
  const root = { root: doc } as { [key: string]: Json };
  let parent: Json = root;
  let key: string | number = 'root';
  for (const step of walk) {
    const here: Json = (parent as Record<string | number, Json>)[key];
    if (here === null || typeof here !== 'object') break;
    const keys: (string | number)[] = Array.isArray(here) ? here.map((_, i) => i) : Object.keys(here);
    if (keys.length === 0) break;
    parent = here;
    key = keys[step % keys.length];
  }
  const container = parent as Record<string | number, Json>;
  const target = container[key];
  if (kind === 'replace') container[key] = value as Json;
  else if (kind === 'delete') {
    if (Array.isArray(container)) container.splice(Number(key), 1);
    else delete container[key];
  } else if (kind === 'shorten' && Array.isArray(target)) target.length = Math.floor(target.length / 2);
  else if (kind === 'lengthen' && Array.isArray(target)) target.push(...target.slice(0, 3), 0);
  else if (kind === 'rename' && !Array.isArray(container)) {
    container[`${key}_`] = target;
    delete container[key];
  } else container[key] = value as Json;
  return root.root;
}

type Mutation =
  | { op: 'truncate'; at: number }
  | { op: 'flip'; at: number; bit: number }
  | { op: 'splice'; at: number; remove: number; insert: number[] }
  | { op: 'restructure'; change: Restructure }
  | { op: 'huge-sizes'; which: number; size: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ op: fc.constant('splice' as const), at: fc.nat(), remove: fc.integer({ min: 0, max: 16 }), insert: fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 16 }) }),
  fc.record({
    op: fc.constant('restructure' as const),
    change: fc.record({ walk: fc.array(fc.nat(), { maxLength: 5 }), kind: fc.constantFrom('replace', 'delete', 'shorten', 'lengthen', 'rename'), value: HOSTILE }),
  }),
  fc.record({ op: fc.constant('huge-sizes' as const), which: fc.integer({ min: 0, max: 2 }), size: fc.constantFrom(2 ** 12, 2 ** 16, 2 ** 24, 2 ** 24 + 1, 2 ** 31) }),
);

function mutateBytes(bytes: Uint8Array, m: Mutation): Uint8Array {
  if (bytes.length === 0) return bytes;
  const at = 'at' in m ? m.at % bytes.length : 0;
  switch (m.op) {
    case 'truncate':
      return bytes.slice(0, at);
    case 'flip': {
      const out = bytes.slice();
      out[at] ^= 1 << m.bit;
      return out;
    }
    case 'splice':
      return Uint8Array.from([...bytes.subarray(0, at), ...m.insert, ...bytes.subarray(Math.min(bytes.length, at + m.remove))]);
    default:
      return bytes;
  }
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function parseOrUndefined(text: string): Json | undefined {
  try {
    return JSON.parse(text) as Json;
  } catch {
    return undefined; // an earlier mutation broke the syntax: structural ones no longer apply
  }
}

function mutateJson(text: string, m: Mutation): string {
  if (m.op !== 'restructure' && m.op !== 'huge-sizes') return decoder.decode(mutateBytes(encoder.encode(text), m));
  const doc = parseOrUndefined(text);
  if (doc === undefined) return text;
  if (m.op === 'restructure') return JSON.stringify(restructure(doc, m.change));
  if (doc !== null && typeof doc === 'object' && !Array.isArray(doc)) doc[['inputDim', 'hiddenDim', 'outputDim'][m.which]] = m.size;
  return JSON.stringify(doc);
}

/** The header of a safetensors file, if it still parses: restructured as JSON, written back. */
function mutateSafetensors(bytes: Uint8Array, m: Mutation): Uint8Array {
  if (m.op !== 'restructure' && m.op !== 'huge-sizes') return mutateBytes(bytes, m);
  if (bytes.length < 8) return bytes;
  const n = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  if (8 + n > bytes.length) return bytes;
  let header = parseOrUndefined(decoder.decode(bytes.subarray(8, 8 + n)));
  if (header === undefined || header === null || typeof header !== 'object') return bytes;
  if (m.op === 'huge-sizes') {
    // Stretch one tensor's shape, keeping its data: the reader must see that the data is short.
    const names = Object.keys(header as object).filter((k) => k !== '__metadata__');
    const entry = (header as Record<string, Json>)[names[m.which % names.length]];
    if (entry !== null && typeof entry === 'object' && !Array.isArray(entry)) entry.shape = [m.size, m.size];
  } else {
    header = restructure(header, m.change);
  }
  return replaceSafetensorsHeader(bytes, n, header);
}

/** Bytes a loaded model may use: its block at the capacity a new model has, and some slack. */
function justified(rnn: RNN): number {
  return blockBytes(modelOf(rnn).spec, 16) + 8 * MiB;
}

/** Loads an input; checks that it loaded as a usable model or was refused with a documented error. */
async function attempt(load: () => Promise<RNN>, tally: FuzzReport['json'], describe: () => string): Promise<void> {
  const before = process.memoryUsage().arrayBuffers;
  let rnn: RNN;
  try {
    rnn = await load();
  } catch (error) {
    const grew = process.memoryUsage().arrayBuffers - before;
    if (grew > 8 * MiB) throw new Error(`refusing the input allocated ${grew} bytes: ${describe()}`, { cause: error });
    if (error instanceof TypeError) tally.TypeError++;
    else if (error instanceof RangeError) tally.RangeError++;
    else throw new Error(`undocumented error ${String(error)} for ${describe()}`, { cause: error });
    return;
  }
  tally.loaded++;
  const grew = process.memoryUsage().arrayBuffers - before;
  if (grew > justified(rnn)) throw new Error(`loading allocated ${grew} bytes for a ${rnn.inputDim}-${rnn.hiddenDim}-${rnn.outputDim} model: ${describe()}`);
  // A loaded model is a working model with finite weights, and training keeps them finite.
  const params = Object.values(rnn.getTensors()).flatMap((v) => [...v]);
  if (!params.every(Number.isFinite)) throw new Error(`a loaded model has non-finite weights: ${describe()}`);
  const x = rnn.input === 'index' ? rnn.inputDim - 1 : new Array<number>(rnn.inputDim).fill(0.5);
  const y = rnn.forwardOneStep(x);
  if (!y.every(Number.isFinite)) throw new Error(`a loaded model gives non-finite outputs: ${describe()}`);
  rnn.train(typeof x === 'number' ? [x, 0] : [x, x], [0, rnn.outputDim - 1], 2, 0.01);
  if (!Object.values(rnn.getTensors()).every((v) => v.every(Number.isFinite))) throw new Error(`training a loaded model left non-finite weights: ${describe()}`);
  rnn.dispose();
}

/** Runs `runs` mutated inputs of each format (fast-check, reproducible from `seed`). */
export async function fuzzModelFiles({ runs, seed }: { runs: number; seed: number }): Promise<FuzzReport> {
  const seeds = await seedFiles();
  const report: FuzzReport = {
    json: { loaded: 0, TypeError: 0, RangeError: 0 },
    safetensors: { loaded: 0, TypeError: 0, RangeError: 0 },
  };
  const input = fc.record({
    file: fc.nat(),
    mutations: fc.array(mutation, { minLength: 1, maxLength: 4 }),
    backend: fc.constantFrom<BackendName>('ts', 'wasm'),
  });
  await fc.assert(fc.asyncProperty(input, async ({ file, mutations, backend }) => {
    const text = mutations.reduce(mutateJson, seeds.json[file % seeds.json.length]);
    await attempt(() => RNN.fromJSON(text, { backend }), report.json, () => `JSON ${JSON.stringify(mutations)}`);
    const bytes = mutations.reduce(mutateSafetensors, seeds.safetensors[file % seeds.safetensors.length]);
    await attempt(() => RNN.fromSafetensors(bytes, { backend }), report.safetensors, () => `safetensors ${JSON.stringify(mutations)}`);
  }), { numRuns: runs, seed });
  return report;
}
