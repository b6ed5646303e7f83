// rnn-wasm train --task series and rnn-wasm forecast, run as child processes from dist/ (npm test
// builds it first), on the shipped airline series and on small CSV files; and the CSV reader.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseSeriesCsv } from '../src/cli/series.js';
import { RNN } from '../src/index.js';

const CLI = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const AIRLINE = fileURLToPath(new URL('../examples/data/airline-passengers.csv', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'rnn-wasm-series-'));
const at = (name: string): string => join(dir, name);

function cli(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const run = spawnSync(process.execPath, [CLI, ...args], { cwd: dir, encoding: 'utf8' });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe('rnn-wasm train --task series, then forecast', () => {
  it('trains on the airline passengers, reports the held-out forecast against the last value, and forecasts in passengers', async () => {
    const run = cli('train', '--task', 'series', '--data', AIRLINE, '--hidden', '16', '--iterations', '150', '--lr', '0.005', '--test', '0.17', '--out', 'air.json');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/task series .*airline-passengers.csv: 144 rows of passengers, \d+ windows of 24 to train on, the last 24 rows held out/);
    const [, forecast, naive] = /held out, the last 24 rows: forecast RMSE ([\d.]+) \(the last value repeated: ([\d.]+)\)/.exec(run.stdout) ?? [];
    expect(Number(forecast)).toBeLessThan(Number(naive));
    const file = JSON.parse(readFileSync(at('air.json'), 'utf8')) as { model: { output: string }; scaler: { mean: number[] }; meta: { task: { columns: string[] } } };
    expect(file.model.output).toBe('linear');
    expect(file.meta.task.columns).toEqual(['passengers']);
    expect(file.scaler.mean[0]).toBeGreaterThan(200); // the training part's mean, in passengers

    const out = cli('forecast', '--model', 'air.json', '--data', AIRLINE, '--steps', '12');
    expect([out.code, out.stderr]).toEqual([0, '']);
    const lines = out.stdout.trim().split('\n');
    expect(lines[0]).toBe('passengers');
    const values = lines.slice(1).map(Number);
    expect(values).toHaveLength(12);
    // What the library forecasts with the same model and series, to the digit printed.
    const rnn = await RNN.fromJSON(readFileSync(at('air.json'), 'utf8'), { backend: 'ts' });
    const rows = readFileSync(AIRLINE, 'utf8').trim().split('\n').slice(1).map((line) => [Number(line.split(',')[1])]);
    expect(values).toEqual(rnn.forecast(rows, 12).map((y) => y[0]));
    expect(values.every((v) => v > 200 && v < 900)).toBe(true);
  });

  it('resumes a series model with --resume, on the task its file keeps once the file is named again', () => {
    writeFileSync(at('two.csv'), 'a,b\n' + Array.from({ length: 60 }, (_, t) => `${Math.sin(t / 4)},${Math.cos(t / 4)}`).join('\n'));
    expect(cli('train', '--task', 'series', '--data', 'two.csv', '--length', '8', '--hidden', '5', '--iterations', '3', '--out', 'two.json', '--quiet').code).toBe(0);
    const again = cli('train', '--resume', 'two.json', '--task', 'series', '--data', 'two.csv', '--length', '8', '--iterations', '2', '--out', 'two.json', '--quiet');
    expect([again.code, again.stderr]).toEqual([0, '']);
    const out = cli('forecast', '--model', 'two.json', '--data', 'two.csv', '--steps', '3');
    expect(out.stdout.trim().split('\n')).toHaveLength(4);
    expect(out.stdout.split('\n')[0]).toBe('a,b');
  });

  it.each([
    [['train', '--task', 'series', '--hidden', '4', '--iterations', '1', '--out', 'x.json'], /--task series needs --data FILE.csv/],
    [['train', '--task', 'series', '--data', 'words.csv', '--hidden', '4', '--iterations', '1', '--out', 'x.json'], /no column holds only numbers/],
    [['train', '--task', 'series', '--data', 'short.csv', '--hidden', '4', '--iterations', '1', '--out', 'x.json'], /needs 25 rows of training data, got 4/],
    [['train', '--task', 'series', '--data', 'short.csv', '--test', '1', '--hidden', '4', '--iterations', '1', '--out', 'x.json'], /--test must be in \[0, 1\)/],
    [['train', '--task', 'series', '--data', 'short.csv', '--columns', 'nope', '--hidden', '4', '--iterations', '1', '--out', 'x.json'], /no column "nope"/],
    [['train', '--task', 'series', '--data', 'short.csv', '--batch', '4', '--hidden', '4', '--iterations', '1', '--out', 'x.json'], /^rnn-wasm train: --batch applies to --task text, not to --task series \(which trains in shuffled batches of 8 windows\)\n$/],
    [['forecast', '--model', 'classes.json', '--data', 'short.csv', '--steps', '2'], /does not forecast/],
  ])('%o is refused with exit code 2 and one line', (args, message) => {
    writeFileSync(at('words.csv'), 'a,b\nx,y\nz,w\n');
    writeFileSync(at('short.csv'), 'v\n1\n2\n3\n4\n5\n');
    writeFileSync(at('classes.json'), JSON.stringify(new RNN(1, 3, 1, { backend: 'ts' })));
    const run = cli(...args);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe('the CSV of a series', () => {
  it('a header when a field of the first line is not a number; numeric columns only, or those named', () => {
    expect(parseSeriesCsv('f', 'month,v\n1949-01,112\n1949-02,118\n')).toEqual({ names: ['v'], rows: [[112], [118]] });
    expect(parseSeriesCsv('f', '1,2\n3,4\n\n')).toEqual({ names: ['column 1', 'column 2'], rows: [[1, 2], [3, 4]] });
    expect(parseSeriesCsv('f', 'a,b,c\n1,2,3\r\n4,5,6\n', ['c', 'a'])).toEqual({ names: ['c', 'a'], rows: [[3, 1], [6, 4]] });
    expect(() => parseSeriesCsv('f', 'a,b\n1,2\n3\n')).toThrow(/row 2 has 1 fields, the header 2/);
    expect(() => parseSeriesCsv('f', 'a,b\n1,2\n3,x\n', ['b'])).toThrow(/row 2, column b: "x" is not a number/);
  });
});
