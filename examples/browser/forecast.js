// The demo page's forecasting view: a model with a linear output learns the monthly airline
// passengers of Box and Jenkins (1949-1960, shipped in examples/data), the last two years held
// out. As it learns, the plot shows the series, the model's one-step fit of the training part and
// its forecast of the held-out part, fed its own outputs, against repeating the last value.
import { init, RNN, seriesDataset } from '../../dist/rnn-wasm.browser.js';

const $ = (id) => document.getElementById(id);
/** Months held out, and the window the model reads. */
const HELD_OUT = 24;
const WINDOW = 24;
/** Epochs per burst of training between redraws. */
const BURST = 5;

let values = [];
let controller = null;

async function load() {
  const response = await fetch(new URL('../data/airline-passengers.csv', import.meta.url));
  if (!response.ok) throw new Error(`the series did not load (${response.status})`);
  const lines = (await response.text()).trim().split('\n').slice(1);
  values = lines.map((line) => Number(line.split(',')[1]));
}

const rmse = (a, b) => Math.sqrt(a.reduce((s, v, i) => s + (v - b[i]) ** 2, 0) / a.length);

function status(text, state = 'ready') {
  const el = $('fc-status');
  el.dataset.state = state;
  el.textContent = text;
}

/** Draws the series, the fit of the training part and the forecast of the held-out part. */
function draw(split, fit, forecast) {
  const canvas = $('fc-plot');
  const ratio = window.devicePixelRatio || 1;
  canvas.width = canvas.clientWidth * ratio;
  canvas.height = canvas.clientHeight * ratio;
  const g = canvas.getContext('2d');
  g.scale(ratio, ratio);
  const w = canvas.clientWidth, h = canvas.clientHeight, pad = 34;
  const all = [...values, ...fit, ...forecast].filter(Number.isFinite);
  const lo = Math.min(...all), hi = Math.max(...all);
  const x = (t) => pad + ((w - pad - 8) * t) / (values.length - 1);
  const y = (v) => h - 18 - ((h - 28) * (v - lo)) / (hi - lo || 1);
  g.clearRect(0, 0, w, h);
  g.font = '11px system-ui, sans-serif';
  g.fillStyle = '#4a5263';
  for (const v of [lo, (lo + hi) / 2, hi]) g.fillText(String(Math.round(v)), 2, y(v) + 4);
  for (let year = 1949; year <= 1960; year += 2) g.fillText(String(year), x((year - 1949) * 12), h - 3);
  g.strokeStyle = '#c9ced8';
  g.setLineDash([4, 4]);
  g.beginPath();
  g.moveTo(x(split), 6);
  g.lineTo(x(split), h - 18);
  g.stroke();
  g.setLineDash([]);
  const line = (points, color, width) => {
    g.strokeStyle = color;
    g.lineWidth = width;
    g.beginPath();
    points.forEach(([t, v], k) => (k === 0 ? g.moveTo(x(t), y(v)) : g.lineTo(x(t), y(v))));
    g.stroke();
  };
  line(values.map((v, t) => [t, v]), '#1d2330', 1.5);
  line(fit.map((v, t) => [t + 1, v]), '#2b5fd9', 1.5);
  line(forecast.map((v, k) => [split + k, v]), '#e07000', 2);
}

async function train(event) {
  event.preventDefault();
  controller?.abort();
  controller = new AbortController();
  const { signal } = controller;
  $('fc-train').disabled = true;
  $('fc-stop').disabled = false;
  try {
    const hidden = Number($('fc-hidden').value), epochs = Number($('fc-epochs').value), learningRate = Number($('fc-lr').value);
    const data = seriesDataset(values, { length: WINDOW, test: HELD_OUT / values.length });
    const rnn = await RNN.create(1, hidden, 1, { output: 'linear', seed: $('fc-seed').value });
    rnn.setScaler(data.scaler);
    const { split } = data;
    const held = values.slice(split);
    const history = values.slice(0, split).map((v) => [v]);
    const naive = rmse(held.map(() => values[split - 1]), held);
    $('fc-naive').textContent = naive.toFixed(1);
    for (let done = 0; done < epochs && !signal.aborted;) {
      const result = await rnn.fitAsync(data.train, {
        epochs: Math.min(BURST, epochs - done), optimizer: 'adam', learningRate, batchSize: 8, shuffle: true, seed: done,
        validation: data.test, signal,
      });
      done += result.iterations;
      if (result.stopped === 'diverged') throw new Error('training diverged: try a smaller learning rate');
      // The fit: each month's output predicts the next month, from the true months before it.
      const fit = data.scaler.inverse(rnnOutputs(rnn, data, history)).map((r) => r[0]);
      const forecast = rnn.forecast(history, held.length).map((r) => r[0]);
      draw(split, fit, forecast);
      $('fc-epoch').textContent = String(done);
      $('fc-loss').textContent = result.loss.toExponential(2);
      $('fc-validation').textContent = (result.validationLoss ?? NaN).toExponential(2);
      $('fc-rmse').textContent = rmse(forecast, held).toFixed(1);
    }
    status(signal.aborted ? 'stopped' : `trained ${epochs} epochs`);
  } catch (error) {
    status(error.message, 'error');
  } finally {
    $('fc-train').disabled = false;
    $('fc-stop').disabled = true;
  }
}

/** The model's outputs over the (scaled) training months, one per month. */
function rnnOutputs(rnn, data, history) {
  rnn.resetHistory();
  return rnn.forward(data.scaler.transform(history));
}

await init();
await load();
draw(values.length - HELD_OUT, [], []);
status(`${values.length} months loaded; the last ${HELD_OUT} are held out`);
$('fc-train').disabled = false;
$('fc-controls').addEventListener('submit', train);
$('fc-stop').addEventListener('click', () => controller?.abort());
