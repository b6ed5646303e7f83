// The WebAssembly build: the only file that touches wasm memory. The module is compiled once and
// instantiated once per model, so each model owns one linear memory: models never detach each
// other's views, and a model's memory is freed by the garbage collector with the model.
import { instantiateSync } from '@assemblyscript/loader';
import type { Backend } from '../backend.js';
import { computeLayout, relocate, type Layout } from '../layout.js';
import { loadWasm } from '#wasm-bytes';

interface CoreExports extends Record<string, unknown> {
  memory: WebAssembly.Memory;
  heapBase(): number;
  forward(layout: number, t0: number, t1: number): void;
  loss(layout: number, T: number): number;
  backward(layout: number, T: number, accumulate: number): void;
  clip(layout: number, c: number): void;
  scaleGrads(layout: number, s: number): void;
  sgd(layout: number, lr: number): number;
  momentum(layout: number, lr: number, mu: number): number;
  adagrad(layout: number, lr: number): number;
  adam(layout: number, lr: number, beta1: number, beta2: number, eps: number, c1: number, c2: number): number;
  rprop(layout: number, lr: number): number;
  irpropPlus(layout: number, lr: number, lossRose: number): number;
  rpropNotebook(layout: number, lr: number): number;
}

/**
 * The fields of assembly/layout.ts's Layout struct, in its order, each 4 bytes wide: first the
 * sizes, then the byte addresses of the buffers.
 */
const SIZE_FIELDS = ['I', 'H', 'O', 'P'] as const;
const ADDRESS_FIELDS = [
  'Wxh', 'Whh', 'Why', 'bh', 'by',
  'dWxh', 'dWhh', 'dWhy', 'dbh', 'dby',
  'opt0', 'opt1', 'opt2',
  'dy', 'dh', 'dhNext',
  'hs', 'logps', 'ps', 'xs', 'targets',
] as const;
const STRUCT_BYTES = 4 * (SIZE_FIELDS.length + ADDRESS_FIELDS.length);
const PAGE_BYTES = 65536;
const ALIGN = 16;

/**
 * Instances of disposed models, by build, reused by the next models so that creating and
 * disposing many models allocates no new memory. Small ones only (at most 8 of at most 1 MiB
 * each, per build): a bigger memory goes to the garbage collector.
 */
const pools: Record<WasmBuild, CoreExports[]> = { simd: [], scalar: [] };
const POOL_SIZE = 8;
const POOL_MAX_BYTES = 2 ** 20;

/**
 * The two builds of assembly/, from the same sources: with f64x2 SIMD, and without for engines
 * that lack it. They compute the same bits (see assembly/linalg.ts).
 *
 * @example
 * const build: WasmBuild = 'scalar';
 * await init(build);
 * const rnn = new RNN(3, 5, 3, { wasmBuild: build });
 */
export type WasmBuild = 'simd' | 'scalar';

/**
 * Where each build's file is. Each URL is written out in full so that bundlers (Vite, webpack 5)
 * see the file and emit it; `loadWasm` reads it (from disk in Node, by fetch elsewhere, from
 * inlined bytes in the browser bundle).
 */
const FILES: Record<WasmBuild, () => URL> = {
  simd: () => new URL('../../build/rnn.wasm', import.meta.url),
  scalar: () => new URL('../../build/rnn.scalar.wasm', import.meta.url),
};

const compiled = new Map<WasmBuild, WebAssembly.Module>();
const compiling = new Map<WasmBuild | 'auto', Promise<WasmBuild>>();
/** The build `compileCore()` chose for this engine, once it has. */
let preferred: WasmBuild | undefined;

async function compileBuild(build: WasmBuild, bytes?: BufferSource): Promise<WasmBuild> {
  compiled.set(build, await WebAssembly.compile(bytes ?? await loadWasm(FILES[build]())));
  return build;
}

/** The SIMD build where the engine validates it, the scalar build otherwise. */
async function compileBest(): Promise<WasmBuild> {
  const bytes = await loadWasm(FILES.simd());
  const build = WebAssembly.validate(bytes) ? await compileBuild('simd', bytes) : await compileBuild('scalar');
  preferred = build;
  return build;
}

/**
 * Compiles a build of the wasm core once (by default the best this engine runs) and resolves to
 * the build compiled; later calls return the same promise. A failed load can be retried.
 */
export function compileCore(build?: WasmBuild): Promise<WasmBuild> {
  if (build !== undefined && compiled.has(build)) return Promise.resolve(build); // e.g. compiled as the best one
  const key = build ?? 'auto';
  let promise = compiling.get(key);
  if (promise === undefined) {
    promise = (build === undefined ? compileBest() : compileBuild(build)).catch((error: unknown) => {
      compiling.delete(key);
      throw error;
    });
    compiling.set(key, promise);
  }
  return promise;
}

export function isCoreCompiled(build?: WasmBuild): boolean {
  return build === undefined ? preferred !== undefined : compiled.has(build);
}

const align = (n: number): number => Math.ceil(n / ALIGN) * ALIGN;

export class WasmBackend implements Backend {
  readonly name = 'wasm' as const;
  readonly build: WasmBuild;
  layout: Layout;
  data: Float64Array;
  private core: CoreExports;
  /** Byte address of the Layout struct, then of the block. */
  private readonly struct: number;
  private readonly block: number;

  /**
   * Instantiates synchronously: call `compileCore(build)` first. Without a build, the one
   * `compileCore()` chose, or else whichever one has been compiled.
   */
  constructor(I: number, H: number, O: number, capacity: number, build: WasmBuild | undefined = preferred ?? compiled.keys().next().value) {
    const module = build === undefined ? undefined : compiled.get(build);
    if (build === undefined || module === undefined) {
      const call = build === undefined ? 'init()' : `init('${build}')`;
      throw new Error(`rnn-wasm: the wasm core is not compiled yet: await ${call} first, or use 'await RNN.create(...)'`);
    }
    this.build = build;
    const reused = pools[build].pop();
    this.core = reused ?? instantiateSync<CoreExports>(module, {}).exports;
    this.struct = align(this.core.heapBase());
    this.block = align(this.struct + STRUCT_BYTES);
    this.layout = computeLayout(I, H, O, capacity);
    this.data = this.map(this.layout);
    if (reused !== undefined) this.data.fill(0); // a fresh memory is zeros; a reused one must be too
  }

  /**
   * Gives the instance back to the pool (or to the garbage collector) and drops every reference
   * to it. The facade makes sure nothing calls this backend afterwards.
   */
  dispose(): void {
    const pool = pools[this.build];
    if (pool.length < POOL_SIZE && this.core.memory.buffer.byteLength <= POOL_MAX_BYTES) pool.push(this.core);
    this.core = null as unknown as CoreExports;
    this.data = new Float64Array(0);
  }

  /** Makes the memory big enough for `layout`, rebuilds the view (a grow detaches every view) and writes the struct. */
  private map(layout: Layout): Float64Array {
    const { memory } = this.core;
    const needed = this.block + 8 * layout.size;
    if (needed > memory.buffer.byteLength) {
      memory.grow(Math.ceil((needed - memory.buffer.byteLength) / PAGE_BYTES));
    }
    const struct = new Uint32Array(memory.buffer, this.struct, STRUCT_BYTES / 4);
    let k = 0;
    for (const field of SIZE_FIELDS) struct[k++] = layout[field];
    for (const field of ADDRESS_FIELDS) struct[k++] = this.block + 8 * layout[field];
    return new Float64Array(memory.buffer, this.block, layout.size);
  }

  /** Bytes of this model's linear memory: the module's static data, then the block. */
  get memoryBytes(): number {
    return this.core.memory.buffer.byteLength;
  }

  reserve(steps: number): void {
    const from = this.layout;
    if (steps <= from.capacity) return;
    const to = computeLayout(from.I, from.H, from.O, steps);
    this.data = this.map(to);
    relocate(this.data, from, to);
    this.layout = to;
  }

  forward(t0: number, t1: number): void {
    this.core.forward(this.struct, t0, t1);
  }

  loss(T: number): number {
    return this.core.loss(this.struct, T);
  }

  backward(T: number, accumulate: boolean): void {
    this.core.backward(this.struct, T, accumulate ? 1 : 0);
  }

  clip(c: number): void {
    this.core.clip(this.struct, c);
  }

  scaleGrads(s: number): void {
    this.core.scaleGrads(this.struct, s);
  }

  sgd(lr: number): boolean {
    return this.core.sgd(this.struct, lr) === 1;
  }

  momentum(lr: number, mu: number): boolean {
    return this.core.momentum(this.struct, lr, mu) === 1;
  }

  adagrad(lr: number): boolean {
    return this.core.adagrad(this.struct, lr) === 1;
  }

  adam(lr: number, beta1: number, beta2: number, eps: number, c1: number, c2: number): boolean {
    return this.core.adam(this.struct, lr, beta1, beta2, eps, c1, c2) === 1;
  }

  rprop(lr: number): boolean {
    return this.core.rprop(this.struct, lr) === 1;
  }

  irpropPlus(lr: number, lossRose: boolean): boolean {
    return this.core.irpropPlus(this.struct, lr, lossRose ? 1 : 0) === 1;
  }

  rpropNotebook(lr: number): boolean {
    return this.core.rpropNotebook(this.struct, lr) === 1;
  }
}
