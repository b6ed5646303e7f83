// The demo page: builds a dataset from the controls, trains an RNN live and draws the loss, the
// predictions and the speed of each backend. It imports the self-contained bundle, as a plain page
// would: no bundler, no import map.
import { constantDataset, identityDataset, init, periodicDataset, RNN } from '../../dist/rnn-wasm.browser.js';

const $ = (id) => document.getElementById(id);
const controls = $('controls');
const status = $('status');

/** How long one chunk of training runs before the page gets the event loop back. */
const CHUNK_MS = 15;

/**
 * The tasks, each building `{ xs, targets }` and the model's sizes from the controls. Text
 * prediction joins this table once the library's training API (and its text helpers) land.
 */
const TASKS = {
  constant: ({ classes, length, seed }) => ({
    ...constantDataset(intOf('constant-class'), length, classes, { seed }),
    inputDim: classes,
  }),
  periodic: ({ classes, length }) => ({
    ...periodicDataset(patternOf('pattern'), length, classes),
    inputDim: classes,
  }),
  identity: ({ classes, length, seed }) => ({
    ...identityDataset(length, classes, { seed, delay: intOf('delay') }),
    inputDim: classes,
  }),
};

/** The update rule for each optimiser of the controls. */
const UPDATES = {
  rprop: (rnn, grads, lr) => rnn.updateRprop(grads, lr),
  rpropNotebook: (rnn, grads, lr) => rnn.updateRpropNotebook(grads, lr),
  sgd: (rnn, grads, lr) => rnn.update(grads, lr),
};

/**
 * Trains `rnn` with the notebook's loop (reset the history, forward, loss, backward, update) for
 * up to `iterations` iterations, in chunks of about CHUNK_MS that yield to the event loop between
 * them, so the page keeps drawing and answering clicks. Its options are those of the library's
 * coming `rnn.trainAsync(xs, targets, options)`, which is meant to replace it.
 *
 * `onProgress({ iteration, loss, outputs })` runs after each forward pass, before the update; if
 * `signal` is aborted by then, training stops without that update. Resolves to the number of
 * updates made and the milliseconds spent training (the pauses between chunks excluded).
 */
async function trainLive(rnn, xs, targets, { iterations, learningRate, optimizer, onProgress, signal }) {
  const update = UPDATES[optimizer];
  let updates = 0;
  let busyMs = 0;
  while (updates < iterations && !signal.aborted) {
    const start = performance.now();
    do {
      rnn.resetHistory();
      const outputs = rnn.forward(xs);
      const loss = rnn.loss(targets);
      onProgress({ iteration: updates, loss, outputs });
      if (signal.aborted || !Number.isFinite(loss)) break;
      update(rnn, rnn.backward(xs, targets), learningRate);
      updates += 1;
    } while (updates < iterations && performance.now() - start < CHUNK_MS);
    busyMs += performance.now() - start;
    if (!signal.aborted) await new Promise((resume) => setTimeout(resume, 0));
  }
  return { updates, busyMs };
}

function intOf(id) {
  return Number($(id).value);
}

function patternOf(id) {
  return $(id).value.split(',').map((s) => s.trim()).filter((s) => s !== '').map(Number);
}

function argmax(v) {
  let best = 0;
  for (let i = 1; i < v.length; i++) if (v[i] > v[best]) best = i;
  return best;
}

function showTaskFields() {
  const task = $('task').value;
  for (const label of controls.querySelectorAll('label[data-for]')) label.hidden = label.dataset.for !== task;
}

function setStatus(state, text) {
  status.dataset.state = state;
  status.textContent = text;
}

// What the page shows, redrawn at most once a frame.
const view = { losses: [], outputs: [], targets: [], dirty: false };

function requestDraw() {
  if (view.dirty) return;
  view.dirty = true;
  requestAnimationFrame(() => {
    view.dirty = false;
    drawCurve();
    drawPredictions();
  });
}

function drawCurve() {
  const canvas = $('loss-curve');
  const ctx = canvas.getContext('2d');
  const { width, height } = canvas;
  const pad = { left: 90, right: 20, top: 20, bottom: 50 };
  const w = width - pad.left - pad.right;
  const h = height - pad.top - pad.bottom;
  ctx.clearRect(0, 0, width, height);
  ctx.font = '22px system-ui, sans-serif';
  ctx.fillStyle = '#4a5263';
  ctx.strokeStyle = '#d5d9e0';
  ctx.lineWidth = 2;
  ctx.strokeRect(pad.left, pad.top, w, h);
  const losses = view.losses;
  if (losses.length === 0) return;
  const floor = 1e-4; // a loss of 0 (every probability rounded to 1) is drawn here
  const logs = losses.map((l) => Math.log10(Math.max(l, floor)));
  const top = Math.ceil(Math.max(...logs));
  const bottom = Math.min(Math.floor(Math.min(...logs)), top - 1);
  const span = Math.max(10, losses.length - 1);
  const x = (i) => pad.left + (w * i) / span;
  const y = (v) => pad.top + (h * (top - v)) / (top - bottom);
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  for (let e = bottom; e <= top; e++) {
    ctx.beginPath();
    ctx.moveTo(pad.left, y(e));
    ctx.lineTo(pad.left + w, y(e));
    ctx.stroke();
    ctx.fillText(`1e${e}`, pad.left - 10, y(e));
  }
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  ctx.fillText('0', x(0), pad.top + h + 10);
  ctx.fillText(String(span), x(span), pad.top + h + 10);
  ctx.fillText('iteration', pad.left + w / 2, pad.top + h + 10);
  ctx.strokeStyle = '#2b5fd9';
  ctx.lineWidth = 3;
  ctx.beginPath();
  logs.forEach((v, i) => (i === 0 ? ctx.moveTo(x(i), y(v)) : ctx.lineTo(x(i), y(v))));
  ctx.stroke();
}

function drawPredictions() {
  const body = $('predictions').tBodies[0];
  const predictions = view.outputs.map(argmax);
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
  body.replaceChildren(row('step', view.targets.map((_, t) => t)), row('target', view.targets), row('prediction', predictions, true));
}

let running;

/** The dataset and a fresh model from the controls; throws the library's error for a bad value. */
async function setUp(backend) {
  const settings = { classes: intOf('classes'), length: intOf('length'), seed: $('seed').value };
  const data = TASKS[$('task').value](settings);
  const rnn = await RNN.create(data.inputDim, intOf('hidden'), settings.classes, { seed: settings.seed, backend });
  const iterations = intOf('iterations');
  if (!Number.isInteger(iterations) || iterations < 1) {
    throw new RangeError(`iterations must be a positive integer, got ${$('iterations').value}`);
  }
  return { data, rnn, iterations, learningRate: Number($('lr').value), optimizer: $('optimizer').value };
}

function setRunning(controller) {
  running = controller;
  $('train').disabled = controller !== undefined;
  $('compare').disabled = controller !== undefined;
  $('stop').disabled = controller === undefined;
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
  const { data, rnn, iterations, learningRate, optimizer } = run;
  Object.assign(view, { losses: [], outputs: [], targets: data.targets });
  const controller = new AbortController();
  setRunning(controller);
  setStatus('training', `Training on ${backend === 'wasm' ? 'wasm' : 'pure TS'}…`);
  const stopAtFull = $('stop-at-full').checked;
  let reachedFull = false;
  let accuracy = 0;
  let lastLoss = NaN;
  const { updates, busyMs } = await trainLive(rnn, data.xs, data.targets, {
    iterations,
    learningRate,
    optimizer,
    signal: controller.signal,
    onProgress: ({ iteration, loss, outputs }) => {
      view.losses.push(loss);
      view.outputs = outputs;
      lastLoss = loss;
      let right = 0;
      outputs.forEach((y, t) => (right += argmax(y) === data.targets[t] ? 1 : 0));
      accuracy = right / outputs.length;
      $('iteration').textContent = String(iteration);
      $('loss').textContent = loss.toExponential(3);
      $('accuracy').textContent = `${(100 * accuracy).toFixed(0)}%`;
      if (stopAtFull && accuracy === 1) {
        reachedFull = true;
        controller.abort();
      }
      requestDraw();
    },
  });
  setRunning(undefined);
  $('iteration').textContent = String(updates);
  if (updates > 0) $('speed').textContent = formatUs((1000 * busyMs) / updates);
  const verdict = !Number.isFinite(lastLoss) ? 'the loss stopped being finite'
    : accuracy === 1 ? 'all predictions right' : `${(100 * accuracy).toFixed(0)}% right`;
  const how = controller.signal.aborted && !reachedFull ? 'Stopped' : 'Done';
  setStatus('done', `${how} after ${updates} updates: ${verdict}.`);
}

/** How long each backend trains when the speeds are compared, after WARM_UP iterations. */
const COMPARE_MS = 400;
const WARM_UP = 30;

/** Trains the model of the controls for COMPARE_MS on each backend and shows µs per iteration. */
async function compareSpeed() {
  if (running) return;
  const controller = new AbortController();
  setRunning(controller);
  const us = {};
  try {
    for (const backend of ['wasm', 'ts']) {
      setStatus('comparing', `Timing ${backend === 'wasm' ? 'wasm' : 'pure TS'}…`);
      const { data, rnn, learningRate, optimizer } = await setUp(backend);
      const options = { learningRate, optimizer, onProgress: () => {} };
      await trainLive(rnn, data.xs, data.targets, { ...options, iterations: WARM_UP, signal: controller.signal });
      const timed = new AbortController();
      const stop = () => timed.abort();
      controller.signal.addEventListener('abort', stop);
      setTimeout(stop, COMPARE_MS);
      const { updates, busyMs } = await trainLive(rnn, data.xs, data.targets, { ...options, iterations: 1e9, signal: timed.signal });
      controller.signal.removeEventListener('abort', stop);
      if (controller.signal.aborted) break;
      us[backend] = (1000 * busyMs) / Math.max(1, updates);
      $(`speed-${backend}`).textContent = formatUs(us[backend]);
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

function formatUs(us) {
  return us >= 100 ? us.toFixed(0) : us.toFixed(1);
}

controls.addEventListener('submit', (event) => void train(event));
$('stop').addEventListener('click', () => running?.abort());
$('compare').addEventListener('click', () => void compareSpeed());
$('task').addEventListener('change', showTaskFields);
showTaskFields();
drawCurve();

try {
  await init();
  setStatus('idle', 'Ready: choose a task and press Train.');
} catch (error) {
  setStatus('error', `Could not load the wasm core: ${error.message}`);
}
