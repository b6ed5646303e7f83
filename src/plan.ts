// The planner: the one place that computes where each region of a model's block sits, for a spec,
// a capacity (the steps the per-step regions hold) and a batch size B (sequences advancing
// together). Offsets are in float64 elements from the block's start; the wasm build adds the
// block's byte address when it writes the records (see assembly/records.ts).
//
// The block, in order:
//
//   params      every tensor of paramTable(spec), packed, in table order          P
//   optimiser   opt0  opt1  opt2 (P each), optInfo (OPT_INFO_SIZE)
//   backup      a copy of params and optimiser state, to undo a step
//   grads       the gradients, packed in the same order as the parameters         P
//   args        the optimisers' real-valued arguments (ARGS), then stepLoss, then the head's loss
//   scratch     per layer dh (B x G·H), dhNext (B x H) [, dcNext (B x H)]; the head's lengths (B)
//   per step    xs; per layer hs ((C+1) x B x H), its cell's regions, dhs (C x B x H);
//               the head's logps, ys, dy (C x B x O) and targets
//
// Everything before the scratch depends on neither the capacity nor the batch size: a model
// changes either (src/backend.ts `reserve`) keeping its parameters, optimiser state and gradients.
// `lengths` holds each sequence's number of steps (the head counts no loss past it: a batch of
// sequences of different lengths runs as long as its longest). A cell's backward pass keeps each
// step's gradients with respect to its gate pre-activations in `das`, over a region it has read
// by then (its part's `das`), so that the weight gradients are products over all the steps.
//
// Every region starts on an even element, so 16-byte aligned when the block is (the parameters
// and the gradients stay packed, so that the optimisers see one flat vector of P numbers).
// Per-step regions are [t][b][...]: step t of sequence b of the batch.
//
// One optimiser owns the state at a time (its code is in optInfo); switching to another starts
// the new one afresh, as creating a new torch.optim optimiser would. What each keeps:
//
//   rprop            opt0 previous gradient   opt1 step size
//   irprop+          opt0 previous gradient   opt1 step size   opt2 last weight change
//   rprop-notebook   opt0 previous gradient   opt1 multiplier
//   momentum         opt0 velocity
//   adagrad          opt0 sum of squared gradients
//   adam             opt0 first moment        opt1 second moment
import { ARGS_SIZE } from './kernels.js';
import { cellPart, headPart } from './parts.js';
import { describeSpec, type ModelSpec } from './spec.js';
import { paramTable, type TensorEntry } from './tensors.js';

/**
 * The fields of each kind of record the kernels read, in the order of the structs in
 * assembly/records.ts (checked by test/records.test.ts); every field is 4 bytes wide. Sizes are
 * written as they are; addresses are offsets here and byte addresses in the wasm build, and -1
 * (0 in wasm) where a part has no such region.
 */
export const RECORD_FIELDS = {
  cell: {
    sizes: ['I', 'H', 'B', 'G', 'index', 'inputGrad'],
    addresses: ['Wih', 'Whh', 'bih', 'bhh', 'dWih', 'dWhh', 'dbih', 'dbhh', 'xs', 'hs', 'cs', 'gates', 'dhs', 'dxs', 'dh', 'dhNext', 'dcNext', 'das'],
  },
  head: {
    sizes: ['H', 'O', 'B', 'last'],
    addresses: ['W', 'b', 'dW', 'db', 'hs', 'logps', 'ys', 'targets', 'dhs', 'dy', 'lengths', 'loss'],
  },
  optim: {
    sizes: ['P'],
    addresses: ['params', 'grads', 'opt0', 'opt1', 'opt2', 'args'],
  },
} as const;

type Fields<K extends keyof typeof RECORD_FIELDS> =
  (typeof RECORD_FIELDS)[K]['sizes'][number] | (typeof RECORD_FIELDS)[K]['addresses'][number];
export type CellRecord = Readonly<Record<Fields<'cell'>, number>>;
export type HeadRecord = Readonly<Record<Fields<'head'>, number>>;
export type OptimRecord = Readonly<Record<Fields<'optim'>, number>>;
export type RecordKind = keyof typeof RECORD_FIELDS;

/** The index of each record in `Plan.records`: the optimiser's, the head's, then one per layer. */
export const OPTIM = 0;
export const HEAD = 1;
export const CELL0 = 2;

/** What optInfo holds, by index: which optimiser owns the state, its step count, the last loss. */
export const OPT_INFO = { optimizer: 0, steps: 1, lastLoss: 2 } as const;
export const OPT_INFO_SIZE = 4;

/**
 * The per-parameter optimiser slots, in block order. Model files save and load every slot listed
 * here and every entry of OPT_INFO, so an optimiser that needs more state adds it to these lists
 * and is resumed exactly with no other change.
 */
export const OPTIMIZER_SLOTS = ['opt0', 'opt1', 'opt2'] as const;
export type OptimizerSlot = (typeof OPTIMIZER_SLOTS)[number];

/**
 * The largest block a model may have, in bytes: wasm32 addresses 4 GiB and engines may refuse
 * more than 2, less what the module itself takes.
 */
export const MAX_BLOCK_BYTES = 2 ** 31 - 2 ** 20;

/** A tensor of the table with its place in the block. */
export interface PlacedTensor extends TensorEntry {
  /** Offset in the block of its values, and of its gradient. */
  readonly at: number;
  readonly gradAt: number;
}

export interface Plan {
  readonly spec: ModelSpec;
  readonly capacity: number;
  readonly batch: number;
  readonly P: number;
  readonly tensors: readonly PlacedTensor[];
  readonly params: number;
  readonly grads: number;
  readonly opt0: number;
  readonly opt1: number;
  readonly opt2: number;
  readonly optInfo: number;
  /** Length of the block's start, which depends on neither the capacity nor the batch size. */
  readonly fixedSize: number;
  /** Length of params plus optimiser state, which start at `params`. */
  readonly stateSize: number;
  readonly backup: number;
  readonly args: number;
  /** The loss that the update being applied belongs to (iRprop+ compares it with the last one). */
  readonly stepLoss: number;
  /** Inputs: per step and sequence, `inputWidth` numbers (inputSize, or 1 for an id). */
  readonly xs: number;
  readonly inputWidth: number;
  /** Each sequence's number of steps, B numbers: the head counts no loss past it. */
  readonly lengths: number;
  /** Targets: per step and sequence, `targetWidth` numbers. */
  readonly targets: number;
  readonly targetWidth: number;
  /** The head's outputs, O per step and sequence: probabilities (softmax) or values (linear). */
  readonly ys: number;
  /**
   * The regions that carry a sequence's state, (C + 1) rows of B x H each: every layer's hs, then
   * (for cells with a cell state) every layer's cs, in torch's (h_n, c_n) order.
   */
  readonly stateRegions: readonly number[];
  /** The regions that move when the block grows, in block order. */
  readonly stepRegions: readonly { offset: number; length: number }[];
  readonly records: readonly Readonly<Record<string, number>>[];
  readonly recordKinds: readonly RecordKind[];
  readonly cells: readonly CellRecord[];
  readonly head: HeadRecord;
  readonly optim: OptimRecord;
  /** Total length of the block. */
  readonly size: number;
}

export function plan(spec: ModelSpec, capacity: number, batch = 1): Plan {
  const { inputSize: I, hiddenSize: H, outputSize: O, layers } = spec;
  const C = capacity, B = batch;
  const cell = cellPart(spec.cell), head = headPart(spec.output);
  const G = cell.gates;
  const table = paramTable(spec);
  const P = table.reduce((n, t) => n + t.length, 0);
  let at = 0;
  const take = (n: number): number => {
    const start = at;
    at += n;
    return start;
  };
  // `aligned` starts a region on an even element: 16 bytes into the block, for f64x2 loads.
  const aligned = (n: number): number => {
    at += at % 2;
    return take(n);
  };
  const params = aligned(P);
  const opt0 = aligned(P), opt1 = aligned(P), opt2 = aligned(P), optInfo = aligned(OPT_INFO_SIZE);
  const stateSize = at - params;
  const backup = aligned(stateSize);
  const grads = aligned(P);
  const args = aligned(ARGS_SIZE), stepLoss = take(1), headLoss = take(1);
  const fixedSize = at;
  const hasCs = cell.state.includes('cs');
  const scratch = Array.from({ length: layers }, () => ({
    dh: aligned(B * G * H), dhNext: aligned(B * H), dcNext: hasCs ? aligned(B * H) : -1,
  }));
  const lengths = aligned(B);

  const stepRegions: { offset: number; length: number }[] = [];
  const stepRegion = (n: number): number => {
    const offset = aligned(n);
    stepRegions.push({ offset, length: n });
    return offset;
  };
  const inputWidth = spec.input === 'index' ? 1 : I;
  const xs = stepRegion(C * B * inputWidth);
  const perLayer = Array.from({ length: layers }, () => {
    const hs = stepRegion((C + 1) * B * H);
    const extra: Record<string, number> = { cs: -1, gates: -1 };
    for (const r of cell.regions) extra[r.field] = stepRegion((r.rows === 'state' ? C + 1 : C) * B * r.width * H);
    const dhs = stepRegion(C * B * H);
    return { hs, cs: extra.cs, gates: extra.gates, dhs };
  });
  const logps = head.logps ? stepRegion(C * B * O) : -1;
  const ys = stepRegion(C * B * O);
  const dy = stepRegion(C * B * O);
  const targetWidth = head.targetWidth === 'one' ? 1 : O;
  const targets = stepRegion(C * B * targetWidth);

  const tensors: PlacedTensor[] = table.map((t) => ({ ...t, at: params + t.offset, gradAt: grads + t.offset }));
  const find = (test: (t: PlacedTensor) => boolean): PlacedTensor | undefined => tensors.find(test);
  const cellTensor = (k: number, field: string): { at: number; gradAt: number } =>
    find((t) => t.role.part === 'cell' && t.role.layer === k && t.role.field === field) ?? { at: -1, gradAt: -1 };
  const headTensor = (field: string): PlacedTensor => find((t) => t.role.part === 'head' && t.role.field === field) as PlacedTensor;

  const cells: CellRecord[] = perLayer.map((r, k) => {
    const Wih = cellTensor(k, 'Wih'), Whh = cellTensor(k, 'Whh'), bih = cellTensor(k, 'bih'), bhh = cellTensor(k, 'bhh');
    return {
      I: k === 0 ? I : H, H, B, G, index: k === 0 && spec.input === 'index' ? 1 : 0, inputGrad: k > 0 ? 1 : 0,
      Wih: Wih.at, Whh: Whh.at, bih: bih.at, bhh: bhh.at,
      dWih: Wih.gradAt, dWhh: Whh.gradAt, dbih: bih.gradAt, dbhh: bhh.gradAt,
      xs: k === 0 ? xs : perLayer[k - 1].hs + B * H, // layer k reads layer k-1's states of steps 0 .. T-1
      hs: r.hs, cs: r.cs, gates: r.gates, dhs: r.dhs, dxs: k > 0 ? perLayer[k - 1].dhs : -1,
      dh: scratch[k].dh, dhNext: scratch[k].dhNext, dcNext: scratch[k].dcNext, das: cell.das === 'dhs' ? r.dhs : r.gates,
    };
  });
  const top = perLayer[layers - 1];
  const W = headTensor('W'), b = headTensor('b');
  const headRecord: HeadRecord = {
    H, O, B, last: spec.outputAt === 'last' ? 1 : 0,
    W: W.at, b: b.at, dW: W.gradAt, db: b.gradAt,
    hs: top.hs + B * H, logps, ys, targets, dhs: top.dhs, dy, lengths, loss: headLoss,
  };
  const optim: OptimRecord = { P, params, grads, opt0, opt1, opt2, args };
  const stateRegions = [...perLayer.map((r) => r.hs), ...(hasCs ? perLayer.map((r) => r.cs) : [])];
  return {
    spec, capacity, batch, P, tensors, params, grads, opt0, opt1, opt2, optInfo, fixedSize, stateSize, backup, args, stepLoss,
    xs, inputWidth, lengths, targets, targetWidth, ys, stateRegions, stepRegions,
    records: [optim, headRecord, ...cells], recordKinds: ['optim', 'head', ...cells.map(() => 'cell' as const)],
    cells, head: headRecord, optim, size: at,
  };
}

/** Bytes of the block of a spec at a capacity. */
export function blockBytes(spec: ModelSpec, capacity: number, batch = 1): number {
  return 8 * plan(spec, capacity, batch).size;
}

/**
 * The one size check: throws a RangeError when a block of `capacity` steps would pass
 * MAX_BLOCK_BYTES. `what` says what asked for it (a new model, a file, a longer history).
 */
export function checkBlockSize(where: string, spec: ModelSpec, capacity: number, batch = 1): void {
  const bytes = blockBytes(spec, capacity, batch);
  if (bytes > MAX_BLOCK_BYTES) {
    const { inputSize: I, hiddenSize: H, outputSize: O } = spec;
    const model = spec.layers === 1 && spec.cell === 'rnn' && spec.input === 'dense' ? `a ${I}-${H}-${O} model` : `a ${describeSpec(spec)} model`;
    const steps = (capacity > MIN_CAPACITY ? ` with ${capacity} steps` : '') + (batch > 1 ? ` in batches of ${batch}` : '');
    throw new RangeError(`${where}: ${model}${steps} needs ${bytes} bytes, more than the limit of ${MAX_BLOCK_BYTES}`);
  }
}

/** The capacity the size of a model is checked at when it is made (its first block's). */
export const MIN_CAPACITY = 16;

/** The largest capacity whose block fits MAX_BLOCK_BYTES (0 if none does), by bisection. */
export function maxCapacity(spec: ModelSpec, batch = 1): number {
  const fits = (c: number): boolean => blockBytes(spec, c, batch) <= MAX_BLOCK_BYTES;
  if (!fits(1)) return 0;
  let lo = 1, hi = 2;
  while (fits(hi)) {
    lo = hi;
    hi *= 2;
  }
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (fits(mid)) lo = mid;
    else hi = mid;
  }
  return lo;
}

/**
 * Moves the per-step regions of `data`, laid out as `from`, to where `to` puts them (a larger
 * capacity), keeping their contents. `data` must be at least `to.size` long. Regions only move
 * towards the end, so moving the last one first never overwrites one not yet moved.
 */
export function relocate(data: Float64Array, from: Plan, to: Plan): void {
  for (let k = from.stepRegions.length - 1; k >= 0; k--) {
    const a = from.stepRegions[k], b = to.stepRegions[k];
    data.copyWithin(b.offset, a.offset, a.offset + a.length);
  }
}
