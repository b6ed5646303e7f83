// The notebook's tasks, as sequences of input vectors and class targets.
import { checkArrayLike, checkInteger, checkOptionKeys, show } from './errors.js';
import { makeRandom, type Seed } from './random.js';

/**
 * A training sequence: `xs[t]` is the input at step t, `targets[t]` the class to predict there.
 *
 * @example
 * const data: Dataset = { xs: [new Float64Array([1, 0]), new Float64Array([0, 1])], targets: [1, 0] };
 * const rnn = await RNN.create(2, 4, 2, { seed: 1 });
 * rnn.train(data.xs, data.targets, 100, 0.01);
 */
export interface Dataset {
  xs: Float64Array[];
  targets: number[];
}

/** Longest sequence a dataset helper builds, to catch a mistaken huge length early. */
const MAX_LENGTH = 1 << 24;


/**
 * The constant task: inputs drawn uniformly from [0, 1), every target `c`. The answer never
 * depends on the input.
 *
 * @example
 * const { xs, targets } = constantDataset(1, 10, 3, { seed: 42 });
 * targets; // [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]
 */
export function constantDataset(c: number, length: number, dim: number, options?: { seed?: Seed }): Dataset {
  const where = 'constantDataset';
  checkInteger(where, 'dim', dim, 1);
  checkInteger(where, 'c', c, 0, dim - 1);
  checkInteger(where, 'length', length, 1, MAX_LENGTH);
  const random = makeRandom(where, checkOptionKeys(where, options, ['seed']).seed as Seed | undefined);
  const xs: Float64Array[] = [];
  for (let t = 0; t < length; t++) {
    const x = new Float64Array(dim);
    for (let j = 0; j < dim; j++) x[j] = random();
    xs.push(x);
  }
  return { xs, targets: new Array<number>(length).fill(c) };
}

/**
 * The periodic task: every input is all ones, and the targets repeat `pattern`, so the model must
 * count steps in its hidden state.
 *
 * @example
 * const { targets } = periodicDataset([0, 1, 2], 7, 3);
 * targets; // [0, 1, 2, 0, 1, 2, 0]
 */
export function periodicDataset(pattern: ArrayLike<number>, length: number, dim: number): Dataset {
  const where = 'periodicDataset';
  checkInteger(where, 'dim', dim, 1);
  checkArrayLike(where, 'pattern', pattern);
  if (pattern.length === 0) throw new RangeError(`${where}: pattern must not be empty`);
  for (let i = 0; i < pattern.length; i++) checkInteger(where, `pattern[${i}]`, pattern[i], 0, dim - 1);
  checkInteger(where, 'length', length, 1, MAX_LENGTH);
  const xs: Float64Array[] = [];
  const targets: number[] = [];
  for (let t = 0; t < length; t++) {
    xs.push(new Float64Array(dim).fill(1));
    targets.push(pattern[t % pattern.length]);
  }
  return { xs, targets };
}

/**
 * The identity (copy) task: each input is a random one-hot class, and the target is the class
 * shown `delay` steps earlier (default 0: the class shown now). The first `delay` steps have
 * nothing to recall yet, so their targets are class 0.
 *
 * @example
 * const { xs, targets } = identityDataset(6, 3, { seed: 7, delay: 1 });
 * // xs[t] is one-hot of class c[t]; targets = [0, c[0], c[1], c[2], c[3], c[4]]
 */
export function identityDataset(length: number, dim: number, options?: { seed?: Seed; delay?: number }): Dataset {
  const where = 'identityDataset';
  checkInteger(where, 'length', length, 1, MAX_LENGTH);
  checkInteger(where, 'dim', dim, 1);
  const opts = checkOptionKeys(where, options, ['seed', 'delay']);
  const delay = opts.delay === undefined ? 0 : checkInteger(where, 'options.delay', opts.delay, 0, length - 1);
  const random = makeRandom(where, opts.seed as Seed | undefined);
  const classes: number[] = [];
  const xs: Float64Array[] = [];
  for (let t = 0; t < length; t++) {
    const c = Math.floor(random() * dim);
    classes.push(c);
    const x = new Float64Array(dim);
    x[c] = 1;
    xs.push(x);
  }
  const targets = classes.map((_, t) => (t < delay ? 0 : classes[t - delay]));
  return { xs, targets };
}

/**
 * A text cut into next-character prediction sequences, with its vocabulary. With
 * `{ input: 'index' }` each step's input is a character's id (for a model with `input: 'index'`),
 * in memory proportional to the text; otherwise its one-hot vector.
 *
 * @example
 * const text: TextDataset = textDataset('abcabc', 2);
 * text.vocab; // ['a', 'b', 'c']
 * text.sequences.map((s) => s.targets); // [[1, 2], [0, 1], [2]]
 * const ids: TextDataset<'index'> = textDataset('abcabc', 2, { input: 'index' });
 * ids.sequences[0].xs; // [0, 1]
 */
export interface TextDataset<K extends 'dense' | 'index' = 'dense'> {
  /** The distinct characters (Unicode code points) of the text, sorted: class i is vocab[i]. */
  vocab: string[];
  /** The classes of a string's characters; every one must be in the vocabulary. */
  encode(s: string): number[];
  /** The string of a list of classes. */
  decode(ids: ArrayLike<number>): string;
  /**
   * Consecutive chunks of at most seqLength characters: xs[t] is character t (its one-hot vector,
   * or its id) and targets[t] the class of the character after it. Ready for `fit` (with
   * `carryState` to read the text as one stream; with `streams: B`, in the order in which fit
   * with `batchSize: B` and `carryState` reads it as B streams side by side).
   */
  sequences: { xs: K extends 'index' ? number[] : Float64Array[]; targets: number[] }[];
}

/** Most characters of a text for textDataset, and most characters times kinds for one-hot inputs. */
const MAX_TEXT = 1 << 24;
const MAX_ONE_HOT = 1 << 27;

/**
 * Cuts a text into next-character prediction sequences, as min-char-rnn trains. A text may have
 * up to 2^24 characters; with one-hot inputs (the default), characters times kinds may be at most
 * 2^27 numbers (1 GiB): a larger text needs `{ input: 'index' }`.
 *
 * @example
 * const text = textDataset('hello world', 4);
 * text.vocab; // [' ', 'd', 'e', 'h', 'l', 'o', 'r', 'w']
 * text.decode(text.encode('hello')); // 'hello'
 * text.sequences[0].targets; // classes of 'ello'
 * textDataset('hello world', 4, { input: 'index' }).sequences[0].xs; // ids of 'hell'
 * textDataset('hello world, hello wasm', 4, { input: 'index', streams: 2 }).sequences[1].xs; // ids of ' hel', where the second stream starts
 */
export function textDataset(text: string, seqLength: number): TextDataset;
export function textDataset(text: string, seqLength: number, options: { input: 'index'; streams?: number }): TextDataset<'index'>;
export function textDataset(text: string, seqLength: number, options?: TextOptions): TextDataset | TextDataset<'index'>;
export function textDataset(text: string, seqLength: number, options?: TextOptions): TextDataset | TextDataset<'index'> {
  const where = 'textDataset';
  if (typeof text !== 'string') throw new TypeError(`${where}: text must be a string, got ${show(text)}`);
  checkInteger(where, 'seqLength', seqLength, 1, MAX_LENGTH);
  const { input = 'dense', streams = 1 } = checkOptionKeys(where, options, ['input', 'streams']) as { input?: unknown; streams?: unknown };
  checkInteger(where, 'options.streams', streams, 1, MAX_LENGTH);
  if (input !== 'dense' && input !== 'index') throw new TypeError(`${where}: options.input must be 'dense' or 'index', got ${show(input)}`);
  if (text.length > 2 * MAX_TEXT) throw new RangeError(`${where}: text must have at most ${MAX_TEXT} characters, got ${text.length} UTF-16 units`);
  const chars = Array.from(text);
  if (chars.length < 2) throw new RangeError(`${where}: text must have at least 2 characters, got ${chars.length}`);
  if (chars.length > MAX_TEXT) throw new RangeError(`${where}: text must have at most ${MAX_TEXT} characters, got ${chars.length}`);
  const vocab = [...new Set(chars)].sort((a, b) => a.codePointAt(0)! - b.codePointAt(0)!);
  if (input === 'dense' && chars.length * vocab.length > MAX_ONE_HOT) {
    throw new RangeError(`${where}: ${chars.length} characters of ${vocab.length} kinds are too many for one-hot inputs (at most ${MAX_ONE_HOT} characters times kinds); use { input: 'index' } and a model with input: 'index'`);
  }
  const index = new Map(vocab.map((c, i) => [c, i]));
  const encode = (s: string): number[] => {
    if (typeof s !== 'string') throw new TypeError(`encode: s must be a string, got ${show(s)}`);
    return Array.from(s, (c, k) => {
      const id = index.get(c);
      if (id === undefined) throw new RangeError(`encode: character ${JSON.stringify(c)} at ${k} is not in the vocabulary`);
      return id;
    });
  };
  const decode = (ids: ArrayLike<number>): string => {
    checkArrayLike('decode', 'ids', ids);
    return Array.from(ids, (id, k) => vocab[checkInteger('decode', `ids[${k}]`, id, 0, vocab.length - 1)]).join('');
  };
  const ids = chars.map((c) => index.get(c) as number);
  const sequences: { xs: Float64Array[] | number[]; targets: number[] }[] = [];
  for (let start = 0; start < ids.length - 1; start += seqLength) {
    const end = Math.min(start + seqLength, ids.length - 1);
    const targets = ids.slice(start + 1, end + 1);
    if (input === 'index') {
      sequences.push({ xs: ids.slice(start, end), targets });
      continue;
    }
    const xs: Float64Array[] = [];
    for (let t = start; t < end; t++) {
      const x = new Float64Array(vocab.length);
      x[ids[t]] = 1;
      xs.push(x);
    }
    sequences.push({ xs, targets });
  }
  return { vocab, encode, decode, sequences: interleave(where, sequences, streams as number) } as TextDataset | TextDataset<'index'>;
}

/**
 * The chunks of one text as `streams` streams, each a stretch of `per` consecutive chunks, in
 * the order fit's batches of `streams` sequences with carryState take them: sequence j·B + b is
 * chunk j of stream b. The last chunks that make no full round (fewer than B) are left out.
 */
function interleave<S>(where: string, chunks: S[], streams: number): S[] {
  if (streams === 1) return chunks;
  const per = Math.floor(chunks.length / streams);
  if (per === 0) throw new RangeError(`${where}: ${chunks.length} chunks cannot make ${streams} streams; use fewer streams or a shorter seqLength`);
  const out: S[] = [];
  for (let j = 0; j < per; j++) for (let b = 0; b < streams; b++) out.push(chunks[b * per + j]);
  return out;
}

/**
 * Options of textDataset: `input` 'dense' (one-hot vectors, the default) or 'index' (ids), and
 * `streams`, to cut the text into that many streams for fit in batches of as many sequences
 * with carryState (default 1: the chunks in order, one stream).
 *
 * @example
 * const options: TextOptions = { input: 'index', streams: 16 };
 */
export interface TextOptions {
  input?: 'dense' | 'index';
  streams?: number;
}

/**
 * The delayed-recall task, as id sequences for a model with `input: 'index'`: in each sequence
 * class c is shown at step 0, then `delay - 1` random distractor symbols, then a query symbol;
 * the targets are the 'wait' class at every step but the last, and c at the query. Ids 0 ..
 * classes-1 are the classes, then the distractors, then the query (inputDim ids in all); the
 * targets are the classes and then 'wait' (outputDim = classes + 1). A gated cell (LSTM, GRU)
 * learns it over 15 steps; a tanh Elman cell of the same size mostly does not.
 *
 * @example
 * const task: RecallDataset = recallDataset(2, { delay: 3, seed: 1 });
 * task.sequences[0].xs; // e.g. [2, 5, 7, 8]: class 2, distractors 5 and 7, the query 8
 * task.sequences[0].targets; // [4, 4, 4, 2]: wait, wait, wait, class 2
 */
export interface RecallDataset {
  /** Ids per step, and classes per step (the last one the class to recall). */
  sequences: { xs: number[]; targets: number[] }[];
  /** The model's sizes: classes + distractors + 1 input ids, classes + 1 output classes. */
  inputDim: number;
  outputDim: number;
  /** Steps from the class shown to its query. */
  delay: number;
  /** The target of the steps before the query. */
  waitClass: number;
}

/**
 * Builds `count` delayed-recall sequences (see RecallDataset): `delay` (default 15) steps between
 * the class and its query, `classes` (default 4) classes, `distractors` (default 4) symbols in
 * between, drawn with `seed`.
 *
 * @example
 * const task = recallDataset(256, { seed: 'train' });
 * const rnn = new RNN(task.inputDim, 16, task.outputDim, { cell: 'lstm', input: 'index', backend: 'ts' });
 * rnn.fit(task.sequences, { epochs: 40, optimizer: 'adam', learningRate: 0.01, batchSize: 8 });
 */
export function recallDataset(count: number, options?: { delay?: number; classes?: number; distractors?: number; seed?: Seed }): RecallDataset {
  const where = 'recallDataset';
  const o = checkOptionKeys(where, options, ['delay', 'classes', 'distractors', 'seed']) as { delay?: unknown; classes?: unknown; distractors?: unknown; seed?: Seed };
  const delay = o.delay === undefined ? 15 : checkInteger(where, 'options.delay', o.delay, 1, MAX_LENGTH - 1);
  const classes = o.classes === undefined ? 4 : checkInteger(where, 'options.classes', o.classes, 2, 1 << 16);
  const distractors = o.distractors === undefined ? 4 : checkInteger(where, 'options.distractors', o.distractors, 1, 1 << 16);
  checkInteger(where, 'count', count, 1, Math.floor(MAX_LENGTH / (delay + 1)));
  const random = makeRandom(where, o.seed);
  const query = classes + distractors;
  const sequences: { xs: number[]; targets: number[] }[] = [];
  for (let n = 0; n < count; n++) {
    const c = Math.floor(random() * classes);
    const xs = [c];
    for (let t = 1; t < delay; t++) xs.push(classes + Math.floor(random() * distractors));
    xs.push(query);
    const targets = new Array<number>(delay).fill(classes);
    targets.push(c);
    sequences.push({ xs, targets });
  }
  return { sequences, inputDim: query + 1, outputDim: classes + 1, delay, waitClass: classes };
}
