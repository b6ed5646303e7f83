// A loss curve drawn with text: one column per group of iterations, the loss on a log scale
// (it falls over orders of magnitude), labelled on the left.

/** Rows of text: the curve of `values` (positive losses, one per `unit`) in `width` columns and `height` rows. */
export function lossChart(values: ArrayLike<number>, width = 60, height = 10, unit = 'iterations'): string[] {
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
  const logs = means.map((v) => Math.log10(Math.max(v, floor)));
  const top = Math.max(...logs), bottom = Math.min(...logs);
  const span = top - bottom;
  const rowOf = (v: number): number => (span === 0 ? 0 : Math.round(((top - v) / span) * (height - 1)));
  const rows = span === 0 ? 1 : height;
  const grid = Array.from({ length: rows }, () => new Array<string>(columns).fill(' '));
  logs.forEach((v, c) => {
    grid[rowOf(v)][c] = '*';
  });
  // The top and bottom rows are labelled with the highest and lowest column (a loss of 0 sits on
  // the bottom row, drawn at the floor of the scale).
  const label = (r: number): number => (r === 0 ? Math.max(...means) : r === rows - 1 ? Math.min(...means) : NaN);
  const text = (v: number): string => (Number.isNaN(v) ? '' : v.toExponential(1));
  const labels = grid.map((_, r) => text(label(r)));
  const pad = Math.max(...labels.map((l) => l.length));
  const lines = grid.map((row, r) => `${labels[r].padStart(pad)} |${row.join('')}`);
  const axis = `${' '.repeat(pad)} +${'-'.repeat(columns)}`;
  return [...lines, axis, `${' '.repeat(pad)}  ${unit} 1 to ${n}, log scale`];
}
