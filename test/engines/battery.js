// The cross-engine battery: every case is run in every engine (Node, Bun, Deno, Chromium, Firefox)
// on every build, through the library's public API only (`lib` is the package's dist/index.js, or
// the browser bundle in a page), and reduced to a sha256 of the bits of its results. Plain
// JavaScript with no imports, so that every engine loads it as it is.
//
// The lists below are the only places to extend: a new model (a cell, a head) is one line of
// MODELS, a new optimiser one line of OPTIMIZERS, and each is then trained with every one of the
// other list. test/engines.test.ts checks that OPTIMIZERS names every optimiser the library has.

/** The builds of the core, as the options of RNN.create that select them. */
export const BUILDS = {
  'wasm-simd': { backend: 'wasm', wasmBuild: 'simd' },
  'wasm-scalar': { backend: 'wasm', wasmBuild: 'scalar' },
  ts: { backend: 'ts' },
};

/**
 * Model specs: `sizes` are inputDim, hiddenDim, outputDim and `options` go to RNN.create as they
 * are. Sizes leave every remainder mod 4 of the dot products' lengths.
 */
export const MODELS = [
  { name: '3-5-3', sizes: [3, 5, 3], options: { seed: 1 } },
  { name: '6-11-4', sizes: [6, 11, 4], options: { seed: 'battery' } },
  { name: '3-8-3 notebook init', sizes: [3, 8, 3], options: { seed: 2, init: 'notebook' } },
  { name: '4-7-3 2 layers', sizes: [4, 7, 3], options: { seed: 3, layers: 2 } },
  { name: '5-6-4 index input, 2 layers', sizes: [5, 6, 4], options: { seed: 4, layers: 2, input: 'index' } },
  { name: '3-7-3 lstm', sizes: [3, 7, 3], options: { seed: 5, cell: 'lstm' } },
  { name: '5-6-4 lstm index input, 2 layers', sizes: [5, 6, 4], options: { seed: 6, cell: 'lstm', layers: 2, input: 'index' } },
  { name: '3-9-3 gru', sizes: [3, 9, 3], options: { seed: 7, cell: 'gru' } },
  { name: '4-5-3 gru 2 layers', sizes: [4, 5, 3], options: { seed: 8, cell: 'gru', layers: 2 } },
];

/** Optimisers, with the settings and the number of iterations each model is trained with. */
export const OPTIMIZERS = [
  { name: 'rprop', iterations: 120, options: { optimizer: 'rprop' } },
  { name: 'irprop+', iterations: 120, options: { optimizer: 'irprop+' } },
  { name: 'rprop-notebook', iterations: 120, options: { optimizer: 'rprop-notebook' } },
  { name: 'sgd', iterations: 120, options: { optimizer: 'sgd', learningRate: 0.05 } },
  { name: 'sgd clipped', iterations: 120, options: { optimizer: 'sgd', learningRate: 0.5, clip: 0.1 } },
  { name: 'momentum', iterations: 120, options: { optimizer: 'momentum', learningRate: 0.02, momentum: 0.8 } },
  { name: 'adagrad', iterations: 120, options: { optimizer: 'adagrad' } },
  // Adam's bias corrections 1 - beta^t change at every step: hundreds of steps.
  { name: 'adam', iterations: 400, options: { optimizer: 'adam', learningRate: 0.01 } },
  { name: 'adam betas', iterations: 300, options: { optimizer: 'adam', learningRate: 0.005, beta1: 0.8, beta2: 0.95, eps: 1e-6 } },
];

/**
 * Sampling where the draw sits within one ulp of a class boundary: a 2-1-2 model whose only
 * non-zero parameters are the output biases `by`, so that every step has the same weights
 * w = exp(logp / temperature - max), and seedrandom(`seed`)'s draw number `step` lands on the
 * boundary between two classes. One ulp more or less in the w of `class` changes the class drawn:
 * an engine's own exp (1 ulp off on some inputs) would give another id than the portable one.
 * Found by scripts/sampling-edges.mjs, which says how; the comments say which engines' own
 * Math.exp moved the draw there (Bun 1.4.5, Deno 2.9.6, Chromium 156; Node 20's and Firefox ESR
 * 153's equal the portable exp at every edge it found). test/engines.test.ts checks that each
 * still sits within one ulp of its boundary.
 */
export const SAMPLING_EDGES = [
  { name: 'seed 1, draw 0, T 1, w0 one ulp up', by: [-0.9974206841384008, 0], temperature: 1, seed: 1, step: 0, class: 0 }, // no engine tried moves it
  { name: 'seed 1, draw 0, T 1, w0 one ulp down', by: [-0.9974206841384006, 0], temperature: 1, seed: 1, step: 0, class: 0 }, // no engine tried moves it
  { name: 'seed 12, draw 0, T 1, w0 one ulp up', by: [-1.2339893347518978, 0], temperature: 1, seed: 12, step: 0, class: 0 }, // Math.exp moves it on bun, deno, chromium
  { name: 'seed 12, draw 0, T 0.8, w0 one ulp up', by: [-0.9871914678015183, 0], temperature: 0.8, seed: 12, step: 0, class: 0 }, // Math.exp moves it on bun, deno, chromium
  { name: 'seed 31, draw 1, T 1, w0 one ulp down', by: [-0.20769071498205988, 0], temperature: 1, seed: 31, step: 1, class: 0 }, // Math.exp moves it on deno
  { name: 'seed 31, draw 1, T 0.8, w0 one ulp down', by: [-0.16615257198564795, 0], temperature: 0.8, seed: 31, step: 1, class: 0 }, // Math.exp moves it on deno
];

/** Every other case: name, then a function of the library and a build's options to its results. */
const CASES = [
  ['initial weights', initialWeights],
  ['datasets', datasets],
  ['functions', functions],
  ['notebook steps', notebookSteps],
  ['train, the notebook call', notebookTrain],
  ['fit in shuffled batches', fitShuffledBatches],
  ['fit with carried state', fitCarriedState],
  ['fitAsync in shuffled batches', fitAsyncShuffledBatches],
  ['fitAsync in shuffled batches, data-parallel in 2 workers', fitAsyncInWorkers],
  ['fitInWorker in shuffled batches', fitInWorker],
  ['trainAsync adam', trainAsyncAdam],
  ['sample at temperatures', sampleAtTemperatures],
  ['model file, loaded and trained further', modelFileResumed],
  ['safetensors, loaded and run', safetensorsLoaded],
];

/** The names of every case, in the order `runCases` runs them. */
export function caseNames() {
  return [
    ...MODELS.flatMap((model) => OPTIMIZERS.map((opt) => trainCaseName(model, opt))),
    ...CASES.map(([name]) => name),
    ...SAMPLING_EDGES.map((edge) => `sampling edge ${edge.name}`),
  ];
}

function trainCaseName(model, opt) {
  return `train ${model.name} ${opt.name}`;
}

/**
 * Runs every case on one build. Resolves to `{ [case]: values }`, each a flat array of numbers
 * (floats and ids) in a fixed order.
 */
export async function runCases(lib, build) {
  const options = BUILDS[build];
  const out = {};
  for (const model of MODELS) {
    for (const opt of OPTIMIZERS) out[trainCaseName(model, opt)] = await trainCase(lib, options, model, opt);
  }
  for (const [name, run] of CASES) out[name] = await run(lib, options);
  for (const edge of SAMPLING_EDGES) out[`sampling edge ${edge.name}`] = await samplingEdge(lib, options, edge);
  return out;
}

/**
 * Runs the battery on each of `builds` (default: all of BUILDS) and resolves to
 * `{ engine, builds: { [build]: { [case]: sha256 hex } }, unavailable: { [build]: message } }`.
 * A build this engine cannot run (no SIMD) is listed in `unavailable`, with whether the engine
 * validates SIMD at all. With `detail`, each case also carries its values as 16-hex-digit bits.
 */
export async function runBattery(lib, { builds = Object.keys(BUILDS), detail = false } = {}) {
  const result = { builds: {}, unavailable: {}, simd: WebAssembly.validate(SIMD_PROBE) };
  for (const build of builds) {
    const { wasmBuild } = BUILDS[build];
    if (wasmBuild !== undefined) {
      try {
        await lib.init(wasmBuild);
      } catch (error) {
        result.unavailable[build] = String(error?.message ?? error);
        continue;
      }
    }
    const values = await runCases(lib, build);
    const digests = {};
    for (const [name, v] of Object.entries(values)) {
      const digest = await sha256(v);
      digests[name] = detail ? { digest, bits: bitsHex(v) } : digest;
    }
    result.builds[build] = digests;
  }
  return result;
}

/** The smallest module that uses a v128 (i32x4.splat in a function), to ask whether SIMD validates. */
const SIMD_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 8, 1, 6, 0, 65, 0, 253, 17, 11,
]);

/** Float64 little-endian bytes of the values, every NaN written as the one quiet NaN. */
function bytesOf(values) {
  const view = new DataView(new ArrayBuffer(8 * values.length));
  for (let i = 0; i < values.length; i++) {
    // WebAssembly leaves a NaN's sign and payload to the engine; the library's results carry no
    // meaning there, so a NaN counts as a NaN.
    const v = values[i];
    if (v !== v) view.setBigUint64(8 * i, 0x7ff8000000000000n, true);
    else view.setFloat64(8 * i, v, true);
  }
  return new Uint8Array(view.buffer);
}

async function sha256(values) {
  const hash = new Uint8Array(await crypto.subtle.digest('SHA-256', bytesOf(values)));
  return Array.from(hash, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** The bits of each value, as 16 hex digits. */
export function bitsHex(values) {
  const bytes = bytesOf(values);
  const view = new DataView(bytes.buffer);
  return Array.from({ length: values.length }, (_, i) => view.getBigUint64(8 * i, true).toString(16).padStart(16, '0'));
}

/** Appends numbers (arrays, typed arrays, nested arrays, numbers) to `out`, each array after its length. */
function put(out, ...items) {
  for (const item of items) {
    if (typeof item === 'number') out.push(item);
    else {
      out.push(item.length);
      for (const x of item) {
        if (typeof x === 'number') out.push(x);
        else put(out, x);
      }
    }
  }
  return out;
}

function paramsOf(rnn) {
  return Object.values(rnn.getTensors());
}

/** The optimiser state the model file keeps: every slot and scalar, decoded. */
function optimizerStateOf(rnn) {
  const { slots, info } = rnn.toJSON().optimizer;
  const decode = (v) => (typeof v === 'string' ? Number(v) : v);
  return [
    ...Object.keys(slots).sort().map((k) => slots[k].map(decode)),
    Object.keys(info).sort().map((k) => decode(info[k])),
  ];
}

/** A sequence of T steps for an I-O model: seeded random inputs, targets cycling through the classes. */
function sequence(lib, I, O, T, seed) {
  const { xs } = lib.constantDataset(0, T, I, { seed });
  const targets = Array.from({ length: T }, (_, t) => (t * t + 3 * t + 1) % O);
  return { xs, targets };
}

const TEXT = 'the cat sat on the mat. the dog ate the rat! ';

async function trainCase(lib, build, model, opt) {
  const [I, H, O] = model.sizes;
  const rnn = await lib.RNN.create(I, H, O, { ...model.options, ...build });
  const dense = sequence(lib, I, O, 13, model.name);
  const { targets } = dense;
  const xs = model.options.input === 'index' ? dense.xs.map((x) => Math.floor(x[0] * I)) : dense.xs;
  const first = rnn.train(xs, targets, { ...opt.options, iterations: opt.iterations - 7 });
  const second = rnn.train(xs, targets, { ...opt.options, iterations: 7 });
  rnn.resetHistory();
  const out = put([], first.losses, second.losses, ...paramsOf(rnn), ...optimizerStateOf(rnn), rnn.predict(xs), rnn.forward(xs));
  rnn.dispose();
  return out;
}

async function initialWeights(lib, build) {
  const out = [];
  for (const [seed, init] of [[1, 'uniform'], ['a seed', 'uniform'], [7, 'notebook']]) {
    const rnn = await lib.RNN.create(4, 9, 5, { seed, init, ...build });
    put(out, ...paramsOf(rnn));
    rnn.dispose();
  }
  return out;
}

function datasets(lib) {
  const constant = lib.constantDataset(2, 9, 5, { seed: 'c' });
  const identity = lib.identityDataset(12, 4, { seed: 3, delay: 2 });
  const periodic = lib.periodicDataset([0, 2, 1], 7, 3);
  const text = lib.textDataset(TEXT, 6);
  return put([], constant.xs, constant.targets, identity.xs, identity.targets, periodic.xs, periodic.targets,
    text.sequences.map((s) => s.targets), text.encode('the rat'));
}

function functions(lib) {
  const xs = [-745.5, -40, -3.25, -1, -0.3466, -1e-9, 0, 1e-12, 0.5, 0.6931471805599453, 2, 17.5, 36.7, 709];
  const vectors = [[0, 1, 2], [-3.5, 0.25, 7, 1e-3], [1000, 1000], [-20, 20, 0.1, -0.1, 5], xs];
  const out = put([], xs.map((x) => lib.sigmoid(x)), xs.map((x) => lib.sigmoidDerivative(lib.sigmoid(x))));
  for (const v of vectors) put(out, lib.softmax(v), lib.softmaxNaive(v.map((x) => x / 10)));
  return out;
}

async function notebookSteps(lib, build) {
  const rnn = await lib.RNN.create(6, 11, 4, { seed: 5, ...build });
  const { xs, targets } = sequence(lib, 6, 4, 9, 'steps');
  const out = [];
  for (let i = 0; i < 6; i++) {
    rnn.resetHistory();
    put(out, rnn.forward(xs), rnn.loss(targets));
    const grads = rnn.backward(xs, targets);
    put(out, grads.dWxh, grads.dWhh, grads.dWhy, grads.dbh, grads.dby);
    if (i < 2) rnn.update(grads, 0.1);
    else if (i < 4) rnn.updateRprop(grads, 0.01);
    else rnn.updateRpropNotebook(grads, 0.01);
  }
  rnn.resetHistory();
  put(out, rnn.forwardOneStep(xs[0]), rnn.predictOneStep(xs[1]), rnn.getHiddenState(), ...paramsOf(rnn));
  rnn.dispose();
  return out;
}

async function notebookTrain(lib, build) {
  const rnn = await lib.RNN.create(3, 50, 3, { seed: 1, ...build });
  const { xs, targets } = lib.periodicDataset([0, 1, 2], 10, 3);
  const result = rnn.train(xs, targets, 60, 0.01);
  rnn.resetHistory();
  const out = put([], result.losses, ...paramsOf(rnn), rnn.predict(xs));
  rnn.dispose();
  return out;
}

async function charModel(lib, build, fitOptions, fitAsync = false) {
  const text = lib.textDataset(TEXT, 7);
  const V = text.vocab.length;
  const rnn = await lib.RNN.create(V, 12, V, { seed: 'chars', ...build });
  const result = fitAsync ? await rnn.fitAsync(text.sequences, fitOptions) : rnn.fit(text.sequences, fitOptions);
  return { rnn, result, text };
}

const SHUFFLED_BATCHES = { epochs: 25, batchSize: 3, shuffle: true, seed: 11, optimizer: 'adam', learningRate: 0.01 };

async function fitShuffledBatches(lib, build) {
  const { rnn, result } = await charModel(lib, build, SHUFFLED_BATCHES);
  const out = put([], result.losses, ...paramsOf(rnn), ...optimizerStateOf(rnn));
  rnn.dispose();
  return out;
}

async function fitAsyncShuffledBatches(lib, build) {
  const { rnn, result } = await charModel(lib, build, SHUFFLED_BATCHES, true);
  const out = put([], result.losses, ...paramsOf(rnn), ...optimizerStateOf(rnn));
  rnn.dispose();
  return out;
}

/** Each batch of 3 in shards of 1, two of them in one worker and one in the other. */
async function fitAsyncInWorkers(lib, build) {
  const { rnn, result } = await charModel(lib, build, { ...SHUFFLED_BATCHES, workers: 2, shardSize: 1 }, true);
  const out = put([], result.losses, ...paramsOf(rnn), ...optimizerStateOf(rnn));
  rnn.dispose();
  return out;
}

/** The same training as 'fitAsync in shuffled batches', in a worker: the same values. */
async function fitInWorker(lib, build) {
  const text = lib.textDataset(TEXT, 7);
  const V = text.vocab.length;
  const rnn = await lib.RNN.create(V, 12, V, { seed: 'chars', ...build });
  const result = await rnn.fitInWorker(text.sequences, SHUFFLED_BATCHES);
  const out = put([], result.losses, ...paramsOf(rnn), ...optimizerStateOf(rnn));
  rnn.dispose();
  return out;
}

async function fitCarriedState(lib, build) {
  const { rnn, result } = await charModel(lib, build, { epochs: 30, optimizer: 'adagrad', carryState: true });
  const out = put([], result.losses, ...paramsOf(rnn), rnn.getHiddenState());
  rnn.dispose();
  return out;
}

async function trainAsyncAdam(lib, build) {
  const rnn = await lib.RNN.create(4, 7, 4, { seed: 9, ...build });
  const { xs, targets } = lib.identityDataset(15, 4, { seed: 9, delay: 1 });
  const result = await rnn.trainAsync(xs, targets, { iterations: 300, optimizer: 'adam', learningRate: 0.02 });
  const out = put([], result.losses, ...paramsOf(rnn), ...optimizerStateOf(rnn));
  rnn.dispose();
  return out;
}

async function sampleAtTemperatures(lib, build) {
  const { rnn, text } = await charModel(lib, build, { epochs: 40, optimizer: 'adagrad', carryState: true });
  const start = text.encode('t')[0];
  const out = [];
  for (const [temperature, seed] of [[1, 1], [0.7, 'a'], [1.6, 3], [0.25, 4]]) put(out, rnn.sample(start, 60, { temperature, seed }));
  const hiddenState = rnn.getHiddenState().map((h, i) => h * 0.5 + (i % 3) * 0.1);
  put(out, rnn.sample(start, 40, { temperature: 1.3, seed: 'h', hiddenState }), rnn.getHiddenState());
  rnn.dispose();
  return out;
}

async function modelFileResumed(lib, build) {
  const rnn = await lib.RNN.create(3, 8, 3, { seed: 3, ...build });
  const { xs, targets } = sequence(lib, 3, 3, 11, 'file');
  const options = { iterations: 150, optimizer: 'adam', learningRate: 0.01 };
  rnn.train(xs, targets, options);
  const json = JSON.stringify(rnn);
  rnn.dispose();
  // A model file does not name its build: on the wasm backend it loads on the engine's default.
  const loaded = await lib.RNN.fromJSON(json, { backend: build.backend });
  const result = loaded.train(xs, targets, options);
  const out = put([], Array.from(new TextEncoder().encode(json)), result.losses, ...paramsOf(loaded), ...optimizerStateOf(loaded));
  loaded.dispose();
  return out;
}

async function safetensorsLoaded(lib, build) {
  const rnn = await lib.RNN.create(5, 6, 3, { seed: 4, ...build });
  const { xs, targets } = sequence(lib, 5, 3, 8, 'safetensors');
  rnn.train(xs, targets, { iterations: 30, optimizer: 'momentum' });
  const bytes = rnn.toSafetensors();
  rnn.dispose();
  const loaded = await lib.RNN.fromSafetensors(bytes, { backend: build.backend });
  const out = put([], Array.from(bytes), loaded.forward(xs), loaded.loss(targets));
  loaded.dispose();
  return out;
}

async function samplingEdge(lib, build, edge) {
  const rnn = await lib.RNN.create(2, 1, 2, build);
  rnn.setParams({ Wxh: [0, 0], Whh: [0], Why: [0, 0], bh: [0], by: edge.by });
  const ids = rnn.sample(0, edge.step + 1, { temperature: edge.temperature, seed: edge.seed });
  rnn.dispose();
  return ids;
}
