// Which optimiser suits which task, measured: every optimiser at its default learning rate on
//  - the notebook's experiments (one sequence, the whole gradient each update): iterations until
//    every prediction is right, the worst of 5 seeds, within 1000;
//  - a text learnt as one stream in chunks of 25 characters (one update per chunk, as
//    `rnn-wasm train --task text` trains): the loss per character after the first and the last of
//    50 epochs, the median of 3 seeds, against log V (a uniform guess over the V characters).
// The text is the first 3,000 characters of README.md, or of the file named by TEXT.
//
// Run with `npm run bench:optimizers` (builds the library first).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  constantDataset, DEFAULT_LEARNING_RATES, identityDataset, OPTIMIZERS, periodicDataset, RNN, textDataset, type Dataset, type OptimizerName,
} from 'rnn-wasm';
import { environment, median, table } from './measure.js';

const ITERATIONS = 1000;
const SEQUENCE_SEEDS = [1, 2, 3, 4, 5];
const EPOCHS = Number(process.env.EPOCHS ?? 50);
const TEXT_SEEDS = [1, 2, 3];
const HIDDEN = (process.env.HIDDEN ?? '32,100').split(',').map(Number);
const SEQ_LENGTH = 25;

/** The notebook's experiments, as `npm start` runs them (src/experiments.ts). */
function notebookExperiments(seed: number): { task: string; hidden: number; data: Dataset }[] {
  return [
    { task: 'constant 0', hidden: 5, data: constantDataset(0, 10, 3, { seed }) },
    { task: 'constant 1', hidden: 5, data: constantDataset(1, 10, 3, { seed }) },
    { task: 'constant 2', hidden: 5, data: constantDataset(2, 10, 3, { seed }) },
    { task: 'periodic [0,1]', hidden: 10, data: periodicDataset([0, 1], 10, 3) },
    { task: 'periodic [0,1,2]', hidden: 50, data: periodicDataset([0, 1, 2], 10, 3) },
    { task: 'identity (delay 1)', hidden: 10, data: identityDataset(10, 3, { seed, delay: 1 }) },
  ];
}

/** Updates until every prediction of the experiment is right, or null. */
async function solvedAt(optimizer: OptimizerName, seed: number, index: number): Promise<number | null> {
  const { hidden, data } = notebookExperiments(seed)[index];
  const rnn = await RNN.create(3, hidden, 3, { seed });
  for (let i = 0; i <= ITERATIONS; i++) {
    rnn.resetHistory();
    if (rnn.predict(data.xs).every((p, t) => p === data.targets[t])) return i;
    if (i < ITERATIONS) rnn.train(data.xs, data.targets, { iterations: 1, optimizer });
  }
  return null;
}

async function sequences(): Promise<void> {
  const tasks = notebookExperiments(1).map((e) => e.task);
  const rows: string[][] = [];
  for (const optimizer of OPTIMIZERS) {
    const row = [optimizer, String(DEFAULT_LEARNING_RATES[optimizer])];
    for (let k = 0; k < tasks.length; k++) {
      const counts = await Promise.all(SEQUENCE_SEEDS.map((seed) => solvedAt(optimizer, seed, k)));
      row.push(counts.includes(null) ? `not in ${ITERATIONS}` : String(Math.max(...(counts as number[]))));
    }
    rows.push(row);
  }
  console.log(`\nOne sequence: iterations until every prediction is right (worst of seeds ${SEQUENCE_SEEDS.join(', ')})\n`);
  console.log(table(['optimizer', 'lr', ...tasks], rows));
}

async function text(): Promise<void> {
  const path = process.env.TEXT ?? fileURLToPath(new URL('../../README.md', import.meta.url));
  const source = Array.from(readFileSync(path, 'utf8')).slice(0, 3000).join('');
  const data = textDataset(source, SEQ_LENGTH);
  const V = data.vocab.length;
  const characters = data.sequences.reduce((sum, s) => sum + s.targets.length, 0);
  const perCharacter = (loss: number): number => (loss * data.sequences.length) / characters;
  for (const H of HIDDEN) {
    const rows: string[][] = [];
    for (const optimizer of OPTIMIZERS) {
      const runs = [];
      for (const seed of TEXT_SEEDS) {
        const rnn = await RNN.create(V, H, V, { seed });
        const { losses } = rnn.fit(data.sequences, { epochs: EPOCHS, optimizer, carryState: true });
        runs.push({ first: perCharacter(losses[0]), last: perCharacter(losses[losses.length - 1]) });
        rnn.dispose();
      }
      const last = runs.map((r) => r.last);
      rows.push([
        optimizer, String(DEFAULT_LEARNING_RATES[optimizer]), median(runs.map((r) => r.first)).toFixed(2), median(last).toFixed(2),
        `${Math.min(...last).toFixed(2)} to ${Math.max(...last).toFixed(2)}`,
      ]);
    }
    console.log(`\nText (${characters + 1} characters of ${path}, V = ${V}, log V = ${Math.log(V).toFixed(2)}), ${V}-${H}-${V}, ${EPOCHS} epochs of chunks of ${SEQ_LENGTH}: loss per character, median of seeds ${TEXT_SEEDS.join(', ')}\n`);
    console.log(table(['optimizer', 'lr', 'epoch 1', `epoch ${EPOCHS}`, 'range'], rows));
  }
}

console.log(environment());
await sequences();
await text();
