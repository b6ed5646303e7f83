// The wasm ABI: exported functions only. Each takes the address of a model's Layout (written by
// src/backends/wasm.ts) and runs one whole pass, so a training iteration is a handful of calls.
import { Layout } from './layout';
import * as fwd from './forward';
import * as bwd from './backward';
import * as optim from './optim';
import * as mathf from './mathf';

/** First free byte after the module's static data: models lay their block out from here. */
export function heapBase(): usize {
  return __heap_base;
}

export function forward(layout: usize, t0: i32, t1: i32): void {
  fwd.forward(changetype<Layout>(layout), t0, t1);
}

export function loss(layout: usize, T: i32): f64 {
  return fwd.loss(changetype<Layout>(layout), T);
}

export function backward(layout: usize, T: i32, accumulate: i32): void {
  bwd.backward(changetype<Layout>(layout), T, accumulate);
}

export function clip(layout: usize, c: f64): void {
  optim.clip(changetype<Layout>(layout), c);
}

export function scaleGrads(layout: usize, s: f64): void {
  optim.scaleGrads(changetype<Layout>(layout), s);
}

export function sgd(layout: usize, lr: f64): i32 {
  return optim.sgd(changetype<Layout>(layout), lr);
}

export function momentum(layout: usize, lr: f64, mu: f64): i32 {
  return optim.momentum(changetype<Layout>(layout), lr, mu);
}

export function adagrad(layout: usize, lr: f64): i32 {
  return optim.adagrad(changetype<Layout>(layout), lr);
}

export function adam(layout: usize, lr: f64, beta1: f64, beta2: f64, eps: f64, c1: f64, c2: f64): i32 {
  return optim.adam(changetype<Layout>(layout), lr, beta1, beta2, eps, c1, c2);
}

export function rprop(layout: usize, lr: f64): i32 {
  return optim.rprop(changetype<Layout>(layout), lr);
}

export function irpropPlus(layout: usize, lr: f64, lossRose: i32): i32 {
  return optim.irpropPlus(changetype<Layout>(layout), lr, lossRose);
}

export function rpropNotebook(layout: usize, lr: f64): i32 {
  return optim.rpropNotebook(changetype<Layout>(layout), lr);
}

/** The portable elementary functions, exported so that tests can compare them with the TS build's. */
export function tanh(x: f64): f64 {
  return mathf.tanh(x);
}

export function exp(x: f64): f64 {
  return mathf.exp(x);
}

export function log(x: f64): f64 {
  return mathf.log(x);
}
