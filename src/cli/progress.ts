// How `rnn-wasm train` reports training as it goes and when it ends: the loss in the unit a reader
// can judge (for a text, nats per character beside log V, the loss of a uniform guess over the V
// characters, as the demo page shows it), the speed, and the time left once there is a measure.

/** How the losses of a task are shown. */
export interface LossView {
  /** The loss as the library reports it (per sequence, or the mean per chunk) to the shown unit. */
  shown(loss: number): number;
  /** The shown loss as text. */
  format(shown: number): string;
  /** Words after the number: '' or ' per character'. */
  unit: string;
  /** log V, the loss per character of a uniform guess, for a text. */
  uniform?: number;
  /** What one iteration (or epoch) trains: the speed is counted in these. */
  work: { amount: number; name: string };
}

/** The view of a task: for a text of `characters` predicted characters over `chunks` chunks and V kinds. */
export function lossView(text?: { characters: number; chunks: number; vocab: number }): LossView {
  if (text === undefined) {
    return { shown: (loss) => loss, format: (v) => v.toExponential(3), unit: '', work: { amount: 1, name: 'sequences' } };
  }
  // fit reports the mean loss of an epoch's chunks; each chunk's loss is a sum over its characters.
  const { characters, chunks, vocab } = text;
  return {
    shown: (loss) => (loss * chunks) / characters,
    format: (v) => v.toFixed(3),
    unit: ' per character',
    uniform: Math.log(vocab),
    work: { amount: characters, name: 'characters' },
  };
}

/** A count with a k, M or G suffix: 950, 12.3k, 4.56M. */
export function compact(n: number): string {
  if (!Number.isFinite(n)) return '-';
  const units: [number, string][] = [[1e9, 'G'], [1e6, 'M'], [1e3, 'k']];
  for (const [size, suffix] of units) {
    if (n >= size) return `${(n / size).toPrecision(3)}${suffix}`;
  }
  return n >= 100 ? n.toFixed(0) : n.toPrecision(3);
}

/** Seconds as "45s", "12m 5s" or "3h 20m". */
export function duration(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${s % 60}s`;
  return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
}

/**
 * The speed of `done` iterations (epochs) in `seconds`: sequences, or characters, per second.
 *
 * @example
 * speed(lossView(), 10, 2); // '5.00 sequences/s'
 */
export function speed(view: LossView, done: number, seconds: number): string {
  return `${compact((done * view.work.amount) / seconds)} ${view.work.name}/s`;
}

/** What the progress bar shows beside the bar. */
export interface ProgressFields {
  loss: string;
  speed: string;
  left: string;
}

/**
 * The fields of the progress bar after `done` of `total` iterations (epochs) in `seconds`, the
 * last loss being `loss`. Until the first one ends there is no loss, speed or time left to show:
 * each reads '-' (never "0s left").
 *
 * @example
 * progressFields(lossView(), 0, 100, 0.5);          // { loss: '-', speed: '-', left: '-' }
 * progressFields(lossView(), 10, 100, 2, 1.5);      // { loss: '1.500e+0', speed: '5.00 sequences/s', left: '18s' }
 */
export function progressFields(view: LossView, done: number, total: number, seconds: number, loss?: number): ProgressFields {
  if (done === 0 || loss === undefined || seconds <= 0) return { loss: '-', speed: '-', left: '-' };
  const uniform = view.uniform === undefined ? '' : ` (log V ${view.uniform.toFixed(3)})`;
  return {
    loss: `${view.format(view.shown(loss))}${view.unit === '' ? '' : '/char'}${uniform}`,
    speed: speed(view, done, seconds),
    left: duration(((total - done) * seconds) / done),
  };
}

/**
 * The loss part of the summary line: "loss 4.040 -> 0.896 per character (log V = 4.127 is a
 * uniform guess)", or "loss 1.096e+1 -> 0.000e+0".
 *
 * @example
 * lossSummary(lossView(), Float64Array.of(11, 0.5)); // 'loss 1.100e+1 -> 5.000e-1'
 */
export function lossSummary(view: LossView, losses: ArrayLike<number>): string {
  if (losses.length === 0) return `no ${view.unit === '' ? 'iteration' : 'epoch'} completed, so no loss to show`;
  const first = view.format(view.shown(losses[0]));
  const last = view.format(view.shown(losses[losses.length - 1]));
  const uniform = view.uniform === undefined ? '' : ` (log V = ${view.uniform.toFixed(3)} is a uniform guess)`;
  return `loss ${first} -> ${last}${view.unit}${uniform}`;
}
