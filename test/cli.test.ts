// The rnn-wasm command, run as a child process from the compiled dist/ (npm test builds it first):
// every subcommand with good arguments, checked against the library, and with bad ones, which must
// end with exit code 2 and one line on stderr, no stack trace.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_LEARNING_RATES, identityDataset, periodicDataset, RNN, textDataset, type ModelFile, type ModelFileV2 } from '../src/index.js';
import { BACKEND_NAMES, paramBits } from './helpers.js';

const CLI = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'rnn-wasm-cli-'));
const at = (name: string): string => join(dir, name);

function cli(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  return cliWith([], ...args);
}

/** Runs the command with options for node itself (a smaller heap, say). */
function cliWith(nodeOptions: string[], ...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const run = spawnSync(process.execPath, [...nodeOptions, CLI, ...args], { cwd: dir, encoding: 'utf8' });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** Runs a command that must succeed, and returns its output. */
function ok(...args: string[]): string {
  const run = cli(...args);
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  return run.stdout;
}

const readModelFile = (name: string): ModelFile => JSON.parse(readFileSync(at(name), 'utf8'));
const loadBits = async (name: string): Promise<string> => paramBits(await RNN.fromJSON(readFileSync(at(name), 'utf8'), { backend: 'ts' }));

beforeAll(() => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run 'npm run build' first (npm test does)`);
  writeFileSync(at('data.json'), JSON.stringify({ xs: [[1, 0], [0, 1], [1, 0], [0, 1]], targets: [1, 0, 1, 2], outputDim: 3 }));
  writeFileSync(at('data3.json'), JSON.stringify({ xs: [[0, 0, 1], [1, 0, 0], [0, 1, 0]], targets: [2, 0, 1] }));
  writeFileSync(at('ragged.json'), JSON.stringify({ xs: [[1, 0], [0, 1, 0]], targets: [0, 1] }));
  writeFileSync(at('broken.json'), '{"xs": [[1, 0]');
  writeFileSync(at('model.json'), JSON.stringify(new RNN(3, 4, 3, { backend: 'ts', seed: 1 })));
  writeFileSync(at('text.txt'), 'abcabd abcabd abcabd '.repeat(3));
  writeFileSync(at('short.txt'), 'a');
  ok('train', '--task', 'text', '--text', 'text.txt', '--seq-length', '5', '--hidden', '6', '--iterations', '3', '--out', 'text-model.json', '--quiet');
  writeFileSync(at('v3.json'), JSON.stringify({ ...new RNN(1, 1, 1, { backend: 'ts' }).toJSON(), version: 3 }));
});

describe('rnn-wasm help', () => {
  it.each(['train', 'predict', 'sample', 'forecast', 'export', 'demo'])('%s --help prints its usage and exits 0', (command) => {
    expect(ok(command, '--help')).toMatch(new RegExp(`^Usage: rnn-wasm ${command} `));
    expect(ok(command, '-h')).toMatch(new RegExp(`^Usage: rnn-wasm ${command} `));
  });

  it('--help lists the commands; --version prints the package version', () => {
    expect(ok('--help')).toMatch(/Commands:\n {2}train .*\n {2}predict .*\n {2}sample .*\n {2}forecast .*\n {2}export .*\n {2}demo /);
    expect(ok('--version').trim()).toBe(JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version);
  });

  it('no command prints the usage on stderr and exits 2', () => {
    const run = cli();
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^Usage: rnn-wasm COMMAND/);
  });
});

describe.each(BACKEND_NAMES)('rnn-wasm train, predict and export on %s', (backend) => {
  const name = (file: string): string => `${backend}-${file}`;

  it('train saves the model the library trains with the same seed, bit for bit, and reports it', async () => {
    const out = ok('train', '--task', 'periodic', '--pattern', '0,1', '--hidden', '6', '--iterations', '120', '--seed', '7', '--backend', backend, '--out', name('periodic.json'));
    expect(out).toMatch(/^task periodic \{"pattern":\[0,1\],"length":10,"dim":3\}: a 3-6-3 model on the \w+ backend\ntraining: rprop from lr 0.01 \(the default for one sequence\)$/m);
    expect(out).toMatch(/^trained 120 iterations \(120 in all\) in [\d.]+ s, [\d.]+k? sequences\/s: loss [\d.e+-]+ -> [\d.e+-]+$/m);
    expect(out).toMatch(/^predictions right: \d+ of 10$/m);
    expect(out).toMatch(/iterations 1 to 120, log scale/);
    const { xs, targets } = periodicDataset([0, 1], 10, 3);
    const rnn = await RNN.create(3, 6, 3, { seed: '7', backend });
    const { loss } = rnn.train(xs, targets, 120, 0.01);
    expect(await loadBits(name('periodic.json'))).toBe(paramBits(rnn));
    const file = readModelFile(name('periodic.json'));
    expect(file.meta).toEqual({
      task: { task: 'periodic', pattern: [0, 1], length: 10, dim: 3 },
      training: { optimizer: 'rprop', learningRate: 0.01, iterations: 120, updates: 120, loss },
    });
  });

  it('train --cell lstm --layers 2 saves the gated model the library trains, and resumes it exactly', async () => {
    const common = ['--task', 'identity', '--delay', '2', '--hidden', '5', '--cell', 'lstm', '--layers', '2', '--optimizer', 'adam', '--backend', backend];
    const out = ok('train', ...common, '--iterations', '30', '--out', name('lstm.json'));
    expect(out).toMatch(/: a 2-layer lstm 3-5-3 model on the \w+ backend$/m);
    const { xs, targets } = identityDataset(10, 3, { seed: '1', delay: 2 });
    const rnn = await RNN.create(3, 5, 3, { seed: '1', backend, cell: 'lstm', layers: 2 });
    rnn.train(xs, targets, { iterations: 30, optimizer: 'adam', learningRate: DEFAULT_LEARNING_RATES.adam });
    expect(await loadBits(name('lstm.json'))).toBe(paramBits(rnn));
    ok('train', ...common, '--iterations', '12', '--out', name('lstm-12.json'), '--quiet');
    ok('train', '--resume', name('lstm-12.json'), '--iterations', '18', '--backend', backend, '--out', name('lstm-30.json'), '--quiet');
    expect(await loadBits(name('lstm-30.json'))).toBe(await loadBits(name('lstm.json')));
    expect((readModelFile(name('lstm-30.json')) as ModelFileV2).model).toMatchObject({ cell: 'lstm', layers: 2 });
  });

  it('train 40, then train --resume 25, equals train 65, bit for bit', async () => {
    const common = ['--task', 'identity', '--length', '8', '--dim', '4', '--hidden', '7', '--backend', backend];
    ok('train', ...common, '--iterations', '65', '--out', name('whole.json'), '--quiet');
    ok('train', ...common, '--iterations', '40', '--out', name('first.json'), '--quiet');
    const out = ok('train', '--resume', name('first.json'), '--iterations', '25', '--backend', backend, '--out', name('resumed.json'));
    expect(out).toMatch(/trained 25 iterations \(65 in all\)/);
    expect(await loadBits(name('resumed.json'))).toBe(await loadBits(name('whole.json')));
    expect(readModelFile(name('resumed.json')).optimizer).toEqual(readModelFile(name('whole.json')).optimizer);
  });

  it('train --optimizer adam saves what the library trains with adam and its default learning rate', async () => {
    ok('train', '--task', 'periodic', '--hidden', '5', '--iterations', '40', '--optimizer', 'adam', '--backend', backend, '--out', name('adam.json'), '--quiet');
    const { xs, targets } = periodicDataset([0, 1, 2], 10, 3);
    const rnn = await RNN.create(3, 5, 3, { seed: '1', backend });
    rnn.train(xs, targets, { iterations: 40, optimizer: 'adam' });
    expect(await loadBits(name('adam.json'))).toBe(paramBits(rnn));
    expect(readModelFile(name('adam.json')).meta).toMatchObject({ training: { optimizer: 'adam', learningRate: DEFAULT_LEARNING_RATES.adam } });
  });

  it('--task text --batch 1 trains over the chunks as one stream, samples, and resumes exactly', async () => {
    const common = ['--backend', backend, '--optimizer', 'adagrad', '--batch', '1'];
    const out = ok('train', '--task', 'text', '--text', 'text.txt', '--seq-length', '5', '--hidden', '8', '--iterations', '6', ...common, '--out', name('text-first.json'));
    expect(out).toMatch(/^task text text.txt: 63 characters of 5 kinds, in chunks of 5: a 5-8-5 model/);
    expect(out).toMatch(/^trained 6 epochs \(6 in all\)/m);
    expect(readModelFile(name('text-first.json')).meta).toMatchObject({ training: { batch: 1, iterations: 6, updates: 6 * 13 } });
    expect(out).toMatch(/epochs 1 to 6, loss per character, log scale/);
    expect(out).toMatch(/^sample: "a[abcd ]{80}"$/m);
    // A model file cannot make the command read a file: the text is named again to resume.
    ok('train', '--resume', name('text-first.json'), '--task', 'text', '--text', 'text.txt', '--seq-length', '5', '--iterations', '4', ...common, '--out', name('text-resumed.json'), '--quiet');
    ok('train', '--task', 'text', '--text', 'text.txt', '--seq-length', '5', '--hidden', '8', '--iterations', '10', ...common, '--out', name('text-whole.json'), '--quiet');
    expect(await loadBits(name('text-resumed.json'))).toBe(await loadBits(name('text-whole.json')));
    const text = textDataset(readFileSync(at('text.txt'), 'utf8'), 5);
    const rnn = await RNN.create(text.vocab.length, 8, text.vocab.length, { seed: '1', backend });
    rnn.fit(text.sequences, { epochs: 10, carryState: true, optimizer: 'adagrad' });
    expect(await loadBits(name('text-whole.json'))).toBe(paramBits(rnn));

    const sampled = ok('sample', '--model', name('text-whole.json'), '--length', '30', '--seed', '3', '--temperature', '0.5', '--backend', backend).trimEnd();
    const start = text.encode('a')[0];
    expect(sampled).toBe(text.decode([start, ...rnn.sample(start, 30, { seed: '3', temperature: 0.5 })]));
    expect(ok('sample', '--model', name('text-whole.json'), '--length', '4', '--start', ' ', '--backend', backend)).toMatch(/^ [abcd ]{4}\n$/);
  });

  it('train --resume without --optimizer or --lr continues with the optimiser and rate the file was trained with', async () => {
    const text = ['--task', 'text', '--text', 'text.txt', '--seq-length', '5', '--hidden', '8', '--backend', backend];
    ok('train', ...text, '--iterations', '4', '--optimizer', 'adagrad', '--lr', '0.05', '--out', name('ada-first.json'), '--quiet');
    // The text file is named again (a model file cannot make the command read a file); no --optimizer, no --lr.
    const out = ok('train', '--resume', name('ada-first.json'), '--task', 'text', '--text', 'text.txt', '--seq-length', '5', '--iterations', '3', '--backend', backend, '--out', name('ada-resumed.json'));
    expect(out).toMatch(new RegExp(`^training: adagrad at lr 0.05, as ${name('ada-first.json')} was trained$`, 'm'));
    ok('train', ...text, '--iterations', '7', '--optimizer', 'adagrad', '--lr', '0.05', '--out', name('ada-whole.json'), '--quiet');
    expect(await loadBits(name('ada-resumed.json'))).toBe(await loadBits(name('ada-whole.json')));
    expect(readModelFile(name('ada-resumed.json')).meta).toMatchObject({ training: { optimizer: 'adagrad', learningRate: 0.05, batch: 16, iterations: 7 } });

    // The same for one sequence, trained with adam.
    const periodic = ['--task', 'periodic', '--hidden', '5', '--backend', backend, '--optimizer', 'adam'];
    ok('train', ...periodic, '--iterations', '20', '--out', name('adam-first.json'), '--quiet');
    ok('train', '--resume', name('adam-first.json'), '--iterations', '15', '--backend', backend, '--out', name('adam-resumed.json'), '--quiet');
    ok('train', ...periodic, '--iterations', '35', '--out', name('adam-whole.json'), '--quiet');
    expect(await loadBits(name('adam-resumed.json'))).toBe(await loadBits(name('adam-whole.json')));
  });

  it('train --resume says what a flag changes: --lr keeps the optimiser, --optimizer starts another', () => {
    ok('train', '--task', 'periodic', '--hidden', '5', '--iterations', '5', '--optimizer', 'adam', '--backend', backend, '--out', name('switch.json'), '--quiet');
    const faster = ok('train', '--resume', name('switch.json'), '--iterations', '2', '--lr', '0.002', '--backend', backend, '--out', name('switch-lr.json'));
    expect(faster).toMatch(new RegExp(`^training: adam at lr 0.002 \\(--lr; ${name('switch.json')} was trained at lr 0.001\\)$`, 'm'));
    const other = ok('train', '--resume', name('switch.json'), '--iterations', '2', '--optimizer', 'sgd', '--backend', backend, '--out', name('switch-sgd.json'));
    expect(other).toMatch(new RegExp(`^training: sgd from lr 0.01 \\(--optimizer; ${name('switch.json')} was trained with adam, whose state is not carried over\\)$`, 'm'));
    expect(readModelFile(name('switch-sgd.json')).meta).toMatchObject({ training: { optimizer: 'sgd', learningRate: 0.01, iterations: 7 } });
  });

  it('--task text trains with adam by default and shows the loss per character beside log V', async () => {
    const out = ok('train', '--task', 'text', '--text', 'text.txt', '--seq-length', '5', '--hidden', '8', '--iterations', '6', '--backend', backend, '--out', name('text-default.json'));
    const source = readFileSync(at('text.txt'), 'utf8');
    // 62 characters to predict are 13 chunks of 5: too few for two streams of 8, so one stream.
    const text = textDataset(source, 5);
    const V = text.vocab.length;
    const rnn = await RNN.create(V, 8, V, { seed: '1', backend });
    const { losses } = rnn.fit(text.sequences, { epochs: 6, carryState: true, optimizer: 'adam' });
    expect(await loadBits(name('text-default.json'))).toBe(paramBits(rnn));
    expect(readModelFile(name('text-default.json')).meta).toMatchObject({ training: { optimizer: 'adam', learningRate: DEFAULT_LEARNING_RATES.adam, batch: 16, iterations: 6, updates: 6 * 13 } });
    // The first line names the text, not its vocabulary, and how its chunks are batched.
    expect(out.split('\n')[0]).toBe(`task text text.txt: ${source.length} characters of ${V} kinds, in chunks of 5, one stream, a chunk per update (not 16: the most streams of 8 chunks or more that leave out at most 1 in 50 chunks): a ${V}-8-${V} model on the ${backend} backend`);
    expect(out).toMatch(/^training: adam from lr 0.001 \(the default for a text\)$/m);
    const chars = source.length - 1;
    const perChar = (loss: number): string => ((loss * text.sequences.length) / chars).toFixed(3);
    expect(out).toMatch(new RegExp(`^trained 6 epochs \\(6 in all\\) in [\\d.]+ s, [\\d.]+k? characters/s: loss ${perChar(losses[0])} -> ${perChar(losses[5])} per character \\(log V = ${Math.log(V).toFixed(3)} is a uniform guess\\)$`, 'm'));
    expect(out).toMatch(new RegExp(`\\|[-*]+ log V = ${Math.log(V).toFixed(3)}, a uniform guess$`, 'm'));
  });

  it('--batch N reads a text as N streams, and a model resumes in batches of another size', async () => {
    // 640 characters to predict: 128 chunks of 5, 8 for each of the 16 streams of the default batch.
    const source = 'abcabd abcabd abcabd '.repeat(31).slice(0, 641);
    writeFileSync(at(name('streams.txt')), source);
    const text = ['--task', 'text', '--text', name('streams.txt'), '--seq-length', '5'];
    const common = ['--backend', backend, '--optimizer', 'adagrad'];
    ok('train', ...text, '--hidden', '8', '--iterations', '3', ...common, '--batch', '1', '--out', name('batch-first.json'), '--quiet');
    const out = ok('train', '--resume', name('batch-first.json'), ...text, '--iterations', '2', ...common, '--batch', '4', '--out', name('batch-resumed.json'));
    expect(out.split('\n')[0]).toBe(`task text ${name('streams.txt')}: 641 characters of 5 kinds, in chunks of 5, 4 streams of 32 chunks side by side, a batch of 4 per update: the 5-8-5 model of ${name('batch-first.json')} (3 epochs so far) on the ${backend} backend`);
    expect(out).toMatch(/^trained 2 epochs \(5 in all\) in [\d.]+ s, [\d.]+k? characters\/s: loss /m);
    const rnn = await RNN.create(5, 8, 5, { seed: '1', backend });
    rnn.fit(textDataset(source, 5).sequences, { epochs: 3, carryState: true, optimizer: 'adagrad' });
    rnn.fit(textDataset(source, 5, { streams: 4 }).sequences, { epochs: 2, carryState: true, batchSize: 4, optimizer: 'adagrad' });
    expect(await loadBits(name('batch-resumed.json'))).toBe(paramBits(rnn));
    // Updates are counted as made: 128 an epoch one chunk at a time, then 32 in batches of 4.
    const file = readModelFile(name('batch-resumed.json'));
    expect(file.meta).toMatchObject({ training: { batch: 4, iterations: 5, updates: 3 * 128 + 2 * 32 } });
    expect(file.optimizer.info.steps).toBe(3 * 128 + 2 * 32);

    // Without --batch a resumed model keeps its file's; a file that records none was trained one chunk at a time.
    const again = ok('train', '--resume', name('batch-resumed.json'), ...text, '--iterations', '1', '--backend', backend, '--out', name('batch-again.json'));
    expect(again.split('\n')[0]).toMatch(/, in chunks of 5, 4 streams of 32 chunks side by side, a batch of 4 per update: /);
    const { batch: _, ...older } = (file.meta as { training: Record<string, unknown> }).training;
    writeFileSync(at(name('batch-older.json')), JSON.stringify({ ...file, meta: { ...(file.meta as object), training: older } }));
    const old = ok('train', '--resume', name('batch-older.json'), ...text, '--iterations', '1', '--backend', backend, '--out', name('batch-old.json'));
    expect(old.split('\n')[0]).toMatch(/, in chunks of 5: the 5-8-5 model/);
    // A file's batch is untrusted, as the rest of it is.
    writeFileSync(at(name('batch-bad.json')), JSON.stringify({ ...file, meta: { ...(file.meta as object), training: { ...older, batch: 1e9 } } }));
    const bad = cli('train', '--resume', name('batch-bad.json'), ...text, '--iterations', '1', '--backend', backend, '--out', name('batch-bad-out.json'));
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe(`rnn-wasm train: --resume ${name('batch-bad.json')}: meta.training.batch must be an integer in [1, 65536], got 1000000000\n`);
    // A new model: the default batch of 16.
    const fresh = ok('train', ...text, '--hidden', '8', '--iterations', '2', '--backend', backend, '--out', name('batch-default.json'));
    expect(fresh.split('\n')[0]).toMatch(/, in chunks of 5, 16 streams of 8 chunks side by side, a batch of 16 per update: a 5-8-5 model/);
    expect(fresh).toMatch(/^training: adam from lr 0.004 \(the default for a text in batches of 16, 0.001 x sqrt\(16\)\)$/m);
    expect(readModelFile(name('batch-default.json')).meta).toMatchObject({ training: { optimizer: 'adam', learningRate: 0.004, batch: 16, updates: 2 * 8 } });
    const data = textDataset(source, 5, { streams: 16 });
    const batched = await RNN.create(5, 8, 5, { seed: '1', backend });
    const { losses } = batched.fit(data.sequences, { epochs: 2, carryState: true, batchSize: 16, optimizer: 'adam', learningRate: 0.004 });
    expect(await loadBits(name('batch-default.json'))).toBe(paramBits(batched));
    const perChar = (loss: number): string => ((loss * 128) / 640).toFixed(3);
    expect(fresh).toMatch(new RegExp(`^trained 2 epochs \\(2 in all\\) in [\\d.]+ s, [\\d.]+k? characters/s: loss ${perChar(losses[0])} -> ${perChar(losses[1])} per character `, 'm'));
  });

  it('--workers N computes each batch in N workers: the same bits for every N, those of fitAsync with workers', async () => {
    const source = 'abcabd abcabd abcabd '.repeat(31).slice(0, 641);
    writeFileSync(at(name('workers.txt')), source);
    const text = ['--task', 'text', '--text', name('workers.txt'), '--seq-length', '5', '--hidden', '8', '--iterations', '2', '--backend', backend];
    const two = ok('train', ...text, '--workers', '2', '--out', name('workers-2.json'));
    expect(two).toMatch(/^training: adam from lr 0.004 \(the default for a text in batches of 16, 0.001 x sqrt\(16\)\), each batch in 2 workers \(shards of 4 sequences\)$/m);
    ok('train', ...text, '--workers', '3', '--out', name('workers-3.json'), '--quiet');
    ok('train', ...text, '--workers', '1', '--out', name('workers-1.json'), '--quiet');
    const rnn = await RNN.create(5, 8, 5, { seed: '1', backend, input: 'index' });
    await rnn.fitAsync(textDataset(source, 5, { streams: 16, input: 'index' }).sequences, {
      epochs: 2, carryState: true, batchSize: 16, optimizer: 'adam', learningRate: 0.004, workers: 2, shardSize: 4,
    });
    for (const n of [1, 2, 3]) expect(await loadBits(name(`workers-${n}.json`)), `--workers ${n}`).toBe(paramBits(rnn));

    const zero = cli('train', ...text, '--workers', '0', '--out', name('workers-0.json'));
    expect(zero.code).toBe(2);
    expect(zero.stderr).toMatch(/--workers must be an integer in \[1, 256\]/);
    const sequence = cli('train', '--task', 'periodic', '--hidden', '4', '--iterations', '2', '--workers', '2', '--out', name('workers-seq.json'));
    expect(sequence.code).toBe(2);
    expect(sequence.stderr).toBe('rnn-wasm train: --workers applies to --task text and --task series, which train on many sequences in batches, not to --task periodic\n');
  });

  it('predict --string runs a text model on characters, each prediction against the next one', async () => {
    const rnn = await RNN.fromJSON(readFileSync(at(name('text-whole.json')), 'utf8'), { backend });
    const text = textDataset(readFileSync(at('text.txt'), 'utf8'), 5);
    const ids = text.encode('abcab d');
    expect(rnn.input).toBe('index'); // a text model reads character ids
    const predicted = rnn.forward(ids).map((p) => p.indexOf(Math.max(...p)));
    const right = predicted.slice(0, -1).filter((p, t) => p === ids[t + 1]).length;
    expect(ok('predict', '--model', name('text-whole.json'), '--string', 'abcab d', '--backend', backend)).toBe(
      `input:       "abcab d"\npredictions: ${JSON.stringify(text.decode(predicted))}\ntargets:     "bcab d"\nright: ${right} of 6\n`,
    );
    const json = JSON.parse(ok('predict', '--model', name('text-whole.json'), '--string', 'ab', '--json', '--backend', backend));
    expect(json).toMatchObject({ predictions: predicted.slice(0, 2), text: text.decode(predicted.slice(0, 2)), targets: [ids[1]] });
  });

  it('a reader that stops early (| head -1) does not stop the run: the model is still written', () => {
    const command = `"${process.execPath}" "${CLI}" train --task periodic --hidden 4 --iterations 50 --backend ${backend} --out ${name('piped.json')} | head -1`;
    const run = spawnSync('bash', ['-o', 'pipefail', '-c', command], { cwd: dir, encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^task periodic .*\n$/);
    expect(readModelFile(name('piped.json')).meta).toMatchObject({ training: { iterations: 50 } });
  });

  it('--quiet prints nothing', () => {
    expect(ok('train', '--task', 'constant', '--value', '2', '--hidden', '3', '--iterations', '5', '--backend', backend, '--out', name('constant.json'), '--quiet')).toBe('');
  });

  it('train --data learns the sequence of a data file', async () => {
    ok('train', '--data', 'data.json', '--hidden', '5', '--iterations', '30', '--backend', backend, '--out', name('data-model.json'), '--quiet');
    const rnn = await RNN.create(2, 5, 3, { seed: '1', backend });
    rnn.train([[1, 0], [0, 1], [1, 0], [0, 1]], [1, 0, 1, 2], 30, 0.01);
    expect(await loadBits(name('data-model.json'))).toBe(paramBits(rnn));
  });

  it('predict runs the model on its own task, or on --input, --pattern, --ones or --data', async () => {
    ok('train', '--task', 'identity', '--hidden', '8', '--iterations', '60', '--backend', backend, '--out', name('identity.json'), '--quiet');
    const rnn = await RNN.fromJSON(readFileSync(at(name('identity.json')), 'utf8'), { backend });
    const predictions = (xs: ArrayLike<ArrayLike<number>>): number[] => {
      rnn.resetHistory();
      return rnn.predict(xs);
    };
    const { xs, targets } = identityDataset(10, 3, { seed: '1', delay: 1 });
    const own = ok('predict', '--model', name('identity.json'), '--backend', backend);
    const right = predictions(xs).filter((p, t) => p === targets[t]).length;
    expect(own).toBe(`predictions: [${predictions(xs).join(', ')}]\ntargets:     [${targets.join(', ')}]\nright: ${right} of 10\n`);

    const json = (...args: string[]) => JSON.parse(ok('predict', '--model', name('identity.json'), '--backend', backend, '--json', ...args));
    const input = [[0.5, 0, 1], [1, 1, 1]];
    expect(json('--input', JSON.stringify(input)).predictions).toEqual(predictions(input));
    expect(json('--pattern', '2,0,1').predictions).toEqual(predictions([[0, 0, 1], [1, 0, 0], [0, 1, 0]]));
    const ones = json('--ones', '3');
    expect(ones.predictions).toEqual(predictions([[1, 1, 1], [1, 1, 1], [1, 1, 1]]));
    rnn.resetHistory();
    expect(ones.probabilities).toEqual(rnn.forward([[1, 1, 1], [1, 1, 1], [1, 1, 1]]).map((p) => Array.from(p)));
    const fromData = json('--data', 'data3.json');
    expect(fromData.targets).toEqual([2, 0, 1]);
    expect(fromData.predictions).toEqual(predictions([[0, 0, 1], [1, 0, 0], [0, 1, 0]]));
  });

  it('export writes safetensors that load back to the same parameters', async () => {
    ok('train', '--task', 'constant', '--hidden', '4', '--iterations', '10', '--backend', backend, '--out', name('export.json'), '--quiet');
    const out = ok('export', '--model', name('export.json'), '--out', name('export.safetensors'));
    expect(out).toMatch(/torch.nn.RNN\(3, 4\) as rnn \+ torch.nn.Linear\(4, 3\) as fc/);
    const loaded = await RNN.fromSafetensors(readFileSync(at(name('export.safetensors'))), { backend: 'ts' });
    expect(paramBits(loaded)).toBe(await loadBits(name('export.json')));
  });

  it('export --format onnx writes a model that ONNX Runtime runs to the model\'s outputs', async () => {
    ok('train', '--task', 'periodic', '--cell', 'lstm', '--layers', '2', '--hidden', '4', '--iterations', '5', '--backend', backend, '--out', name('onnx.json'), '--quiet');
    const out = ok('export', '--model', name('onnx.json'), '--out', name('model.bin'), '--format', 'onnx');
    expect(out).toBe(`wrote ${name('model.bin')}: ONNX opset 14, 2 LSTM layer(s) of 4 and a softmax output; input x float32 [T, N, 3], output y float32 [T, N, 3]\n`);
    const rnn = await RNN.fromJSON(readFileSync(at(name('onnx.json')), 'utf8'), { backend: 'ts' });
    const xs = [[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 0, 0]];
    const session = await ort.InferenceSession.create(readFileSync(at(name('model.bin'))), { logSeverityLevel: 3 });
    const { y } = await session.run({ x: new ort.Tensor('float32', new Float32Array(xs.flat()), [4, 1, 3]) });
    const want = rnn.forward(xs).flatMap((p) => Array.from(p));
    const got = Array.from(y.data as Float32Array);
    expect(got.length).toBe(want.length);
    got.forEach((v, i) => expect(Math.abs(v - want[i])).toBeLessThan(1e-5)); // float32, as test/onnx.test.ts
  });

  it('export picks ONNX for an .onnx file, safetensors otherwise, and --format safetensors says which torch module', async () => {
    ok('train', '--task', 'periodic', '--cell', 'gru', '--layers', '2', '--hidden', '4', '--iterations', '5', '--backend', backend, '--out', name('gru.json'), '--quiet');
    expect(ok('export', '--model', name('gru.json'), '--out', name('gru.onnx'))).toMatch(/: ONNX opset 14, 2 GRU layer\(s\) of 4/);
    expect(readFileSync(at(name('gru.onnx')))).toEqual(Buffer.from((await RNN.fromJSON(readFileSync(at(name('gru.json')), 'utf8'), { backend: 'ts' })).toONNX()));
    expect(ok('export', '--model', name('gru.json'), '--out', name('gru.st'), '--format', 'safetensors'))
      .toMatch(/safetensors, F64, the state_dict of torch.nn.GRU\(3, 4, num_layers=2\) as rnn \+ torch.nn.Linear\(4, 3\) as fc/);
    const loaded = await RNN.fromSafetensors(readFileSync(at(name('gru.st'))), { backend: 'ts' });
    expect(paramBits(loaded)).toBe(await loadBits(name('gru.json')));
  });
});

describe('rnn-wasm train, interrupted', () => {
  it('Ctrl-C (SIGINT) stops training, saves the model so far and exits 130', async () => {
    const child = spawn(process.execPath, [CLI, 'train', '--task', 'periodic', '--hidden', '4', '--iterations', '1000000', '--out', 'interrupted.json'], { cwd: dir });
    let stdout = '', stderr = '', sent = false;
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      // The first line is printed once Ctrl-C is handled; a second Ctrl-C would end the process.
      if (!sent && /^task /.test(stdout)) {
        sent = true;
        child.kill('SIGINT');
      }
    });
    const code = await new Promise((resolve) => child.on('close', resolve));
    expect(code).toBe(130);
    const message = /^rnn-wasm train: interrupted after (\d+) iterations; interrupted.json holds the model after them \(continue with --resume interrupted.json\)\n$/.exec(stderr);
    expect(message, stderr).not.toBeNull();
    const file = readModelFile('interrupted.json');
    expect((file.meta as { training: { iterations: number } }).training.iterations).toBe(Number(message![1]));
    await expect(RNN.fromJSON(file, { backend: 'ts' })).resolves.toBeInstanceOf(RNN);
  });
});

describe('rnn-wasm train --task text, interrupted in an epoch', () => {
  it('reports the updates made and saved, not "0 epochs"', async () => {
    // An epoch of this text takes seconds, and the first slice of training (at least one chunk)
    // runs before Ctrl-C can be handled: the signal lands inside the first epoch.
    writeFileSync(at('long.txt'), 'abcd abdc acbd '.repeat(40_000));
    const child = spawn(process.execPath, [CLI, 'train', '--task', 'text', '--text', 'long.txt', '--hidden', '32', '--iterations', '3', '--out', 'long.json'], { cwd: dir });
    let stdout = '', stderr = '', sent = false;
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      if (!sent && /^task /.test(stdout)) {
        sent = true;
        child.kill('SIGINT');
      }
    });
    const code = await new Promise((resolve) => child.on('close', resolve));
    expect(code).toBe(130);
    const message = /^rnn-wasm train: interrupted in epoch 1, after ([\d,]+) updates; long.json holds the model after them \(continue with --resume long.json\)\n$/.exec(stderr);
    expect(message, stderr).not.toBeNull();
    const updates = Number(message![1].replaceAll(',', ''));
    expect(updates).toBeGreaterThan(0);
    // Its 24,000 chunks are 16 streams of 1,500: each update trains one chunk of each.
    expect(stdout).toMatch(/^task text long.txt: 600,000 characters of 5 kinds, in chunks of 25, 16 streams of 1,500 chunks side by side, a batch of 16 per update: /);
    const chunks = (16 * updates).toLocaleString('en-US');
    expect(stdout).toMatch(new RegExp(`^trained 0 epochs and ${chunks} of the 24,000 chunks of epoch 1 \\(0 in all\\) in [\\d.]+ s, [\\d.]+k? characters/s: no epoch completed, so no loss to show, then interrupted$`, 'm'));
    const file = readModelFile('long.json');
    expect(file.meta).toMatchObject({ training: { optimizer: 'adam', batch: 16, iterations: 0, updates } });
    expect(file.optimizer.info.steps).toBe(updates);
  });
});

describe('rnn-wasm train, large models', () => {
  // A 3-1500-3 model's file is 160 MB of JSON once adam has filled its state: more than node's
  // heap of 120 MB could hold as one string beside the model's numbers, so it must be written
  // and read back in pieces. (A 3-5000-3 model's file is more than the longest string V8 makes.)
  const small = '--max-old-space-size=120';

  it('writes a model larger than the heap could hold as one string, and reads it back', { timeout: 0 }, async () => {
    const train = cliWith([small], 'train', '--task', 'periodic', '--hidden', '1500', '--iterations', '1', '--optimizer', 'adam', '--out', 'large.json');
    expect(train.stderr).toBe('');
    expect(train.code).toBe(0);
    expect(train.stdout).toMatch(/^wrote large.json$/m);
    const predict = cliWith([small], 'predict', '--model', 'large.json');
    expect(predict.stderr).toBe('');
    expect(predict.code).toBe(0);
    const { xs, targets } = periodicDataset([0, 1, 2], 10, 3);
    const rnn = await RNN.create(3, 1500, 3, { seed: '1' });
    rnn.train(xs, targets, { iterations: 1, optimizer: 'adam' });
    rnn.resetHistory();
    expect(predict.stdout.split('\n')[0]).toBe(`predictions: [${rnn.predict(xs).join(', ')}]`);
    expect(await loadBits('large.json')).toBe(paramBits(rnn));
  });

  it('refuses, up front and with exit code 2, a model whose file does not fit the heap', () => {
    const run = cliWith(['--max-old-space-size=100'], 'train', '--task', 'periodic', '--hidden', '2000', '--iterations', '1', '--out', 'x.json');
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^rnn-wasm train: --hidden 2000: the file of a 3-2000-3 model takes about 154 MB of memory to write and read back, more than node's heap has free here \(\d+ MB of \d+ MB\); give node more with NODE_OPTIONS=--max-old-space-size=\d+\n$/);
    expect(existsSync(at('x.json'))).toBe(false);
  });
});

describe('rnn-wasm train --task text on a large text', () => {
  it('refuses, with exit code 2 and before training, a --batch whose memory is over the limit', () => {
    let text = '';
    for (let i = 0; text.length < 200_000; i++) text += String.fromCharCode(97 + ((i * 7 + (i >> 3)) % 26));
    writeFileSync(at('wide.txt'), text);
    const run = cli('train', '--task', 'text', '--text', 'wide.txt', '--seq-length', '1', '--hidden', '500', '--iterations', '1', '--batch', '20000', '--out', 'wide.json', '--quiet');
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^rnn-wasm train: --batch 20000: RNN\.fitAsync: .* model in batches of 19999 needs \d+ bytes, more than the limit of \d+\n$/);
    expect(existsSync(at('wide.json'))).toBe(false);
  });

  it('a 2 MB text of 84 kinds trains (its characters are ids: memory follows the text, not text x vocabulary)', () => {
    const kinds = Array.from({ length: 84 }, (_, k) => String.fromCharCode(33 + k)).join('');
    let text = '';
    for (let i = 0; text.length < 2_000_000; i++) text += kinds[(i * 7 + (i >> 3)) % kinds.length];
    writeFileSync(at('two-mb.txt'), text);
    const out = ok('train', '--task', 'text', '--text', 'two-mb.txt', '--seq-length', '50', '--hidden', '4', '--iterations', '1', '--out', 'two-mb.json');
    expect(out).toMatch(/^task text two-mb.txt: 2,000,000 characters of 84 kinds, in chunks of 50, 16 streams of 2,500 chunks side by side, a batch of 16 per update: a 84-4-84 model/m);
    const file = JSON.parse(readFileSync(at('two-mb.json'), 'utf8')) as { version: number; model: { input: string }; inputDim: number };
    expect([file.version, file.model.input, file.inputDim]).toEqual([2, 'index', 84]);
  });
});

describe('rnn-wasm demo', () => {
  it("runs the notebook's experiments as npm start does, and exits 0 when all are solved", () => {
    const out = ok('demo', '--iterations', '200', '--backend', 'ts');
    expect(out).toMatch(/^The notebook's experiments: ts backend, train\(xs, targets, 200, 0.01\), seed 1/);
    for (const task of ['constant 0', 'constant 1', 'constant 2', 'periodic \\[0,1\\]', 'periodic \\[0,1,2\\]', 'identity \\(delay 1\\)']) {
      expect(out).toMatch(new RegExp(`^${task} +\\d+ +\\d\\.\\d{3} +(\\d+|0 \\(right untrained\\)) +\\d\\.\\d{3} +[\\d.]+$`, 'm'));
    }
  });

  it('exits 1 when an experiment is not solved', () => {
    const run = cli('demo', '--iterations', '0', '--backend', 'ts');
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/not in 0/);
  });
});

describe('bad arguments: exit 2, one line on stderr, no stack trace', () => {
  const train = ['train', '--task', 'constant', '--hidden', '3', '--iterations', '2', '--out', 'x.json'];
  const CASES: [string, string[], RegExp][] = [
    ['an unknown command', ['fit'], /^rnn-wasm: unknown command "fit" \(commands: train, predict, sample, forecast, export, demo; see --help\)$/],
    ['an unknown flag', [...train, '--epochs', '3'], /^rnn-wasm train: Unknown option '--epochs'.*\(see --help\)$/],
    ['a stray word', [...train, 'extra'], /^rnn-wasm train: Unexpected argument 'extra'/],
    ['a flag without its value', ['train', '--hidden'], /^rnn-wasm train: Option '--hidden <value>' argument missing/],
    ['no --out', train.slice(0, -2), /^rnn-wasm train: --out is required \(see --help\)$/],
    ['no --iterations', ['train', '--task', 'constant', '--hidden', '3', '--out', 'x.json'], /^rnn-wasm train: --iterations is required/],
    ['no task', ['train', '--hidden', '3', '--iterations', '2', '--out', 'x.json'], /^rnn-wasm train: --task \(one of: constant, periodic, identity, text, series\) or --data is required/],
    ['no --hidden', ['train', '--task', 'constant', '--iterations', '2', '--out', 'x.json'], /^rnn-wasm train: --hidden is required/],
    ['an unknown task', ['train', '--task', 'music', '--hidden', '3', '--iterations', '2', '--out', 'x.json'], /^rnn-wasm train: --task must be one of: constant, periodic, identity, text, series, got "music"$/],
    ['an unknown optimiser', [...train, '--optimizer', 'lbfgs'], /^rnn-wasm train: --optimizer must be one of: rprop, irprop\+, rprop-notebook, sgd, momentum, adagrad, adam, got "lbfgs"$/],
    ['a text task without its text', ['train', '--task', 'text', '--hidden', '3', '--iterations', '2', '--out', 'x.json'], /^rnn-wasm train: --task text needs --text FILE$/],
    ['a text too short', ['train', '--task', 'text', '--text', 'short.txt', '--hidden', '3', '--iterations', '2', '--out', 'x.json'], /^rnn-wasm train: --text short.txt: the text must have at least 2 characters, got 1$/],
    ['--text for another task', [...train, '--text', 'text.txt'], /^rnn-wasm train: --text does not apply to --task constant$/],
    ['--batch for another task', [...train, '--batch', '4'], /^rnn-wasm train: --batch applies to --task text, not to --task constant$/],
    ['--batch 0', ['train', '--task', 'text', '--text', 'text.txt', '--hidden', '3', '--iterations', '2', '--batch', '0', '--out', 'x.json'], /^rnn-wasm train: --batch must be an integer in \[1, 65536\], got "0"$/],
    ['--batch that is not an integer', ['train', '--task', 'text', '--text', 'text.txt', '--hidden', '3', '--iterations', '2', '--batch', '2.5', '--out', 'x.json'], /^rnn-wasm train: --batch must be an integer in \[1, 65536\], got "2.5"$/],
    ['negative iterations', [...train, '--iterations=-1'], /^rnn-wasm train: --iterations must be an integer in \[0, 1000000000\], got "-1"$/],
    ['fractional iterations', [...train, '--iterations', '2.5'], /^rnn-wasm train: --iterations must be an integer/],
    ['zero hidden units', [...train, '--hidden', '0'], /^rnn-wasm train: --hidden must be an integer in \[1, 65536\], got "0"$/],
    ['a learning rate that is not a number', [...train, '--lr', 'fast'], /^rnn-wasm train: --lr must be a finite number >= 0, got "fast"$/],
    ['a negative learning rate', [...train, '--lr=-0.1'], /^rnn-wasm train: --lr must be a finite number >= 0, got "-0.1"$/],
    ['a negative learning rate after a space', [...train, '--lr', '-1'], /^rnn-wasm train: --lr must be a finite number >= 0, got "-1"$/],
    ['negative hidden units after a space', [...train, '--hidden', '-3'], /^rnn-wasm train: --hidden must be an integer in \[1, 65536\], got "-3"$/],
    ['a flag in place of a value', ['train', '--task', 'constant', '--out', '--quiet'], /^rnn-wasm train: --out needs a value, got the flag --quiet \(see --help\)$/],
    ['more hidden units than a model can have', [...train, '--hidden', '6000'], /^rnn-wasm train: --hidden 6000: RNN: a 3-6000-3 model needs 2596706128 bytes, more than the limit of 2146435072$/],
    ['an unknown backend', [...train, '--backend', 'gpu'], /^rnn-wasm train: --backend must be one of: wasm, ts, got "gpu"$/],
    ['an unknown init', [...train, '--init', 'xavier'], /^rnn-wasm train: --init must be one of: uniform, notebook, got "xavier"$/],
    ['an unknown cell', [...train, '--cell', 'lst'], /^rnn-wasm train: --cell must be one of: rnn, lstm, gru, got "lst"$/],
    ['zero layers', [...train, '--layers', '0'], /^rnn-wasm train: --layers must be an integer in \[1, 64\], got "0"$/],
    ['--cell when resuming', ['train', '--resume', 'model.json', '--cell', 'gru', '--iterations', '2', '--out', 'x.json'], /^rnn-wasm train: --cell comes from the model file when resuming; leave it out$/],
    ['a constant out of range', [...train, '--value', '3'], /^rnn-wasm train: --value must be an integer in \[0, 2\], got "3"$/],
    ['a pattern out of range', ['train', '--task', 'periodic', '--pattern', '0,5', '--hidden', '3', '--iterations', '2', '--out', 'x.json'], /^rnn-wasm train: --pattern must be a comma-separated list of integers in \[0, 2\], got "0,5"$/],
    ['a flag of another task', [...train, '--pattern', '0,1'], /^rnn-wasm train: --pattern does not apply to --task constant$/],
    ['a task flag without a task', ['train', '--resume', 'x.json', '--delay', '2', '--iterations', '2', '--out', 'y.json'], /^rnn-wasm train: --delay needs --task/],
    ['both --task and --data', [...train, '--data', 'data.json'], /^rnn-wasm train: give --task or --data, not both \(but --task series --data FILE\.csv\)$/],
    ['a missing data file', ['train', '--data', 'none.json', '--hidden', '3', '--iterations', '2', '--out', 'x.json'], /^rnn-wasm train: --data: cannot read none.json \(ENOENT\)$/],
    ['a truncated data file', ['train', '--data', 'broken.json', '--hidden', '3', '--iterations', '2', '--out', 'x.json'], /^rnn-wasm train: --data: broken.json is not valid JSON/],
    ['a ragged data file', ['train', '--data', 'ragged.json', '--hidden', '3', '--iterations', '2', '--out', 'x.json'], /^rnn-wasm train: --data ragged.json: xs\[1\] must have length 2 \(inputDim\), got length 3$/],
    ['--hidden when resuming', ['train', '--resume', 'v3.json', '--hidden', '4', '--iterations', '2', '--out', 'x.json'], /^rnn-wasm train: --hidden comes from the model file when resuming; leave it out$/],
    ['resuming a missing model', ['train', '--resume', 'none.json', '--iterations', '2', '--out', 'x.json'], /^rnn-wasm train: --resume: cannot read none.json \(ENOENT\)$/],
    ['resuming a model of a newer version', ['train', '--resume', 'v3.json', '--iterations', '2', '--out', 'x.json'], /^rnn-wasm train: --resume v3.json: RNN.fromJSON: model file version 3 is not supported \(this rnn-wasm reads versions 1 and 2\)$/],
    ['an --out that cannot be written', [...train.slice(0, -2), '--out', join('no-such-dir', 'x.json')], /^rnn-wasm train: --out: cannot write no-such-dir\/x.json \(ENOENT\)$/],
    ['predict without --model', ['predict', '--ones', '3'], /^rnn-wasm predict: --model is required/],
    ['predict on a file that is not a model', ['predict', '--model', 'data.json'], /^rnn-wasm predict: --model data.json: RNN.fromJSON: not an rnn-wasm model file/],
    ['predict on a truncated model', ['predict', '--model', 'broken.json'], /^rnn-wasm predict: --model broken.json is not valid JSON: it ends too early, is it truncated\?$/],
    ['predict with --input that is not JSON', ['predict', '--model', 'model.json', '--input', '[[1,0'], /^rnn-wasm predict: --input must be JSON/],
    ['predict with vectors of the wrong length', ['predict', '--model', 'model.json', '--input', '[[1,0,0],[1,0]]'], /^rnn-wasm predict: the input\[1\] must have length 3 \(inputDim\), got length 2$/],
    ['predict with a pattern out of range', ['predict', '--model', 'model.json', '--pattern', '3'], /^rnn-wasm predict: --pattern must be a comma-separated list of integers in \[0, 2\], got "3"$/],
    ['predict with two sequences', ['predict', '--model', 'model.json', '--ones', '2', '--pattern', '1'], /^rnn-wasm predict: give one of --input, --pattern, --ones, --data, --string, not --pattern and --ones$/],
    ['predict with a data file of other sizes', ['predict', '--model', 'model.json', '--data', 'data.json'], /^rnn-wasm predict: the input\[0\] must have length 3 \(inputDim\), got length 2$/],
    ['predict --string on a model not trained on text', ['predict', '--model', 'model.json', '--string', 'ab'], /^rnn-wasm predict: --string needs a model trained with --task text; --model model.json keeps no vocabulary \(give class ids with --pattern\)$/],
    ['predict --string with a character not in the vocabulary', ['predict', '--model', 'text-model.json', '--string', 'abz'], /^rnn-wasm predict: --string: character "z" at 2 is not in the model's vocabulary \(" abcd"\)$/],
    ['predict --string with no characters', ['predict', '--model', 'text-model.json', '--string', ''], /^rnn-wasm predict: --string must have at least 1 character, got ""$/],
    ['sample without --length', ['sample', '--model', 'model.json'], /^rnn-wasm sample: --length is required/],
    ['sample from a model not trained on text', ['sample', '--model', 'model.json', '--length', '5'], /^rnn-wasm sample: --model model.json was not trained with --task text, so it keeps no vocabulary to sample from$/],
    ['sample from a character not in the vocabulary', ['sample', '--model', 'text-model.json', '--length', '5', '--start', 'z'], /^rnn-wasm sample: --start must be one character of the model's vocabulary, got "z"$/],
    ['sample at temperature 0', ['sample', '--model', 'text-model.json', '--length', '5', '--temperature', '0'], /^rnn-wasm sample: --temperature must be positive, got "0"$/],
    ['export without --out', ['export', '--model', 'model.json'], /^rnn-wasm export: --out is required/],
    ['export in an unknown format', ['export', '--model', 'model.json', '--out', 'x.pt', '--format', 'pt'], /^rnn-wasm export: --format must be one of: safetensors, onnx, got "pt"$/],
    ['export of a bad model', ['export', '--model', 'v3.json', '--out', 'x.safetensors'], /^rnn-wasm export: --model v3.json: RNN.fromJSON: model file version 3/],
    ['demo with bad iterations', ['demo', '--iterations', 'many'], /^rnn-wasm demo: --iterations must be an integer/],
    ['demo on an unknown backend', ['demo', '--backend', 'gpu'], /^rnn-wasm demo: --backend must be one of: wasm, ts, got "gpu"$/],
  ];

  it.each(CASES)('%s', (_, args, message) => {
    const run = cli(...args);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr.endsWith('\n')).toBe(true);
    expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(run.stderr.trimEnd()).toMatch(message);
    expect(existsSync(at('x.json'))).toBe(false);
  });
});
