// The pure-TypeScript build: the living definition of the kernels, over a plain Float64Array.
import type { Backend } from '../../backend.js';
import { computeLayout, relocate, type Layout } from '../../layout.js';
import { backward } from './backward.js';
import { forward, loss } from './forward.js';
import { adagrad, adam, clip, irpropPlus, momentum, rprop, rpropNotebook, scaleGrads, sgd } from './optim.js';

export class TsBackend implements Backend {
  readonly name = 'ts' as const;
  layout: Layout;
  data: Float64Array;

  constructor(I: number, H: number, O: number, capacity: number) {
    this.layout = computeLayout(I, H, O, capacity);
    this.data = new Float64Array(this.layout.size);
  }

  dispose(): void {
    this.data = new Float64Array(0);
  }

  reserve(steps: number): void {
    const from = this.layout;
    if (steps <= from.capacity) return;
    const to = computeLayout(from.I, from.H, from.O, steps);
    const data = new Float64Array(to.size);
    data.set(this.data);
    relocate(data, from, to);
    this.data = data;
    this.layout = to;
  }

  forward(t0: number, t1: number): void {
    forward(this.data, this.layout, t0, t1);
  }

  loss(T: number): number {
    return loss(this.data, this.layout, T);
  }

  backward(T: number, accumulate: boolean): void {
    backward(this.data, this.layout, T, accumulate);
  }

  clip(c: number): void {
    clip(this.data, this.layout, c);
  }

  scaleGrads(s: number): void {
    scaleGrads(this.data, this.layout, s);
  }

  sgd(lr: number): boolean {
    return sgd(this.data, this.layout, lr);
  }

  momentum(lr: number, mu: number): boolean {
    return momentum(this.data, this.layout, lr, mu);
  }

  adagrad(lr: number): boolean {
    return adagrad(this.data, this.layout, lr);
  }

  adam(lr: number, beta1: number, beta2: number, eps: number, c1: number, c2: number): boolean {
    return adam(this.data, this.layout, lr, beta1, beta2, eps, c1, c2);
  }

  rprop(lr: number): boolean {
    return rprop(this.data, this.layout, lr);
  }

  irpropPlus(lr: number, lossRose: boolean): boolean {
    return irpropPlus(this.data, this.layout, lr, lossRose);
  }

  rpropNotebook(lr: number): boolean {
    return rpropNotebook(this.data, this.layout, lr);
  }
}
