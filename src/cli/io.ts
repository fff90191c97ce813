import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { MAX_PLAYBOOK_BYTES } from '../limits.js';
import { parseDurationText } from '../stdlib/durations.js';

export { MAX_PLAYBOOK_BYTES };

/** Where a command writes; tests pass their own to capture output. */
export interface Io {
  // Functions, not methods: commands pass them on unbound (a progress line writes with `io.err`).
  out: (text: string) => void;
  err: (text: string) => void;
  /** True when stderr is an interactive terminal (progress lines are shown only then). */
  isTTY: boolean;
  /** Resolves when written output has drained enough to write more (backpressure on pipes). */
  drain?(): Promise<void>;
}

export function processIo(): Io {
  return {
    out: (t) => void process.stdout.write(t),
    err: (t) => void process.stderr.write(t),
    // Node types isTTY as a boolean, but a stderr that is a pipe or file has none.
    isTTY: Boolean((process.stderr as { isTTY?: boolean }).isTTY) && !process.env['CI'],
    drain: () =>
      process.stdout.writableNeedDrain
        ? new Promise<void>((resolve) =>
            process.stdout.once('drain', () => {
              resolve();
            }),
          )
        : Promise.resolve(),
  };
}

/** A problem with how the command was called or with its input files: exit code 2. */
export class UsageError extends Error {}

/** A `--flag D` duration option (`30d`, `12h`, `PT5M`), or undefined when the flag is absent. */
export function durationOption(value: unknown, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const ms = typeof value === 'string' ? parseDurationText(value) : undefined;
  if (ms === undefined || ms <= 0)
    throw new UsageError(`--${flag} must be a duration like 30d, 12h or 10m, not ${typeof value === 'string' ? value : typeof value}`);
  return ms;
}

/**
 * Read a playbook file as UTF-8; invalid bytes become U+FFFD, which the parser reports with their
 * position. At most MAX_PLAYBOOK_BYTES are read, whatever the file claims to be: a FIFO or a
 * device such as /dev/zero reports size 0 and never ends.
 */
export function readPlaybookFile(path: string): string {
  const bytes = readBoundedFile(path, MAX_PLAYBOOK_BYTES, 'a playbook');
  return new TextDecoder('utf-8', { fatal: false }).decode(bytes);
}

/** The bytes of a file, refusing (as a usage error) one that is a directory or over `limit` bytes. */
export function readBoundedFile(path: string, limit: number, what: string): Buffer {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    throw new UsageError(`${path}: cannot read: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
  try {
    const st = fstatSync(fd);
    if (st.isDirectory()) throw new UsageError(`${path}: is a directory, not ${what} file`);
    if (st.size > limit) throw new UsageError(`${path}: file is too large for ${what} (${st.size} bytes; the limit is ${limit})`);
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(Math.min(1 << 16, limit + 1 - total));
      const n = readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      chunks.push(n === chunk.length ? chunk : chunk.subarray(0, n));
      total += n;
      if (total > limit) throw new UsageError(`${path}: file is too large for ${what} (more than the limit of ${limit} bytes)`);
    }
    return Buffer.concat(chunks, total);
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`${path}: cannot read: ${(e as Error).message}`);
  } finally {
    closeSync(fd);
  }
}

/** Standard input as UTF-8 text, refusing more than `limit` bytes without buffering the rest. */
export async function readStdinBounded(input: NodeJS.ReadableStream, limit: number, what: string): Promise<string> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of input) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    total += bytes.length;
    if (total > limit) throw new UsageError(`too large for ${what} (more than the limit of ${limit} bytes)`);
    chunks.push(bytes);
  }
  return new TextDecoder('utf-8', { fatal: false }).decode(Buffer.concat(chunks, total));
}
