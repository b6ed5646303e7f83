// A loss curve drawn with text: one column per group of iterations, the loss on a log scale
// (it falls over orders of magnitude), labelled on the left.

/**
 * Rows of text: the curve of `values` (positive losses, one per `unit`) in `width` columns and
 * `height` rows. A `reference` (log V, the loss of a uniform guess, for a text) is drawn as a row
 * of dashes, labelled, and kept on the scale. The last line names the unit and the `caption`.
 */
export function lossChart(values: ArrayLike<number>, width = 60, height = 10, unit = 'iterations', reference?: { value: number; label: string }, caption = 'log scale'): string[] {
  const n = values.length;
  if (n === 0) return [];
  const columns = Math.min(width, n);
  // Each column shows the mean loss of its group of iterations.
  const means = Array.from({ length: columns }, (_, c) => {
    const start = Math.floor((c * n) / columns), end = Math.floor(((c + 1) * n) / columns);
    let sum = 0;
    for (let i = start; i < end; i++) sum += values[i];
    return sum / (end - start);
  });
  const floor = 1e-12;
  const log = (v: number): number => Math.log10(Math.max(v, floor));
  const logs = means.map(log);
  const scale = reference === undefined ? means : [...means, reference.value];
  const highest = Math.max(...scale), lowest = Math.min(...scale);
  const top = log(highest), bottom = log(lowest);
  const span = top - bottom;
  const rowOf = (v: number): number => (span === 0 ? 0 : Math.round(((top - v) / span) * (height - 1)));
  const rows = span === 0 ? 1 : height;
  const grid = Array.from({ length: rows }, () => new Array<string>(columns).fill(' '));
  const referenceRow = reference === undefined ? -1 : rowOf(log(reference.value));
  if (referenceRow >= 0) grid[referenceRow].fill('-');
  logs.forEach((v, c) => {
    grid[rowOf(v)][c] = '*';
  });
  // The top and bottom rows are labelled with the highest and lowest value on the scale (a loss
  // of 0 sits on the bottom row, drawn at the floor of the scale), the reference's row with it.
  const text = (v: number): string => (v >= 0.01 && v < 1000 ? v.toPrecision(3) : v.toExponential(1));
  const labels = grid.map((_, r) => (r === referenceRow && reference !== undefined ? text(reference.value)
    : r === 0 ? text(highest) : r === rows - 1 ? text(lowest) : ''));
  const pad = Math.max(...labels.map((l) => l.length));
  const lines = grid.map((row, r) => `${labels[r].padStart(pad)} |${row.join('')}${r === referenceRow ? ` ${reference?.label}` : ''}`);
  const axis = `${' '.repeat(pad)} +${'-'.repeat(columns)}`;
  return [...lines, axis, `${' '.repeat(pad)}  ${unit} 1 to ${n}, ${caption}`];
}
