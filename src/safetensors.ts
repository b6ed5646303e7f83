// The safetensors format (Hugging Face): an 8-byte little-endian header length N, N bytes of JSON
// header, then the tensors' raw little-endian bytes. The header maps each tensor's name to
// { dtype, shape, data_offsets: [begin, end] }, offsets in bytes from the start of the data, and
// may hold "__metadata__", a map of strings to strings. The tensors must cover the data exactly,
// without gaps or overlaps. This module writes F64 and reads F64 and F32.
import { show } from './errors.js';

/**
 * A tensor read from or written to a safetensors file, row-major.
 *
 * @example
 * const bias: Tensor = { shape: [2, 3], data: new Float64Array(6) }; // 2 rows of 3
 */
export interface Tensor {
  shape: number[];
  data: Float64Array;
}

/** The largest header a file may have, as in the reference implementation. */
const MAX_HEADER_BYTES = 100_000_000;
const DTYPE_BYTES: Record<string, number> = { F64: 8, F32: 4 };
const METADATA = '__metadata__';

/**
 * What a caller expects of a file, so that a file far beyond it is refused before it costs much:
 * the most tensors it may hold, and the largest header (at most the format's 100,000,000 bytes).
 *
 * @example
 * const limits: SafetensorsLimits = { maxTensors: 6, maxHeaderBytes: 65_536 };
 */
export interface SafetensorsLimits {
  maxTensors?: number;
  maxHeaderBytes?: number;
}

function product(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/**
 * Writes tensors as F64, in the order given, with the header padded by spaces so that the data
 * starts on an 8-byte boundary.
 *
 * @example
 * const bytes = encodeSafetensors([['b', { shape: [2], data: new Float64Array([1, 2]) }]], { format: 'pt' });
 * bytes.length; // 8 (header length) + 88 (JSON header, padded) + 16 (data) = 112
 */
export function encodeSafetensors(tensors: ReadonlyArray<[string, Tensor]>, metadata: Record<string, string> = {}): Uint8Array {
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) header[METADATA] = metadata;
  let offset = 0;
  for (const [name, { shape, data }] of tensors) {
    if (product(shape) !== data.length) throw new RangeError(`encodeSafetensors: tensor ${name} has shape [${shape}] but ${data.length} numbers`);
    header[name] = { dtype: 'F64', shape, data_offsets: [offset, offset + 8 * data.length] };
    offset += 8 * data.length;
  }
  let json = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil(json.length / 8) * 8;
  if (padded !== json.length) {
    const spaces = new Uint8Array(padded).fill(0x20);
    spaces.set(json);
    json = spaces;
  }
  const bytes = new Uint8Array(8 + json.length + offset);
  const view = new DataView(bytes.buffer);
  view.setBigUint64(0, BigInt(json.length), true);
  bytes.set(json, 8);
  let at = 8 + json.length;
  for (const [, { data }] of tensors) {
    for (let i = 0; i < data.length; i++, at += 8) view.setFloat64(at, data[i], true);
  }
  return bytes;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/**
 * Whether the JSON object in `json` has at most `limit` members, counted over its bytes before
 * it is parsed (and stopping at the first beyond the limit): each member of the outermost object
 * is one ':' at depth 1 outside strings. UTF-8 continuation bytes are never '"' or '\\', so a byte
 * scan is exact. Malformed JSON may be miscounted here; JSON.parse refuses it afterwards.
 */
function membersWithin(json: Uint8Array, limit: number): boolean {
  let depth = 0, inString = false, members = 0;
  for (let i = 0; i < json.length; i++) {
    const c = json[i];
    if (inString) {
      if (c === 0x5c) i++; // a backslash escapes the next byte
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) depth++;
    else if (c === 0x7d || c === 0x5d) depth--;
    else if (c === 0x3a && depth === 1 && ++members > limit) return false;
  }
  return true;
}

/**
 * Reads a safetensors file after checking it whole: the header's length, its JSON, every entry's
 * dtype, shape and offsets, and that the tensors cover the data exactly. Returns the tensors as
 * float64s and the metadata. TypeError for a wrong type or a malformed header, RangeError for a
 * truncated file, an unsupported dtype, inconsistent sizes, or a file beyond `limits` (refused
 * from its first 8 bytes for the header's length, and before the header is parsed for the count
 * of tensors).
 *
 * @example
 * const { tensors, metadata } = decodeSafetensors('RNN.fromSafetensors', bytes, { maxTensors: 1 }); // bytes as above
 * tensors.get('b'); // { shape: [2], data: Float64Array [1, 2] }
 * metadata; // { format: 'pt' }
 */
export function decodeSafetensors(where: string, bytes: unknown, limits: SafetensorsLimits = {}): { tensors: Map<string, Tensor>; metadata: Record<string, string> } {
  const maxHeaderBytes = Math.min(limits.maxHeaderBytes ?? MAX_HEADER_BYTES, MAX_HEADER_BYTES);
  const maxTensors = limits.maxTensors ?? Infinity;
  if (!(bytes instanceof Uint8Array)) throw new TypeError(`${where}: bytes must be a Uint8Array, got ${show(bytes)}`);
  if (bytes.length < 8) throw new RangeError(`${where}: the file is truncated: ${bytes.length} bytes, fewer than the 8 of the header length`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getBigUint64(0, true);
  if (headerLength > BigInt(maxHeaderBytes)) {
    throw new RangeError(`${where}: the header length is ${headerLength} bytes, more than the limit of ${maxHeaderBytes}`);
  }
  const N = Number(headerLength);
  if (8 + N > bytes.length) throw new RangeError(`${where}: the file is truncated: its header needs ${8 + N} bytes, the file has ${bytes.length}`);
  // One member more than the tensors, for __metadata__.
  if (!membersWithin(bytes.subarray(8, 8 + N), maxTensors + 1)) {
    throw new RangeError(`${where}: the header holds more than ${maxTensors} tensors, the most this file may have`);
  }

  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + N)));
  } catch (error) {
    throw new TypeError(`${where}: the header is not valid UTF-8 JSON (${(error as Error).message})`, { cause: error });
  }
  if (!isPlainObject(header)) throw new TypeError(`${where}: the header must be a JSON object, got ${show(header)}`);

  const dataLength = bytes.length - 8 - N;
  const metadata: Record<string, string> = {};
  const entries: { name: string; dtype: string; shape: number[]; begin: number; end: number }[] = [];
  for (const [name, entry] of Object.entries(header)) {
    if (name === METADATA) {
      if (!isPlainObject(entry)) throw new TypeError(`${where}: ${METADATA} must be an object of strings, got ${show(entry)}`);
      for (const [key, value] of Object.entries(entry)) {
        if (typeof value !== 'string') throw new TypeError(`${where}: ${METADATA}.${key} must be a string, got ${show(value)}`);
        // Defined, not assigned: a key named __proto__ would otherwise set the prototype.
        Object.defineProperty(metadata, key, { value, enumerable: true, writable: true, configurable: true });
      }
      continue;
    }
    if (entries.length === maxTensors) throw new RangeError(`${where}: the header holds more than ${maxTensors} tensors, the most this file may have`);
    if (!isPlainObject(entry)) throw new TypeError(`${where}: tensor ${name} must be an object, got ${show(entry)}`);
    const { dtype, shape, data_offsets: offsets } = entry;
    if (typeof dtype !== 'string') throw new TypeError(`${where}: tensor ${name}: dtype must be a string, got ${show(dtype)}`);
    // An own property: `in` would also accept inherited names such as 'constructor'.
    if (!Object.hasOwn(DTYPE_BYTES, dtype)) throw new RangeError(`${where}: tensor ${name}: dtype ${dtype} is not supported (supported: ${Object.keys(DTYPE_BYTES).join(', ')})`);
    if (!Array.isArray(shape) || !shape.every(isCount)) {
      throw new TypeError(`${where}: tensor ${name}: shape must be an array of non-negative integers, got ${JSON.stringify(shape)}`);
    }
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isCount)) {
      throw new TypeError(`${where}: tensor ${name}: data_offsets must be two non-negative integers, got ${JSON.stringify(offsets)}`);
    }
    const [begin, end] = offsets as number[];
    const expected = product(shape as number[]) * DTYPE_BYTES[dtype];
    if (end < begin || end - begin !== expected) {
      throw new RangeError(`${where}: tensor ${name}: data_offsets [${begin}, ${end}] must span ${expected} bytes for shape [${shape}] of ${dtype}`);
    }
    if (end > dataLength) throw new RangeError(`${where}: the file is truncated: tensor ${name} ends at byte ${end} of the data, which has ${dataLength}`);
    entries.push({ name, dtype, shape: shape as number[], begin, end });
  }
  entries.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let covered = 0;
  for (const { name, begin, end } of entries) {
    if (begin !== covered) throw new RangeError(`${where}: tensor ${name} starts at byte ${begin} of the data, expected ${covered}: tensors must cover the data without gaps or overlaps`);
    covered = end;
  }
  if (covered !== dataLength) throw new RangeError(`${where}: the data has ${dataLength} bytes but the tensors cover ${covered}`);

  const tensors = new Map<string, Tensor>();
  const start = 8 + N;
  for (const { name, dtype, shape, begin } of entries) {
    const size = DTYPE_BYTES[dtype];
    const data = new Float64Array(product(shape));
    for (let i = 0, at = start + begin; i < data.length; i++, at += size) {
      data[i] = size === 8 ? view.getFloat64(at, true) : view.getFloat32(at, true);
    }
    tensors.set(name, { shape, data });
  }
  return { tensors, metadata };
}
