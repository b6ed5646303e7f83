// The demo page: builds a task from the controls, trains an RNN live (by default in a worker,
// with trainInWorker / fitInWorker, or on the page with trainAsync / fitAsync in bursts) and
// draws the loss, the predictions (or, for text, a sample) and the speed of each backend. It imports the self-contained bundle, as a plain page would: no bundler, no
// import map.
import {
  constantDataset, DEFAULT_LEARNING_RATES, identityDataset, init, OPTIMIZERS, periodicDataset, recallDataset, RNN, textDataset,
} from '../../dist/rnn-wasm.browser.js';

const $ = (id) => document.getElementById(id);
const controls = $('controls');
const status = $('status');

/** The optimiser each kind of task starts with when it is chosen (recall: adam, over batches of sequences). */
const SUGGESTED_OPTIMIZER = { sequence: 'rprop', text: 'adagrad' };
const TASK_OPTIMIZER = { recall: 'adam' };
/** Held-out sequences the recall task is scored on. */
const RECALL_HELD_OUT = 200;
/** Characters of the sample shown for the text task. */
const SAMPLE_LENGTH = 160;
/** At most this often the sample is redrawn while training (it is always drawn at the end). */
const SAMPLE_EVERY_MS = 150;
/** The page gets the event loop back at least this often, to draw and to answer Stop. */
const YIELD_EVERY_MS = 12;
/** A burst of training is kept between these durations by halving or doubling its size. */
const BURST_MS = { low: 3, high: 9 };
/**
 * The text task's streams: fewest chunks a stream may have, and most of the text's chunks its
 * streams may leave out (as `rnn-wasm train --batch` cuts a text; see streamsFor).
 */
const STREAMS = { minChunks: 8, maxLeftOut: 1 / 50 };

/**
 * The streams to cut `chunks` chunks into for batches of up to `batch`: the most that give each
 * stream STREAMS.minChunks chunks or more and leave out at most STREAMS.maxLeftOut of them. A
 * short text (the page's own, of 8 chunks of 16) is one stream: batches of a few chunks would make
 * too few updates an epoch to learn it.
 */
function streamsFor(chunks, batch) {
  for (let s = Math.min(batch, Math.floor(chunks / STREAMS.minChunks)); s > 1; s--) {
    if (chunks % s <= STREAMS.maxLeftOut * chunks) return s;
  }
  return 1;
}

/**
 * A training job from the controls: a fresh model's sizes, how to train it for a burst of `k`
 * units (iterations for a sequence, epochs for text) and how to evaluate it between bursts.
 * A task with random inputs is scored on `heldOut`, another sequence of the same task that it
 * never trains on: right answers there say it learnt the task, not the one sequence.
 */
function sequenceJob(data, classes, heldOut) {
  const { xs, targets } = data;
  const scored = heldOut ?? data;
  return {
    kind: 'sequence',
    inputDim: classes,
    outputDim: classes,
    total: positiveInt('iterations'),
    /** Longest burst while training live: predictions are checked at least this often. */
    maxBurst: 10,
    heldOut: heldOut !== undefined,
    /** The targets the predictions are shown against. */
    targets: scored.targets,
    burst: (rnn, k, options) => rnn.trainAsync(xs, targets, { iterations: k, ...options }),
    /** The whole run in a worker. */
    whole: (rnn, k, options) => rnn.trainInWorker(xs, targets, { iterations: k, ...options }),
    /** Maps the loss onProgress reports to the curve's value: here the summed loss itself. */
    curveValue: (loss) => loss,
    evaluate(rnn) {
      // The loss is the training sequence's, as on the curve; the predictions are of `scored`.
      rnn.resetHistory();
      rnn.forward(xs);
      const loss = rnn.loss(targets);
      rnn.resetHistory();
      const predictions = rnn.forward(scored.xs).map(argmax);
      return { loss, predictions, accuracy: fractionEqual(predictions, scored.targets) };
    },
  };
}

/** The seed of a task's held-out sequence: another draw of its random inputs. */
function heldOutSeed(seed) {
  return `${seed}/held-out`;
}

/**
 * The recall task: many sequences, each a class, distractors and a query `delay` steps later,
 * trained with fit in batches of 8, one epoch a burst, shuffled by a seed of the epoch's number
 * (so that a run is the same whatever its bursts' timing), and scored at the query step of
 * held-out sequences. The table shows the first held-out sequence.
 */
function recallJob({ classes, seed }) {
  const options = { delay: positiveInt('recall-delay'), classes };
  const train = recallDataset(positiveInt('recall-count'), { ...options, seed });
  const test = recallDataset(RECALL_HELD_OUT, { ...options, seed: heldOutSeed(seed) });
  const { delay } = train;
  const shown = test.sequences[0];
  let epochs = 0; // epochs started, which name the shuffles
  return {
    kind: 'sequence',
    unit: 'epoch',
    inputDim: train.inputDim,
    outputDim: train.outputDim,
    total: positiveInt('epochs'),
    maxBurst: 1,
    heldOut: true,
    heldOutNote: `(the first of ${RECALL_HELD_OUT} held-out sequences; accuracy is at the query, step ${delay}, over all of them)`,
    targets: shown.targets,
    burst: (rnn, k, options) => {
      const shuffle = { shuffle: true, seed: `${seed}/epoch ${epochs}` };
      epochs += k;
      return rnn.fitAsync(train.sequences, { epochs: k, batchSize: 8, ...shuffle, ...options });
    },
    // In a worker, one fit of every epoch, shuffled by one seed of the run.
    whole: (rnn, k, options) => rnn.fitInWorker(train.sequences, { epochs: k, batchSize: 8, shuffle: true, seed: `${seed}/run`, ...options }),
    curveValue: (loss) => loss,
    evaluate(rnn) {
      let right = 0, loss = 0;
      for (const { xs, targets } of test.sequences) {
        rnn.resetHistory();
        const outputs = rnn.forward(xs);
        loss += rnn.loss(targets);
        if (argmax(outputs[delay]) === targets[delay]) right++;
      }
      rnn.resetHistory();
      const predictions = rnn.forward(shown.xs).map(argmax);
      return { loss: loss / test.sequences.length, predictions, accuracy: right / test.sequences.length };
    },
  };
}

/**
 * The text task: the text cut into sequences that carry the hidden state on, read as streams side
 * by side (a batch of one chunk of each per update, which trains more characters a second than
 * one stream), or as one stream when it is short or the batch is 1.
 */
function textJob() {
  const source = $('text').value;
  const seqLength = positiveInt('seq-length');
  const whole = textDataset(source, seqLength);
  const streams = streamsFor(whole.sequences.length, positiveInt('batch'));
  const text = streams === 1 ? whole : textDataset(source, seqLength, { streams });
  const first = text.encode(Array.from(source)[0])[0];
  const V = text.vocab.length;
  // The whole text as one sequence, which is what fit with carryState sees in each epoch of one stream.
  const xs = whole.sequences.flatMap((s) => s.xs);
  const targets = whole.sequences.flatMap((s) => s.targets);
  const chars = targets.length;
  // fit's loss is the mean over the chunks it trains on (all but those streams leave out).
  const trained = text.sequences.reduce((sum, s) => sum + s.targets.length, 0);
  const perChar = (meanLoss) => (meanLoss * text.sequences.length) / trained;
  return {
    kind: 'text',
    inputDim: V,
    outputDim: V,
    total: positiveInt('epochs'),
    maxBurst: 5,
    text,
    streams,
    uniform: Math.log(V),
    burst: (rnn, k, options) => rnn.fitAsync(text.sequences, { epochs: k, carryState: true, batchSize: streams, ...options }),
    whole: (rnn, k, options) => rnn.fitInWorker(text.sequences, { epochs: k, carryState: true, batchSize: streams, ...options }),
    curveValue: perChar,
    /** Characters trained a second, from `done` epochs in `busyMs`. */
    rate: (done, busyMs) => (1000 * done * trained) / busyMs,
    evaluate(rnn) {
      rnn.resetHistory();
      const outputs = rnn.forward(xs);
      const loss = rnn.loss(targets) / chars;
      return { loss, accuracy: fractionEqual(outputs.map(argmax), targets) };
    },
    /** A sample of the model, from the text's first character; throws for a bad temperature. */
    sample(rnn, temperature, seed) {
      return text.decode([first, ...rnn.sample(first, SAMPLE_LENGTH - 1, { temperature, seed })]);
    },
  };
}

/** The tasks, each building a job from the controls. */
const TASKS = {
  constant: ({ classes, seed }) => {
    const data = (s) => constantDataset(intOf('constant-class'), intOf('length'), classes, { seed: s });
    return sequenceJob(data(seed), classes, data(heldOutSeed(seed)));
  },
  // Inputs of ones: every sequence of the task is this one, so there is nothing to hold out.
  periodic: ({ classes }) => sequenceJob(periodicDataset(patternOf('pattern'), intOf('length'), classes), classes),
  identity: ({ classes, seed }) => {
    const data = (s) => identityDataset(intOf('length'), classes, { seed: s, delay: intOf('delay') });
    return sequenceJob(data(seed), classes, data(heldOutSeed(seed)));
  },
  recall: (settings) => recallJob(settings),
  text: () => textJob(),
};

/**
 * Trains `rnn` for up to `total` units in bursts of `job.burst` with the same optimiser and
 * options every time: the optimiser's state lives with the model, so the bursts continue one run
 * exactly. Between bursts it calls `onBurst(done, busyMs)`, which may return true to stop there, and
 * yields to the event loop every YIELD_EVERY_MS. A burst is kept within BURST_MS (and at most
 * `maxBurst` units), so that it runs in one go and its time is training time only.
 *
 * Resolves to the units done, the milliseconds spent in the bursts and why it ended: 'total',
 * 'enough' (onBurst), or the library's 'aborted' or 'diverged'.
 */
async function runBursts(rnn, job, { total, maxBurst, options, signal, onBurst }) {
  let done = 0;
  let busyMs = 0;
  let size = 1;
  let lastYield = performance.now();
  while (done < total) {
    if (signal.aborted) return { done, busyMs, reason: 'aborted' };
    const start = performance.now();
    const result = await job.burst(rnn, Math.min(size, total - done), { ...options, signal });
    const ms = performance.now() - start;
    busyMs += ms;
    done += result.iterations;
    if (result.stopped !== 'iterations') return { done, busyMs, reason: result.stopped };
    if (onBurst(done, busyMs)) return { done, busyMs, reason: 'enough' };
    if (ms > BURST_MS.high) size = Math.max(1, size >> 1);
    else if (ms < BURST_MS.low) size = Math.min(maxBurst, 2 * size);
    if (performance.now() - lastYield >= YIELD_EVERY_MS) {
      await new Promise((resume) => setTimeout(resume, 0));
      lastYield = performance.now();
    }
  }
  return { done, busyMs, reason: 'total' };
}

/**
 * Trains `rnn` for `total` units in one run in a worker (`job.whole`), so that the page never
 * waits for training. `onWeights(tensors, done, ms)` gets copies of the worker's weights as it
 * goes (at most every 100 ms), for the page to show live predictions from a model of its own, and
 * may return true to stop there (at the worker's next update). Resolves as runBursts does.
 */
async function runInWorker(rnn, job, { total, options, signal, onWeights }) {
  const start = performance.now();
  let enough = false;
  const stopper = new AbortController();
  const stop = () => stopper.abort();
  signal.addEventListener('abort', stop, { once: true });
  try {
    const result = await job.whole(rnn, total, {
      ...options,
      signal: stopper.signal,
      onWeights: (tensors, { iteration }) => {
        if (!enough && onWeights(tensors, iteration + 1, performance.now() - start)) {
          enough = true;
          stopper.abort();
        }
      },
    });
    const reason = enough && result.stopped === 'aborted' ? 'enough' : result.stopped === 'iterations' ? 'total' : result.stopped;
    return { done: result.iterations, busyMs: performance.now() - start, reason };
  } finally {
    signal.removeEventListener('abort', stop);
  }
}

function intOf(id) {
  return Number($(id).value);
}

function positiveInt(id) {
  const value = intOf(id);
  if (!Number.isInteger(value) || value < 1) {
    const label = $(id).closest('label')?.firstChild?.textContent?.trim() ?? id;
    throw new RangeError(`${label} must be a positive integer, got ${$(id).value}`);
  }
  return value;
}

function patternOf(id) {
  return $(id).value.split(',').map((s) => s.trim()).filter((s) => s !== '').map(Number);
}

function argmax(v) {
  let best = 0;
  for (let i = 1; i < v.length; i++) if (v[i] > v[best]) best = i;
  return best;
}

function fractionEqual(a, b) {
  let same = 0;
  a.forEach((v, t) => (same += v === b[t] ? 1 : 0));
  return same / a.length;
}

function kindOf(task) {
  return task === 'text' ? 'text' : 'sequence';
}

function setStatus(state, text) {
  status.dataset.state = state;
  status.textContent = text;
}

function formatUs(us) {
  return us >= 100 ? us.toFixed(0) : us.toFixed(1);
}

/** The speed of `done` units in `busyMs`: characters a second for text, else µs a unit. */
function formatSpeed(job, done, busyMs) {
  return job.rate === undefined ? formatUs((1000 * busyMs) / done) : job.rate(done, busyMs).toFixed(0);
}

/** Points the loss curve keeps at most: beyond it, every other one is dropped. */
const CURVE_POINTS = 2048;

/**
 * The loss of every `stride`-th iteration (or epoch), so that a long run keeps a bounded curve:
 * when it is full, every other point is dropped and the stride doubles.
 */
class Curve {
  values = [];
  stride = 1;
  count = 0;

  push(value) {
    if (this.count++ % this.stride !== 0) return;
    this.values.push(value);
    if (this.values.length === CURVE_POINTS) {
      this.values = this.values.filter((_, i) => i % 2 === 0);
      this.stride *= 2;
    }
  }
}

// What the page shows, redrawn at most once a frame.
const view = { kind: 'sequence', unit: 'iteration', curve: new Curve(), predictions: [], targets: [], uniform: undefined, dirty: false };

function requestDraw() {
  if (view.dirty) return;
  view.dirty = true;
  requestAnimationFrame(() => {
    view.dirty = false;
    drawCurve();
    drawPredictions();
  });
}

/**
 * Sizes the canvas's drawing to its width on screen (in device pixels), its height following the
 * width within bounds, so that the curve's text is as legible on a phone as on a desktop.
 * Returns the drawing's size in CSS pixels, which the context then draws in.
 */
function fitCanvas(canvas, ctx) {
  const dpr = window.devicePixelRatio || 1;
  const width = Math.max(200, canvas.clientWidth);
  const height = Math.round(Math.min(340, Math.max(190, width * 0.4)));
  canvas.style.height = `${height}px`;
  const [w, h] = [Math.round(width * dpr), Math.round(height * dpr)];
  if (canvas.width !== w || canvas.height !== h) [canvas.width, canvas.height] = [w, h];
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  return { width, height };
}

function drawCurve() {
  const canvas = $('loss-curve');
  const ctx = canvas.getContext('2d');
  const { width, height } = fitCanvas(canvas, ctx);
  const pad = { left: 46, right: 10, top: 10, bottom: 26 };
  const w = width - pad.left - pad.right;
  const h = height - pad.top - pad.bottom;
  ctx.clearRect(0, 0, width, height);
  ctx.font = '12px system-ui, sans-serif';
  ctx.fillStyle = '#4a5263';
  ctx.strokeStyle = '#d5d9e0';
  ctx.lineWidth = 1;
  ctx.setLineDash([]);
  ctx.strokeRect(pad.left, pad.top, w, h);
  const { values, stride } = view.curve;
  if (values.length === 0) return;
  const floor = 1e-4; // a loss of 0 (every probability rounded to 1) is drawn here
  const logs = values.map((l) => Math.log10(Math.max(l, floor)));
  let high = view.uniform === undefined ? -Infinity : Math.log10(view.uniform);
  let low = high === -Infinity ? Infinity : high;
  for (const v of logs) {
    high = Math.max(high, v);
    low = Math.min(low, v);
  }
  const top = Math.ceil(high);
  const bottom = Math.min(Math.floor(low), top - 1);
  const span = Math.max(10, view.curve.count - 1);
  const x = (iteration) => pad.left + (w * iteration) / span;
  const y = (v) => pad.top + (h * (top - v)) / (top - bottom);
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  for (let e = bottom; e <= top; e++) {
    ctx.beginPath();
    ctx.moveTo(pad.left, y(e));
    ctx.lineTo(pad.left + w, y(e));
    ctx.stroke();
    ctx.fillText(`1e${e}`, pad.left - 5, y(e));
  }
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  ctx.fillText('0', x(0), pad.top + h + 5);
  ctx.fillText(view.unit, pad.left + w / 2, pad.top + h + 5);
  ctx.textAlign = 'right';
  ctx.fillText(String(span), x(span), pad.top + h + 5);
  if (view.uniform !== undefined) {
    const yu = y(Math.log10(view.uniform));
    ctx.strokeStyle = '#c2410c';
    ctx.fillStyle = '#c2410c';
    ctx.setLineDash([6, 4]);
    ctx.beginPath();
    ctx.moveTo(pad.left, yu);
    ctx.lineTo(pad.left + w, yu);
    ctx.stroke();
    ctx.setLineDash([]);
    // Above the line, or below it when the line is near the top.
    const above = yu - pad.top > 17;
    ctx.textAlign = 'right';
    ctx.textBaseline = above ? 'bottom' : 'top';
    ctx.fillText(`log V = ${view.uniform.toFixed(3)}`, pad.left + w - 5, above ? yu - 3 : yu + 3);
  }
  ctx.strokeStyle = '#2b5fd9';
  ctx.lineWidth = 1.5;
  ctx.beginPath();
  logs.forEach((v, i) => (i === 0 ? ctx.moveTo(x(0), y(v)) : ctx.lineTo(x(i * stride), y(v))));
  ctx.stroke();
}

function drawPredictions() {
  const body = $('predictions').tBodies[0];
  if (view.kind !== 'sequence') {
    body.replaceChildren();
    return;
  }
  const row = (title, values, marks) => {
    const tr = document.createElement('tr');
    const th = document.createElement('th');
    th.textContent = title;
    tr.append(th);
    values.forEach((v, t) => {
      const td = document.createElement('td');
      td.textContent = String(v);
      if (marks) td.className = v === view.targets[t] ? 'right' : 'wrong';
      tr.append(td);
    });
    return tr;
  };
  const rows = [row('step', view.targets.map((_, t) => t)), row('target', view.targets)];
  if (view.predictions.length > 0) rows.push(row('prediction', view.predictions, true));
  body.replaceChildren(...rows);
}

/** Shows the fields of the chosen task and what the page shows for its kind. */
function showTaskFields() {
  const task = $('task').value;
  for (const field of controls.querySelectorAll('[data-for]')) field.hidden = !field.dataset.for.split(' ').includes(task);
  document.body.dataset.kind = kindOf(task);
}

/** Empties the stats, the curve, the predictions and the sample, for a new run or a new task. */
function clearView(kind, job) {
  Object.assign(view, {
    kind,
    unit: job?.unit ?? (kind === 'text' ? 'epoch' : 'iteration'),
    curve: new Curve(),
    predictions: [],
    targets: job?.targets ?? [],
    uniform: job?.uniform,
  });
  for (const id of ['loss', 'accuracy', 'speed']) $(id).textContent = '–';
  const heldOut = job?.heldOut === true;
  $('accuracy-label').textContent = heldOut ? 'accuracy, held out' : 'accuracy';
  $('predictions-note').textContent = job?.heldOutNote ?? (heldOut ? '(on a held-out sequence: the same task, other random inputs, never trained on)' : '');
  $('unit-label').textContent = view.unit;
  $('speed-label').textContent = `µs / ${view.unit}`;
  delete $('loss').dataset.value;
  $('iteration').textContent = '0';
  $('uniform').textContent = job?.uniform === undefined ? '–' : job.uniform.toFixed(3);
  $('sample').textContent = '';
  $('sample-note').textContent = '';
  requestDraw();
}

function fillOptimizers() {
  const select = $('optimizer');
  select.replaceChildren(...OPTIMIZERS.map((name) => new Option(name, name)));
  chooseOptimizer(suggestedOptimizer($('task').value));
}

function suggestedOptimizer(task) {
  return TASK_OPTIMIZER[task] ?? SUGGESTED_OPTIMIZER[kindOf(task)];
}

/** Selects an optimiser and puts its default learning rate in the field. */
function chooseOptimizer(name) {
  $('optimizer').value = name;
  $('lr').value = String(DEFAULT_LEARNING_RATES[name]);
}

let running; // the AbortController of the run in progress
let trained; // { rnn, job } of the last run, for sampling again at another temperature

function setRunning(controller) {
  running = controller;
  for (const fieldset of controls.querySelectorAll('fieldset')) fieldset.disabled = controller !== undefined;
  $('train').disabled = controller !== undefined;
  $('compare').disabled = controller !== undefined;
  $('stop').disabled = controller === undefined;
}

/** The job and a fresh model from the controls; throws the library's error for a bad value. */
async function setUp(backend) {
  const settings = { classes: intOf('classes'), seed: $('seed').value };
  const job = TASKS[$('task').value](settings);
  const input = $('task').value === 'recall' ? 'index' : 'dense';
  const rnn = await RNN.create(job.inputDim, intOf('hidden'), job.outputDim, { seed: settings.seed, backend, cell: $('cell').value, input });
  // Read once: every burst of the run trains with these.
  const options = { optimizer: $('optimizer').value, learningRate: Number($('lr').value) };
  return { job, rnn, options };
}

/** Shows a sample of the last trained text model (or of `model`, which shows its weights) at the temperature of the field. */
function showSample(model = trained?.rnn) {
  if (trained?.job.kind !== 'text' || model === undefined || model.isDisposed) return;
  try {
    $('sample').textContent = trained.job.sample(model, Number($('temperature').value), $('seed').value);
    $('sample-note').textContent = '';
  } catch (error) {
    $('sample-note').textContent = error.message;
  }
}

async function train(event) {
  event.preventDefault();
  if (running) return;
  const backend = controls.elements.backend.value;
  let run;
  try {
    run = await setUp(backend);
  } catch (error) {
    setStatus('error', error.message);
    return;
  }
  const { job, rnn, options } = run;
  trained?.rnn.dispose();
  trained = { rnn, job };
  clearView(job.kind, job);
  const controller = new AbortController();
  setRunning(controller);
  const streams = job.streams > 1 ? `, ${job.streams} streams of the text side by side` : '';
  setStatus('training', `Training on ${backend === 'wasm' ? 'wasm' : 'pure TS'}${streams}…`);
  const stopAtFull = job.kind === 'sequence' && $('stop-at-full').checked;
  const inWorker = $('in-worker').checked;
  let lastSample = -Infinity;
  let shown;
  // In a worker, the page shows the worker's weights as they come in a model of its own.
  const mirror = inWorker ? await RNN.create(rnn.inputDim, rnn.hiddenDim, rnn.outputDim, { backend, cell: rnn.cell, input: rnn.input }) : rnn;
  const show = (done, busyMs, model = rnn) => {
    shown = job.evaluate(model);
    $('iteration').textContent = String(done);
    if (done > 0) $('speed').textContent = formatSpeed(job, done, busyMs);
    $('loss').textContent = job.kind === 'text' ? shown.loss.toFixed(3) : shown.loss.toExponential(3);
    $('loss').dataset.value = String(shown.loss);
    $('accuracy').textContent = `${(100 * shown.accuracy).toFixed(0)}%`;
    if (shown.predictions) view.predictions = shown.predictions;
    if (job.kind === 'text' && performance.now() - lastSample >= SAMPLE_EVERY_MS) {
      showSample(model);
      lastSample = performance.now();
    }
    requestDraw();
  };
  let outcome;
  const onProgress = ({ loss }) => view.curve.push(job.curveValue(loss));
  try {
    outcome = inWorker
      ? await runInWorker(rnn, job, {
        total: job.total,
        options: { ...options, onProgress },
        signal: controller.signal,
        onWeights: (tensors, done, ms) => {
          mirror.setTensors(tensors);
          show(done, ms, mirror);
          return stopAtFull && shown.accuracy === 1;
        },
      })
      : await runBursts(rnn, job, {
        total: job.total,
        maxBurst: job.maxBurst,
        options: { ...options, onProgress },
        signal: controller.signal,
        onBurst: (done, busyMs) => {
          show(done, busyMs);
          return stopAtFull && shown.accuracy === 1;
        },
      });
  } catch (error) {
    setRunning(undefined);
    setStatus('error', error.message);
    return;
  } finally {
    if (mirror !== rnn) mirror.dispose();
  }
  setRunning(undefined);
  const { done, busyMs, reason } = outcome;
  show(done, busyMs);
  showSample();
  const how = reason === 'aborted' ? 'Stopped' : 'Done';
  const verdict = reason === 'diverged' ? 'the loss stopped being finite'
    : job.kind === 'text' ? `${shown.loss.toFixed(3)} per character against log V = ${job.uniform.toFixed(3)}`
      : `${shown.accuracy === 1 ? 'all predictions right' : `${(100 * shown.accuracy).toFixed(0)}% right`}${job.heldOut ? ` on ${job.unit === 'epoch' ? `${RECALL_HELD_OUT} held-out sequences` : 'a held-out sequence'}` : ''}`;
  setStatus('done', `${how} after ${done} ${job.kind === 'text' || job.unit === 'epoch' ? 'epochs' : 'updates'}: ${verdict}.`);
}

/** How long each backend trains when the speeds are compared, after a warm-up. */
const WARM_UP_MS = 100;
const COMPARE_MS = 400;

/** Trains the model of the controls for COMPARE_MS on each backend and shows µs per unit. */
async function compareSpeed() {
  if (running) return;
  const controller = new AbortController();
  setRunning(controller);
  const us = {};
  for (const backend of ['wasm', 'ts']) $(`speed-${backend}`).textContent = '–';
  $('speed-ratio').textContent = '–';
  try {
    for (const backend of ['wasm', 'ts']) {
      setStatus('comparing', `Timing ${backend === 'wasm' ? 'wasm' : 'pure TS'}…`);
      const { job, rnn, options } = await setUp(backend);
      try {
        let started = performance.now();
        const timeFor = (ms) => runBursts(rnn, job, {
          total: Infinity,
          maxBurst: Infinity,
          options,
          signal: controller.signal,
          onBurst: () => performance.now() - started >= ms,
        });
        await timeFor(WARM_UP_MS);
        started = performance.now();
        const { done, busyMs, reason } = await timeFor(COMPARE_MS);
        if (reason === 'aborted') break;
        if (reason === 'diverged') throw new RangeError(`the loss stopped being finite on ${backend}: lower the learning rate`);
        us[backend] = (1000 * busyMs) / Math.max(1, done);
        $(`speed-${backend}`).textContent = formatSpeed(job, Math.max(1, done), busyMs);
      } finally {
        rnn.dispose();
      }
    }
    if (us.wasm > 0 && us.ts > 0) {
      $('speed-ratio').textContent = `${(us.ts / us.wasm).toFixed(2)}×`;
      setStatus('done', 'Speeds compared.');
    } else {
      setStatus('done', 'Stopped.');
    }
  } catch (error) {
    setStatus('error', error.message);
  } finally {
    setRunning(undefined);
  }
}

controls.addEventListener('submit', (event) => void train(event));
$('stop').addEventListener('click', () => running?.abort());
$('compare').addEventListener('click', () => void compareSpeed());
$('task').addEventListener('change', () => {
  const task = $('task').value;
  const kind = kindOf(task);
  if (kind !== document.body.dataset.kind || task in TASK_OPTIMIZER || shownTask in TASK_OPTIMIZER) chooseOptimizer(suggestedOptimizer(task));
  shownTask = task;
  showTaskFields();
  clearView(kind);
  // What the page said was about the last task; so were the speeds.
  for (const id of ['speed-wasm', 'speed-ts', 'speed-ratio']) $(id).textContent = '–';
  if (ready) setStatus('idle', `Ready: press Train to train the ${$('task').value} task.`);
});
window.addEventListener('resize', () => requestDraw());
$('optimizer').addEventListener('change', () => chooseOptimizer($('optimizer').value));
$('temperature').addEventListener('input', () => {
  if (!running) showSample();
});
let shownTask = $('task').value; // the task whose fields are shown
fillOptimizers();
showTaskFields();
clearView(kindOf($('task').value));

let ready = false; // the wasm core is loaded
try {
  await init();
  ready = true;
  setStatus('idle', 'Ready: choose a task and press Train.');
} catch (error) {
  setStatus('error', `Could not load the wasm core: ${error.message}`);
}
