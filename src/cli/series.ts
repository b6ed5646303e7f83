// Numeric series from CSV files, for `rnn-wasm train --task series` and `rnn-wasm forecast`.
//
// The format: one row per line, fields separated by commas; an optional first line of column
// names (it is a header when one of its fields is not a number); blank lines skipped. The series
// is every column whose fields are all numbers (a column of dates, say, is left out), or the
// columns named by --columns. Quoted fields are not supported.
import { show } from '../errors.js';
import { UsageError } from './args.js';
import { readFileOf } from './files.js';

/** A CSV file's bytes at most (256 MiB), and its rows. */
const MAX_CSV_BYTES = 2 ** 28;
const MAX_ROWS = 10_000_000;

/** A series read from a CSV file: the chosen columns' names and their rows. */
export interface CsvSeries {
  names: string[];
  rows: number[][];
}

const isNumber = (field: string): boolean => field.trim() !== '' && Number.isFinite(Number(field));

/** Parses the text of a CSV file into the numeric columns (or those named in `wanted`). */
export function parseSeriesCsv(where: string, text: string, wanted?: readonly string[]): CsvSeries {
  const lines = text.split(/\r?\n/).filter((line) => line.trim() !== '');
  if (lines.length === 0) throw new UsageError(`${where}: the file has no rows`);
  if (lines.length > MAX_ROWS) throw new UsageError(`${where}: ${lines.length} rows are too many (at most ${MAX_ROWS})`);
  const first = lines[0].split(',');
  const header = !first.every(isNumber);
  const names = header ? first.map((name) => name.trim()) : first.map((_, j) => `column ${j + 1}`);
  const body = (header ? lines.slice(1) : lines).map((line) => line.split(','));
  if (body.length === 0) throw new UsageError(`${where}: the file has a header and no rows`);
  body.forEach((fields, i) => {
    if (fields.length !== names.length) {
      throw new UsageError(`${where}: row ${i + 1} has ${fields.length} fields, the ${header ? 'header' : 'first row'} ${names.length}`);
    }
  });
  let chosen: number[];
  if (wanted !== undefined) {
    chosen = wanted.map((name) => {
      const j = names.indexOf(name);
      if (j < 0) throw new UsageError(`${where}: no column ${show(name)} (columns: ${names.join(', ')})`);
      return j;
    });
  } else {
    chosen = names.map((_, j) => j).filter((j) => body.every((fields) => isNumber(fields[j])));
    if (chosen.length === 0) throw new UsageError(`${where}: no column holds only numbers (columns: ${names.join(', ')})`);
  }
  const rows = body.map((fields, i) => chosen.map((j) => {
    if (!isNumber(fields[j])) throw new UsageError(`${where}: row ${i + 1}, column ${names[j]}: ${show(fields[j])} is not a number`);
    return Number(fields[j]);
  }));
  return { names: chosen.map((j) => names[j]), rows };
}

/** Reads the series of the CSV file named by `--flag`. */
export async function readSeriesCsv(flag: string, path: string, wanted?: readonly string[]): Promise<CsvSeries> {
  const text = (await readFileOf(flag, path, MAX_CSV_BYTES)).toString('utf8');
  return parseSeriesCsv(`--${flag} ${path}`, text, wanted);
}

/** The root mean squared difference of two series of the same length (every column). */
export function rmse(a: readonly (ArrayLike<number>)[], b: readonly (ArrayLike<number>)[]): number {
  let sum = 0, n = 0;
  for (let i = 0; i < a.length; i++) {
    for (let j = 0; j < a[i].length; j++) {
      sum += (a[i][j] - b[i][j]) ** 2;
      n++;
    }
  }
  return Math.sqrt(sum / n);
}
