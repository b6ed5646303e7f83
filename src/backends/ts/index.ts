// The pure-TypeScript build: the living definition of the kernels, over a plain Float64Array.
import type { Backend } from '../../backend.js';
import type { KernelName } from '../../kernels.js';
import { plan, relocate, type CellRecord, type HeadRecord, type OptimRecord, type Plan } from '../../plan.js';
import type { ModelSpec } from '../../spec.js';
import { gruBackward, gruForward } from './cells/gru.js';
import { lstmBackward, lstmForward } from './cells/lstm.js';
import { rnnBackward, rnnForward } from './cells/rnn.js';
import { softmaxBackward, softmaxForward, softmaxLoss } from './heads/softmax.js';
import { linearBackward, linearForward, linearLoss } from './heads/linear.js';
import { adagrad, adam, clip, irpropPlus, momentum, rprop, rpropNotebook, scaleGrads, sgd, zeroGrads } from './optim.js';

type Kernel = (m: Float64Array, record: never, a: number, b: number) => number;

/** A loss kernel's result, written where the record says (src/kernels.ts). */
function lossInto(m: Float64Array, R: HeadRecord, loss: number): number {
  m[R.loss] = loss;
  return 0;
}

/** Every kernel of the registry (src/kernels.ts), by name. */
const KERNELS: Record<KernelName, Kernel> = {
  rnnForward: rnnForward as (m: Float64Array, R: CellRecord, a: number, b: number) => number,
  rnnBackward: rnnBackward as (m: Float64Array, R: CellRecord, a: number) => number,
  lstmForward: lstmForward as (m: Float64Array, R: CellRecord, a: number, b: number) => number,
  lstmBackward: lstmBackward as (m: Float64Array, R: CellRecord, a: number) => number,
  gruForward: gruForward as (m: Float64Array, R: CellRecord, a: number, b: number) => number,
  gruBackward: gruBackward as (m: Float64Array, R: CellRecord, a: number) => number,
  softmaxForward: softmaxForward as (m: Float64Array, R: HeadRecord, a: number, b: number) => number,
  softmaxLoss: (m: Float64Array, R: HeadRecord, a: number) => lossInto(m, R, softmaxLoss(m, R, a)),
  softmaxBackward: softmaxBackward as (m: Float64Array, R: HeadRecord, a: number) => number,
  linearForward: linearForward as (m: Float64Array, R: HeadRecord, a: number, b: number) => number,
  linearLoss: (m: Float64Array, R: HeadRecord, a: number) => lossInto(m, R, linearLoss(m, R, a)),
  linearBackward: linearBackward as (m: Float64Array, R: HeadRecord, a: number) => number,
  zeroGrads: zeroGrads as (m: Float64Array, R: OptimRecord) => number,
  clip, scaleGrads, sgd, momentum, adagrad, adam, rprop, irpropPlus, rpropNotebook,
};

export class TsBackend implements Backend {
  readonly name = 'ts' as const;
  plan: Plan;
  data: Float64Array;

  constructor(spec: ModelSpec, capacity: number) {
    this.plan = plan(spec, capacity);
    this.data = new Float64Array(this.plan.size);
  }

  dispose(): void {
    this.data = new Float64Array(0);
  }

  reserve(capacity: number): void {
    const from = this.plan;
    if (capacity <= from.capacity) return;
    const to = plan(from.spec, capacity, from.batch);
    const data = new Float64Array(to.size);
    data.set(this.data);
    relocate(data, from, to);
    this.data = data;
    this.plan = to;
  }

  layOut(batch: number, capacity: number): void {
    const to = plan(this.plan.spec, capacity, batch);
    const data = new Float64Array(to.size);
    data.set(this.data.subarray(0, to.fixedSize));
    this.data = data;
    this.plan = to;
  }

  call(kernel: KernelName, record: number, a = 0, b = 0): number {
    return KERNELS[kernel](this.data, this.plan.records[record] as never, a, b);
  }
}
