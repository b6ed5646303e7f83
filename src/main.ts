// `npm start`: the notebook's experiments on the wasm backend.
import { runNotebookExperiments } from './experiments.js';

const results = await runNotebookExperiments();
if (results.some((r) => r.solvedAt === null)) process.exitCode = 1;
