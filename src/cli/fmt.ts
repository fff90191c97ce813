import { writeFileSync } from 'node:fs';
import { formatDiagnostic } from '../parser/diagnostics.js';
import { formatPlaybook } from '../format/index.js';
import type { CommandSpec } from './main.js';
import { expandPaths } from './files.js';
import { MAX_PLAYBOOK_BYTES, readPlaybookFile, readStdinBounded, UsageError, type Io } from './io.js';

/** Tests hand in standard input through the io object; the real CLI reads process.stdin. */
type IoWithStdin = Io & { readStdin?: () => Promise<string> };

const STDIN_NAME = '<stdin>';

export const fmtCommand: CommandSpec = {
  help: `Usage: playbook fmt FILE|FOLDER... [--check]
       playbook fmt - [--check]

Rewrites each playbook in the canonical layout (docs/formatting.md) and prints the name of every
file it changed. A file with syntax errors is left untouched and its errors are printed. A folder
stands for every *.playbook file under it except test files (*.test.playbook, another syntax,
left as they are); node_modules and folders starting with a dot are skipped.

Options:
  --check       write nothing; print the names of the files that are not formatted
  -, --stdin    read a playbook from standard input and write it formatted to standard output

Exit codes: 0 ok (with --check: everything already formatted), 1 a file has syntax errors or
(with --check) is not formatted, 2 usage problems or a file that cannot be read or written.
`,
  options: { check: { type: 'boolean' }, stdin: { type: 'boolean' } },
  async run(values, positionals, io) {
    const check = values['check'] === true;
    const fromStdin = values['stdin'] === true || positionals.includes('-');
    if (fromStdin) {
      if (positionals.some((p) => p !== '-') || positionals.length > 1) {
        throw new UsageError('standard input (-) cannot be combined with files');
      }
      return formatStdin(check, io);
    }
    if (positionals.length === 0) throw new UsageError('no playbook files given (use - to read standard input)');

    let unreadable = 0;
    let failed = 0;
    let unformatted = 0;
    for (const file of expandPaths(positionals, 'playbooks')) {
      // Test files (docs/testing.md) have their own syntax: `fmt examples/*.playbook` leaves them as they are.
      if (file.endsWith('.test.playbook')) continue;
      let source: string;
      try {
        source = readPlaybookFile(file);
      } catch (e) {
        io.err(`playbook fmt: ${(e as Error).message}\n`);
        unreadable++;
        continue;
      }
      const text = formatted(source, file, io);
      if (text === undefined) {
        failed++;
        continue;
      }
      if (text === source) continue;
      if (check) {
        unformatted++;
        io.out(`${file}\n`);
        continue;
      }
      try {
        writeFileSync(file, text, 'utf8');
      } catch (e) {
        io.err(`playbook fmt: ${file}: cannot write: ${(e as Error).message}\n`);
        unreadable++;
        continue;
      }
      io.out(`${file}\n`);
    }
    if (unreadable > 0) return 2;
    return failed > 0 || unformatted > 0 ? 1 : 0;
  },
};

async function formatStdin(check: boolean, io: IoWithStdin): Promise<number> {
  let source: string;
  try {
    source = io.readStdin ? await io.readStdin() : await readProcessStdin();
  } catch (e) {
    throw new UsageError(`cannot read standard input: ${(e as Error).message}`);
  }
  const text = formatted(source, STDIN_NAME, io);
  if (text === undefined) return 1;
  if (check) {
    if (text === source) return 0;
    io.out(`${STDIN_NAME}\n`);
    return 1;
  }
  io.out(text);
  return 0;
}

/** The formatted text, or undefined after printing why the file cannot be formatted. */
function formatted(source: string, file: string, io: Io): string | undefined {
  const result = formatPlaybook(source, { file });
  if (result.ok) return result.text;
  if (result.reason === 'syntax') {
    for (const d of result.diagnostics) io.err(formatDiagnostic(d, source) + '\n\n');
    const n = result.diagnostics.length;
    io.err(`playbook fmt: ${file}: not formatted: ${n} syntax error${n === 1 ? '' : 's'}\n`);
  } else if (result.reason === 'unsupported') {
    io.err(`playbook fmt: ${file}:${result.line}: not formatted: ${result.message}\n`);
  } else {
    io.err(`playbook fmt: ${file}: not formatted: internal formatter error (${result.message}); please report it with this file\n`);
  }
  return undefined;
}

/** At most a playbook's worth of standard input is held (docs/cli.md#limits). */
function readProcessStdin(): Promise<string> {
  return readStdinBounded(process.stdin, MAX_PLAYBOOK_BYTES, 'a playbook');
}
