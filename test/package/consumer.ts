// A user's code, compiled against the packed package's types (see test/package.test.ts). The
// expected errors below must each meet an error: were the types `any`, the compile would fail.
import { init, periodicDataset, RNN, type BackendName, type Params, type TrainResult } from 'rnn-wasm';
import * as bundle from 'rnn-wasm/browser';

await init();
const { xs, targets } = periodicDataset([0, 1], 6, 2);
const backend: BackendName = 'ts';
const rnn: RNN = await RNN.create(2, 4, 2, { seed: 1, backend });
const result: TrainResult = rnn.train(xs, targets, 5, 0.01);
const params: Params = rnn.getParams();
const Wxh: Float64Array = params.Wxh;
const loss: number = result.loss;
const fromBundle: RNN = await bundle.RNN.create(2, 4, 2, { seed: 1 });

// @ts-expect-error: the backend is 'wasm' or 'ts'
void RNN.create(2, 4, 2, { backend: 'gpu' });
// @ts-expect-error: inputDim is a number
void new bundle.RNN('2', 4, 2);
// @ts-expect-error: predict returns classes, not probabilities
const wrong: Float64Array[] = rnn.predict(xs);

export { fromBundle, loss, wrong, Wxh };
