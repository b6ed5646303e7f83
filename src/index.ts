// rnn-wasm: vanilla (Elman) recurrent networks with a WebAssembly core.
export { init, RNN } from './rnn.js';
export type {
  BackendName, Gradients, GradientsLike, Params, ParamsLike, RNNOptions, Sequence, TrainResult, Vector, WasmBuild,
} from './rnn.js';
export { sigmoid, sigmoidDerivative, softmax, softmaxNaive } from './functions.js';
export { constantDataset, identityDataset, periodicDataset } from './datasets.js';
export type { Dataset } from './datasets.js';
export type { Seed } from './random.js';
