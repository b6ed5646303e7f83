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
  backward(layout: number, T: number): void;
  sgd(layout: number, lr: number): number;
  rprop(layout: number, lr: number): number;
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
  'rpropPrev', 'rpropStep', 'notebookPrev', 'notebookMult',
  'dy', 'dh', 'dhNext',
  'hs', 'logps', 'ps', 'xs', 'targets',
] as const;
const STRUCT_BYTES = 4 * (SIZE_FIELDS.length + ADDRESS_FIELDS.length);
const PAGE_BYTES = 65536;
const ALIGN = 16;

let compiled: WebAssembly.Module | undefined;
let compiling: Promise<WebAssembly.Module> | undefined;

/**
 * Compiles the wasm core once; later calls return the same promise. A failed load can be retried.
 * The URL is written out in full so that bundlers (Vite, webpack 5) see the file and emit it;
 * `loadWasm` reads it (from disk in Node, by fetch elsewhere, from inlined bytes in the browser bundle).
 */
export function compileCore(): Promise<WebAssembly.Module> {
  compiling ??= loadWasm(new URL('../../build/rnn.wasm', import.meta.url))
    .then((bytes) => WebAssembly.compile(bytes))
    .then((module) => (compiled = module))
    .catch((error: unknown) => {
      compiling = undefined;
      throw error;
    });
  return compiling;
}

export function isCoreCompiled(): boolean {
  return compiled !== undefined;
}

const align = (n: number): number => Math.ceil(n / ALIGN) * ALIGN;

export class WasmBackend implements Backend {
  readonly name = 'wasm' as const;
  layout: Layout;
  data: Float64Array;
  private readonly core: CoreExports;
  /** Byte address of the Layout struct, then of the block. */
  private readonly struct: number;
  private readonly block: number;

  /** Instantiates synchronously: call `compileCore` first. */
  constructor(I: number, H: number, O: number, capacity: number) {
    if (compiled === undefined) {
      throw new Error("rnn-wasm: the wasm core is not compiled yet: await init() first, or use 'await RNN.create(...)'");
    }
    this.core = instantiateSync<CoreExports>(compiled, {}).exports;
    this.struct = align(this.core.heapBase());
    this.block = align(this.struct + STRUCT_BYTES);
    this.layout = computeLayout(I, H, O, capacity);
    this.data = this.map(this.layout);
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

  backward(T: number): void {
    this.core.backward(this.struct, T);
  }

  sgd(learningRate: number): boolean {
    return this.core.sgd(this.struct, learningRate) === 1;
  }

  rprop(learningRate: number): boolean {
    return this.core.rprop(this.struct, learningRate) === 1;
  }

  rpropNotebook(learningRate: number): boolean {
    return this.core.rpropNotebook(this.struct, learningRate) === 1;
  }
}
