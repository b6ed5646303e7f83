// The command line's JSON in pieces: jsonChunks writes what JSON.stringify writes, and JsonParser
// reads what JSON.parse reads, from text cut anywhere, and refuses what JSON.parse refuses.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonChunks } from '../src/cli/json-chunks.js';
import { JsonParser, JsonSyntaxError, parseJsonChunks } from '../src/cli/json-read.js';
import { RNN } from '../src/index.js';

/** JSON.stringify's result, or the class of error it throws. */
function stringify(value: unknown): string | undefined | { threw: string } {
  try {
    return JSON.stringify(value);
  } catch (error) {
    return { threw: (error as Error).constructor.name };
  }
}

function joined(value: unknown, piece?: number): string | undefined | { threw: string } {
  try {
    const pieces = [...jsonChunks(value, piece)];
    return pieces.length === 0 ? undefined : pieces.join('');
  } catch (error) {
    return { threw: (error as Error).constructor.name };
  }
}

/** Parses `text` cut into pieces at `cuts`; the parsed value, or 'threw'. */
function parseCut(text: string, cuts: number[]): unknown {
  const at = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
  const parser = new JsonParser();
  try {
    let last = 0;
    for (const cut of at) {
      parser.push(text.slice(last, cut));
      last = cut;
    }
    parser.push(text.slice(last));
    return parser.end();
  } catch (error) {
    expect(error).toBeInstanceOf(JsonSyntaxError);
    return 'threw';
  }
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return 'threw';
  }
}

describe('jsonChunks', () => {
  it('joins to JSON.stringify of any value, in pieces of any size', () => {
    fc.assert(fc.property(
      fc.anything({ withBoxedValues: true, withNullPrototype: true, withSparseArray: true, withTypedArray: true, withDate: true }),
      fc.integer({ min: 1, max: 40 }),
      (value, piece) => {
        expect(joined(value, piece)).toEqual(stringify(value));
      },
    ), { numRuns: 2000 });
  });

  it('follows toJSON, and skips what JSON.stringify skips', () => {
    const value = { a: undefined, b: () => 1, c: [undefined, () => 1, Symbol('s'), NaN, -Infinity, -0], d: { toJSON: (key: string) => `key ${key}` }, e: new Date(0) };
    expect(joined(value)).toBe(JSON.stringify(value));
    expect(joined(undefined)).toBeUndefined();
    expect(joined(1n)).toEqual({ threw: 'TypeError' });
    const circular: Record<string, unknown> = {};
    circular.self = [circular];
    expect(joined(circular)).toEqual({ threw: 'TypeError' });
  });

  it('writes a model file as JSON.stringify does, and never holds much more than one piece', async () => {
    const rnn = await RNN.create(5, 30, 5, { backend: 'ts', seed: 3 });
    rnn.train([[1, 0, 0, 0, 0], [0, 1, 0, 0, 0]], [1, 2], { iterations: 3, optimizer: 'adam' });
    const pieces = [...jsonChunks(rnn.toJSON(), 1000)];
    expect(pieces.join('')).toBe(JSON.stringify(rnn));
    expect(pieces.length).toBeGreaterThan(10);
    // A piece ends once it reaches 1000 characters, overfilled by at most one run of numbers.
    for (const piece of pieces) expect(piece.length).toBeLessThan(2 * 1000);
  });
});

describe('JsonParser', () => {
  it('reads what JSON.parse reads from valid JSON cut anywhere', () => {
    fc.assert(fc.property(
      fc.jsonValue().chain((v) => fc.constantFrom(JSON.stringify(v), JSON.stringify(v, null, 2), ` ${JSON.stringify(v, null, '\t')}\r\n`)),
      fc.array(fc.nat(), { maxLength: 6 }),
      (text, cuts) => {
        expect(parseCut(text, cuts)).toEqual(JSON.parse(text));
      },
    ), { numRuns: 2000 });
  });

  it('refuses what JSON.parse refuses, and reads what it reads, on mangled text', () => {
    const mangled = fc.tuple(fc.jsonValue().map((v) => JSON.stringify(v)), fc.nat(), fc.nat({ max: 3 }), fc.string({ maxLength: 3, unit: fc.constantFrom(...'{}[]:,"\\-+.eE0123456789 tfnrul\u0001x') }))
      .map(([text, at, drop, insert]) => text.slice(0, at % (text.length + 1)) + insert + text.slice((at % (text.length + 1)) + drop));
    fc.assert(fc.property(mangled, fc.array(fc.nat(), { maxLength: 4 }), (text, cuts) => {
      expect(parseCut(text, cuts)).toEqual(parse(text));
    }), { numRuns: 5000 });
  });

  it.each([
    '', ' ', '01', '1.', '.5', '+1', '-', '1e', '1e+', '--1', '0x10', 'NaN', 'Infinity', 'tru', 'nul', 'true false', '[1,]', '[,1]', '{"a":1,}',
    '{"a" 1}', '{a:1}', "{'a':1}", '"\u0001"', '"\\x"', '"abc', '[1', '{"a":1', '[1 2]', '1 2', '[]]',
  ])('refuses %j, as JSON.parse does', (text) => {
    expect(() => JSON.parse(text)).toThrow(SyntaxError);
    expect(parseCut(text, [])).toBe('threw');
    expect(parseCut(text, [1, 2])).toBe('threw');
  });

  it('keeps every bit of the numbers, -0 included, and "__proto__" as an own key', () => {
    const text = '[-0, 5e-324, 1.7976931348623157e308, 0.1, 1e400, -1e-400, 123456789012345678901234567890]';
    const read = parseCut(text, [3, 9, 10]) as number[];
    JSON.parse(text).forEach((v: number, i: number) => expect(Object.is(read[i], v)).toBe(true));
    const proto = parseCut('{"__proto__": {"x": 1}}', [5]) as Record<string, unknown>;
    expect(Object.getPrototypeOf(proto)).toBe(Object.prototype);
    expect(Object.keys(proto)).toEqual(['__proto__']);
  });

  it('names the character where the text went wrong', () => {
    expect(() => new JsonParser().end()).toThrow(/^Unexpected end of JSON input at character 0$/);
    const parser = new JsonParser();
    parser.push('{"a": [1, ');
    expect(() => parser.push('2}')).toThrow(/Expected ',' or '\]' at character 11/);
  });

  it('reads an async stream of chunks', async () => {
    async function* chunks() {
      yield '{"xs": [1, 2';
      yield '3], "ok": tr';
      yield 'ue}';
    }
    await expect(parseJsonChunks(chunks())).resolves.toEqual({ xs: [1, 23], ok: true });
  });
});
