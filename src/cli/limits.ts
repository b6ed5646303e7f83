// What a model must fit, beyond the library's own limit on its memory: the command line writes
// and reads its file, and the numbers of that file pass through JavaScript arrays.
import { getHeapStatistics } from 'node:v8';
import { UsageError } from './args.js';

/**
 * Bytes of JavaScript heap that writing or reading a model's file takes per parameter: the file
 * holds four arrays of P numbers (the parameters and three optimiser slots) at 8 bytes a number,
 * and a quarter more goes to what surrounds them. Measured: a 3-2000-3 model (P = 4.0 million)
 * trained with adam is saved and read back with a heap of 160 MB, and not with 150 MB.
 */
export const HEAP_BYTES_PER_PARAMETER = 40;

/** Parameters of an Elman model of these sizes: Wxh, Whh, Why, bh, by. */
export function parameterCount(inputDim: number, hiddenDim: number, outputDim: number): number {
  return hiddenDim * (inputDim + hiddenDim + outputDim + 1) + outputDim;
}

/**
 * Refuses, before training, a model whose file would not fit in node's heap to be written (or
 * read back by --resume and predict), with a message that says how to give node more.
 */
export function checkCanSave(inputDim: number, hiddenDim: number, outputDim: number, heap = getHeapStatistics()): void {
  const needed = HEAP_BYTES_PER_PARAMETER * parameterCount(inputDim, hiddenDim, outputDim);
  const free = heap.heap_size_limit - heap.used_heap_size;
  if (needed <= free) return;
  const mb = (bytes: number): number => Math.ceil(bytes / 2 ** 20);
  throw new UsageError(`--hidden ${hiddenDim}: the file of a ${inputDim}-${hiddenDim}-${outputDim} model takes about ${mb(needed)} MB of memory to write and read back, `
    + `more than node's heap has free here (${mb(free)} MB of ${mb(heap.heap_size_limit)} MB); `
    + `give node more with NODE_OPTIONS=--max-old-space-size=${Math.ceil((mb(needed) + mb(heap.used_heap_size)) * 1.25)}`);
}
