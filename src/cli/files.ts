// The files the command line reads and writes, and the only module that opens them.
//
// Writing: the data goes to a new file under a random name in the target's folder, opened
// exclusively (O_CREAT | O_EXCL, which also refuses a symbolic link planted under that name),
// flushed to disk and renamed over the target. So nothing is ever written through a name that
// someone else could have prepared, and a run killed at any moment leaves the old file or the new
// one, never a part of one. The target is checked before any long work (checkWritable), and the
// temporary file is removed on every failure, on process.exit and on SIGINT, SIGTERM or SIGHUP
// (a SIGKILL can leave it behind: a hidden .rnn-wasm-*.tmp beside the target, never the target).
//
// Reading: regular files only (not a FIFO, which would hang the run, nor a device such as
// /dev/zero, which never ends) and at most a given number of bytes. Errors name the file and the
// reason, never what the file holds.
import { randomBytes } from 'node:crypto';
import { constants, unlinkSync, type Stats } from 'node:fs';
import { lstat, open, rename, unlink, type FileHandle } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { UsageError } from './args.js';

/** The code of a file system error (ENOENT, EISDIR, ...), or its message when it has none. */
function codeOf(error: unknown): string {
  return (error as { code?: string }).code ?? (error as Error).message;
}

/** What a file that is not a regular file is, for a message. */
function kindOf(info: Stats): string {
  if (info.isDirectory()) return 'a directory';
  if (info.isFIFO()) return 'a FIFO';
  if (info.isSocket()) return 'a socket';
  if (info.isCharacterDevice()) return 'a character device';
  if (info.isBlockDevice()) return 'a block device';
  return 'not a regular file';
}

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/**
 * Removes `path` if the process ends before `done()` is called: on process.exit, and on a
 * signal nobody else handles (then the signal is raised again, so that the process ends as it
 * would have). A signal that the command handles itself is left to it. The signal handlers stay
 * until the next turn of the event loop after `done()`, so that a signal already delivered is
 * still answered; one that comes in the instant between may be answered by the command ending
 * normally, with the new file in place.
 */
function removeOnExit(path: string): { done(): void } {
  const remove = (): void => {
    try {
      unlinkSync(path); // by then renamed, if done() was called: no harm
    } catch {
      // Already gone.
    }
  };
  const handled = SIGNALS.filter((signal) => process.listenerCount(signal) === 0);
  const stop = (): void => {
    for (const signal of handled) process.off(signal, onSignal);
  };
  const onSignal = (signal: NodeJS.Signals): void => {
    stop();
    remove();
    process.kill(process.pid, signal);
  };
  process.on('exit', remove);
  for (const signal of handled) process.on(signal, onSignal);
  return {
    done() {
      process.off('exit', remove);
      setImmediate(stop);
    },
  };
}

/** A new, empty file under a random name, created exclusively; removed if the process ends before `guard.done()`. */
interface Temporary {
  path: string;
  handle: FileHandle;
  guard: { done(): void };
}

async function createTemporary(folder: string): Promise<Temporary> {
  const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL;
  for (let attempt = 1; ; attempt++) {
    const path = join(folder, `.rnn-wasm-${randomBytes(8).toString('hex')}.tmp`);
    // Guarded before it exists, so that no moment is left where the file is there unguarded.
    const guard = removeOnExit(path);
    try {
      return { path, handle: await open(path, flags, 0o666), guard };
    } catch (error) {
      guard.done(); // not ours: whatever is there stays
      // 64 random bits: a clash is someone planting names, not chance; a few tries, then give up.
      if (codeOf(error) !== 'EEXIST' || attempt === 3) throw error;
    }
  }
}

/**
 * What stands at `path` if it can be replaced by a regular file, or undefined when nothing is
 * there; throws why not (a directory, a FIFO, a device, a name too long, a missing folder).
 */
async function replaceable(path: string): Promise<Stats | undefined> {
  if (path === '') throw new Error('the name is empty');
  // dirname('a/b/') is 'a': the temporary file would land beside the folder, not in it.
  if (/[\\/]$/.test(path)) throw new Error('it names a folder, not a file');
  let info: Stats;
  try {
    info = await lstat(path);
  } catch (error) {
    if (codeOf(error) === 'ENOENT') return undefined;
    throw error;
  }
  // A symbolic link is replaced by the new file, as a rename does; nothing is written through it.
  if (!info.isFile() && !info.isSymbolicLink()) throw new Error(`it is ${kindOf(info)}, not a regular file`);
  return info;
}

/**
 * Checks, before a long run, that `path` can be written later: it is a regular file or nothing
 * (not a directory, a FIFO or a device), its name is not too long, and its folder exists and
 * takes a new file (one is created there and removed). The write itself checks again.
 *
 * @example
 * await checkWritable('out', 'model.json'); // UsageError "--out: cannot write model.json (ENOENT)" if the folder is missing
 */
export async function checkWritable(flag: string, path: string): Promise<void> {
  try {
    await replaceable(path);
    const probe = await createTemporary(dirname(path));
    await probe.handle.close();
    await unlink(probe.path);
    probe.guard.done();
  } catch (error) {
    throw new UsageError(`--${flag}: cannot write ${path} (${codeOf(error)})`);
  }
}

/**
 * Writes `data` (a string, bytes, or pieces of a string too large for one: see jsonChunks) to
 * `path` whole or not at all: a new file opened exclusively under a random
 * name beside it, written, flushed to disk and renamed over it. An existing file keeps its
 * permissions. On any failure the temporary file is removed and `path` is as it was.
 *
 * @example
 * await writeFileOf('out', 'model.json', JSON.stringify(rnn));
 */
export async function writeFileOf(flag: string, path: string, data: string | Uint8Array | Iterable<string>): Promise<void> {
  let temporary: Temporary | undefined;
  let closed = false;
  try {
    const existing = await replaceable(path);
    temporary = await createTemporary(dirname(path));
    if (existing?.isFile()) await temporary.handle.chmod(existing.mode & 0o777);
    if (typeof data === 'object' && data !== null && !ArrayBuffer.isView(data) && Symbol.iterator in data) {
      for (const piece of data) await temporary.handle.write(piece);
    } else {
      await temporary.handle.writeFile(data as string | Uint8Array);
    }
    await temporary.handle.sync();
    closed = true;
    await temporary.handle.close();
    await rename(temporary.path, path);
    temporary.guard.done();
  } catch (error) {
    if (temporary !== undefined) {
      if (!closed) await temporary.handle.close().catch(() => undefined);
      await unlink(temporary.path).catch(() => undefined);
      temporary.guard.done();
    }
    throw new UsageError(`--${flag}: cannot write ${path} (${codeOf(error)})`);
  }
  await syncFolder(dirname(path));
}

/** Flushes a folder's entries to disk, so that a rename survives a crash; where folders cannot be opened, a no-op. */
async function syncFolder(folder: string): Promise<void> {
  try {
    const handle = await open(folder, constants.O_RDONLY);
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Not every platform can open or flush a folder; the file itself is on disk.
  }
}

/**
 * Opens the file named by a flag for reading if it is a regular file of at most `maxBytes`: a
 * missing or unreadable file, a directory, a FIFO, a device, or a longer file is a usage error
 * that names the file and why, never its contents. Non-blocking, so that opening a FIFO returns
 * at once (and is then refused) instead of waiting for a writer; no controlling terminal from a tty.
 *
 * @example
 * const stream = (await openRegularFile('resume', 'model.json', 2 ** 34)).createReadStream();
 */
export async function openRegularFile(flag: string, path: string, maxBytes: number): Promise<FileHandle> {
  const fail = (why: string): never => {
    throw new UsageError(`--${flag}: cannot read ${path} (${why})`);
  };
  let handle: FileHandle;
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK | (constants.O_NOCTTY ?? 0));
  } catch (error) {
    return fail(codeOf(error));
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) fail(`it is ${kindOf(info)}, not a regular file`);
    if (info.size > maxBytes) fail(`${info.size} bytes, more than the limit of ${maxBytes}`);
    return handle;
  } catch (error) {
    await handle.close();
    if (error instanceof UsageError) throw error;
    return fail(codeOf(error));
  }
}

/**
 * Reads the regular file named by a flag, at most `maxBytes` of it. A missing or unreadable
 * file, a directory, a FIFO, a device, or a file longer than `maxBytes` is a usage error that
 * names the file and why, never its contents.
 *
 * @example
 * const bytes = await readFileOf('text', 'input.txt', 2 ** 27);
 */
export async function readFileOf(flag: string, path: string, maxBytes: number): Promise<Buffer> {
  const fail = (why: string): never => {
    throw new UsageError(`--${flag}: cannot read ${path} (${why})`);
  };
  const handle = await openRegularFile(flag, path, maxBytes);
  try {
    // The file may grow while it is read: read until its end, never past the limit.
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(Math.min(2 ** 20, maxBytes + 1 - total));
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, null);
      if (bytesRead === 0) break;
      chunks.push(chunk.subarray(0, bytesRead));
      total += bytesRead;
      if (total > maxBytes) fail(`more than the limit of ${maxBytes} bytes`);
    }
    return Buffer.concat(chunks, total);
  } catch (error) {
    if (error instanceof UsageError) throw error;
    return fail(codeOf(error));
  } finally {
    await handle.close();
  }
}

/**
 * Parses a JSON file named by a flag. A syntax error is reported by its position only: the
 * engine's own message quotes the text, which may be anything the flag happened to name.
 *
 * @example
 * const data = await readJsonOf('data', 'data.json', 2 ** 29);
 */
export async function readJsonOf(flag: string, path: string, maxBytes: number): Promise<unknown> {
  return parseJsonOf(`--${flag}: ${path}`, (await readFileOf(flag, path, maxBytes)).toString('utf8'));
}

/** JSON.parse, with an error that says where the text stops being JSON but not what it holds. */
export function parseJsonOf(where: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const message = (error as Error).message;
    const position = /at position (\d+)/.exec(message);
    const ended = /end of JSON input/.test(message) || (position !== null && Number(position[1]) >= text.length);
    const at = ended ? ': it ends too early, is it truncated?' : position === null ? '' : ` (at character ${position[1]})`;
    throw new UsageError(`${where} is not valid JSON${at}`);
  }
}
