// Reading a caller's inputs: each value is read exactly once, checked, and copied into the
// library's own typed array, and only the copy is used afterwards. So an array-like whose getters
// answer differently on a second read, or a typed array with a shadowed `length`, cannot pass a
// check with one value and reach the kernels with another; a getter that throws mid-read leaves
// the model as it was, since nothing is written before the whole input is read.
import { show } from './errors.js';
import { headPart } from './parts.js';
import type { ModelSpec } from './spec.js';

/** An array-like's length, read once: TypeError if it is not a whole number >= 0. */
export function readLength(where: string, name: string, value: unknown): number {
  if (typeof value !== 'object' || value === null) {
    throw new TypeError(`${where}: ${name} must be an array or typed array, got ${show(value)}`);
  }
  const { length } = value as { length?: unknown };
  if (typeof length !== 'number' || !Number.isInteger(length) || length < 0) {
    throw new TypeError(`${where}: ${name} must be an array or typed array, got ${show(value)}`);
  }
  return length;
}

function finite(where: string, name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new TypeError(`${where}: ${name} must be a finite number, got ${show(v)}`);
  return v;
}

function integer(where: string, name: string, v: unknown, max: number): number {
  finite(where, name, v);
  const n = v as number;
  if (!Number.isInteger(n) || n < 0 || n > max) throw new RangeError(`${where}: ${name} must be an integer in [0, ${max}], got ${n}`);
  return n;
}

/** `length` finite numbers, copied. */
export function readVector(where: string, name: string, value: unknown, length: number, lengthName: string): Float64Array {
  const n = readLength(where, name, value);
  if (n !== length) throw new RangeError(`${where}: ${name} must have length ${length} (${lengthName}), got length ${n}`);
  const v = value as ArrayLike<unknown>;
  const out = new Float64Array(length);
  for (let j = 0; j < length; j++) out[j] = finite(where, `${name}[${j}]`, v[j]);
  return out;
}

/**
 * A sequence of inputs, copied into T x inputWidth numbers: for dense inputs, T vectors of
 * inputSize finite numbers; for index inputs, T class ids in [0, inputSize).
 */
export function readSequence(where: string, name: string, value: unknown, spec: ModelSpec): Float64Array {
  const T = readLength(where, name, value);
  const steps = value as ArrayLike<unknown>;
  const I = spec.inputSize;
  if (spec.input === 'index') {
    const out = new Float64Array(T);
    for (let t = 0; t < T; t++) out[t] = integer(where, `${name}[${t}]`, steps[t], I - 1);
    return out;
  }
  const out = new Float64Array(T * I);
  for (let t = 0; t < T; t++) {
    const x = steps[t];
    const n = readLength(where, `${name}[${t}]`, x);
    if (n !== I) throw new RangeError(`${where}: ${name}[${t}] must have length ${I} (inputDim), got length ${n}`);
    const v = x as ArrayLike<unknown>;
    for (let j = 0; j < I; j++) out[t * I + j] = finite(where, `${name}[${t}][${j}]`, v[j]);
  }
  return out;
}

/** One step's input: a vector (dense) or a class id (index), copied. */
export function readStep(where: string, name: string, value: unknown, spec: ModelSpec): Float64Array {
  if (spec.input === 'index') return Float64Array.of(integer(where, name, value, spec.inputSize - 1));
  return readVector(where, name, value, spec.inputSize, 'inputDim');
}

/** How many targets a sequence of `steps` steps has: one per step, or one with outputAt 'last'. */
export function targetCount(spec: ModelSpec, steps: number): number {
  return spec.outputAt === 'last' ? 1 : steps;
}

/**
 * The targets of a sequence of `steps` steps, copied: one per step, or one with outputAt 'last'.
 * For a softmax output each is a class id in [0, outputSize); for a linear output a vector of
 * outputSize finite numbers, or a plain number where outputSize is 1.
 */
export function readTargets(where: string, name: string, value: unknown, steps: number, spec: ModelSpec): Float64Array {
  const count = targetCount(spec, steps);
  const n = readLength(where, name, value);
  if (n !== count) {
    const expected = spec.outputAt === 'last' ? "one target for the sequence (outputAt 'last'), length 1" : `one target per step, ${count}`;
    throw new RangeError(`${where}: ${name} must have ${expected}, got length ${n}`);
  }
  const v = value as ArrayLike<unknown>;
  const O = spec.outputSize;
  if (headPart(spec.output).targetWidth === 'one') {
    const out = new Float64Array(count);
    for (let t = 0; t < count; t++) out[t] = integer(where, `${name}[${t}]`, v[t], O - 1);
    return out;
  }
  const out = new Float64Array(count * O);
  for (let t = 0; t < count; t++) {
    const target = v[t];
    if (O === 1 && typeof target === 'number') {
      out[t] = finite(where, `${name}[${t}]`, target);
      continue;
    }
    if (typeof target !== 'object' || target === null) {
      const expected = O === 1 ? 'a number or a vector of length 1 (outputDim)' : `a vector of length ${O} (outputDim)`;
      throw new TypeError(`${where}: ${name}[${t}] must be ${expected}, got ${show(target)}`);
    }
    const k = readLength(where, `${name}[${t}]`, target);
    if (k !== O) throw new RangeError(`${where}: ${name}[${t}] must have length ${O} (outputDim), got length ${k}`);
    const row = target as ArrayLike<unknown>;
    for (let j = 0; j < O; j++) out[t * O + j] = finite(where, `${name}[${t}][${j}]`, row[j]);
  }
  return out;
}

/** The examples of `fit`, read once into one packed copy. */
export interface Examples {
  /** Every example's inputs, one after another: steps x inputWidth numbers. */
  xs: Float64Array;
  /** Every example's targets, one after another: targetCount x targetWidth numbers. */
  targets: Float64Array;
  /** Where each example's first step is, counted in steps. */
  starts: number[];
  lengths: number[];
  /** Where each example's first target is, counted in targets (each targetWidth numbers). */
  targetStarts: number[];
}

/**
 * Reads every `{ xs, targets }` of `fit`'s data once (the data is not read again: changing it
 * while fit runs changes nothing).
 */
export function readExamples(where: string, data: unknown, spec: ModelSpec, name = 'data'): Examples {
  const n = readLength(where, name, data);
  if (n === 0) throw new RangeError(`${where}: ${name} must hold at least one sequence, got length 0`);
  const items = data as ArrayLike<unknown>;
  const xsParts: Float64Array[] = [], targetParts: Float64Array[] = [];
  const starts: number[] = [], lengths: number[] = [], targetStarts: number[] = [];
  let steps = 0, targetRows = 0;
  for (let k = 0; k < n; k++) {
    const e = items[k];
    if (typeof e !== 'object' || e === null) throw new TypeError(`${where}: ${name}[${k}] must be an object { xs, targets }, got ${show(e)}`);
    const { xs: rawXs, targets: rawTargets } = e as { xs?: unknown; targets?: unknown };
    const xs = readSequence(where, `${name}[${k}].xs`, rawXs, spec);
    const T = spec.input === 'index' ? xs.length : xs.length / spec.inputSize;
    if (T === 0) throw new RangeError(`${where}: ${name}[${k}].xs must have at least one step, got length 0`);
    targetParts.push(readTargets(where, `${name}[${k}].targets`, rawTargets, T, spec));
    xsParts.push(xs);
    starts.push(steps);
    lengths.push(T);
    targetStarts.push(targetRows);
    steps += T;
    targetRows += targetCount(spec, T);
  }
  return { xs: concat(xsParts), targets: concat(targetParts), starts, lengths, targetStarts };
}

function concat(parts: Float64Array[]): Float64Array {
  const out = new Float64Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** The examples from..to-1 of `examples`, sharing its packed arrays. */
export function someExamples(examples: Examples, from: number, to: number): Examples {
  const { xs, targets, starts, lengths, targetStarts } = examples;
  return { xs, targets, starts: starts.slice(from, to), lengths: lengths.slice(from, to), targetStarts: targetStarts.slice(from, to) };
}
