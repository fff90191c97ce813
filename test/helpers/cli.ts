import { run } from '../../src/cli/main.js';
import type { Io } from '../../src/cli/io.js';

/** Runs the CLI in this process with captured output, as a pipe would see it (no terminal). */
export async function runCli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: Io = { out: (t) => void (out += t), err: (t) => void (err += t), isTTY: false };
  const code = await run(args, io);
  return { code, out, err };
}
