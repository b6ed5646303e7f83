// Training over a model: the loops of train and fit, stopping, and the one divergence policy (put
// back the parameters of the last finite loss, empty the optimiser state). The facade checks the
// arguments and calls these once; a run can go to its end or in slices (the async forms).
import { targetCount, type Examples } from './inputs.js';
import type { Model } from './model.js';
import { headPart } from './parts.js';
import type { FitPlan, Schedule, TrainResult } from './training-options.js';

/**
 * Training in progress: `step` runs it until it ends (returning its result) or until
 * performance.now() passes `deadline` (returning null, to be called again).
 */
export interface Run {
  step(deadline: number): TrainResult | null;
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
 * `epochs` passes over the examples (read once by the facade), a batch of `batchSize` of them per
 * update with the mean of their gradients; each epoch's loss is the mean of its sequences'.
 */
export function fitRun(model: Model, examples: Examples, plan: FitPlan, random: (() => number) | null): Run {
  const n = examples.lengths.length;
  const order = Array.from({ length: n }, (_, k) => k);
  const losses = new Losses(plan.epochs);
  model.saveBackup();
  let epoch = 0, start = 0, sum = 0;
  return {
    step: (deadline) => {
      while (epoch < plan.epochs) {
        if (start === 0) {
          if (random !== null) shuffle(order, random);
          model.startFrom();
          sum = 0;
        }
        while (start < n) {
          if (plan.signal?.aborted) return losses.result('aborted');
          const end = Math.min(start + plan.batchSize, n);
          let batchLoss = 0;
          for (let k = start; k < end; k++) {
            const e = order[k];
            const T = examples.lengths[e];
            if (plan.carryState && model.steps > 0) model.carryState();
            else model.startFrom();
            model.writeInputs(examples.xs, 0, examples.starts[e], T);
            model.writeTargets(examples.targets, examples.targetStarts[e], targetCount(model.spec, T));
            model.forward(0, T);
            const loss = model.loss();
            if (!Number.isFinite(loss)) {
              model.rollBack();
              return losses.result('diverged');
            }
            batchLoss += loss;
            model.backward(k > start);
          }
          sum += batchLoss;
          model.saveBackup();
          if (end - start > 1) model.scaleGrads(1 / (end - start));
          model.data[model.plan.stepLoss] = batchLoss / (end - start);
          if (!model.update(plan.optimizer)) {
            model.rollBack();
            return losses.result('diverged');
          }
          start = end;
          if (deadline !== Infinity && performance.now() >= deadline) return null;
        }
        const loss = sum / n;
        losses.push(loss);
        if (plan.printEvery !== undefined && epoch % plan.printEvery === 0) console.log(`Epoch ${epoch}: loss ${loss}`);
        const stop = progress(plan, epoch, loss);
        if (stop !== null) return losses.result(stop);
        epoch++;
        start = 0;
      }
      return losses.result('iterations');
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
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
}
