// JSON read in pieces, for files too large to be one string (see json-chunks.ts, which writes
// them): the same values as JSON.parse, from text that arrives in chunks of any size. The tests
// compare it with JSON.parse on generated texts, valid and not, cut at every place.

/** Text that is not JSON, with the character offset where it went wrong. */
export class JsonSyntaxError extends SyntaxError {
  override name = 'JsonSyntaxError';
  constructor(message: string, readonly offset: number) {
    super(message);
  }
}

type Container = { array: unknown[]; object?: undefined } | { array?: undefined; object: Record<string, unknown>; key?: string };

/** What the parser expects next. */
const Expect = { Value: 0, FirstValueOrEnd: 1, FirstKeyOrEnd: 2, Key: 3, Colon: 4, CommaOrEnd: 5, Nothing: 6 } as const;
type Expect = (typeof Expect)[keyof typeof Expect];

function isWhitespace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/**
 * The end of the JSON number that starts at `start`, or -1 when the text ends before the number
 * can be known to end (more text may follow), or -2 when it is not a JSON number.
 */
function numberEnd(s: string, start: number, final: boolean): number {
  let i = start;
  const n = s.length;
  const more = (): number => (final ? -2 : -1);
  if (s.charCodeAt(i) === 0x2d) i++; // '-'
  if (i >= n) return more();
  if (s.charCodeAt(i) === 0x30) {
    i++;
  } else if (isDigit(s.charCodeAt(i))) {
    while (i < n && isDigit(s.charCodeAt(i))) i++;
  } else {
    return -2;
  }
  if (i < n && s.charCodeAt(i) === 0x2e) { // '.'
    i++;
    if (i >= n) return more();
    if (!isDigit(s.charCodeAt(i))) return -2;
    while (i < n && isDigit(s.charCodeAt(i))) i++;
  }
  if (i < n && (s.charCodeAt(i) | 0x20) === 0x65) { // 'e' or 'E'
    i++;
    if (i < n && (s.charCodeAt(i) === 0x2b || s.charCodeAt(i) === 0x2d)) i++;
    if (i >= n) return more();
    if (!isDigit(s.charCodeAt(i))) return -2;
    while (i < n && isDigit(s.charCodeAt(i))) i++;
  }
  // A number can only be known to have ended at a character that is not part of it.
  if (i >= n && !final) return -1;
  return i;
}

/** The end (after the closing quote) of the string that starts at `start`, or -1 if it has not ended yet. */
function stringEnd(s: string, start: number): number {
  let i = start + 1;
  for (;;) {
    const quote = s.indexOf('"', i);
    if (quote < 0) return -1;
    // The quote is escaped when an odd number of backslashes precede it.
    let slashes = 0;
    for (let k = quote - 1; k > start && s.charCodeAt(k) === 0x5c; k--) slashes++;
    if (slashes % 2 === 0) return quote + 1;
    i = quote + 1;
  }
}

/**
 * A JSON parser fed text in chunks: `push` each chunk, then `end()` returns the value, exactly as
 * JSON.parse would return it for the whole text (and throws a JsonSyntaxError where JSON.parse
 * would throw). Objects get their keys as JSON.parse gives them (a key "__proto__" is an own
 * property, not the prototype).
 *
 * @example
 * const parser = new JsonParser();
 * parser.push('{"a": [1, 2');
 * parser.push('.5]}');
 * parser.end(); // { a: [1, 2.5] }
 */
export class JsonParser {
  private text = '';
  /** Characters consumed before `text`, for error offsets. */
  private consumed = 0;
  private readonly stack: Container[] = [];
  private expect: Expect = Expect.Value;
  private root: unknown;

  push(chunk: string): void {
    this.text = this.text.length === 0 ? chunk : this.text + chunk;
    this.run(false);
  }

  end(): unknown {
    this.run(true);
    if (this.expect !== Expect.Nothing) throw this.error('Unexpected end of JSON input', this.text.length);
    return this.root;
  }

  private error(message: string, at: number): JsonSyntaxError {
    return new JsonSyntaxError(`${message} at character ${this.consumed + at}`, this.consumed + at);
  }

  private put(value: unknown): void {
    const top = this.stack[this.stack.length - 1];
    if (top === undefined) {
      this.root = value;
      this.expect = Expect.Nothing;
    } else if (top.array !== undefined) {
      top.array.push(value);
      this.expect = Expect.CommaOrEnd;
    } else {
      Object.defineProperty(top.object, top.key as string, { value, writable: true, enumerable: true, configurable: true });
      this.expect = Expect.CommaOrEnd;
    }
  }

  private run(final: boolean): void {
    const s = this.text;
    const n = s.length;
    let i = 0;
    scan: while (i < n) {
      const c = s.charCodeAt(i);
      if (isWhitespace(c)) {
        i++;
        continue;
      }
      switch (this.expect) {
        case Expect.Nothing:
          throw this.error(`Unexpected non-whitespace character after JSON`, i);
        case Expect.Colon:
          if (c !== 0x3a) throw this.error(`Expected ':' after a property name`, i);
          this.expect = Expect.Value;
          i++;
          continue;
        case Expect.CommaOrEnd: {
          const top = this.stack[this.stack.length - 1];
          if (c === 0x2c) { // ','
            this.expect = top.array !== undefined ? Expect.Value : Expect.Key;
            i++;
            continue;
          }
          if ((c === 0x5d && top.array !== undefined) || (c === 0x7d && top.object !== undefined)) {
            this.stack.pop();
            this.put(top.array ?? top.object);
            i++;
            continue;
          }
          throw this.error(`Expected ',' or '${top.array !== undefined ? ']' : '}'}'`, i);
        }
        case Expect.FirstKeyOrEnd:
        case Expect.Key: {
          if (c === 0x7d && this.expect === Expect.FirstKeyOrEnd) {
            const top = this.stack.pop() as Container;
            this.put(top.object);
            i++;
            continue;
          }
          if (c !== 0x22) throw this.error('Expected a double-quoted property name', i);
          const end = stringEnd(s, i);
          if (end < 0) break scan;
          (this.stack[this.stack.length - 1] as { key?: string }).key = this.string(s, i, end);
          this.expect = Expect.Colon;
          i = end;
          continue;
        }
        case Expect.FirstValueOrEnd:
        case Expect.Value: {
          if (c === 0x5d && this.expect === Expect.FirstValueOrEnd) {
            const top = this.stack.pop() as Container;
            this.put(top.array);
            i++;
          } else if (c === 0x7b) { // '{'
            this.stack.push({ object: {} });
            this.expect = Expect.FirstKeyOrEnd;
            i++;
          } else if (c === 0x5b) { // '['
            this.stack.push({ array: [] });
            this.expect = Expect.FirstValueOrEnd;
            i++;
          } else if (c === 0x22) {
            const end = stringEnd(s, i);
            if (end < 0) break scan;
            this.put(this.string(s, i, end));
            i = end;
          } else if (c === 0x2d || isDigit(c)) {
            const end = numberEnd(s, i, final);
            if (end === -1) break scan;
            if (end === -2) throw this.error('Not a JSON number', i);
            this.put(Number(s.slice(i, end)));
            i = end;
          } else {
            const word = c === 0x74 ? 'true' : c === 0x66 ? 'false' : c === 0x6e ? 'null' : undefined;
            if (word === undefined) throw this.error(`Unexpected character ${JSON.stringify(s[i])}`, i);
            const got = s.slice(i, i + word.length);
            if (got.length < word.length && word.startsWith(got) && !final) break scan;
            if (got !== word) throw this.error(`Unexpected character ${JSON.stringify(s[i])}`, i);
            this.put(word === 'true' ? true : word === 'false' ? false : null);
            i += word.length;
          }
          continue;
        }
      }
    }
    if (final && i < n) {
      // Only an unfinished string stops the scan at the end: JSON.parse says the same.
      throw this.error('Unterminated string in JSON', i);
    }
    this.consumed += i;
    this.text = i === n ? '' : s.slice(i);
  }

  /** A string token, decoded by JSON.parse itself (escapes, and refusing raw control characters). */
  private string(s: string, start: number, end: number): string {
    try {
      return JSON.parse(s.slice(start, end)) as string;
    } catch {
      throw this.error('Bad string in JSON', start);
    }
  }
}

/**
 * Parses JSON text that arrives in chunks (a file stream's, say) without joining them.
 *
 * @example
 * const value = await parseJsonChunks(createReadStream('model.json', { encoding: 'utf8' }));
 */
export async function parseJsonChunks(chunks: AsyncIterable<string> | Iterable<string>): Promise<unknown> {
  const parser = new JsonParser();
  for await (const chunk of chunks) parser.push(chunk);
  return parser.end();
}
