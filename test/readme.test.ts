// Every README example marked runnable runs as written: the ```ts runnable blocks (a block marked
// ```ts runnable-continued carries on the one before it) are type-checked against the built
// package's types and run with node, importing 'rnn-wasm' by name as a user would (the package
// refers to itself, so the name resolves to dist/: npm test builds it first).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { beforeAll, describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
// Inside the package, so that 'rnn-wasm' resolves to it; test-results/ is git-ignored.
const dir = join(root, 'test-results', 'readme');

/** The runnable programs of a README: each runnable block, with the blocks that continue it. */
export function runnablePrograms(markdown: string): { line: number; code: string }[] {
  const programs: { line: number; code: string }[] = [];
  for (const match of markdown.matchAll(/^```ts (runnable(?:-continued)?)\n([\s\S]*?)^```$/gm)) {
    const line = markdown.slice(0, match.index).split('\n').length;
    if (match[1] === 'runnable') {
      programs.push({ line, code: match[2] });
    } else {
      const last = programs[programs.length - 1];
      if (last === undefined) throw new Error(`README.md:${line}: a runnable-continued block with no runnable block before it`);
      last.code += match[2];
    }
  }
  return programs;
}

const programs = runnablePrograms(readFileSync(join(root, 'README.md'), 'utf8'));
const file = (line: number): string => join(dir, `line-${line}.mts`);

beforeAll(() => {
  if (!existsSync(join(root, 'dist/index.js'))) throw new Error('dist/ is missing: run npm run build first (npm test does)');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const { line, code } of programs) {
    writeFileSync(file(line), code);
    const js = ts.transpileModule(code, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText;
    writeFileSync(file(line).replace(/\.mts$/, '.mjs'), js);
  }
});

describe('README examples', () => {
  it('has runnable examples: the quick example, training, your own data, a character model, forecasting, sequence labels, deploying with ONNX Runtime', () => {
    expect(programs.length).toBeGreaterThanOrEqual(7);
    expect(programs.some(({ code }) => code.includes('.forecast('))).toBe(true);
    expect(programs.some(({ code }) => code.includes("outputAt: 'last'"))).toBe(true);
    expect(programs.some(({ code }) => code.includes('fitAsync(data'))).toBe(true);
    expect(programs.some(({ code }) => code.includes("from 'onnxruntime-web'") && code.includes('.toONNX()'))).toBe(true);
  });

  it('type-check against the package as published (strict)', () => {
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({
      compilerOptions: { module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', lib: ['es2022', 'dom'], types: [], strict: true, noEmit: true },
      include: ['*.mts'],
    }));
    let output = '';
    try {
      execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(dir, 'tsconfig.json')], { cwd: dir, stdio: 'pipe' });
    } catch (error) {
      output = String((error as { stdout?: Buffer }).stdout ?? error);
    }
    expect(output).toBe('');
  });

  it.each(programs.map(({ line }) => line))('README.md line %i runs with node, with nothing on stderr', (line) => {
    const run = spawnSync(process.execPath, [file(line).replace(/\.mts$/, '.mjs')], { cwd: dir, encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    // Where a program says what it prints, it prints that.
    const code = readFileSync(file(line), 'utf8');
    if (code.includes('// 40 of 40 right')) expect(run.stdout).toMatch(/^40 of 40 right$/m);
    if (code.includes("console.log('the ca'")) expect(run.stdout).toMatch(/^the cat sat on the mat/m);
    if (code.includes('// held-out accuracy 0.98')) expect(run.stdout).toMatch(/^held-out accuracy 0.98$/m);
    if (code.includes("'ONNX Runtime predicts as rnn-wasm'")) expect(run.stdout).toMatch(/^ONNX Runtime predicts as rnn-wasm$/m);
    if (code.includes('// true: the next character after each one')) expect(run.stdout).toMatch(/^true$/m);
    const errors = /^forecast error ([\d.]+), last value repeated ([\d.]+)$/m.exec(run.stdout);
    if (code.includes('forecast error')) expect(Number(errors?.[1])).toBeLessThan(Number(errors?.[2]));
  });
});
