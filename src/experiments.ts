// The notebook's experiments, run end to end: what `npm start` shows.
import { constantDataset, identityDataset, periodicDataset, type Dataset } from './datasets.js';
import { RNN, type BackendName } from './rnn.js';

export interface Experiment {
  task: string;
  hidden: number;
  data: Dataset;
}

export interface ExperimentResult {
  task: string;
  hidden: number;
  before: number[];
  after: number[];
  targets: number[];
  /** Updates until every prediction was right (0: the untrained model already was), or null if that never happened. */
  solvedAt: number | null;
  /** The loss per step of the untrained model, and when every prediction was first right (NaN if never). */
  lossBefore: number;
  lossWhenSolved: number;
  /** The loss (summed over the steps) of the last iteration. */
  loss: number;
  microsecondsPerIteration: number;
}

/** The notebook's tasks with its sizes: 3 inputs and outputs, sequences of 10 steps. */
export function notebookExperiments(seed: number | string = 1): Experiment[] {
  const dim = 3, length = 10;
  return [
    { task: 'constant 0', hidden: 5, data: constantDataset(0, length, dim, { seed }) },
    { task: 'constant 1', hidden: 5, data: constantDataset(1, length, dim, { seed }) },
    { task: 'constant 2', hidden: 5, data: constantDataset(2, length, dim, { seed }) },
    { task: 'periodic [0,1]', hidden: 10, data: periodicDataset([0, 1], length, dim) },
    { task: 'periodic [0,1,2]', hidden: 50, data: periodicDataset([0, 1, 2], length, dim) },
    { task: 'identity (delay 1)', hidden: 10, data: identityDataset(length, dim, { seed, delay: 1 }) },
  ];
}

/**
 * Trains a model on the experiment with `train(xs, targets, iterations, learningRate)`, one
 * iteration at a time to see when every prediction is first right, and times the same training
 * as one call on a twin model.
 */
export async function runExperiment(
  { task, hidden, data }: Experiment,
  { iterations = 1000, learningRate = 0.01, seed = 1, backend = 'wasm' as BackendName } = {},
): Promise<ExperimentResult> {
  const { xs, targets } = data;
  const dim = xs[0].length;
  const options = { seed, backend };
  const rnn = await RNN.create(dim, hidden, dim, options);
  const predict = (): number[] => {
    rnn.resetHistory();
    return rnn.predict(xs);
  };
  const perStep = (): number => {
    rnn.resetHistory();
    rnn.forward(xs);
    return rnn.loss(targets) / xs.length;
  };
  const before = predict();
  const lossBefore = perStep();
  let solvedAt: number | null = null;
  let lossWhenSolved = NaN;
  let loss = NaN;
  for (let i = 0; i <= iterations; i++) {
    if (solvedAt === null && predict().every((p, t) => p === targets[t])) {
      solvedAt = i;
      lossWhenSolved = perStep();
    }
    if (i < iterations) loss = rnn.train(xs, targets, 1, learningRate).loss;
  }
  const twin = await RNN.create(dim, hidden, dim, options);
  const start = performance.now();
  twin.train(xs, targets, iterations, learningRate);
  const microsecondsPerIteration = (1000 * (performance.now() - start)) / Math.max(iterations, 1);
  return { task, hidden, before, after: predict(), targets, solvedAt, lossBefore, lossWhenSolved, loss, microsecondsPerIteration };
}

function table(rows: string[][]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((r) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ')).join('\n');
}

/** Runs every notebook experiment and prints predictions before and after, then a summary. */
export async function runNotebookExperiments(options: { iterations?: number; learningRate?: number; seed?: number; backend?: BackendName } = {}, print: (line: string) => void = console.log): Promise<ExperimentResult[]> {
  const { iterations = 1000, learningRate = 0.01, seed = 1, backend = 'wasm' } = options;
  print(`The notebook's experiments: ${backend} backend, train(xs, targets, ${iterations}, ${learningRate}), seed ${seed}\n`);
  const results: ExperimentResult[] = [];
  for (const experiment of notebookExperiments(seed)) {
    const r = await runExperiment(experiment, { iterations, learningRate, seed, backend });
    results.push(r);
    print(`${r.task} (hidden ${r.hidden})`);
    print(`  before: predictions [${r.before.join(', ')}] vs targets [${r.targets.join(', ')}]`);
    print(`  after:  predictions [${r.after.join(', ')}] vs targets [${r.targets.join(', ')}]`);
  }
  print('');
  // The loss per step against log 3 (1.099), a uniform guess over the 3 classes: where it stands
  // untrained, and when every prediction first came out right. Later losses only shrink towards 0.
  print(table([
    ['task', 'hidden', 'loss / step untrained', 'updates to all right', 'loss / step then', 'µs / iteration'],
    ...results.map((r) => [
      r.task, String(r.hidden), r.lossBefore.toFixed(3),
      r.solvedAt === null ? `not in ${iterations}` : r.solvedAt === 0 ? '0 (right untrained)' : String(r.solvedAt),
      Number.isNaN(r.lossWhenSolved) ? '-' : r.lossWhenSolved.toFixed(3), r.microsecondsPerIteration.toFixed(1),
    ]),
  ]));
  print(`\nloss / step: the cross-entropy per step; log 3 = ${Math.log(3).toFixed(3)} is a uniform guess over the 3 classes.`);
  return results;
}
