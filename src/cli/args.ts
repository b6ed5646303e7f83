// Command-line arguments: node's util.parseArgs, strict, and checked conversions whose errors name
// the flag, what it takes and what it got. Reading and writing the files they name is files.ts.
import { parseArgs, type ParseArgsConfig } from 'node:util';

/** Bad command-line input: the command prints its message on one line and exits with code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;
export type Values = Record<string, string | boolean | undefined>;

/** One subcommand: its help text and what it runs. */
export interface Command {
  name: string;
  summary: string;
  help: string;
  options: OptionSpec;
  run(values: Values): Promise<number | void>;
}

/**
 * The arguments with a value that begins with a dash joined to its flag (`--lr -1` becomes
 * `--lr=-1`), so that the flag's own check answers it: parseArgs would call it ambiguous. A flag
 * of the command in place of a value (`--out --quiet`) is a missing value.
 */
function joinDashValues(argv: string[], options: OptionSpec): string[] {
  const isFlag = (word: string): boolean => word === '-h' || word === '--'
    || (word.startsWith('--') && (word.slice(2).split('=')[0] === 'help' || Object.hasOwn(options, word.slice(2).split('=')[0])));
  const joined: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i], next = argv[i + 1];
    const name = word.startsWith('--') && !word.includes('=') ? word.slice(2) : undefined;
    if (name !== undefined && options[name]?.type === 'string' && next !== undefined && next.startsWith('-')) {
      if (isFlag(next)) throw new UsageError(`--${name} needs a value, got the flag ${next} (see --help)`);
      joined.push(`${word}=${next}`);
      i++;
    } else {
      joined.push(word);
    }
  }
  return joined;
}

/** Parses a subcommand's arguments strictly: unknown flags, missing values and stray words are usage errors. */
export function parse(argv: string[], options: OptionSpec): Values {
  try {
    return parseArgs({ args: joinDashValues(argv, options), options: { ...options, help: { type: 'boolean', short: 'h' } }, strict: true, allowPositionals: false }).values as Values;
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS')) {
      throw new UsageError(`${(error as Error).message.replace(/\s*\n\s*/g, ' ')} (see --help)`);
    }
    throw error;
  }
}

function got(value: string): string {
  return JSON.stringify(value);
}

/** An integer flag in [min, max]. */
export function integer(flag: string, value: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const n = /^[+-]?\d+$/.test(value.trim()) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `an integer >= ${min}` : `an integer in [${min}, ${max}]`;
    throw new UsageError(`--${flag} must be ${range}, got ${got(value)}`);
  }
  return n;
}

/** A finite number flag, not below min. */
export function number(flag: string, value: string, min = -Infinity): number {
  const n = value.trim() === '' ? NaN : Number(value);
  if (!Number.isFinite(n) || n < min) {
    throw new UsageError(`--${flag} must be a finite number${min > -Infinity ? ` >= ${min}` : ''}, got ${got(value)}`);
  }
  return n;
}

/** A comma-separated list of integers in [min, max], not empty. */
export function integerList(flag: string, value: string, min: number, max: number): number[] {
  const items = value.split(',');
  const ok = items.every((s) => /^\s*\d+\s*$/.test(s));
  const list = items.map(Number);
  if (!ok || list.some((n) => n < min || n > max)) {
    throw new UsageError(`--${flag} must be a comma-separated list of integers in [${min}, ${max}], got ${got(value)}`);
  }
  return list;
}

/** One of a fixed set of words. */
export function choice<T extends string>(flag: string, value: string, choices: readonly T[]): T {
  if (!(choices as readonly string[]).includes(value)) {
    throw new UsageError(`--${flag} must be one of: ${choices.join(', ')}, got ${got(value)}`);
  }
  return value as T;
}

/** A flag that must be given. */
export function required(values: Values, flag: string): string {
  const value = values[flag];
  if (typeof value !== 'string') throw new UsageError(`--${flag} is required (see --help)`);
  return value;
}
