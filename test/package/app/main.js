// A user's app that imports the package by name; Vite and webpack bundle it with no configuration,
// its workers too: it trains on the page's thread, in one worker, and in two (a batch of 4 in shards of 2).
import { periodicDataset, RNN, textDataset } from 'rnn-wasm';

window.addEventListener('unhandledrejection', (event) => {
  document.title = `error: ${event.reason}`;
});
// A module's top-level await that rejects is reported as an error, not as a rejection.
window.addEventListener('error', (event) => {
  document.title = `error: ${event.message}`;
});

const { xs, targets } = periodicDataset([0, 1, 2], 9, 3);
const rnn = await RNN.create(3, 8, 3, { seed: 5 });
const { losses } = rnn.train(xs, targets, 50, 0.01);
rnn.resetHistory();
const result = { losses: Array.from(losses), Why: Array.from(rnn.getParams().Why), predictions: rnn.predict(xs) };

const text = textDataset('hello world, hello wasm, hello workers', 5);
const V = text.vocab.length;
const fit = { epochs: 4, batchSize: 4, optimizer: 'adam', learningRate: 0.01 };
const inWorker = await RNN.create(V, 8, V, { seed: 5 });
result.fitInWorker = Array.from((await inWorker.fitInWorker(text.sequences, fit)).losses);
result.fitInWorkerWhy = Array.from(inWorker.getParams().Why);
const sharded = await RNN.create(V, 8, V, { seed: 5 });
result.fitAsync = Array.from((await sharded.fitAsync(text.sequences, { ...fit, workers: 2, shardSize: 2 })).losses);
result.fitAsyncWhy = Array.from(sharded.getParams().Why);

window.result = result;
document.title = 'done';
