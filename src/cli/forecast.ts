// rnn-wasm forecast: continues a series with a model trained with --task series, in the series'
// units (the model file keeps the scaler fitted on its training part).
import { integer, required, UsageError, choice, type Command, type Values } from './args.js';
import { readModel } from './model-io.js';
import { readSeriesCsv } from './series.js';
import type { CliMeta } from './train.js';

async function run(values: Values): Promise<void> {
  const path = required(values, 'model');
  const data = required(values, 'data');
  const steps = integer('steps', required(values, 'steps'), 0, 1_000_000);
  const backend = choice('backend', (values.backend as string | undefined) ?? 'wasm', ['wasm', 'ts'] as const);
  const { rnn, meta } = await readModel('model', path, backend);
  if (rnn.output !== 'linear' || rnn.inputDim !== rnn.outputDim) {
    throw new UsageError(`--model ${path} does not forecast: it needs a linear output and as many inputs as outputs (train it with --task series)`);
  }
  const task = (meta as Partial<CliMeta> | undefined)?.task;
  const kept = task?.task === 'series' && Array.isArray(task.columns) && task.columns.every((c) => typeof c === 'string') ? (task.columns as string[]) : undefined;
  const wanted = values.columns === undefined ? kept : (values.columns as string).split(',').map((c) => c.trim());
  const { names, rows } = await readSeriesCsv('data', data, wanted);
  if (names.length !== rnn.inputDim) {
    throw new UsageError(`--data ${data}: ${names.length} column(s) (${names.join(', ')}), the model forecasts ${rnn.inputDim}; name them with --columns`);
  }
  const forecast = rnn.forecast(rows, steps);
  const lines = [names.join(','), ...forecast.map((y) => Array.from(y, (v) => String(v)).join(','))];
  process.stdout.write(`${lines.join('\n')}\n`);
}

export const forecast: Command = {
  name: 'forecast',
  summary: 'continue a series with a model trained on --task series',
  options: {
    model: { type: 'string' },
    data: { type: 'string' },
    steps: { type: 'string' },
    columns: { type: 'string' },
    backend: { type: 'string' },
  },
  help: `Usage: rnn-wasm forecast --model MODEL.json --data FILE.csv --steps N [--columns A,B]

Runs the model over every row of the series in FILE.csv, then feeds each output back as the next
input, for N steps; prints them as CSV (a header of the column names, then one row per step), in
the series' units.

  --model MODEL.json   a model trained with --task series (its file keeps the scaler)
  --data FILE.csv      the series so far, in the CSV format of train --task series
  --steps N            steps to forecast
  --columns A,B        the columns to read (default: those the model was trained on)
  --backend NAME       wasm (default) or ts
  -h, --help           show this help
`,
  run,
};
