// rnn-wasm: recurrent networks with a WebAssembly core.
export { init, RNN } from './rnn.js';
export type {
  BackendName, Gradients, GradientsLike, Ids, InWorker, Params, ParamsLike, RNNOptions, Sequence, Targets, TrainResult, Vector, WasmBuild,
} from './rnn.js';
export type { CellName, InputKind, OutputAt, OutputKind } from './spec.js';
export type { ONNXOptions } from './onnx.js';
export type { TorchNames } from './pytorch.js';
export type { EarlyStopping, Example, FitOptions, LearningRateSchedule, Progress, TrainOptions, Validation } from './training-options.js';
export { DEFAULT_LEARNING_RATES, OPTIMIZERS } from './optimizers.js';
export type { OptimizerName } from './optimizers.js';
export { sigmoid, sigmoidDerivative, softmax, softmaxNaive } from './functions.js';
export { constantDataset, identityDataset, periodicDataset, recallDataset, textDataset } from './datasets.js';
export { Scaler, seriesDataset } from './series.js';
export type { SeriesDataset, SeriesOptions } from './series.js';
export type { Dataset, RecallDataset, TextDataset, TextOptions } from './datasets.js';
export type { Seed } from './random.js';
export { MODEL_FORMAT, MODEL_VERSION } from './model-file.js';
export type { ModelFile, ModelFileModel, ModelFileOptimizer, ModelFileOptions, ModelFileV1, ModelFileV2, StoredNumber } from './model-file.js';
