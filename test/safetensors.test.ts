// PyTorch interchange through safetensors: an exact round trip, the file read back by a parser
// written here from the format's description, files written by numpy (independently of the
// library) loaded, and bad files refused.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SAFETENSORS_LIMITS } from '../src/pytorch.js';
import { describe, expect, it } from 'vitest';
import { RNN } from '../src/index.js';
import { decodeSafetensors, encodeSafetensors } from '../src/safetensors.js';
import { BACKENDS, backendNameOf, create, lcg, randomSequence, replaceSafetensorsHeader } from './helpers.js';

const FIXTURES = new URL('./fixtures/', import.meta.url);
const CHECKER = new URL('./safetensors_check.py', import.meta.url).pathname;
const I = 3, H = 5, O = 4;

const hexOf = (a: Float64Array): string[] => Array.from(new BigUint64Array(Float64Array.from(a).buffer), (b) => b.toString(16).padStart(16, '0'));
const paramHex = (rnn: RNN): Record<string, string[]> => Object.fromEntries(Object.entries(rnn.getParams()).map(([k, v]) => [k, hexOf(v)]));

/** A reading of the format written from its description alone: u64 LE header length, JSON header, LE data. */
function parseByHand(bytes: Uint8Array): { header: Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] }>; values: (name: string) => Float64Array } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = Number(view.getBigUint64(0, true));
  const header = JSON.parse(Buffer.from(bytes.subarray(8, 8 + n)).toString('utf8'));
  const values = (name: string): Float64Array => {
    const [begin, end] = header[name].data_offsets;
    return Float64Array.from({ length: (end - begin) / 8 }, (_, i) => view.getFloat64(8 + n + begin + 8 * i, true));
  };
  return { header, values };
}

const hasNumpy = spawnSync('python3', ['-c', 'import numpy'], { stdio: 'ignore' }).status === 0;
if (!hasNumpy) console.warn('python3 with numpy not found: SKIPPING the checks of safetensors files against numpy (test/safetensors_check.py)');

describe.each(BACKENDS)('safetensors on %s', (core) => {
  const backend = backendNameOf(core);
  it('round-trips every parameter bit, negative zero included, and predicts the same', async () => {
    const rnn = await create(core, I, H, O, { seed: 'torch' });
    rnn.setParams({ bh: [-0, 0, 1e-310, 0.25, -1] });
    const loaded = await RNN.fromSafetensors(rnn.toSafetensors(), { backend });
    expect(paramHex(loaded)).toEqual(paramHex(rnn));
    expect([loaded.inputDim, loaded.hiddenDim, loaded.outputDim]).toEqual([I, H, O]);
    const xs = randomSequence(lcg(3), 12, I);
    rnn.resetHistory();
    expect(loaded.forward(xs).map(hexOf)).toEqual(rnn.forward(xs).map(hexOf));
  });

  it('names and shapes the tensors as torch.nn.RNN(I, H) + torch.nn.Linear(H, O), F64, covering the data', async () => {
    const rnn = await create(core, I, H, O, { seed: 2 });
    const { header, values } = parseByHand(rnn.toSafetensors());
    const p = rnn.getParams();
    const expected: [string, number[], Float64Array][] = [
      ['rnn.weight_ih_l0', [H, I], p.Wxh], ['rnn.weight_hh_l0', [H, H], p.Whh],
      ['rnn.bias_ih_l0', [H], p.bh], ['rnn.bias_hh_l0', [H], new Float64Array(H)],
      ['fc.weight', [O, H], p.Why], ['fc.bias', [O], p.by],
    ];
    expect(Object.keys(header).filter((k) => k !== '__metadata__').sort()).toEqual(expected.map(([name]) => name).sort());
    let end = 0;
    for (const [name, shape, data] of expected) {
      expect(header[name].dtype).toBe('F64');
      expect(header[name].shape).toEqual(shape);
      expect(hexOf(values(name))).toEqual(hexOf(data));
      end = Math.max(end, header[name].data_offsets[1]);
    }
    expect(end).toBe(8 * (H * I + H * H + 2 * H + O * H + O));
  });

  it('loads files written by numpy (F64 and F32), with bh = bias_ih + bias_hh', async () => {
    const expected = JSON.parse(readFileSync(new URL('torch-rnn.json', FIXTURES), 'utf8'));
    for (const kind of ['f64', 'f32']) {
      const rnn = await RNN.fromSafetensors(readFileSync(new URL(`torch-rnn-${kind}.safetensors`, FIXTURES)), { backend });
      const { inputDim, hiddenDim, outputDim, ...params } = expected[kind];
      expect([rnn.inputDim, rnn.hiddenDim, rnn.outputDim]).toEqual([inputDim, hiddenDim, outputDim]);
      expect(paramHex(rnn)).toEqual(params);
    }
  });
});

describe.skipIf(!hasNumpy)('safetensors against numpy (needs python3 with numpy)', () => {
  it('numpy reads every bit of an exported file under the torch names', async () => {
    const rnn = await create('ts', I, H, O, { seed: 'numpy' });
    const dir = mkdtempSync(join(tmpdir(), 'rnn-wasm-st-'));
    const file = join(dir, 'model.safetensors');
    writeFileSync(file, rnn.toSafetensors());
    const run = spawnSync('python3', [CHECKER, 'read', file], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    const read = JSON.parse(run.stdout);
    const p = paramHex(rnn);
    expect(read['rnn.weight_ih_l0']).toEqual({ dtype: 'F64', shape: [H, I], hex: p.Wxh });
    expect(read['rnn.weight_hh_l0']).toEqual({ dtype: 'F64', shape: [H, H], hex: p.Whh });
    expect(read['rnn.bias_ih_l0']).toEqual({ dtype: 'F64', shape: [H], hex: p.bh });
    expect(read['rnn.bias_hh_l0']).toEqual({ dtype: 'F64', shape: [H], hex: hexOf(new Float64Array(H)) });
    expect(read['fc.weight']).toEqual({ dtype: 'F64', shape: [O, H], hex: p.Why });
    expect(read['fc.bias']).toEqual({ dtype: 'F64', shape: [O], hex: p.by });
  });

  it("numpy, computing torch.nn.RNN + Linear's equations from the file, gives the model's outputs", async () => {
    const rnn = await create('ts', I, H, O, { seed: 'equations' });
    const xs = randomSequence(lcg(9), 15, I);
    const dir = mkdtempSync(join(tmpdir(), 'rnn-wasm-st-'));
    writeFileSync(join(dir, 'model.safetensors'), rnn.toSafetensors());
    writeFileSync(join(dir, 'xs.json'), JSON.stringify(xs));
    const run = spawnSync('python3', [CHECKER, 'forward', join(dir, 'model.safetensors'), join(dir, 'xs.json')], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    const torchLike: number[][] = JSON.parse(run.stdout);
    const ys = rnn.forward(xs);
    // numpy's tanh, exp and summation order differ from ours by a few ulp.
    const TOLERANCE = 1e-12;
    expect(torchLike).toHaveLength(xs.length);
    torchLike.forEach((y, t) => y.forEach((v, k) => expect(Math.abs(v - ys[t][k])).toBeLessThan(TOLERANCE)));
  });

  it('the committed numpy fixtures are what test/safetensors_check.py writes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rnn-wasm-st-'));
    const run = spawnSync('python3', [CHECKER, 'write', dir], { encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    for (const name of ['torch-rnn-f64.safetensors', 'torch-rnn-f32.safetensors', 'torch-rnn.json']) {
      expect(readFileSync(join(dir, name)).equals(readFileSync(new URL(name, FIXTURES))), name).toBe(true);
    }
  });
});

describe('bad safetensors files', () => {
  const good = (): Uint8Array => new RNN(2, 3, 2, { backend: 'ts', seed: 1 }).toSafetensors();
  /** Rewrites the header (keeping the data) with `change`. */
  const withHeader = (change: (h: Record<string, any>) => void) => (): Uint8Array => { // eslint-disable-line @typescript-eslint/no-explicit-any
    const bytes = good();
    const view = new DataView(bytes.buffer);
    const n = Number(view.getBigUint64(0, true));
    const header = JSON.parse(Buffer.from(bytes.subarray(8, 8 + n)).toString('utf8'));
    change(header);
    return replaceSafetensorsHeader(bytes, n, header);
  };
  const withValue = (value: number) => (): Uint8Array => {
    const bytes = good();
    new DataView(bytes.buffer).setFloat64(bytes.length - 8, value, true);
    return bytes;
  };
  /** bias_ih and bias_hh of 1.7e308 each: finite alone, not summed. */
  const overflowingBiases = (): Uint8Array => {
    const rnn = new RNN(1, 1, 1, { backend: 'ts', seed: 1 });
    rnn.setParams({ bh: [1.7e308] });
    const bytes = rnn.toSafetensors();
    const { header } = parseByHand(bytes);
    const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    new DataView(bytes.buffer).setFloat64(8 + n + header['rnn.bias_hh_l0'].data_offsets[0], 1.7e308, true);
    return bytes;
  };
  type Case = [name: string, bytes: () => unknown, type: typeof TypeError | typeof RangeError, message: RegExp];
  const CASES: Case[] = [
    ['not bytes', () => 'model.safetensors', TypeError, /bytes must be a Uint8Array, got "model.safetensors"/],
    ['an ArrayBuffer', () => good().buffer, TypeError, /bytes must be a Uint8Array/],
    ['shorter than the header length', () => new Uint8Array(5), RangeError, /truncated: 5 bytes, fewer than the 8/],
    ['truncated data', () => good().subarray(0, good().length - 3), RangeError, /truncated: tensor fc.bias ends at byte/],
    ['truncated header', () => good().subarray(0, 40), RangeError, /truncated: its header needs \d+ bytes, the file has 40/],
    ['a huge header length', () => { const b = good(); new DataView(b.buffer).setBigUint64(0, 2n ** 62n, true); return b; }, RangeError, /header length is 4611686018427387904 bytes, more than the limit/],
    ['a header that is not JSON', () => { const b = good(); b[8] = 0x5b; b[9] = 0x7b; return b; }, TypeError, /header is not valid UTF-8 JSON/],
    ['an unsupported dtype', withHeader((h) => { h['fc.bias'].dtype = 'BF16'; }), RangeError, /tensor fc.bias: dtype BF16 is not supported \(supported: F64, F32\)/],
    ['an inherited name as the dtype', withHeader((h) => { h['fc.bias'].dtype = 'constructor'; }), RangeError, /tensor fc.bias: dtype constructor is not supported \(supported: F64, F32\)/],
    ['a header longer than a model\'s can be', withHeader((h) => { h.__metadata__ = { notes: 'x'.repeat(200_000) }; }), RangeError, new RegExp(`the header length is 200\\d{3} bytes, more than the limit of ${SAFETENSORS_LIMITS.maxHeaderBytes}$`)],
    ['offsets that disagree with the shape', withHeader((h) => { h['fc.bias'].shape = [3]; }), RangeError, /tensor fc.bias: data_offsets \[\d+, \d+\] must span 24 bytes for shape \[3\] of F64/],
    ['a gap between tensors', withHeader((h) => { h['fc.weight'].data_offsets = h['fc.weight'].data_offsets.map((o: number) => o + 8); h['fc.bias'].data_offsets = h['fc.bias'].data_offsets.map((o: number) => o + 8); }), RangeError, /truncated|without gaps/],
    ['overlapping tensors', withHeader((h) => { h['fc.bias'].data_offsets = h['fc.weight'].data_offsets.map((o: number, i: number) => (i === 0 ? o : o - 32)); }), RangeError, /without gaps or overlaps/],
    ['negative offsets', withHeader((h) => { h['fc.bias'].data_offsets = [-16, 0]; }), TypeError, /data_offsets must be two non-negative integers/],
    ['a missing tensor', withHeader((h) => { delete h['rnn.bias_hh_l0']; }), RangeError, /without gaps or overlaps|cover/],
    ['an extra tensor', withHeader((h) => { h['rnn.weight_ih_l1'] = { dtype: 'F64', shape: [0], data_offsets: [0, 0] }; }), RangeError, /tensor rnn.weight_ih_l1 must have 2 dimension\(s\), got shape \[0\]/],
    ['a tensor of no model', withHeader((h) => { h['rnn.weight_xx'] = { dtype: 'F64', shape: [0], data_offsets: [0, 0] }; }), TypeError, /unexpected tensor rnn.weight_xx/],
    ['a tensor renamed', withHeader((h) => { h['linear.bias'] = h['fc.bias']; delete h['fc.bias']; }), TypeError, /unexpected tensor linear.bias/],
    ['shapes that disagree', withHeader((h) => { h['rnn.weight_hh_l0'].shape = [1, 9]; }), RangeError, /tensor rnn.weight_hh_l0 must have shape \[3,3\]/],
    ['a matrix given as a vector', withHeader((h) => { h['fc.weight'].shape = [6]; }), RangeError, /tensor fc.weight must have 2 dimension\(s\), got shape \[6\]/],
    ['metadata that is not strings', withHeader((h) => { h.__metadata__ = { format: 1 }; }), TypeError, /__metadata__.format must be a string, got 1/],
    ['NaN', withValue(NaN), TypeError, /tensor fc.bias\[1\] must be a finite number, got NaN/],
    ['Infinity', withValue(-Infinity), TypeError, /tensor fc.bias\[1\] must be a finite number, got -Infinity/],
    ['biases that overflow when added', overflowingBiases, RangeError, /rnn.bias_ih_l0\[0\] \+ rnn.bias_hh_l0\[0\] overflows to Infinity/],
  ];
  it.each(CASES)('%s', async (_, bytes, type, message) => {
    await expect(RNN.fromSafetensors(bytes() as Uint8Array, { backend: 'ts' })).rejects.toThrow(type);
    await expect(RNN.fromSafetensors(bytes() as Uint8Array, { backend: 'ts' })).rejects.toThrow(message);
  });

  it('the good file of these cases loads', async () => {
    await expect(RNN.fromSafetensors(good(), { backend: 'ts' })).resolves.toBeInstanceOf(RNN);
  });

  // Such a header took 16 s and 1.46 GB to refuse when every entry was parsed before the names
  // were checked; now its length alone refuses it.
  it('a 99.7 MB header of 1.78 million zero-size tensors is refused by its length, before it is read', async () => {
    const count = 1_780_000;
    const entries = Array.from({ length: count }, (_, i) => `"${i.toString(36)}":{"dtype":"F64","shape":[0],"data_offsets":[0,0]}`);
    const json = new TextEncoder().encode(`{${entries.join(',')}}`);
    expect(json.length).toBe(99_732_397); // within the format's 100,000,000
    const bytes = new Uint8Array(8 + json.length);
    new DataView(bytes.buffer).setBigUint64(0, BigInt(json.length), true);
    bytes.set(json, 8);
    await expect(RNN.fromSafetensors(bytes, { backend: 'ts' })).rejects.toThrow(new RangeError(`RNN.fromSafetensors: the header length is ${json.length} bytes, more than the limit of ${SAFETENSORS_LIMITS.maxHeaderBytes}`));
  });

  it('a bad backend option is refused', async () => {
    await expect(RNN.fromSafetensors(good(), { backend: 'cuda' } as never)).rejects.toThrow(/options.backend must be 'wasm' or 'ts', got "cuda"/);
  });
});

describe('decodeSafetensors with limits from its caller', () => {
  const good = (): Uint8Array => new RNN(2, 3, 2, { backend: 'ts', seed: 1 }).toSafetensors();
  /** A file of `count` zero-size tensors, its header written as given after them (`tail`). */
  const zeroSized = (count: number, tail = ''): Uint8Array => {
    const entries = Array.from({ length: count }, (_, i) => `"t${i}": {"dtype": "F64", "shape": [0], "data_offsets": [0, 0]}`);
    const json = new TextEncoder().encode(`{"__metadata__": {"a": "b:c"}, ${entries.join(', ')}${tail}}`);
    const bytes = new Uint8Array(8 + json.length);
    new DataView(bytes.buffer).setBigUint64(0, BigInt(json.length), true);
    bytes.set(json, 8);
    return bytes;
  };

  it('reads any number of tensors without limits, and refuses one beyond maxTensors', () => {
    expect(decodeSafetensors('test', zeroSized(1000)).tensors.size).toBe(1000);
    expect(decodeSafetensors('test', zeroSized(6), { maxTensors: 6 }).tensors.size).toBe(6);
    expect(() => decodeSafetensors('test', zeroSized(7), { maxTensors: 6 })).toThrow(new RangeError('test: the header holds more than 6 tensors, the most this file may have'));
  });

  it('counts the tensors before parsing the header: a file beyond the count is refused for it, even if its JSON is broken later', () => {
    const broken = zeroSized(7, ', "t7": {"dtype": "F64", "shape": [0], "data_offsets": [0, 0] ]]]');
    expect(() => decodeSafetensors('test', broken)).toThrow(TypeError);
    expect(() => decodeSafetensors('test', broken, { maxTensors: 6 })).toThrow(/more than 6 tensors/);
    // Colons and braces inside names and strings are not members.
    const tricky = zeroSized(2, String.raw`, "t:{\":x": {"dtype": "F64", "shape": [0], "data_offsets": [0, 0]}`);
    expect(decodeSafetensors('test', tricky, { maxTensors: 3 }).tensors.has('t:{":x')).toBe(true);
  });

  it('refuses a header longer than maxHeaderBytes from its first 8 bytes', () => {
    const bytes = zeroSized(50);
    expect(() => decodeSafetensors('test', bytes, { maxHeaderBytes: 100 })).toThrow(new RangeError(`test: the header length is ${bytes.length - 8} bytes, more than the limit of 100`));
  });

  it('keeps a metadata key named __proto__ as a key', () => {
    const bytes = good();
    const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    const text = Buffer.from(bytes.subarray(8, 8 + n)).toString('utf8').trim().replace('"__metadata__":{', '"__metadata__":{"__proto__":"x",');
    const { metadata } = decodeSafetensors('test', replaceSafetensorsHeader(bytes, n, text, { asText: true }));
    expect(Object.getPrototypeOf(metadata)).toBe(Object.prototype);
    expect(Object.hasOwn(metadata, '__proto__') && metadata.__proto__ === 'x').toBe(true);
  });

});

describe('module names and batch_first', () => {
  it('round-trips a stacked model under dotted module names, and refuses it under the default ones', async () => {
    const rnn = await RNN.create(3, 4, 2, { cell: 'lstm', layers: 2, backend: 'ts', seed: 9 });
    const names = { rnn: 'encoder.lstm', fc: 'decoder' };
    const bytes = rnn.toSafetensors({ names });
    const { tensors } = decodeSafetensors('test', bytes);
    expect([...tensors.keys()]).toEqual([
      'encoder.lstm.weight_ih_l0', 'encoder.lstm.weight_hh_l0', 'encoder.lstm.bias_ih_l0', 'encoder.lstm.bias_hh_l0',
      'encoder.lstm.weight_ih_l1', 'encoder.lstm.weight_hh_l1', 'encoder.lstm.bias_ih_l1', 'encoder.lstm.bias_hh_l1',
      'decoder.weight', 'decoder.bias',
    ]);
    const back = await RNN.fromSafetensors(bytes, { backend: 'ts', names });
    expect(back.getTensors()).toEqual(rnn.getTensors());
    await expect(RNN.fromSafetensors(bytes, { backend: 'ts' })).rejects.toThrow(/unexpected tensor encoder\.lstm\.weight_ih_l0/);
    // Only fc renamed: the rnn module keeps its default name.
    const half = await RNN.fromSafetensors(rnn.toSafetensors({ names: { fc: 'out' } }), { names: { fc: 'out' }, backend: 'ts' });
    expect(half.getTensors()).toEqual(rnn.getTensors());
  });

  it('names the file\'s own tensors in its errors', async () => {
    const rnn = await RNN.create(3, 4, 2, { cell: 'gru', backend: 'ts' });
    const { tensors } = decodeSafetensors('test', rnn.toSafetensors({ names: { rnn: 'gru', fc: 'out' } }));
    const entries = [...tensors.entries()].filter(([name]) => name !== 'out.bias');
    await expect(RNN.fromSafetensors(encodeSafetensors(entries), { names: { rnn: 'gru', fc: 'out' } }))
      .rejects.toThrow(/tensor out\.bias is missing \(expected: gru\.weight_ih_l0, .*, out\.weight, out\.bias\)/);
  });

  it.each([
    [null, TypeError, /options\.names must be an object such as \{ rnn: 'lstm', fc: 'out' \}, got null/],
    [{ lstm: 'x' }, TypeError, /options\.names has an unknown key 'lstm' \(known: rnn, fc\)/],
    [{ rnn: '' }, TypeError, /options\.names\.rnn must be a module name such as 'lstm' or 'model\.rnn'.*got ""/],
    [{ fc: 'out.' }, TypeError, /options\.names\.fc must be a module name/],
    [{ rnn: 3 }, TypeError, /options\.names\.rnn must be a module name.*got 3/],
    [{ rnn: 'net', fc: 'net' }, RangeError, /options\.names\.rnn 'net' and options\.names\.fc 'net' must name two different modules/],
    [{ rnn: 'net', fc: 'net.fc' }, RangeError, /neither inside the other/],
  ])('refuses names %j in toSafetensors and fromSafetensors', async (names, type, message) => {
    const rnn = await RNN.create(2, 3, 2, { backend: 'ts' });
    expect(() => rnn.toSafetensors({ names: names as never })).toThrow(type);
    expect(() => rnn.toSafetensors({ names: names as never })).toThrow(message);
    await expect(RNN.fromSafetensors(rnn.toSafetensors(), { names: names as never })).rejects.toThrow(message);
  });

  it('refuses unknown options', async () => {
    const rnn = await RNN.create(2, 3, 2, { backend: 'ts' });
    expect(() => rnn.toSafetensors({ backend: 'ts' } as never)).toThrow(/RNN\.toSafetensors: unknown option 'backend' \(known: names\)/);
    expect(() => rnn.toSafetensors('rnn' as never)).toThrow(/RNN\.toSafetensors: options must be an object/);
    await expect(RNN.fromSafetensors(rnn.toSafetensors(), { seed: 1 } as never)).rejects.toThrow(/RNN\.fromSafetensors: unknown option 'seed' \(known: backend, names\)/);
  });

  it('reads metadata batch_first: "False" loads, "True" is refused saying what rnn-wasm takes, anything else is an error', async () => {
    const rnn = await RNN.create(2, 3, 2, { cell: 'gru', backend: 'ts', seed: 4 });
    const { tensors } = decodeSafetensors('test', rnn.toSafetensors());
    const entries = [...tensors.entries()];
    const loaded = await RNN.fromSafetensors(encodeSafetensors(entries, { batch_first: 'False' }), { backend: 'ts' });
    expect(loaded.getTensors()).toEqual(rnn.getTensors());
    for (const yes of ['True', 'true', '1']) {
      await expect(RNN.fromSafetensors(encodeSafetensors(entries, { batch_first: yes }), { backend: 'ts' }))
        .rejects.toThrow(new RegExp(`metadata batch_first is "${yes}": rnn-wasm's recurrent layers are torch's batch_first=False ones, which take sequences time-major \\(\\[T, N, I\\]\\)`));
    }
    await expect(RNN.fromSafetensors(encodeSafetensors(entries, { batch_first: 'maybe' }), { backend: 'ts' }))
      .rejects.toThrow(/metadata batch_first must be "False" \(or "True", which is refused\), got "maybe"/);
  });
});
