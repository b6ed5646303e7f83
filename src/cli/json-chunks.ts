// JSON text in pieces, for files too large to be one string: a model of 5,000 hidden units is
// over a gigabyte of JSON, more than the longest string V8 can make (2^29 - 24 characters). The
// pieces joined are exactly what JSON.stringify gives for the same value (the tests compare them).

/** Characters a piece holds before it is handed on. */
const PIECE_CHARACTERS = 1 << 16;

/** A value after JSON.stringify's toJSON step and unwrapping of Number, String and Boolean objects. */
function resolve(value: unknown, key: string): unknown {
  if ((typeof value === 'object' && value !== null) || typeof value === 'bigint') {
    const toJSON = (value as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === 'function') value = toJSON.call(value, key);
  }
  if (value instanceof Number || value instanceof String || value instanceof Boolean) value = value.valueOf();
  return value;
}

/** Elements written in one JSON.stringify call, at most. */
const BLOCK = 1024;

/** A value JSON.stringify writes the same wherever it sits: no toJSON, no object. */
function isPlain(value: unknown): boolean {
  const type = typeof value;
  return type === 'number' || type === 'string' || type === 'boolean' || value === null;
}

/** What JSON.stringify leaves out of an object (and writes as null in an array). */
function isSkipped(value: unknown): boolean {
  return value === undefined || typeof value === 'function' || typeof value === 'symbol';
}

/** The text of a resolved value that is not an object, or undefined for an object or array. */
function primitive(value: unknown): string | undefined {
  switch (typeof value) {
    case 'number':
      return Number.isFinite(value) ? String(value) : 'null';
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'bigint':
      throw new TypeError('Do not know how to serialize a BigInt');
    default:
      return value === null ? 'null' : undefined;
  }
}

/**
 * Yields the JSON text of `value` in pieces of about `pieceCharacters` characters: joined, they
 * are `JSON.stringify(value)`. It follows JSON.stringify's rules (toJSON methods, undefined and
 * functions left out of objects and written as null in arrays, non-finite numbers as null,
 * circular structures refused) but never holds more than one piece, so that a file of any size
 * can be written as it is made. Yields nothing where JSON.stringify returns undefined.
 *
 * @example
 * await writeFile('model.json', jsonChunks(rnn.toJSON()));   // fs/promises takes an iterable
 * [...jsonChunks({ a: [1, 2] })].join('');                      // '{"a":[1,2]}'
 */
export function* jsonChunks(value: unknown, pieceCharacters = PIECE_CHARACTERS): Generator<string, void, undefined> {
  let piece = '';
  const open = new Set<object>();
  // A number takes at most 24 characters: a block then overfills a piece by at most its size.
  const block = Math.max(1, Math.min(BLOCK, Math.floor(pieceCharacters / 25)));

  function* object(v: object): Generator<string, void, undefined> {
    if (open.has(v)) throw new TypeError('Converting circular structure to JSON');
    open.add(v);
    if (Array.isArray(v)) {
      piece += '[';
      for (let i = 0; i < v.length;) {
        // A run of plain numbers, strings, booleans and nulls is written by JSON.stringify itself
        // (a model file is mostly such runs): the same text, several times faster.
        let end = i;
        while (end < v.length && end - i < block && isPlain(v[end])) end++;
        if (end > i) {
          if (i > 0) piece += ',';
          piece += JSON.stringify(v.slice(i, end)).slice(1, -1);
          i = end;
        } else {
          if (i > 0) piece += ',';
          const item = resolve(v[i], String(i));
          const text = isSkipped(item) ? 'null' : primitive(item);
          if (text === undefined) yield* object(item as object);
          else piece += text;
          i++;
        }
        if (piece.length >= pieceCharacters) {
          yield piece;
          piece = '';
        }
      }
      piece += ']';
    } else {
      piece += '{';
      let first = true;
      for (const key of Object.keys(v)) {
        const member = resolve((v as Record<string, unknown>)[key], key);
        if (isSkipped(member)) continue;
        piece += `${first ? '' : ','}${JSON.stringify(key)}:`;
        first = false;
        const text = primitive(member);
        if (text === undefined) yield* object(member as object);
        else piece += text;
        if (piece.length >= pieceCharacters) {
          yield piece;
          piece = '';
        }
      }
      piece += '}';
    }
    open.delete(v);
  }

  const top = resolve(value, '');
  if (isSkipped(top)) return;
  const text = primitive(top);
  if (text === undefined) yield* object(top as object);
  else piece = text;
  if (piece !== '') yield piece;
}
