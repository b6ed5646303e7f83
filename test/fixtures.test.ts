// The library against values computed independently with numpy by test/fixtures/generate.py.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Gradients, Params, TrainOptions } from '../src/index.js';
import { BACKENDS, create, relativeDifference } from './helpers.js';

interface Case {
  name: string;
  sizes: { I: number; H: number; O: number; T: number };
  params: Params;
  xs: number[][];
  targets: number[];
  outputs: number[][];
  loss: number;
  grads: Record<keyof Gradients, number[]>;
  sgd: { learningRate: number; params: Record<keyof Params, number[]> };
  rprop: { learningRate: number; params: Record<keyof Params, number[]>; paramsAfterSecondStep: Record<keyof Params, number[]> };
  rpropNotebook: { learningRate: number; params: Record<keyof Params, number[]> };
  training: { options: TrainOptions; params: Record<keyof Params, number[]>; losses: number[]; backtracks: number }[];
}

const { cases } = JSON.parse(readFileSync(new URL('./fixtures/cases.json', import.meta.url), 'utf8')) as { cases: Case[] };

/** numpy and the library sum in different orders and use different exp and tanh. */
const TOLERANCE = 1e-12;

function expectClose(actual: Record<string, ArrayLike<number>>, expected: Record<string, ArrayLike<number>>): void {
  for (const [name, values] of Object.entries(expected)) {
    expect(relativeDifference(actual[name], values), name).toBeLessThan(TOLERANCE);
  }
}

describe.each(BACKENDS)('fixtures on %s', (backend) => {
  it('has cases to check, among them iRprop+ runs that backtrack', () => {
    expect(cases.length).toBeGreaterThanOrEqual(4);
    expect(cases.filter((c) => c.training.some((t) => t.options.optimizer === 'irprop+' && t.backtracks > 0)).length).toBeGreaterThanOrEqual(2);
  });

  describe.each(cases.map((c) => [c.name, c] as const))('%s', (_, c) => {
    const model = async () => {
      const { I, H, O } = c.sizes;
      const rnn = await create(backend, I, H, O, { seed: 0 });
      rnn.setParams(c.params);
      return rnn;
    };

    it('outputs and loss', async () => {
      const rnn = await model();
      const ys = rnn.forward(c.xs);
      ys.forEach((y, t) => expect(relativeDifference(y, c.outputs[t]), `step ${t}`).toBeLessThan(TOLERANCE));
      expect(rnn.loss(c.targets)).toBeCloseTo(c.loss, 12);
    });

    it('gradients', async () => {
      const rnn = await model();
      rnn.forward(c.xs);
      expectClose({ ...rnn.backward(c.xs, c.targets) }, c.grads);
    });

    it('one gradient-descent step', async () => {
      const rnn = await model();
      rnn.forward(c.xs);
      rnn.update(rnn.backward(c.xs, c.targets), c.sgd.learningRate);
      expectClose({ ...rnn.getParams() }, c.sgd.params);
    });

    it('two Rprop steps', async () => {
      const rnn = await model();
      rnn.forward(c.xs);
      rnn.updateRprop(rnn.backward(c.xs, c.targets), c.rprop.learningRate);
      expectClose({ ...rnn.getParams() }, c.rprop.params);
      rnn.resetHistory();
      rnn.forward(c.xs);
      rnn.updateRprop(rnn.backward(c.xs, c.targets), c.rprop.learningRate);
      expectClose({ ...rnn.getParams() }, c.rprop.paramsAfterSecondStep);
    });

    it.each(c.training.map((t) => [`${t.options.optimizer}${t.options.clip ? ' clipped' : ''}`, t] as const))('train with %s', async (_, t) => {
      const rnn = await model();
      const result = rnn.train(c.xs, c.targets, t.options);
      expect(result.stopped).toBe('iterations');
      expect(relativeDifference(result.losses, t.losses), 'losses').toBeLessThan(TOLERANCE);
      expectClose({ ...rnn.getParams() }, t.params);
    });

    it("one step of the notebook's update rule", async () => {
      const rnn = await model();
      rnn.forward(c.xs);
      rnn.updateRpropNotebook(rnn.backward(c.xs, c.targets), c.rpropNotebook.learningRate);
      expectClose({ ...rnn.getParams() }, c.rpropNotebook.params);
    });
  });
});
