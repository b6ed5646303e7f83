// What every test file shares: the builds the conformance suite runs on, and small measures.
import { RNN, type BackendName, type RNNOptions } from '../src/index.js';

/** A build of the core: the wasm build with SIMD, the wasm build without, and the pure-TS build. */
export type Core = 'wasm-simd' | 'wasm-scalar' | 'ts';

/** Every build of the core; the conformance suite runs on each, with no exclusions. */
export const BACKENDS: readonly Core[] = ['wasm-simd', 'wasm-scalar', 'ts'];

/** The options that select a core. */
export function coreOptions(core: Core): RNNOptions {
  return core === 'ts' ? { backend: 'ts' } : { backend: 'wasm', wasmBuild: core === 'wasm-simd' ? 'simd' : 'scalar' };
}

/** The public backend names, for tests of the `backend` option itself (the command line, files). */
export const BACKEND_NAMES: readonly BackendName[] = ['wasm', 'ts'];

export function backendNameOf(core: Core): BackendName {
  return core === 'ts' ? 'ts' : 'wasm';
}

export function create(core: Core, I: number, H: number, O: number, options: RNNOptions = {}): Promise<RNN> {
  return RNN.create(I, H, O, { ...options, ...coreOptions(core) });
}

/**
 * Where two arrays of float64s first differ in their bits (so -0 differs from 0), as a
 * message; undefined when they are the same to the bit.
 */
export function bitDifference(a: ArrayLike<number>, b: ArrayLike<number>): string | undefined {
  if (a.length !== b.length) return `lengths differ: ${a.length} vs ${b.length}`;
  const wa = new BigUint64Array(Float64Array.from(a).buffer), wb = new BigUint64Array(Float64Array.from(b).buffer);
  for (let i = 0; i < a.length; i++) {
    if (wa[i] !== wb[i]) return `[${i}]: ${a[i]} vs ${b[i]}`;
  }
  return undefined;
}

/** Normwise relative difference ||a - b|| / max(||a||, ||b||), 0 when both are 0. */
export function relativeDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`lengths differ: ${a.length} vs ${b.length}`);
  let diff = 0, na = 0, nb = 0;
  for (let i = 0; i < a.length; i++) {
    diff += (a[i] - b[i]) ** 2;
    na += a[i] ** 2;
    nb += b[i] ** 2;
  }
  const scale = Math.sqrt(Math.max(na, nb));
  return scale === 0 ? 0 : Math.sqrt(diff) / scale;
}

/** A deterministic stream of numbers for test data, independent of the library's own seeding. */
export function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

export function randomSequence(random: () => number, T: number, I: number, scale = 1): number[][] {
  return Array.from({ length: T }, () => Array.from({ length: I }, () => scale * (2 * random() - 1)));
}

export function randomTargets(random: () => number, T: number, O: number): number[] {
  return Array.from({ length: T }, () => Math.floor(random() * O));
}


/** A safetensors file with its header replaced by `header` (as JSON, or the text of the JSON) and its data kept. */
export function replaceSafetensorsHeader(bytes: Uint8Array, headerLength: number, header: unknown, { asText = false } = {}): Uint8Array {
  const json = new TextEncoder().encode(asText ? String(header) : JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + bytes.length - 8 - headerLength);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  out.set(bytes.subarray(8 + headerLength), 8 + json.length);
  return out;
}

/** The notebook's five parameters, and their gradients, in block order. */
export const PARAMS = ['Wxh', 'Whh', 'Why', 'bh', 'by'] as const;
export const GRADS = ['dWxh', 'dWhh', 'dWhy', 'dbh', 'dby'] as const;

/** The bits of an array of float64s, as hex, for comparing to the bit (so -0 differs from 0). */
export function bits(a: ArrayLike<number>): string {
  return Buffer.from(Float64Array.from(a).buffer).toString('hex');
}

/** Every parameter of a model, in block order, as one array. */
export function flat(rnn: RNN): number[] {
  return Object.values(rnn.getTensors()).flatMap((v) => [...v]);
}

/** The bits of every parameter of a model. */
export function paramBits(rnn: RNN): string {
  return bits(flat(rnn));
}

/**
 * The model shapes the conformance suite runs over, beside the notebook model: stacked layers and
 * token-id inputs. Each has a name for the test titles and the options that make it.
 */
export const SPECS: readonly { name: string; options: RNNOptions }[] = [
  { name: 'notebook', options: {} },
  { name: '2 layers', options: { layers: 2 } },
  { name: '3 layers', options: { layers: 3 } },
  { name: 'index input', options: { input: 'index' } },
  { name: '2 layers, index input', options: { layers: 2, input: 'index' } },
  { name: 'lstm', options: { cell: 'lstm' } },
  { name: '2 layers lstm, index input', options: { cell: 'lstm', layers: 2, input: 'index' } },
  { name: 'gru', options: { cell: 'gru' } },
  { name: '2 layers gru', options: { cell: 'gru', layers: 2 } },
  { name: 'linear output', options: { output: 'linear' } },
  { name: 'softmax at the last step', options: { outputAt: 'last' } },
  { name: '2 layers, linear at the last step', options: { layers: 2, output: 'linear', outputAt: 'last' } },
  { name: 'index input, linear output', options: { input: 'index', output: 'linear' } },
];

/**
 * Random targets of a sequence of T steps for a model: one per step or, with outputAt 'last',
 * one; class ids for a softmax output, vectors of O numbers in (-1, 1) for a linear one.
 */
export function randomTargetsFor(random: () => number, T: number, O: number, options: RNNOptions): number[] | number[][] {
  const count = options.outputAt === 'last' ? 1 : T;
  return options.output === 'linear' ? randomSequence(random, count, O) : randomTargets(random, count, O);
}

/**
 * Targets of a sequence of T steps that a model must refuse, with the error each gets: the wrong
 * number of them, and a right number with a bad value (an id out of range; NaN, or a vector of the
 * wrong length, for a linear output).
 */
export function badTargetsFor(T: number, O: number, options: RNNOptions): [unknown, ErrorConstructor][] {
  const count = options.outputAt === 'last' ? 1 : T;
  const good = randomTargetsFor(lcg(T), count === 1 ? 1 : T, O, options);
  const wrongCount = randomTargetsFor(lcg(T), T + 1, O, { ...options, outputAt: 'every' });
  if (options.output === 'linear') {
    const nan = (good as number[][]).map((v) => [...v]);
    nan[count - 1][O - 1] = NaN;
    const short = (good as number[][]).map((v) => [...v]);
    short[0] = short[0].slice(1);
    return [[wrongCount, RangeError], [nan, TypeError], [short, RangeError], [[...Array(count).keys()].map(() => 'a'), TypeError]];
  }
  const wild = [...(good as number[])];
  wild[count - 1] = O;
  return [[wrongCount, RangeError], [wild, RangeError]];
}

/** A random sequence of T inputs for a model: vectors, or ids for index input. */
export function randomInputs(random: () => number, T: number, I: number, options: RNNOptions): number[][] | number[] {
  return options.input === 'index' ? randomTargets(random, T, I) : randomSequence(random, T, I);
}

/**
 * The five-point central difference has error O(EPS^4) plus rounding O(ulp(loss) / EPS). The
 * plain two-point one, O(EPS^2), is too coarse for the tiny gradients of a saturated net (the
 * notebook's initialisation): there no EPS makes both errors small next to 1e-6.
 */
const EPS = 1e-3;

/** Five-point central differences of the loss in every parameter of every tensor, by getTensors' names. */
export function numericGradients(rnn: RNN, xs: number[][] | number[], targets: number[] | number[][]): Record<string, Float64Array> {
  const out: Record<string, Float64Array> = {};
  for (const [name, values] of Object.entries(rnn.getTensors())) {
    const grad = new Float64Array(values.length);
    const lossAt = (v: number, i: number): number => {
      const perturbed = values.slice();
      perturbed[i] = v;
      rnn.setTensors({ [name]: perturbed });
      rnn.resetHistory();
      rnn.forward(xs);
      return rnn.loss(targets);
    };
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      grad[i] = (8 * (lossAt(v + EPS, i) - lossAt(v - EPS, i)) - (lossAt(v + 2 * EPS, i) - lossAt(v - 2 * EPS, i))) / (12 * EPS);
    }
    rnn.setTensors({ [name]: values });
    out[name] = grad;
  }
  return out;
}
