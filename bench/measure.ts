// What the benchmarks share: the tasks, a deterministic stream of data, medians, and the machine.
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import type { Example } from 'rnn-wasm';

/** The sizes the benchmarks time: (I, H, O, T), with the iterations of one timed batch. */
export const CASES = [
  { I: 3, H: 5, O: 3, T: 10, iterations: 2000 },
  { I: 3, H: 50, O: 3, T: 10, iterations: 200 },
  { I: 3, H: 128, O: 3, T: 25, iterations: 40 },
  { I: 64, H: 256, O: 64, T: 50, iterations: 4 },
] as const;
/** The sizes the gated cells (LSTM, GRU) are timed at, beside the Elman cell at the same sizes. */
export const CELL_CASES = [
  { I: 3, H: 50, O: 3, T: 10, iterations: 100 },
  { I: 64, H: 256, O: 64, T: 50, iterations: 2 },
] as const;
export type Case = (typeof CASES)[number] | (typeof CELL_CASES)[number];

/** The cells, as RNN's `cell` option. */
export const CELL_NAMES = ['rnn', 'lstm', 'gru'] as const;
export type CellName = (typeof CELL_NAMES)[number];

/** Random inputs in [-1, 1) and random targets: the same task for every implementation. */
export function task({ I, O, T }: Case, seed = 1): { xs: Float64Array[]; targets: number[] } {
  let s = seed >>> 0;
  const random = (): number => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
  const xs = Array.from({ length: T }, () => Float64Array.from({ length: I }, () => 2 * random() - 1));
  const targets = Array.from({ length: T }, () => Math.floor(random() * O));
  return { xs, targets };
}

/** The character workload: 8 batches of 32 sequences of 50 ids, over a vocabulary of 65. */
export const CHAR = { V: 65, H: 128, T: 50, B: 32, N: 256, learningRate: 0.002 } as const;

/** The same LCG as task: N sequences of T + 1 ids, each step's target the next id. */
export function charData(seed = 1, n: number = CHAR.N): { examples: Example[]; xs: number[][]; targets: number[][] } {
  let s = seed >>> 0;
  const random = (): number => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
  const xs: number[][] = [];
  const targets: number[][] = [];
  for (let k = 0; k < n; k++) {
    const ids = Array.from({ length: CHAR.T + 1 }, () => Math.floor(random() * CHAR.V));
    xs.push(ids.slice(0, CHAR.T));
    targets.push(ids.slice(1));
  }
  return { examples: xs.map((x, k) => ({ xs: x, targets: targets[k] })), xs, targets };
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Microseconds per iteration of `run(iterations)`, timed once. */
export function time(run: (iterations: number) => void, iterations: number): number {
  const start = process.hrtime.bigint();
  run(iterations);
  return Number(process.hrtime.bigint() - start) / 1e3 / iterations;
}

function git(...args: string[]): string {
  try {
    return execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return 'unknown';
  }
}

/** The machine, the versions and the commit, for the record. */
export function environment(): string {
  const cpus = os.cpus();
  const dirty = git('status', '--porcelain', '--untracked-files=no') ? ' (with local changes)' : '';
  return [
    `machine: ${cpus[0]?.model ?? 'unknown'}, ${cpus.length} cores, ${os.platform()} ${os.release()}, load ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`,
    `node ${process.version} (V8 ${process.versions.v8}), commit ${git('rev-parse', '--short', 'HEAD')}${dirty}`,
  ].join('\n');
}

/** A right-aligned table. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, k) => Math.max(h.length, ...rows.map((r) => r[k].length)));
  const line = (cells: string[]) => cells.map((c, k) => c.padStart(widths[k])).join('  ');
  return [line(header), ...rows.map(line)].join('\n');
}
