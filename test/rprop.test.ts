// Rprop with the semantics of torch.optim.Rprop, checked on hand-made gradients: each weight
// moves by -sign(g) * step, with step from learningRate, x1.2 on the same sign, x0.5 (and no move)
// on a flip, within [1e-6, 50].
import { describe, expect, it } from 'vitest';
import type { Gradients, RNN } from '../src/index.js';
import { BACKENDS, create, flat, lcg, randomSequence, randomTargets } from './helpers.js';

/** A 1-1-2 net has 7 parameters: Wxh, Whh, Why (2), bh, by (2), in this flat order. */
function grads(g: number[]): Gradients {
  const f = (a: number[]) => Float64Array.from(a);
  return { dWxh: f([g[0]]), dWhh: f([g[1]]), dWhy: f(g.slice(2, 4)), dbh: f([g[4]]), dby: f(g.slice(5, 7)) };
}

/** Applies one Rprop step and returns how far each of the 7 parameters moved. */
function moves(rnn: RNN, g: number[], lr: number): number[] {
  const before = flat(rnn);
  rnn.updateRprop(grads(g), lr);
  return flat(rnn).map((v, i) => v - before[i]);
}

function expectMoves(actual: number[], expected: number[]): void {
  // Parameters are O(1), so a move is exact to a few ulp of the parameter.
  actual.forEach((d, i) => expect(d, `parameter ${i}`).toBeCloseTo(expected[i], 12));
}

describe.each(BACKENDS)('Rprop on %s', (backend) => {
  const model = () => create(backend, 1, 1, 2, { seed: 3 });

  it('first step moves each weight by learningRate against its gradient, and not at all for a zero gradient', async () => {
    const rnn = await model();
    expectMoves(moves(rnn, [2, -3, 0.5, -1e-9, 0, 7, -7], 0.1), [-0.1, 0.1, -0.1, 0.1, 0, -0.1, 0.1]);
  });

  it('a gradient that keeps its sign grows the step by 1.2 each time', async () => {
    const rnn = await model();
    const g = [1, -1, 1, -1, 1, -1, 1];
    const down = g.map((v) => -Math.sign(v));
    expectMoves(moves(rnn, g, 0.1), down.map((s) => 0.1 * s));
    expectMoves(moves(rnn, g, 0.1), down.map((s) => 0.12 * s));
    expectMoves(moves(rnn, g.map((v) => 5 * v), 0.1), down.map((s) => 0.144 * s)); // only the sign counts
  });

  it('a sign flip halves the step, skips the move, and the next step neither grows nor shrinks', async () => {
    const rnn = await model();
    const g = [1, 1, 1, 1, 1, 1, 1];
    moves(rnn, g, 0.1); // step 0.1
    moves(rnn, g, 0.1); // step 0.12
    expectMoves(moves(rnn, g.map((v) => -v), 0.1), [0, 0, 0, 0, 0, 0, 0]); // step 0.06, no move
    expectMoves(moves(rnn, g.map((v) => -v), 0.1), g.map(() => 0.06)); // stored gradient was 0: step stays
    expectMoves(moves(rnn, g.map((v) => -v), 0.1), g.map(() => 0.072));
  });

  it('a zero gradient leaves the weight and its step as they were', async () => {
    const rnn = await model();
    const g = [1, 1, 1, 1, 1, 1, 1];
    moves(rnn, g, 0.1);
    moves(rnn, g, 0.1); // step 0.12
    expectMoves(moves(rnn, g.map(() => 0), 0.1), [0, 0, 0, 0, 0, 0, 0]);
    expectMoves(moves(rnn, g, 0.1), g.map(() => -0.12)); // previous gradient 0: step unchanged
  });

  it('steps stay within [1e-6, 50]', async () => {
    const big = await model();
    const g = [1, 1, 1, 1, 1, 1, 1];
    expectMoves(moves(big, g, 100), g.map(() => -50)); // clamped from the first step
    expectMoves(moves(big, g, 100), g.map(() => -50)); // 50 * 1.2 clamped
    const grown = await model();
    moves(grown, g, 45);
    expectMoves(moves(grown, g, 45), g.map(() => -50)); // 54 clamped
    const small = await model();
    expectMoves(moves(small, g, 1e-6), g.map(() => -1e-6));
    expectMoves(moves(small, g.map((v) => -v), 1e-6), g.map(() => 0)); // 5e-7 clamped up to 1e-6, no move
    const last = moves(small, g.map((v) => -v), 1e-6);
    last.forEach((d) => expect(d).toBeCloseTo(1e-6, 15));
  });

  it('as torch.optim.Rprop, agreement is the sign of g times the previous g: a product that underflows counts as neither', async () => {
    const rnn = await model();
    const tiny = [1e-200, 1e-200, 1e-200, 1e-200, 1e-200, 1e-200, 1e-200];
    moves(rnn, tiny, 0.1); // step 0.1
    expectMoves(moves(rnn, tiny, 0.1), tiny.map(() => -0.1)); // 1e-400 is 0: the step neither grows nor shrinks
    expectMoves(moves(rnn, [1, 1, 1, 1, 1, 1, 1], 0.1), tiny.map(() => -0.12)); // 1e-200 times 1 is positive: it grows
  });

  it('the step sizes persist across calls: a later learningRate does not restart them', async () => {
    const rnn = await model();
    const g = [1, 1, 1, 1, 1, 1, 1];
    moves(rnn, g, 0.1);
    expectMoves(moves(rnn, g, 7), g.map(() => -0.12));
  });

  it('the state persists across train calls: 2 x 10 iterations equal 20', async () => {
    const random = lcg(5);
    const xs = randomSequence(random, 8, 3);
    const targets = randomTargets(random, 8, 3);
    const once = await create(backend, 3, 6, 3, { seed: 9 });
    const twice = await create(backend, 3, 6, 3, { seed: 9 });
    const all = once.train(xs, targets, 20, 0.01);
    const first = twice.train(xs, targets, 10, 0.01);
    const second = twice.train(xs, targets, 10, 0.01);
    expect(twice.getParams()).toEqual(once.getParams()); // to the bit: the same operations in the same order
    expect([...first.losses, ...second.losses]).toEqual([...all.losses]);
  });
});
