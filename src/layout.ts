/**
 * Where each buffer of a model sits in its one flat block of float64s: the one place that
 * computes offsets. Offsets are in elements from the block's start; the wasm build adds the
 * block's byte address (see assembly/layout.ts for the struct the kernels read).
 *
 * The block, in order:
 *
 *   params      Wxh (H x I)  Whh (H x H)  Why (O x H)  bh (H)  by (O)       P numbers
 *   optimiser   opt0  opt1  opt2 (P each), optInfo (OPT_INFO_SIZE)        3P + 4
 *   backup      a copy of params and optimiser state, to undo a step          4P + 4
 *   grads       dWxh  dWhh  dWhy  dbh  dby (same order as params)            P
 *   scratch     dy (O)  dh (H)  dhNext (H)  stepLoss (1)
 *   per step    hs ((C+1) x H)  logps (C x O)  ps (C x O)  xs (C x I)  targets (C)
 *
 * where C is the capacity: the longest sequence the block holds before it must grow. Params and
 * optimiser state are contiguous ("state", 4P + 4 numbers), so one copy saves or restores both.
 *
 * One optimiser owns the state at a time (its code is in optInfo); switching to another starts
 * the new one afresh, as creating a new torch.optim optimiser would. What each keeps:
 *
 *   rprop            opt0 previous gradient   opt1 step size
 *   irprop+          opt0 previous gradient   opt1 step size   opt2 last weight change
 *   rprop-notebook   opt0 previous gradient   opt1 multiplier
 *   momentum         opt0 velocity
 *   adagrad          opt0 sum of squared gradients
 *   adam             opt0 first moment        opt1 second moment
 *
 * Every group above (params, each optimiser vector, backup, grads, each scratch vector, each
 * per-step region) starts on an even element, so 16-byte aligned when the block is: up to one
 * float64 of padding before each. The five parameters stay packed (P contiguous numbers, and the
 * gradients likewise), so rows of odd width are not aligned; f64x2 loads allow that.
 */
export interface Layout {
  readonly I: number;
  readonly H: number;
  readonly O: number;
  /** Number of parameters: H*I + H*H + O*H + H + O. */
  readonly P: number;
  /** Steps the per-step buffers hold. */
  readonly capacity: number;
  readonly Wxh: number;
  readonly Whh: number;
  readonly Why: number;
  readonly bh: number;
  readonly by: number;
  readonly opt0: number;
  readonly opt1: number;
  readonly opt2: number;
  /** OPT_INFO_SIZE numbers: see OPT_INFO. */
  readonly optInfo: number;
  /** Length of params plus optimiser state, which start at Wxh. */
  readonly stateSize: number;
  readonly backup: number;
  readonly dWxh: number;
  readonly dWhh: number;
  readonly dWhy: number;
  readonly dbh: number;
  readonly dby: number;
  readonly dy: number;
  readonly dh: number;
  readonly dhNext: number;
  /** The loss that the update being applied belongs to (iRprop+ compares it with the last one). */
  readonly stepLoss: number;
  readonly hs: number;
  readonly logps: number;
  readonly ps: number;
  readonly xs: number;
  readonly targets: number;
  /** Total length of the block. */
  readonly size: number;
}

/**
 * The per-parameter optimiser slots, in block order. Model files save and load every slot listed
 * here and every entry of OPT_INFO, so an optimiser that needs more state adds it to these lists
 * and is resumed exactly with no other change.
 */
export const OPTIMIZER_SLOTS = ['opt0', 'opt1', 'opt2'] as const;

/** The name of one per-parameter optimiser slot. */
export type OptimizerSlot = (typeof OPTIMIZER_SLOTS)[number];

/** What optInfo holds, by index: which optimiser owns the state, its step count, the last loss. */
export const OPT_INFO = { optimizer: 0, steps: 1, lastLoss: 2 } as const;
export const OPT_INFO_SIZE = 4;

/**
 * The largest block a model may have, in bytes: wasm32 addresses 4 GiB and engines may refuse
 * more than 2, less what the module itself takes.
 */
export const MAX_BLOCK_BYTES = 2 ** 31 - 2 ** 20;

/** Per-step regions, in block order; they are the ones that move when the block grows. */
export const STEP_REGIONS = ['hs', 'logps', 'ps', 'xs', 'targets'] as const;

/** The parameters, in block order. */
export const PARAM_NAMES = ['Wxh', 'Whh', 'Why', 'bh', 'by'] as const;
export type ParamName = (typeof PARAM_NAMES)[number];

/** How many numbers each parameter has: Wxh H x I, Whh H x H, Why O x H, bh H, by O. */
export function paramLengths(I: number, H: number, O: number): Record<ParamName, number> {
  return { Wxh: H * I, Whh: H * H, Why: O * H, bh: H, by: O };
}

export function parameterCount(I: number, H: number, O: number): number {
  return H * I + H * H + O * H + H + O;
}

export function computeLayout(I: number, H: number, O: number, capacity: number): Layout {
  const P = parameterCount(I, H, O);
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
  const Wxh = aligned(H * I), Whh = take(H * H), Why = take(O * H), bh = take(H), by = take(O);
  const opt0 = aligned(P), opt1 = aligned(P), opt2 = aligned(P), optInfo = aligned(OPT_INFO_SIZE);
  const stateSize = at - Wxh;
  const backup = aligned(stateSize);
  const dWxh = aligned(H * I), dWhh = take(H * H), dWhy = take(O * H), dbh = take(H), dby = take(O);
  const dy = aligned(O), dh = aligned(H), dhNext = aligned(H), stepLoss = aligned(1);
  const hs = aligned((capacity + 1) * H), logps = aligned(capacity * O), ps = aligned(capacity * O);
  const xs = aligned(capacity * I), targets = aligned(capacity);
  return {
    I, H, O, P, capacity,
    Wxh, Whh, Why, bh, by,
    opt0, opt1, opt2, optInfo, stateSize, backup,
    dWxh, dWhh, dWhy, dbh, dby,
    dy, dh, dhNext, stepLoss,
    hs, logps, ps, xs, targets,
    size: at,
  };
}

/** Lengths of the per-step regions for a capacity. */
function stepRegionLengths(L: Layout): Record<(typeof STEP_REGIONS)[number], number> {
  const C = L.capacity;
  return { hs: (C + 1) * L.H, logps: C * L.O, ps: C * L.O, xs: C * L.I, targets: C };
}

/**
 * Moves the per-step regions of `data`, laid out as `from`, to where `to` puts them (a larger
 * capacity), keeping their contents. `data` must be at least `to.size` long. Regions only move
 * towards the end, so moving the last one first never overwrites one not yet moved.
 */
export function relocate(data: Float64Array, from: Layout, to: Layout): void {
  const lengths = stepRegionLengths(from);
  for (let k = STEP_REGIONS.length - 1; k >= 0; k--) {
    const region = STEP_REGIONS[k];
    data.copyWithin(to[region], from[region], from[region] + lengths[region]);
  }
}
