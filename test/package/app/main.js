// A user's app that imports the package by name; Vite and webpack bundle it with no configuration.
import { periodicDataset, RNN } from 'rnn-wasm';

window.addEventListener('unhandledrejection', (event) => {
  document.title = `error: ${event.reason}`;
});

const { xs, targets } = periodicDataset([0, 1, 2], 9, 3);
const rnn = await RNN.create(3, 8, 3, { seed: 5 });
const { losses } = rnn.train(xs, targets, 50, 0.01);
rnn.resetHistory();
window.result = { losses: Array.from(losses), Why: Array.from(rnn.getParams().Why), predictions: rnn.predict(xs) };
document.title = 'done';
