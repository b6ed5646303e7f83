// The notebook's basic functions and datasets.
import { describe, expect, it } from 'vitest';
import {
  constantDataset, identityDataset, periodicDataset, sigmoid, sigmoidDerivative, softmax, softmaxNaive,
} from '../src/index.js';

describe('functions', () => {
  it('sigmoid and its derivative', () => {
    expect(sigmoid(0)).toBe(0.5);
    expect(sigmoid(2)).toBeCloseTo(1 / (1 + Math.exp(-2)), 15);
    expect(sigmoid(-800)).toBe(0);
    expect(sigmoidDerivative(sigmoid(0))).toBe(0.25);
    expect(() => sigmoid(NaN)).toThrow(TypeError);
    expect(() => sigmoidDerivative('1' as never)).toThrow(/sigmoidOutput must be a finite number/);
  });

  it("softmax matches the notebook's output and stays finite where the naive one overflows", () => {
    const expected = [0.09003057317038046, 0.24472847105479767, 0.6652409557748219]; // numpy, in the notebook
    expect(Array.from(softmax([0, 1, 2])).map((v, i) => v - expected[i]).every((d) => Math.abs(d) < 1e-15)).toBe(true);
    expect(Array.from(softmaxNaive([0, 1, 2])).map((v, i) => v - expected[i]).every((d) => Math.abs(d) < 1e-15)).toBe(true);
    expect(Array.from(softmax([1000, 1000]))).toEqual([0.5, 0.5]);
    expect(Array.from(softmaxNaive([1000, 1000])).every(Number.isNaN)).toBe(true);
    expect(() => softmax([])).toThrow(RangeError);
    expect(() => softmax([1, NaN])).toThrow(/x\[1\] must be a finite number/);
  });
});

describe('datasets', () => {
  it('constant: uniform [0, 1) inputs from the seed, every target c', () => {
    const a = constantDataset(2, 10, 3, { seed: 1 });
    expect(a.targets).toEqual(new Array(10).fill(2));
    expect(a.xs).toHaveLength(10);
    const all = a.xs.flatMap((x) => [...x]);
    expect(all).toHaveLength(30);
    expect(all.every((v) => v >= 0 && v < 1)).toBe(true);
    expect(constantDataset(2, 10, 3, { seed: 1 })).toEqual(a);
    expect(constantDataset(2, 10, 3, { seed: 2 }).xs).not.toEqual(a.xs);
    expect(() => constantDataset(3, 10, 3)).toThrow(/c must be an integer in \[0, 2\], got 3/);
    expect(() => constantDataset(0, 0, 3)).toThrow(RangeError);
    expect(() => constantDataset(0, 5, 3, { sed: 1 } as never)).toThrow(/unknown option 'sed'/);
  });

  it('periodic: inputs of ones, targets repeating the pattern', () => {
    const { xs, targets } = periodicDataset([0, 1, 2], 7, 3);
    expect(targets).toEqual([0, 1, 2, 0, 1, 2, 0]);
    expect(xs.every((x) => x.length === 3 && x.every((v) => v === 1))).toBe(true);
    expect(() => periodicDataset([], 7, 3)).toThrow(/pattern must not be empty/);
    expect(() => periodicDataset([0, 4], 7, 3)).toThrow(/pattern\[1\] must be an integer in \[0, 2\], got 4/);
  });

  it('identity: one-hot classes, each target the class shown delay steps earlier, class 0 before that', () => {
    const { xs, targets } = identityDataset(50, 4, { seed: 3, delay: 2 });
    const classes = xs.map((x) => {
      expect(x.reduce((a, b) => a + b, 0)).toBe(1);
      return x.indexOf(1);
    });
    expect(new Set(classes).size).toBe(4);
    expect(targets.slice(0, 2)).toEqual([0, 0]);
    expect(targets.slice(2)).toEqual(classes.slice(0, 48));
    const now = identityDataset(20, 3, { seed: 3 });
    expect(now.targets).toEqual(now.xs.map((x) => x.indexOf(1)));
    expect(() => identityDataset(5, 3, { delay: 5 })).toThrow(/options.delay must be an integer in \[0, 4\], got 5/);
  });
});
