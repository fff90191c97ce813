import { readFileSync, statSync } from 'node:fs';

/** Where a command writes; tests pass their own to capture output. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
  /** True when stderr is an interactive terminal (progress lines are shown only then). */
  isTTY: boolean;
  /** Resolves when written output has drained enough to write more (backpressure on pipes). */
  drain?(): Promise<void>;
}

export function processIo(): Io {
  return {
    out: (t) => void process.stdout.write(t),
    err: (t) => void process.stderr.write(t),
    isTTY: Boolean(process.stderr.isTTY) && !process.env['CI'],
    drain: () =>
      process.stdout.writableNeedDrain ? new Promise<void>((resolve) => process.stdout.once('drain', () => resolve())) : Promise.resolve(),
  };
}

/** A problem with how the command was called or with its input files: exit code 2. */
export class UsageError extends Error {}

export const MAX_PLAYBOOK_BYTES = 16 * 1024 * 1024;

/** Read a playbook file as UTF-8; invalid bytes become U+FFFD, which the parser reports. */
export function readPlaybookFile(path: string): string {
  let size: number;
  try {
    const st = statSync(path);
    if (st.isDirectory()) throw new UsageError(`${path}: is a directory, not a playbook file`);
    size = st.size;
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`${path}: cannot read: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
  if (size > MAX_PLAYBOOK_BYTES) throw new UsageError(`${path}: file is too large for a playbook (${size} bytes)`);
  try {
    return new TextDecoder('utf-8', { fatal: false }).decode(readFileSync(path));
  } catch (e) {
    throw new UsageError(`${path}: cannot read: ${(e as Error).message}`);
  }
}
