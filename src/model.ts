// A model over a Backend: its spec, its block and the history of steps run, with the operations
// training and the facade are made of. It trusts its arguments: they are checked copies (see
// src/inputs.ts). Only the planner's offsets and the kernel registry reach the block.
import type { Backend, BackendName } from './backend.js';
import { TsBackend } from './backends/ts/index.js';
import { WasmBackend, type WasmBuild } from './backends/wasm.js';
import { ARGS } from './kernels.js';
import { applyOptimizer, forgetOptimizerState, type Optimizer } from './optimizers.js';
import { cellPart, headPart, type CellPart, type HeadPart } from './parts.js';
import { CELL0, checkBlockSize, HEAD, maxCapacity, MIN_CAPACITY, OPTIM, type Plan, type PlacedTensor } from './plan.js';
import { targetCount, type Examples } from './inputs.js';
import type { ModelSpec } from './spec.js';

export class Model {
  readonly spec: ModelSpec;
  readonly core: Backend;
  /** Steps run since the history was last reset. */
  steps = 0;
  readonly #cell: CellPart;
  readonly #head: HeadPart;

  constructor(spec: ModelSpec, backend: BackendName, wasmBuild?: WasmBuild) {
    this.spec = spec;
    this.#cell = cellPart(spec.cell);
    this.#head = headPart(spec.output);
    this.core = backend === 'wasm' ? new WasmBackend(spec, MIN_CAPACITY, wasmBuild) : new TsBackend(spec, MIN_CAPACITY);
  }

  get plan(): Plan {
    return this.core.plan;
  }

  get data(): Float64Array {
    return this.core.data;
  }

  /** Numbers of the state that carries from one sequence to the next: every layer's h (and c). */
  get stateLength(): number {
    return this.plan.stateRegions.length * this.spec.hiddenSize;
  }

  /** Draws every parameter from U(lo, hi), in block order, so every build draws the same numbers into the same places. */
  initialise(random: () => number, lo: number, hi: number): void {
    const { data, plan: p } = this;
    for (let i = 0; i < p.P; i++) data[p.params + i] = lo + (hi - lo) * random();
  }

  /**
   * Makes room for a history of `total` steps: a RangeError if it cannot fit; otherwise the
   * capacity doubles (or grows to `total` if that is more), up to the most that fits.
   */
  reserve(where: string, total: number): void {
    const { capacity } = this.plan;
    if (total <= capacity) return;
    const { batch } = this.plan;
    checkBlockSize(`${where}: ${total} steps`, this.spec, total, batch);
    this.core.reserve(Math.max(total, Math.min(2 * capacity, maxCapacity(this.spec, batch))));
  }

  /**
   * Lays the block out for `batch` sequences advancing together (1 for everything but batched
   * training), of up to `steps` steps each: a RangeError if that cannot fit. The parameters, the
   * optimiser state and the gradients stay; the history is emptied.
   */
  layOut(where: string, batch: number, steps: number): void {
    const capacity = Math.max(steps, MIN_CAPACITY);
    if (batch === this.plan.batch) this.reserve(where, steps);
    else {
      checkBlockSize(`${where}: ${steps} steps`, this.spec, capacity, batch);
      this.core.layOut(batch, capacity);
    }
    this.steps = 0;
  }

  /** Empties the history and sets the initial state: zeros (of every sequence of a batch), or `state` (stateLength numbers). */
  startFrom(state?: Float64Array): void {
    this.steps = 0;
    const { data, plan: p } = this;
    const H = this.spec.hiddenSize;
    for (let k = 0; k < p.stateRegions.length; k++) {
      const region = p.stateRegions[k];
      if (state === undefined) data.fill(0, region, region + p.batch * H);
      else data.set(state.subarray(k * H, (k + 1) * H), region);
    }
  }

  /**
   * Writes the examples order[start .. end) as the sequences of a batch (at most `plan.batch` of
   * them; the block must hold the longest one's steps), each from a zero state: their inputs and
   * targets, zeros past each one's end, and their lengths, which the head counts its loss over.
   * The places of a batch with fewer sequences hold sequences of no steps. With `carry`, each
   * sequence starts from the state that the one before it in its place of the batch ended in
   * (the batches' sequences are chunks of B streams). Returns the steps to run: the longest
   * sequence's.
   */
  writeBatch(examples: Examples, order: readonly number[], start: number, end: number, carry = false): number {
    const { data, plan: p } = this;
    const B = p.batch, w = p.inputWidth, tw = p.targetWidth;
    if (carry) this.#carryLanes();
    else this.startFrom();
    let T = 0;
    for (let k = start; k < end; k++) T = Math.max(T, examples.lengths[order[k]]);
    for (let b = 0; b < B; b++) {
      const e = start + b < end ? order[start + b] : -1;
      const L = e < 0 ? 0 : examples.lengths[e];
      data[p.lengths + b] = L;
      const from = e < 0 ? 0 : examples.starts[e] * w;
      for (let t = 0; t < T; t++) {
        const to = p.xs + (t * B + b) * w;
        if (t < L) for (let i = 0; i < w; i++) data[to + i] = examples.xs[from + t * w + i];
        else data.fill(0, to, to + w);
      }
      const count = e < 0 ? 0 : targetCount(this.spec, L), rows = this.spec.outputAt === 'last' ? 1 : T;
      const first = e < 0 ? 0 : examples.targetStarts[e] * tw;
      for (let t = 0; t < rows; t++) {
        const to = p.targets + (this.spec.outputAt === 'last' ? b : t * B + b) * tw;
        if (t < count) for (let i = 0; i < tw; i++) data[to + i] = examples.targets[first + t * tw + i];
        else data.fill(0, to, to + tw);
      }
    }
    this.steps = 0;
    return T;
  }

  /** Moves each sequence of the last batch's final state (at its own length) to its initial state. */
  #carryLanes(): void {
    const { data, plan: p } = this;
    const B = p.batch, H = this.spec.hiddenSize;
    for (const region of p.stateRegions) {
      for (let b = 0; b < B; b++) {
        const from = region + (data[p.lengths + b] * B + b) * H, to = region + b * H;
        data.copyWithin(to, from, from + H);
      }
    }
  }

  /** Numbers of the state of every sequence of a batch: stateLength per sequence. */
  get laneStateLength(): number {
    return this.plan.batch * this.stateLength;
  }

  /** Copies each sequence of the last batch's final state (at its own length) into `out`. */
  saveLaneStates(out: Float64Array): void {
    const { data, plan: p } = this;
    const B = p.batch, H = this.spec.hiddenSize;
    p.stateRegions.forEach((region, k) => {
      for (let b = 0; b < B; b++) {
        const from = region + (data[p.lengths + b] * B + b) * H;
        out.set(data.subarray(from, from + H), (k * B + b) * H);
      }
    });
  }

  /** Sets each sequence of the batch written's initial state from `states` (as saveLaneStates wrote them). */
  setLaneStates(states: Float64Array): void {
    const { data, plan: p } = this;
    const n = p.batch * this.spec.hiddenSize;
    p.stateRegions.forEach((region, k) => data.set(states.subarray(k * n, (k + 1) * n), region));
  }

  /** Starts the next sequence from the state the last one ended in (chunks of one stream). */
  carryState(): void {
    const { data, plan: p } = this;
    const H = this.spec.hiddenSize, last = this.steps * H;
    for (const region of p.stateRegions) data.copyWithin(region, region + last, region + last + H);
    this.steps = 0;
  }

  /** A copy of the current state: after the last step run, or the initial state when the history is empty. */
  hiddenState(): Float64Array {
    const { data, plan: p } = this;
    const H = this.spec.hiddenSize, at = this.steps * H;
    const out = new Float64Array(this.stateLength);
    p.stateRegions.forEach((region, k) => out.set(data.subarray(region + at, region + at + H), k * H));
    return out;
  }

  /** Writes checked inputs (steps x inputWidth numbers, from `from` in `xs`) as steps t0 on. */
  writeInputs(xs: Float64Array, t0: number, from = 0, steps = xs.length / this.plan.inputWidth): void {
    const { data, plan: p } = this;
    const w = p.inputWidth;
    const to = p.xs + t0 * w;
    for (let i = 0, n = steps * w; i < n; i++) data[to + i] = xs[from * w + i];
  }

  /**
   * Writes `count` checked targets (one per step, or one per sequence with outputAt 'last'), from
   * target `from` of `targets`.
   */
  writeTargets(targets: Float64Array, from = 0, count = targets.length / this.plan.targetWidth): void {
    const { data, plan: p } = this;
    const w = p.targetWidth;
    for (let i = 0, n = count * w; i < n; i++) data[p.targets + i] = targets[from * w + i];
  }

  /** Runs steps t0 .. t1-1 through every layer, then the head; the history then has t1 steps. */
  forward(t0: number, t1: number): void {
    const { core } = this;
    for (let k = 0; k < this.spec.layers; k++) core.call(this.#cell.forward, CELL0 + k, t0, t1);
    core.call(this.#head.forward, HEAD, t0, t1);
    this.steps = t1;
  }

  /**
   * The loss of the history against the targets written: of one sequence, or of a batch (its
   * sequences' lengths written by `writeBatch`).
   */
  loss(): number {
    this.computeLoss();
    return this.data[this.plan.head.loss];
  }

  /**
   * `loss` into the block, at `plan.head.loss`, returning nothing: for the training loops, where
   * a double returned by a call that the engine does not inline is boxed, an allocation a batch.
   */
  computeLoss(): void {
    this.#countOneSequence();
    this.core.call(this.#head.loss, HEAD, this.steps);
  }

  /** Backpropagation through the history into the gradients, or added to them (a batch). */
  backward(accumulate: boolean): void {
    const { core } = this;
    const T = this.steps;
    this.#countOneSequence();
    if (!accumulate) core.call('zeroGrads', OPTIM);
    core.call(this.#head.backward, HEAD, T);
    for (let k = this.spec.layers - 1; k >= 0; k--) core.call(this.#cell.backward, CELL0 + k, T);
  }

  /** Laid out for one sequence, the head counts every step of the history. */
  #countOneSequence(): void {
    if (this.plan.batch === 1) this.data[this.plan.lengths] = this.steps;
  }

  /** One update from the gradients; false when it left a parameter non-finite. */
  update(optimizer: Optimizer): boolean {
    return applyOptimizer(this.core, optimizer);
  }

  /**
   * Multiplies the gradients by 1 / n (n a batch's sequence count: the mean gradient). Taking the count,
   * not 1/n, keeps a double from being boxed per batch where the call is not inlined.
   */
  scaleGrads(n: number): void {
    this.data[this.plan.args + ARGS.scale] = 1 / n;
    this.core.call('scaleGrads', OPTIM);
  }

  /** The head's output at step t: a copy of its O numbers. */
  output(t: number): Float64Array {
    const O = this.spec.outputSize, start = this.plan.ys + t * O;
    return this.data.slice(start, start + O);
  }

  /** The most probable class at row r of the outputs (the first one on a tie): step r of one sequence, or step t of sequence b of a batch at r = t·B + b. */
  prediction(r: number): number {
    const { data } = this;
    const O = this.spec.outputSize, start = this.plan.ys + r * O;
    let best = 0;
    for (let i = 1; i < O; i++) if (data[start + i] > data[start + best]) best = i;
    return best;
  }

  /** Saves the parameters (and with `all`, the optimiser state) to the backup. */
  saveBackup(all = false): void {
    const { data, plan: p } = this;
    data.copyWithin(p.backup, p.params, p.params + (all ? p.stateSize : p.P));
  }

  /** Puts back what `saveBackup` saved. */
  restoreBackup(all = false): void {
    const { data, plan: p } = this;
    data.copyWithin(p.params, p.backup, p.backup + (all ? p.stateSize : p.P));
  }

  /**
   * Ends training that diverged: puts back the parameters saved before the last update (those of
   * the last finite loss) and empties the optimiser state, which the failed step left belonging to
   * no weights that the model keeps, so that the next update starts the optimiser afresh.
   */
  rollBack(): void {
    this.restoreBackup();
    forgetOptimizerState(this.core);
  }

  tensor(name: string): PlacedTensor | undefined {
    return this.plan.tensors.find((t) => t.name === name);
  }

  /** A copy of a tensor's values (or of its gradient). */
  read(t: PlacedTensor, gradient = false): Float64Array {
    const start = gradient ? t.gradAt : t.at;
    return this.data.slice(start, start + t.length);
  }

  write(t: PlacedTensor, values: Float64Array): void {
    this.data.set(values, t.at);
  }

  dispose(): void {
    this.steps = 0;
    this.core.dispose();
  }
}
