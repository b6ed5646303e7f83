// The WebAssembly build: the only file that touches wasm memory. The module is compiled once and
// instantiated once per model, so each model owns one linear memory: models never detach each
// other's views, and a model's memory is freed by the garbage collector with the model.
import { instantiateSync } from '@assemblyscript/loader';
import type { Backend } from '../backend.js';
import type { KernelName } from '../kernels.js';
import { plan, RECORD_FIELDS, relocate, type Plan } from '../plan.js';
import type { ModelSpec } from '../spec.js';
import { loadWasm } from '#wasm-bytes';

type Kernel = (record: number, a: number, b: number) => number;

type CoreExports = Record<KernelName, Kernel> & {
  memory: WebAssembly.Memory;
  heapBase(): number;
};

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

const compiled = new Map<WasmBuild, WebAssembly.Module>();
const compiling = new Map<WasmBuild | 'auto', Promise<WasmBuild>>();
/** The build `compileCore()` chose for this engine, once it has. */
let preferred: WasmBuild | undefined;

async function compileBuild(build: WasmBuild, bytes?: BufferSource): Promise<WasmBuild> {
  compiled.set(build, await WebAssembly.compile(bytes ?? await loadWasm(build)));
  return build;
}

/** The SIMD build where the engine validates it, the scalar build otherwise. */
async function compileBest(): Promise<WasmBuild> {
  const bytes = await loadWasm('simd');
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

const align = (n: number): number => Math.ceil(n / ALIGN) * ALIGN;

/** Bytes of one record: its fields, each 4 bytes wide. */
function recordBytes(kind: keyof typeof RECORD_FIELDS): number {
  return 4 * (RECORD_FIELDS[kind].sizes.length + RECORD_FIELDS[kind].addresses.length);
}

export class WasmBackend implements Backend {
  readonly name = 'wasm' as const;
  readonly build: WasmBuild;
  plan: Plan;
  data: Float64Array;
  private core: CoreExports;
  /** Byte address of each record of the plan, then of the block. */
  private readonly addresses: number[];
  private readonly block: number;

  /**
   * Instantiates synchronously: call `compileCore(build)` first. Without a build, the one
   * `compileCore()` chose, or else whichever one has been compiled.
   */
  constructor(spec: ModelSpec, capacity: number, build: WasmBuild | undefined = preferred ?? compiled.keys().next().value) {
    const module = build === undefined ? undefined : compiled.get(build);
    if (build === undefined || module === undefined) {
      const call = build === undefined ? 'init()' : `init('${build}')`;
      throw new Error(`rnn-wasm: the wasm core is not compiled yet: await ${call} first, or use 'await RNN.create(...)'`);
    }
    this.build = build;
    this.plan = plan(spec, capacity);
    // The instance's own exports: the loader's wrappers of them take rest arguments, an array
    // allocated per call where the engine does not optimise it away, and kernels take no
    // optional arguments (which is all the wrappers are for).
    this.core = pools[build].pop() ?? (instantiateSync<CoreExports>(module, {}).instance.exports as unknown as CoreExports);
    let at = align(this.core.heapBase());
    this.addresses = this.plan.recordKinds.map((kind) => {
      const address = at;
      at = align(at + recordBytes(kind));
      return address;
    });
    this.block = at;
    this.data = this.map(this.plan);
  }

  /**
   * Wipes the instance's memory past the module's own data and gives the instance back to the
   * pool (or to the garbage collector), dropping every reference to it, so that the next model
   * to take it starts from zeros and can read nothing of this one. The model makes sure nothing
   * calls this backend afterwards.
   */
  dispose(): void {
    const pool = pools[this.build];
    const { buffer } = this.core.memory;
    if (pool.length < POOL_SIZE && buffer.byteLength <= POOL_MAX_BYTES) {
      const heap = this.core.heapBase();
      new Uint8Array(buffer, heap, buffer.byteLength - heap).fill(0);
      pool.push(this.core);
    }
    this.core = null as unknown as CoreExports;
    this.data = new Float64Array(0);
  }

  /** Makes the memory big enough for `p`, rebuilds the view (a grow detaches every view) and writes the records. */
  private map(p: Plan): Float64Array {
    const { memory } = this.core;
    const needed = this.block + 8 * p.size;
    if (needed > memory.buffer.byteLength) {
      memory.grow(Math.ceil((needed - memory.buffer.byteLength) / PAGE_BYTES));
    }
    p.records.forEach((record, r) => {
      const fields = RECORD_FIELDS[p.recordKinds[r]];
      const struct = new Uint32Array(memory.buffer, this.addresses[r], recordBytes(p.recordKinds[r]) / 4);
      let k = 0;
      for (const field of fields.sizes) struct[k++] = record[field];
      for (const field of fields.addresses) struct[k++] = record[field] < 0 ? 0 : this.block + 8 * record[field];
    });
    return new Float64Array(memory.buffer, this.block, p.size);
  }

  /** Bytes of this model's linear memory: the module's static data, the records, then the block. */
  get memoryBytes(): number {
    return this.core.memory.buffer.byteLength;
  }

  reserve(capacity: number): void {
    const from = this.plan;
    if (capacity <= from.capacity) return;
    const to = plan(from.spec, capacity, from.batch);
    this.data = this.map(to);
    relocate(this.data, from, to);
    this.plan = to;
  }

  layOut(batch: number, capacity: number): void {
    const to = plan(this.plan.spec, capacity, batch);
    this.data = this.map(to);
    this.data.fill(0, to.fixedSize);
    this.plan = to;
  }

  call(kernel: KernelName, record: number, a = 0, b = 0): number {
    return this.core[kernel](this.addresses[record], a, b);
  }
}
