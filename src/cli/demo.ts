// rnn-wasm demo: the notebook's experiments, as `npm start` runs them.
import type { BackendName } from '../rnn.js';
import { runNotebookExperiments } from '../experiments.js';
import { choice, integer, number, type Command, type Values } from './args.js';

async function run(values: Values): Promise<number> {
  const options = {
    iterations: values.iterations === undefined ? undefined : integer('iterations', values.iterations as string, 0, 1e7),
    learningRate: values.lr === undefined ? undefined : number('lr', values.lr as string, 0),
    seed: values.seed === undefined ? undefined : integer('seed', values.seed as string, 0),
    backend: values.backend === undefined ? undefined : choice<BackendName>('backend', values.backend as string, ['wasm', 'ts']),
  };
  const results = await runNotebookExperiments(Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)));
  return results.some((r) => r.solvedAt === null) ? 1 : 0;
}

export const demo: Command = {
  name: 'demo',
  summary: "run the notebook's experiments (what npm start runs)",
  options: { iterations: { type: 'string' }, lr: { type: 'string' }, seed: { type: 'string' }, backend: { type: 'string' } },
  help: `Usage: rnn-wasm demo [--iterations N] [--lr X] [--seed S] [--backend wasm|ts]

Trains each of the notebook's experiments (constant 0, 1, 2; periodic [0,1]; periodic [0,1,2];
identity with a delay of one step), prints the predictions before and after training and a table
of how many iterations each needed. Exits with 1 if an experiment never got every prediction right.

  --iterations N    iterations per experiment (default 1000)
  --lr X            Rprop's initial step (default 0.01)
  --seed S          an integer seed (default 1)
  --backend NAME    wasm (default) or ts
  -h, --help        show this help
`,
  run,
};
