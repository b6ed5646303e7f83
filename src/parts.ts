// The parts a model is made of: each cell and each head, described once for the planner (its
// tensors, its per-step regions) and named by the kernels that compute it (src/kernels.ts). Adding
// a cell or a head is an entry here and one kernel file per build; nothing else branches on it.
import type { KernelName } from './kernels.js';
import type { CellName, OutputKind } from './spec.js';

/** A per-step region of a cell, of `width` x H numbers per sequence of the batch. */
export interface CellRegion {
  /** The record field that holds its address. */
  field: 'cs' | 'gates';
  width: number;
  /** 'state': C + 1 rows, row 0 the initial state and row t + 1 step t's; 'step': C rows. */
  rows: 'state' | 'step';
}

export interface CellPart {
  /** Gate blocks of H rows in weight_ih and weight_hh (torch's gate order). */
  gates: number;
  /** 'one': one hidden bias, bias_ih (the Elman cell); 'two': torch's bias_ih and bias_hh. */
  biases: 'one' | 'two';
  /** Regions beyond the hidden states hs (every cell has those). */
  regions: readonly CellRegion[];
  /**
   * Where backward keeps each step's gradients with respect to the gate pre-activations, over
   * what it has read of that step by then: the step's dhs (H numbers), or its gates (4H numbers).
   */
  das: 'dhs' | 'gates';
  /** The regions with C + 1 rows that carry a sequence's state into the next: hs first. */
  state: readonly ('hs' | 'cs')[];
  forward: KernelName;
  backward: KernelName;
}

export const CELL_PARTS: Readonly<Partial<Record<CellName, CellPart>>> = {
  rnn: { gates: 1, biases: 'one', regions: [], das: 'dhs', state: ['hs'], forward: 'rnnForward', backward: 'rnnBackward' },
  // c_t (C + 1 rows, carried with h) and the four activated gates i, f, g, o of each step.
  lstm: {
    gates: 4, biases: 'two', regions: [{ field: 'cs', width: 1, rows: 'state' }, { field: 'gates', width: 4, rows: 'step' }], das: 'gates',
    state: ['hs', 'cs'], forward: 'lstmForward', backward: 'lstmBackward',
  },
  // r, z, n and W_hn h + b_hn of each step.
  gru: {
    gates: 3, biases: 'two', regions: [{ field: 'gates', width: 4, rows: 'step' }], das: 'gates', state: ['hs'],
    forward: 'gruForward', backward: 'gruBackward',
  },
};

export interface HeadPart {
  /** Numbers of one step's target: 1 (a class id) or O (a vector). */
  targetWidth: 'one' | 'O';
  /** Whether it keeps log-probabilities beside its outputs. */
  logps: boolean;
  forward: KernelName;
  loss: KernelName;
  backward: KernelName;
}

export const HEAD_PARTS: Readonly<Partial<Record<OutputKind, HeadPart>>> = {
  softmax: { targetWidth: 'one', logps: true, forward: 'softmaxForward', loss: 'softmaxLoss', backward: 'softmaxBackward' },
  linear: { targetWidth: 'O', logps: false, forward: 'linearForward', loss: 'linearLoss', backward: 'linearBackward' },
};

export function cellPart(cell: CellName): CellPart {
  const part = CELL_PARTS[cell];
  if (part === undefined) throw new RangeError(`rnn-wasm: no kernels for the '${cell}' cell in this version`);
  return part;
}

export function headPart(output: OutputKind): HeadPart {
  const part = HEAD_PARTS[output];
  if (part === undefined) throw new RangeError(`rnn-wasm: no kernels for the '${output}' output in this version`);
  return part;
}
