// The wasm ABI: exported functions only, one per kernel of the registry (src/kernels.ts), each
// (record address, a, b) -> f64 and running one whole pass, so a training iteration is a handful
// of calls. The records are written by src/backends/wasm.ts.
import { CellRecord, HeadRecord, OptimRecord } from './records';
import * as rnn from './cells/rnn';
import * as lstm from './cells/lstm';
import * as gru from './cells/gru';
import * as softmax from './heads/softmax';
import * as linear from './heads/linear';
import * as optim from './optim';
import * as mathf from './mathf';

/** First free byte after the module's static data: models lay their records and block out from here. */
export function heapBase(): usize {
  return __heap_base;
}

export function rnnForward(r: usize, t0: i32, t1: i32): f64 {
  rnn.rnnForward(changetype<CellRecord>(r), t0, t1);
  return 0;
}

export function rnnBackward(r: usize, T: i32, _b: i32): f64 {
  rnn.rnnBackward(changetype<CellRecord>(r), T);
  return 0;
}

export function lstmForward(r: usize, t0: i32, t1: i32): f64 {
  lstm.lstmForward(changetype<CellRecord>(r), t0, t1);
  return 0;
}

export function lstmBackward(r: usize, T: i32, _b: i32): f64 {
  lstm.lstmBackward(changetype<CellRecord>(r), T);
  return 0;
}

export function gruForward(r: usize, t0: i32, t1: i32): f64 {
  gru.gruForward(changetype<CellRecord>(r), t0, t1);
  return 0;
}

export function gruBackward(r: usize, T: i32, _b: i32): f64 {
  gru.gruBackward(changetype<CellRecord>(r), T);
  return 0;
}

export function softmaxForward(r: usize, t0: i32, t1: i32): f64 {
  softmax.softmaxForward(changetype<HeadRecord>(r), t0, t1);
  return 0;
}

export function softmaxLoss(r: usize, T: i32, _b: i32): f64 {
  const R = changetype<HeadRecord>(r);
  store<f64>(R.loss, softmax.softmaxLoss(R, T));
  return 0;
}

export function softmaxBackward(r: usize, T: i32, _b: i32): f64 {
  softmax.softmaxBackward(changetype<HeadRecord>(r), T);
  return 0;
}

export function linearForward(r: usize, t0: i32, t1: i32): f64 {
  linear.linearForward(changetype<HeadRecord>(r), t0, t1);
  return 0;
}

export function linearLoss(r: usize, T: i32, _b: i32): f64 {
  const R = changetype<HeadRecord>(r);
  store<f64>(R.loss, linear.linearLoss(R, T));
  return 0;
}

export function linearBackward(r: usize, T: i32, _b: i32): f64 {
  linear.linearBackward(changetype<HeadRecord>(r), T);
  return 0;
}

export function zeroGrads(r: usize, _a: i32, _b: i32): f64 {
  return optim.zeroGrads(changetype<OptimRecord>(r));
}

export function clip(r: usize, _a: i32, _b: i32): f64 {
  return optim.clip(changetype<OptimRecord>(r));
}

export function scaleGrads(r: usize, _a: i32, _b: i32): f64 {
  return optim.scaleGrads(changetype<OptimRecord>(r));
}

export function sgd(r: usize, _a: i32, _b: i32): f64 {
  return optim.sgd(changetype<OptimRecord>(r));
}

export function momentum(r: usize, _a: i32, _b: i32): f64 {
  return optim.momentum(changetype<OptimRecord>(r));
}

export function adagrad(r: usize, _a: i32, _b: i32): f64 {
  return optim.adagrad(changetype<OptimRecord>(r));
}

export function adam(r: usize, _a: i32, _b: i32): f64 {
  return optim.adam(changetype<OptimRecord>(r));
}

export function rprop(r: usize, _a: i32, _b: i32): f64 {
  return optim.rprop(changetype<OptimRecord>(r));
}

export function irpropPlus(r: usize, _a: i32, _b: i32): f64 {
  return optim.irpropPlus(changetype<OptimRecord>(r));
}

export function rpropNotebook(r: usize, _a: i32, _b: i32): f64 {
  return optim.rpropNotebook(changetype<OptimRecord>(r));
}

/** The portable elementary functions, exported so that tests can compare them with the TS build's. */
export function tanh(x: f64): f64 {
  return mathf.tanh(x);
}

export function exp(x: f64): f64 {
  return mathf.exp(x);
}

export function sigmoid(x: f64): f64 {
  return mathf.sigmoid(x);
}

export function log(x: f64): f64 {
  return mathf.log(x);
}
