// The seams of the engine: the record structs of assembly/records.ts have the field lists of
// src/plan.ts, in order, and both builds implement every kernel of the registry.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { KERNEL_NAMES, KERNELS } from '../src/kernels.js';
import { CELL0, HEAD, OPTIM, plan, RECORD_FIELDS } from '../src/plan.js';
import { notebookSpec, resolveSpec } from '../src/spec.js';
import { BACKENDS, create } from './helpers.js';
import { backendOf } from './internals.js';

/** The fields of each @unmanaged class of assembly/records.ts, in order, with their types. */
function structs(): Map<string, [string, string][]> {
  const source = readFileSync(new URL('../assembly/records.ts', import.meta.url), 'utf8');
  const out = new Map<string, [string, string][]>();
  for (const [, name, body] of source.matchAll(/export class (\w+) \{([^}]*)\}/g)) {
    out.set(name, [...body.matchAll(/^\s*(\w+)!: (\w+);/gm)].map(([, field, type]) => [field, type]));
  }
  return out;
}

describe('records', () => {
  const kinds = { cell: 'CellRecord', head: 'HeadRecord', optim: 'OptimRecord' } as const;
  it.each(Object.entries(kinds))('%s: the struct %s has the fields of RECORD_FIELDS, sizes (i32) then addresses (usize)', (kind, struct) => {
    const fields = RECORD_FIELDS[kind as keyof typeof kinds];
    expect(structs().get(struct)).toEqual([
      ...fields.sizes.map((f) => [f, 'i32']),
      ...fields.addresses.map((f) => [f, 'usize']),
    ]);
  });

  it('every record of a plan has exactly its kind\'s fields, in the order OPTIM, HEAD, CELL0 + k', () => {
    const p = plan(resolveSpec('test', 4, 6, 3, { layers: 3, input: 'index' }), 8);
    expect(p.recordKinds).toEqual(['optim', 'head', 'cell', 'cell', 'cell']);
    expect([p.records[OPTIM], p.records[HEAD], p.records[CELL0 + 2]]).toEqual([p.optim, p.head, p.cells[2]]);
    p.records.forEach((record, r) => {
      const fields = RECORD_FIELDS[p.recordKinds[r]];
      expect(Object.keys(record).sort()).toEqual([...fields.sizes, ...fields.addresses].sort());
    });
  });

  it('layer k + 1 reads layer k\'s states and writes its input gradient into layer k\'s dhs', () => {
    const p = plan(resolveSpec('test', 4, 6, 3, { layers: 2 }), 8);
    const [low, high] = p.cells;
    expect(high.xs).toBe(low.hs + 6);
    expect(high.dxs).toBe(low.dhs);
    expect([low.inputGrad, high.inputGrad, low.dxs]).toEqual([0, 1, -1]);
    expect(p.head.hs).toBe(high.hs + 6);
    expect(p.head.dhs).toBe(high.dhs);
  });

  it('regions do not overlap, and the block ends after the last', () => {
    const p = plan(notebookSpec(3, 5, 2), 4);
    const spans = p.stepRegions.map((r) => [r.offset, r.offset + r.length]).sort((a, b) => a[0] - b[0]);
    for (let k = 1; k < spans.length; k++) expect(spans[k][0]).toBeGreaterThanOrEqual(spans[k - 1][1]);
    expect(p.size).toBe(spans[spans.length - 1][1]);
  });
});

describe.each(BACKENDS)('the kernel registry on %s', (core) => {
  it('the build has every kernel of the registry', async () => {
    const rnn = await create(core, 2, 3, 2);
    const backend = backendOf(rnn);
    for (const kernel of KERNEL_NAMES) expect(() => backend.call(kernel, { cell: CELL0, head: HEAD, optim: OPTIM }[KERNELS[kernel]], 0, 0), kernel).not.toThrow();
  });
});
