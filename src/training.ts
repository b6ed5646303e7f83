// Training over a model: the loops of train and fit, stopping, and the one divergence policy (put
// back the parameters of the last finite loss, empty the optimiser state). The facade checks the
// arguments and calls these once; a run can go to its end or in slices (the async forms).
import { targetCount, type Examples } from './inputs.js';
import type { Model } from './model.js';
import type { Optimizer } from './optimizers.js';
import { headPart } from './parts.js';
import { powi } from './backends/ts/mathf.js';
import type { CheckedSchedule, FitPlan, Progress, Schedule, TrainResult } from './training-options.js';

/**
 * Training in progress: `step` runs it until it ends (returning its result) or until
 * performance.now() passes `deadline` (returning null, to be called again).
 */
export interface Run {
  step(deadline: number): TrainResult | null;
  /** After step returned null: what to wait for before the next step (workers computing), or null to just yield. */
  pending?(): Promise<void> | null;
}

/**
 * Workers that compute the gradients of batches (data-parallel fit, src/workers/pool.ts). A batch
 * is cut into shards of a fixed number of sequences whatever the number of workers; the shards'
 * gradients are added in shard order, so every number of workers gives the same bits.
 */
export interface BatchWorkers {
  /** Until the gradients of the batch last sent are in (or a worker failed): what to wait for; then null. */
  readonly pending: Promise<void> | null;
  /** Sends the batch order[start .. end) with the model's parameters. */
  send(model: Model, order: readonly number[], start: number, end: number, carry: boolean): void;
  /** Puts the sum of the batch's gradients in the model's and returns the batch's loss; throws what a worker threw. */
  collect(model: Model): number;
  /** Ends the workers. */
  close(): void;
}

/**
 * The loss of every iteration (epoch) so far, in a buffer that grows as they come: a run asked for
 * 2e8 iterations that stops after one holds one number, not 1.6 GB.
 */
class Losses {
  #values: Float64Array;
  #count = 0;

  /** `expected`: how many may come; room for that many (at most 2^16, 512 kB) is made at once. */
  constructor(expected: number) {
    this.#values = new Float64Array(Math.max(1, Math.min(expected, 2 ** 16)));
  }

  push(loss: number): void {
    if (this.#count === this.#values.length) {
      const grown = new Float64Array(2 * this.#count);
      grown.set(this.#values);
      this.#values = grown;
    }
    this.#values[this.#count++] = loss;
  }

  result(stopped: TrainResult['stopped']): TrainResult {
    const losses = this.#values.slice(0, this.#count);
    return { iterations: this.#count, loss: this.#count > 0 ? losses[this.#count - 1] : NaN, losses, stopped };
  }
}

/** Tells onProgress, then says whether to stop here (before this iteration's update). */
function progress(plan: Schedule, iteration: number, loss: number): TrainResult['stopped'] | null {
  if (plan.onProgress !== undefined && plan.onProgress({ iteration, loss }) === false) return 'callback';
  if (plan.targetLoss !== undefined && loss <= plan.targetLoss) return 'targetLoss';
  if (plan.signal?.aborted) return 'aborted';
  return null;
}

/** `progress` of an epoch of fit, with what it tells beside the loss. */
function progressOf(plan: Schedule, info: Progress): TrainResult['stopped'] | null {
  if (plan.onProgress !== undefined && plan.onProgress(info) === false) return 'callback';
  if (plan.targetLoss !== undefined && info.loss <= plan.targetLoss) return 'targetLoss';
  if (plan.signal?.aborted) return 'aborted';
  return null;
}

function print(model: Model, targets: Float64Array, loss: number): void {
  if (headPart(model.spec.output).targetWidth === 'one') {
    const first = model.spec.outputAt === 'last' ? model.steps - 1 : 0;
    const predictions = Array.from({ length: model.steps - first }, (_, t) => model.prediction(first + t));
    console.log(`Predictions: [${predictions.join(', ')}] vs targets: [${Array.from(targets).join(', ')}]`);
  }
  console.log(`Loss: ${loss}`);
}

/**
 * `iterations` of: reset the history, run the sequence (checked copies of its inputs and
 * targets), take the loss, backpropagate, update once.
 */
export function trainRun(model: Model, xs: Float64Array, targets: Float64Array, plan: Schedule & { iterations: number }): Run {
  const T = xs.length / model.plan.inputWidth;
  model.startFrom();
  model.writeInputs(xs, 0);
  model.writeTargets(targets);
  model.saveBackup();
  const losses = new Losses(plan.iterations);
  const { iterations } = plan;
  // Only call progress when there is something to tell or check: passing the loss to a call that
  // is not inlined boxes it, an allocation per iteration.
  const checksProgress = plan.onProgress !== undefined || plan.targetLoss !== undefined || plan.signal !== undefined;
  let i = 0;
  return {
    step: (deadline) => {
      while (i < iterations) {
        if (plan.signal?.aborted) return losses.result('aborted');
        model.forward(0, T);
        const loss = model.loss();
        if (!Number.isFinite(loss)) {
          model.rollBack(); // the weights of the last finite loss are in the backup
          return losses.result('diverged');
        }
        losses.push(loss);
        if (plan.printEvery !== undefined && i % plan.printEvery === 0) print(model, targets, loss);
        if (checksProgress) {
          const stop = progress(plan, i, loss);
          if (stop !== null) return losses.result(stop);
        }
        model.saveBackup();
        model.backward(false);
        model.data[model.plan.stepLoss] = loss;
        if (!model.update(plan.optimizer)) {
          model.rollBack();
          return losses.result('diverged');
        }
        i++;
        if (deadline !== Infinity && performance.now() >= deadline) return null;
      }
      return losses.result('iterations');
    },
  };
}

/** Fisher-Yates, in place. */
function shuffle(order: number[], random: () => number): void {
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
}

/**
 * The loss of held-out examples with the current weights, the mean over their sequences, each run
 * from a zero state (or, with `carryState`, from the state the previous one ended in); and for a
 * softmax output the fraction of their targets whose most probable class is the target.
 */
export function evaluate(model: Model, examples: Examples, carryState: boolean): { loss: number; accuracy: number } {
  if (model.plan.batch > 1) return evaluateBatches(model, examples, carryState);
  const n = examples.lengths.length;
  const classes = headPart(model.spec.output).targetWidth === 'one';
  let sum = 0, right = 0, count = 0;
  model.startFrom();
  for (let e = 0; e < n; e++) {
    const T = examples.lengths[e], targets = targetCount(model.spec, T), from = examples.targetStarts[e];
    if (carryState && model.steps > 0) model.carryState();
    else model.startFrom();
    model.writeInputs(examples.xs, 0, examples.starts[e], T);
    model.writeTargets(examples.targets, from, targets);
    model.forward(0, T);
    sum += model.loss();
    if (classes) {
      for (let j = 0; j < targets; j++) if (model.prediction(T - targets + j) === examples.targets[from + j]) right++;
      count += targets;
    }
  }
  return { loss: sum / n, accuracy: classes ? right / count : NaN };
}

/**
 * `evaluate` in batches of the block's `plan.batch` sequences advancing together (with
 * `carryState`, chunks of as many streams, as fit trains on them).
 */
function evaluateBatches(model: Model, examples: Examples, carryState: boolean): { loss: number; accuracy: number } {
  const n = examples.lengths.length, B = model.plan.batch;
  const classes = headPart(model.spec.output).targetWidth === 'one';
  const order = Array.from({ length: n }, (_, k) => k);
  let sum = 0, right = 0, count = 0;
  for (let start = 0; start < n; start += B) {
    const end = Math.min(start + B, n);
    model.forward(0, model.writeBatch(examples, order, start, end, carryState && start > 0));
    sum += model.loss();
    if (!classes) continue;
    for (let b = 0; b < end - start; b++) {
      const T = examples.lengths[start + b], targets = targetCount(model.spec, T), from = examples.targetStarts[start + b];
      for (let j = 0; j < targets; j++) if (model.prediction((T - targets + j) * B + b) === examples.targets[from + j]) right++;
      count += targets;
    }
  }
  return { loss: sum / n, accuracy: classes ? right / count : NaN };
}

/**
 * The learning rate of each epoch under a schedule, as torch.optim.lr_scheduler's StepLR,
 * ExponentialLR and ReduceLROnPlateau (mode 'min', a relative threshold, no cooldown) compute it.
 */
class LearningRates {
  readonly #schedule: CheckedSchedule;
  readonly #initial: number;
  #rate: number;
  #best = Infinity;
  #bad = 0;

  constructor(schedule: CheckedSchedule, initial: number) {
    this.#schedule = schedule;
    this.#initial = initial;
    this.#rate = initial;
  }

  /** The rate of epoch `epoch` (0-based), given the monitored loss of the epoch before (plateau). */
  at(epoch: number): number {
    const s = this.#schedule;
    if (s.type === 'step') return this.#initial * powi(s.gamma, Math.floor(epoch / s.stepSize));
    if (s.type === 'exponential') return this.#initial * powi(s.gamma, epoch);
    return this.#rate;
  }

  /** Tells the plateau schedule the monitored loss of an epoch that has ended. */
  observe(loss: number): void {
    const s = this.#schedule;
    if (s.type !== 'plateau') return;
    if (loss < this.#best * (1 - s.threshold)) {
      this.#best = loss;
      this.#bad = 0;
    } else if (++this.#bad > s.patience) {
      this.#rate = Math.max(this.#rate * s.factor, s.minLearningRate);
      this.#bad = 0;
    }
  }
}

/**
 * The gradients of the examples order[start .. end) summed into the model's, and their loss at
 * `plan.head.loss`: together when the block is laid out for a batch, else one after another
 * (each carrying on from the state of the one before with `carry`). False when the loss is not
 * finite. This and `updateFromBatch` are functions of the module, not of a run: the engine
 * optimises them once for every fit, where a run's closures start unoptimised at each call and
 * would box the doubles they handle, an allocation per batch.
 */
function batchGradients(model: Model, examples: Examples, order: readonly number[], start: number, end: number, carry: boolean): boolean {
  // (model.data is read afresh after each call: a block that grows is a new view.)
  const lossAt = model.plan.head.loss;
  if (model.plan.batch > 1) {
    model.forward(0, model.writeBatch(examples, order, start, end, carry && start > 0));
    model.computeLoss();
    if (!Number.isFinite(model.data[lossAt])) return false;
    model.backward(false);
    return true;
  }
  let batchLoss = 0;
  for (let k = start; k < end; k++) {
    const e = order[k];
    const T = examples.lengths[e];
    if (carry && model.steps > 0) model.carryState();
    else model.startFrom();
    model.writeInputs(examples.xs, 0, examples.starts[e], T);
    model.writeTargets(examples.targets, examples.targetStarts[e], targetCount(model.spec, T));
    model.forward(0, T);
    model.computeLoss();
    const loss = model.data[lossAt];
    if (!Number.isFinite(loss)) return false;
    batchLoss += loss;
    model.backward(k > start);
  }
  model.data[lossAt] = batchLoss;
  return true;
}

/**
 * After a batch of `count` sequences (its summed gradients in the model's, its loss at
 * `plan.head.loss`): adds the loss to the epoch's `sum`, saves the parameters and makes one update
 * from the mean gradient. False when the loss or the update is not finite (the caller rolls back).
 */
function updateFromBatch(model: Model, optimizer: Optimizer, count: number, sum: Float64Array): boolean {
  const { data, plan: p } = model;
  const batchLoss = data[p.head.loss];
  if (!Number.isFinite(batchLoss)) return false;
  sum[0] += batchLoss;
  model.saveBackup();
  if (count > 1) model.scaleGrads(count);
  data[p.stepLoss] = batchLoss / count;
  return model.update(optimizer);
}

/**
 * `epochs` passes over the examples (read once by the facade), a batch of `batchSize` of them per
 * update with the mean of their gradients; each epoch's loss is the mean of its sequences'. After
 * each epoch: the validation examples' loss, the progress callback and the stopping rules, then
 * the learning rate of the next epoch.
 */
export function fitRun(
  model: Model, examples: Examples, plan: FitPlan, random: (() => number) | null, validation: Examples | null = null, workers: BatchWorkers | null = null,
): Run {
  const n = examples.lengths.length;
  // Laid out for a batch (by the facade, for batchSize > 1), the sequences of each batch advance
  // together: one forward and one backward pass over all of them, the same mean gradient.
  const batched = model.plan.batch > 1;
  const order = Array.from({ length: n }, (_, k) => k);
  const losses = new Losses(plan.epochs);
  const validationLosses = new Losses(validation === null ? 0 : plan.epochs);
  const accuracies = new Losses(validation === null ? 0 : plan.epochs);
  const classes = headPart(model.spec.output).targetWidth === 'one';
  const stopping = plan.earlyStopping;
  const best = stopping?.restoreBestWeights ? new Float64Array(model.plan.P) : null;
  let bestLoss = Infinity, bestEpoch = -1, wait = 0;
  const rates = plan.learningRateSchedule === undefined ? null : new LearningRates(plan.learningRateSchedule, plan.optimizer.learningRate);
  const optimizer = { ...plan.optimizer };
  const finish = (stopped: TrainResult['stopped']): TrainResult => {
    const result = losses.result(stopped);
    if (validation !== null) {
      const v = validationLosses.result(stopped);
      result.validationLosses = v.losses;
      result.validationLoss = v.loss;
      if (classes) {
        const a = accuracies.result(stopped);
        result.validationAccuracies = a.losses;
        result.validationAccuracy = a.loss;
      }
    }
    if (stopping !== undefined && bestEpoch >= 0) result.bestEpoch = bestEpoch;
    return result;
  };
  model.saveBackup();
  let epoch = 0, start = 0;
  /** With workers: whether the current batch has been sent to them. */
  let sent = false;
  // The epoch's loss so far, in a typed array: a double kept in a variable that the run's closure
  // captures would be boxed afresh at every batch.
  const sum = new Float64Array(1);
  const run = (deadline: number): TrainResult | null => {
    while (epoch < plan.epochs) {
      // (A batch sent to workers returns to wait for them: coming back, its epoch has begun.)
      if (start === 0 && !sent && rates !== null) optimizer.learningRate = rates.at(epoch);
      if (start === 0 && !sent) {
        if (random !== null) shuffle(order, random);
        model.startFrom();
        sum[0] = 0;
      }
      while (start < n) {
        if (plan.signal?.aborted) return finish('aborted');
        const end = Math.min(start + plan.batchSize, n);
        if (workers !== null) {
          if (!sent) {
            workers.send(model, order, start, end, plan.carryState && start > 0);
            sent = true;
          }
          if (workers.pending !== null) return null;
          sent = false;
          model.data[model.plan.head.loss] = workers.collect(model);
        } else if (!batchGradients(model, examples, order, start, end, plan.carryState)) {
          model.rollBack();
          return finish('diverged');
        }
        if (!updateFromBatch(model, optimizer, end - start, sum)) {
          model.rollBack();
          return finish('diverged');
        }
        start = end;
        if (deadline !== Infinity && performance.now() >= deadline) return null;
      }
      const loss = sum[0] / n;
      losses.push(loss);
      let monitored = loss;
      const info: Progress = { iteration: epoch, loss };
      if (validation !== null) {
        const v = evaluate(model, validation, plan.carryState);
        validationLosses.push(v.loss);
        info.validationLoss = v.loss;
        if (classes) {
          accuracies.push(v.accuracy);
          info.validationAccuracy = v.accuracy;
        }
        if (stopping === undefined || stopping.monitor === 'validationLoss') monitored = v.loss;
      }
      if (rates !== null) info.learningRate = optimizer.learningRate;
      if (plan.printEvery !== undefined && epoch % plan.printEvery === 0) {
        const held = info.validationLoss === undefined ? '' : `, validation loss ${info.validationLoss}`;
        console.log(`Epoch ${epoch}: loss ${loss}${held}`);
      }
      const stop = progressOf(plan, info);
      if (stop !== null) return finish(stop);
      if (stopping !== undefined) {
        // Keras's EarlyStopping (mode 'min'): an improvement beats the best by more than minDelta;
        // it stops once `patience` epochs in a row have not, but never at the first epoch.
        if (monitored + stopping.minDelta < bestLoss) {
          bestLoss = monitored;
          bestEpoch = epoch;
          wait = 0;
          if (best !== null) best.set(model.data.subarray(model.plan.params, model.plan.params + model.plan.P));
        } else if (++wait >= stopping.patience && epoch > 0) {
          if (best !== null && bestEpoch >= 0) model.data.set(best, model.plan.params);
          return finish('earlyStopping');
        }
      }
      rates?.observe(monitored);
      epoch++;
      start = 0;
    }
    return finish('iterations');
  };
  if (!batched && workers === null) return { step: run };
  // A batched run lays the block out for one sequence again when it ends, however it ends, and
  // no worker outlives its run.
  const end = (): void => {
    workers?.close();
    if (model.plan.batch > 1) model.layOut('fit', 1, model.plan.capacity);
  };
  return {
    pending: () => workers?.pending ?? null,
    step: (deadline) => {
      try {
        const result = run(deadline);
        if (result !== null) end();
        return result;
      } catch (error) {
        end();
        throw error;
      }
    },
  };
}

export function runToEnd(run: Run): TrainResult {
  return run.step(Infinity) as TrainResult;
}

/** How long training runs before it yields to the event loop. */
const SLICE_MS = 10;

export async function runInSlices(run: Run): Promise<TrainResult> {
  for (;;) {
    const done = run.step(performance.now() + SLICE_MS);
    if (done !== null) return done;
    const pending = run.pending?.() ?? null;
    await (pending ?? new Promise((resolve) => setTimeout(resolve, 0)));
  }
}
