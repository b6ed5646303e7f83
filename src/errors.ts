// Argument checks. Each throws at once, before anything is changed: RangeError for sizes, lengths
// and out-of-range values, TypeError for wrong types and non-finite numbers. Messages name the
// call, the argument, what was expected and what was given.

/** A short description of a value for an error message. */
export function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (value === null || value === undefined) return String(value);
  if (typeof value === 'function') return 'a function';
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (ArrayBuffer.isView(value)) return `a ${value.constructor.name} of length ${(value as unknown as ArrayLike<unknown>).length}`;
  return `an object (${Object.prototype.toString.call(value).slice(8, -1)})`;
}

export function isArrayLike(value: unknown): value is ArrayLike<unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const { length } = value as { length?: unknown };
  return typeof length === 'number' && Number.isInteger(length) && length >= 0;
}

/** A number that is finite: TypeError otherwise. */
export function checkFinite(where: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new TypeError(`${where}: ${name} must be a finite number, got ${show(value)}`);
  }
  return value;
}

/** An integer in [min, max]: TypeError for a non-number, RangeError for anything else. */
export function checkInteger(where: string, name: string, value: unknown, min: number, max = Number.MAX_SAFE_INTEGER): number {
  checkFinite(where, name, value);
  const n = value as number;
  if (!Number.isInteger(n) || n < min || n > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `an integer >= ${min}` : `an integer in [${min}, ${max}]`;
    throw new RangeError(`${where}: ${name} must be ${range}, got ${n}`);
  }
  return n;
}

/** A finite learning rate, not negative. */
export function checkRate(where: string, name: string, value: unknown): number {
  const rate = checkFinite(where, name, value);
  if (rate < 0) throw new RangeError(`${where}: ${name} must not be negative, got ${rate}`);
  return rate;
}

/** An array-like of any length: TypeError otherwise. */
export function checkArrayLike(where: string, name: string, value: unknown): ArrayLike<unknown> {
  if (!isArrayLike(value)) {
    throw new TypeError(`${where}: ${name} must be an array or typed array, got ${show(value)}`);
  }
  return value;
}

/** An array-like of `length` finite numbers. */
export function checkVector(where: string, name: string, value: unknown, length: number, lengthName: string): ArrayLike<number> {
  const v = checkArrayLike(where, name, value);
  if (v.length !== length) {
    throw new RangeError(`${where}: ${name} must have length ${length} (${lengthName}), got length ${v.length}`);
  }
  for (let j = 0; j < length; j++) checkFinite(where, `${name}[${j}]`, v[j]);
  return v as ArrayLike<number>;
}

/** A sequence of vectors of length `dim`. */
export function checkSequence(where: string, name: string, value: unknown, dim: number): ArrayLike<ArrayLike<number>> {
  const xs = checkArrayLike(where, name, value);
  for (let t = 0; t < xs.length; t++) checkVector(where, `${name}[${t}]`, xs[t], dim, 'inputDim');
  return xs as ArrayLike<ArrayLike<number>>;
}

/** `length` class indices, each an integer in [0, classes). */
export function checkTargets(where: string, name: string, value: unknown, length: number, classes: number): ArrayLike<number> {
  const targets = checkArrayLike(where, name, value);
  if (targets.length !== length) {
    throw new RangeError(`${where}: ${name} must have one target per step, ${length}, got length ${targets.length}`);
  }
  for (let t = 0; t < length; t++) checkInteger(where, `${name}[${t}]`, targets[t], 0, classes - 1);
  return targets as ArrayLike<number>;
}

/**
 * An options object whose keys are all among `known` (undefined counts as no options): TypeError
 * for anything else, naming the unknown key, so that a misspelt option is not silently ignored.
 */
export function checkOptionKeys(where: string, options: unknown, known: readonly string[]): Record<string, unknown> {
  if (options === undefined) return {};
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`${where}: options must be an object, got ${show(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) throw new TypeError(`${where}: unknown option '${key}' (known: ${known.join(', ')})`);
  }
  return options as Record<string, unknown>;
}
