// What the command line reads and writes, against hostile files and hostile folders (run from
// dist/, as test/cli.test.ts): every file it writes goes through one exclusive temporary file
// renamed into place, so a planted link is never written through and a killed run leaves the old
// file or the new one; the target is checked before training; a model file's `meta` cannot make
// it read a file, allocate beyond the flags' limits or print what another file holds.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkWritable, writeFileOf } from '../src/cli/files.js';
import { MAX_CELLS } from '../src/cli/tasks.js';
import { RNN, type ModelFile } from '../src/index.js';

const CLI = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'rnn-wasm-cli-files-'));
const at = (name: string): string => join(dir, name);

function cli(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const run = spawnSync(process.execPath, [CLI, ...args], { cwd: dir, encoding: 'utf8' });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** Runs a command that must fail on its input: exit 2, nothing on stdout, one line on stderr matching `message`. */
function refused(args: string[], message: RegExp): string {
  const run = cli(...args);
  expect(run.stderr.trimEnd().split('\n'), run.stderr).toHaveLength(1);
  expect(run.stderr.trimEnd()).toMatch(message);
  expect(run.code).toBe(2);
  expect(run.stdout).toBe('');
  return run.stderr;
}

/** The temporary files of the writer left in a folder. */
const temporaries = (folder: string): string[] => readdirSync(folder).filter((name) => /^\.rnn-wasm-[0-9a-f]{16}\.tmp$/.test(name));

const exited = (child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> =>
  new Promise((done) => child.on('close', (code, signal) => done({ code, signal })));

/** A model file whose meta.task is `task`, as a hostile or damaged file would hold it. */
function withTask(name: string, task: unknown): string {
  const file = new RNN(3, 4, 3, { backend: 'ts', seed: 1 }).toJSON();
  file.meta = { task, training: { optimizer: 'rprop', learningRate: 0.01, iterations: 0, loss: 1 } };
  writeFileSync(at(name), JSON.stringify(file));
  return name;
}

const SECRET = 'SECRET-7f3a: not for error messages';

beforeAll(() => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run 'npm run build' first (npm test does)`);
  writeFileSync(at('secret.txt'), SECRET);
  writeFileSync(at('text.txt'), 'abcabd abcabd abcabd '.repeat(3));
  writeFileSync(at('data.json'), JSON.stringify({ xs: [[1, 0], [0, 1], [1, 0]], targets: [1, 0, 2] }));
  writeFileSync(at('planted-source.json'), JSON.stringify(new RNN(3, 4, 3, { backend: 'ts', seed: 1 })));
  mkdirSync(at('folder'));
  spawnSync('mkfifo', [at('fifo')]);
});

// A character device of our own (the null device's numbers), never the system's /dev/null: a
// writer that renamed over its target would replace the device node itself, and here only this
// copy. Making one takes privileges; without them that case is reported as skipped.
const DEVICE = at('device');
const HAVE_DEVICE = spawnSync('mknod', [DEVICE, 'c', '1', '3']).status === 0;

const train = ['train', '--task', 'periodic', '--hidden', '3', '--iterations', '5', '--quiet'];

describe('files are written whole, through a name nobody can prepare', () => {
  // Before, the temporary file was `${out}.${pid}.tmp`, opened with a plain write that follows
  // symbolic links: a link planted there made the command overwrite the link's target.
  it.each([
    ['train', (out: string) => [...train, '--out', out]],
    ['export', (out: string) => ['export', '--model', 'planted-source.json', '--out', out]],
  ])('%s: a link planted at the predictable temporary name is not written through', async (command, args) => {
    const victim = at(`victim-${command}.txt`);
    writeFileSync(victim, 'precious');
    const out = `planted-${command}.out`;
    const child = spawn(process.execPath, [CLI, ...args(out)], { cwd: dir });
    // Node takes far longer to start than this takes to run, so the link is there before any write.
    symlinkSync(victim, at(`${out}.${child.pid}.tmp`));
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    expect((await exited(child)).code, stderr).toBe(0);
    expect(readFileSync(victim, 'utf8')).toBe('precious');
    expect(lstatSync(at(out)).isFile()).toBe(true);
    expect(temporaries(dir)).toEqual([]);
  });

  /**
   * Starts `train` writing a large model over `out`, stops it (SIGSTOP) as soon as its temporary
   * file appears, and reports whether it was caught mid-write (the temporary file still there).
   */
  async function catchMidWrite(out: string): Promise<{ child: ChildProcess; caught: boolean; ended: ReturnType<typeof exited> }> {
    const child = spawn(process.execPath, [CLI, 'train', '--task', 'periodic', '--hidden', '1200', '--iterations', '0', '--backend', 'ts', '--quiet', '--out', out], { cwd: dir });
    const ended = exited(child);
    let running = true;
    child.on('exit', () => (running = false));
    while (running && temporaries(dir).length === 0) await new Promise((resolve) => setTimeout(resolve, 1));
    if (!running) return { child, caught: false, ended };
    child.kill('SIGSTOP');
    return { child, caught: temporaries(dir).length > 0, ended };
  }

  /** The model in `out` is whole: the old one, or a whole new 3-1200-3 model. */
  function oldOrNew(out: string, old: string): 'old' | 'new' {
    const text = readFileSync(at(out), 'utf8');
    if (text === old) return 'old';
    const file = JSON.parse(text) as ModelFile;
    expect([file.inputDim, file.hiddenDim, file.outputDim]).toEqual([3, 1200, 3]);
    return 'new';
  }

  it('a run killed (SIGKILL) while it writes a large model leaves the old file or the new one', async () => {
    const old = JSON.stringify(new RNN(3, 4, 3, { backend: 'ts', seed: 1 }));
    let caught = 0;
    for (let attempt = 0; attempt < 5 && caught === 0; attempt++) {
      writeFileSync(at('killed.json'), old);
      const run = await catchMidWrite('killed.json');
      run.child.kill('SIGKILL');
      await run.ended;
      const outcome = oldOrNew('killed.json', old);
      if (run.caught) {
        caught++;
        expect(outcome).toBe('old');
        // SIGKILL cannot be handled: the partial temporary file stays, hidden, beside the target.
        for (const name of temporaries(dir)) expect(readFileSync(at(name), 'utf8')).not.toBe(old);
      }
      spawnSync('sh', ['-c', 'rm -f .rnn-wasm-*.tmp'], { cwd: dir });
    }
    expect(caught, 'the write was never caught in progress').toBeGreaterThan(0);
  });

  it('a run ended by SIGTERM or SIGINT while it writes leaves a whole file and no temporary file', async () => {
    const old = JSON.stringify(new RNN(3, 4, 3, { backend: 'ts', seed: 2 }));
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      let endedBySignal = 0;
      for (let attempt = 0; attempt < 5 && endedBySignal === 0; attempt++) {
        writeFileSync(at('ended.json'), old);
        const run = await catchMidWrite('ended.json');
        run.child.kill(signal);
        run.child.kill('SIGCONT');
        const ended = await run.ended;
        if (run.caught && ended.signal === signal) endedBySignal++;
        // A signal that comes as the rename completes may find the write done: the command then
        // ends normally, with the new file.
        if (ended.signal !== signal) expect(oldOrNew('ended.json', old), JSON.stringify(ended)).toBe('new');
        else oldOrNew('ended.json', old);
        expect(temporaries(dir)).toEqual([]);
      }
      expect(endedBySignal, `the write was never ended in progress by ${signal}`).toBeGreaterThan(0);
    }
  });

  it.each([
    ['a directory', 'folder', /--out: cannot write folder \(it is a directory, not a regular file\)$/],
    ['a FIFO', 'fifo', /--out: cannot write fifo \(it is a FIFO, not a regular file\)$/],
    ...(HAVE_DEVICE ? [['a device', 'device', /--out: cannot write device \(it is a character device, not a regular file\)$/] as [string, string, RegExp]] : []),
    ['a name too long', `${'m'.repeat(300)}.json`, /--out: cannot write m+\.json \(ENAMETOOLONG\)$/],
    ['a missing folder', join('no-such-folder', 'm.json'), /--out: cannot write no-such-folder\/m\.json \(ENOENT\)$/],
    ['a folder name', 'new-folder/', /--out: cannot write new-folder\/ \(it names a folder, not a file\)$/],
  ])('--out naming %s is refused before training (nothing printed, nothing written)', (_, out, message) => {
    // Without --quiet, training prints its first line before the first iteration.
    refused(['train', '--task', 'periodic', '--hidden', '3', '--iterations', '5', '--out', out], new RegExp(`^rnn-wasm train: ${message.source}`));
    refused(['export', '--model', 'planted-source.json', '--out', out], new RegExp(`^rnn-wasm export: ${message.source}`));
    expect(statSync(at('folder')).isDirectory()).toBe(true);
    expect(statSync(at('fifo')).isFIFO()).toBe(true);
    if (HAVE_DEVICE) expect(statSync(DEVICE).isCharacterDevice()).toBe(true);
    expect(temporaries(dir)).toEqual([]);
  });

  if (!HAVE_DEVICE) it.skip('--out naming a device (skipped: mknod needs privileges this user lacks)', () => undefined);

  it('a write that fails removes its temporary file and leaves the target as it was', async () => {
    writeFileSync(at('kept.json'), 'old');
    await expect(writeFileOf('out', at('kept.json'), 42 as unknown as string)).rejects.toThrow(/^--out: cannot write .*kept\.json \(ERR_INVALID_ARG_TYPE\)$/);
    expect(readFileSync(at('kept.json'), 'utf8')).toBe('old');
    await expect(writeFileOf('out', at('folder'), 'x')).rejects.toThrow(/it is a directory/);
    expect(temporaries(dir)).toEqual([]);
  });

  it('checkWritable leaves nothing behind; a rewritten file keeps its permissions', async () => {
    await checkWritable('out', at('probe.json'));
    expect(existsSync(at('probe.json'))).toBe(false);
    expect(temporaries(dir)).toEqual([]);
    writeFileSync(at('private.json'), 'old');
    chmodSync(at('private.json'), 0o600);
    await writeFileOf('out', at('private.json'), 'new');
    expect(readFileSync(at('private.json'), 'utf8')).toBe('new');
    expect(statSync(at('private.json')).mode & 0o777).toBe(0o600);
  });
});

describe("a model file's meta cannot choose what the command reads, nor how much it allocates", () => {
  it.each([
    ['a data file', 'reads-secret.json', { task: 'data', file: at('secret.txt') }, /reads a file \(task data\), and rnn-wasm reads only the files named on its command line: give --data FILE/],
    ['/dev/zero', 'reads-zero.json', { task: 'data', file: '/dev/zero' }, /reads a file \(task data\)/],
    ['a FIFO', 'reads-fifo.json', { task: 'text', file: at('fifo'), seqLength: 5, vocab: ['a'], first: 'a' }, /reads a file \(task text\), .*give --task text --text FILE/],
  ])('a task that reads %s is refused, by train --resume and by predict, without opening it', (_, name, task, message) => {
    const model = withTask(name, task);
    for (const args of [['train', '--resume', model, '--iterations', '1', '--out', 'x.json'], ['predict', '--model', model]]) {
      expect(refused(args, new RegExp(`^rnn-wasm ${args[0]}: the task kept in ${model} ${message.source}`))).not.toContain('SECRET');
    }
    expect(existsSync(at('x.json'))).toBe(false);
  });

  it.each([
    ['sizes beyond what flags allow', 'bad-sizes.json', { task: 'identity', delay: 1, length: 1_000_000, dim: 65_536, seed: 1 }, /task identity: length times dim must be at most 33554432, got 1000000 x 65536$/],
    ['an unknown key', 'bad-key.json', { task: 'periodic', pattern: [0, 1], length: 10, dim: 3, extra: 'x'.repeat(1000) }, /task periodic has an unknown key "extra" \(known: pattern, length, dim\)$/],
    ['a seed of a megabyte', 'bad-seed.json', { task: 'constant', value: 0, length: 10, dim: 3, seed: 's'.repeat(2 ** 20) }, /task constant: seed must be a string of at most 1000 characters or a finite number, got "s{40}\.\.\."$/],
    ['a pattern of two million classes', 'bad-pattern.json', { task: 'periodic', pattern: new Array(2_000_000).fill(0), length: 10, dim: 3 }, /task periodic: pattern must be a list of 1 to 1000000 classes in \[0, 2\], got an array of length 2000000$/],
    ['a task that is not an object', 'bad-task.json', [1, 2], /names no task this version knows/],
  ])('%s: refused', (_, name, task, message) => {
    const model = withTask(name, task);
    refused(['predict', '--model', model], new RegExp(`^rnn-wasm predict: the task kept in ${model}:? ${message.source}`));
    refused(['train', '--resume', model, '--iterations', '1', '--out', 'x.json'], new RegExp(`^rnn-wasm train: the task kept in ${model}:? ${message.source}`));
  });

  it('a vocabulary that is not one character per class is refused by sample', () => {
    const model = withTask('bad-vocab.json', { task: 'text', file: at('text.txt'), seqLength: 5, vocab: ['a', 'bb', 'c'], first: 'a' });
    refused(['sample', '--model', model, '--length', '5'], /^rnn-wasm sample: --model bad-vocab.json: meta.task.vocab must be 3 different characters, one per class$/);
  });

  it('a task kept in a model file still resumes when the file is named again on the command line', () => {
    expect(cli('train', '--data', 'data.json', '--hidden', '3', '--iterations', '2', '--out', 'data-model.json', '--quiet').code).toBe(0);
    expect(cli('train', '--resume', 'data-model.json', '--data', 'data.json', '--iterations', '2', '--out', 'data-model.json', '--quiet').code).toBe(0);
    expect((readFileSync(at('data-model.json'), 'utf8'))).toMatch(/"iterations":4/);
  });
});

describe('files named on the command line: regular files only, bounded, never quoted', () => {
  it.each([
    ['a FIFO as the model to resume', ['train', '--resume', 'fifo', '--iterations', '1', '--out', 'x.json'], /^rnn-wasm train: --resume: cannot read fifo \(it is a FIFO, not a regular file\)$/],
    ['a device as the text', ['train', '--task', 'text', '--text', '/dev/zero', '--hidden', '3', '--iterations', '1', '--out', 'x.json'], /^rnn-wasm train: --text: cannot read \/dev\/zero \(it is a character device, not a regular file\)$/],
    ['a directory as the data', ['train', '--data', 'folder', '--hidden', '3', '--iterations', '1', '--out', 'x.json'], /^rnn-wasm train: --data: cannot read folder \(it is a directory, not a regular file\)$/],
    ['a file that is not JSON as the model', ['predict', '--model', 'secret.txt'], /^rnn-wasm predict: --model secret.txt is not valid JSON$/],
    ['a file that is not JSON as the data', ['train', '--data', 'secret.txt', '--hidden', '3', '--iterations', '1', '--out', 'x.json'], /^rnn-wasm train: --data: secret.txt is not valid JSON$/],
  ])('%s', (_, args, message) => {
    expect(refused(args, message)).not.toContain('SECRET');
  });

  it('a text longer than the limit is refused by its size, before it is read', () => {
    const big = at('big.txt');
    writeFileSync(big, '');
    spawnSync('truncate', ['-s', String(4 * MAX_CELLS + 1), big]);
    refused(['train', '--task', 'text', '--text', 'big.txt', '--hidden', '3', '--iterations', '1', '--out', 'x.json'], /^rnn-wasm train: --text: cannot read big.txt \(134217729 bytes, more than the limit of 134217728\)$/);
  });
});

describe('the sizes of sequence tasks, from flags', () => {
  it('--length times --dim is limited, as a model file task is', () => {
    refused(['train', '--task', 'identity', '--length', '1000000', '--dim', '65536', '--hidden', '3', '--iterations', '1', '--out', 'x.json'], /^rnn-wasm train: --length times --dim must be at most 33554432, got 1000000 x 65536$/);
    writeFileSync(at('wide.json'), JSON.stringify(new RNN(65_536, 1, 2, { backend: 'ts', seed: 1 })));
    refused(['predict', '--model', 'wide.json', '--ones', '513'], /^rnn-wasm predict: --ones must be an integer in \[1, 512\], got "513"$/);
  });

  it('--data of 200,000 steps trains (a spread into Math.max used to overflow the stack)', () => {
    const T = 200_000;
    const xs = Array.from({ length: T }, (_, t) => (t % 2 === 0 ? [1, 0] : [0, 1]));
    writeFileSync(at('long.json'), JSON.stringify({ xs, targets: xs.map((_, t) => t % 3) }));
    const run = cli('train', '--data', 'long.json', '--hidden', '3', '--iterations', '1', '--backend', 'ts', '--out', 'long-model.json', '--quiet');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const file = JSON.parse(readFileSync(at('long-model.json'), 'utf8')) as ModelFile;
    expect([file.inputDim, file.outputDim]).toEqual([2, 3]);
  });
});
