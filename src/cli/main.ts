import { readFileSync } from 'node:fs';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { table } from '../stdlib/dict.js';
import { UsageError, type Io, processIo } from './io.js';
import { messageOf } from '../stdlib/errors.js';

const HELP = `playbook: run online communities as code

Usage: playbook <command> [options]

Commands:
  check     FILE|FOLDER...                   report errors and warnings (exit 1 on errors)
  compile   FILE [--target ir|xstate|rules]   print the compiled form as JSON
  simulate  FILE --events F|- [--until ISO] [--format jsonl|table|html] [--out F] [--seed N]
            [--strict] [--engine generated|fast|reference] run a playbook on an event stream, print actions
  test      FILE|FOLDER... [--coverage] [--filter T]
                                             run *.test.playbook tests (exit 1 on failures)
  fmt       FILE|FOLDER... [--check]           format playbooks canonically
  graph     FILE [--format mermaid|dot]        lifecycles, rituals, campaigns and rules as diagrams
  serve     FILE [--port N] [--db PATH] [--token T] [--clock wall|events]
                                             run a playbook as a durable HTTP service
  bot       FILE (--xmpp URL --jid JID | --irc URL) --room R [--admin ID] [--db PATH]
                                             run a playbook in live XMPP or IRC rooms
  lsp       [--stdio]                          a language server for editors (docs/editors.md)
  studio    [FILE] [--port N]                  edit a playbook in a local web page (docs/studio.md)

Run \`playbook <command> --help\` for a command's options.
`;

export interface CommandSpec {
  help: string;
  options: NonNullable<ParseArgsConfig['options']>;
  /** The exit code; commands that wait for nothing return it at once. */
  run(values: Record<string, string | boolean | string[] | undefined>, positionals: string[], io: Io): number | Promise<number>;
}

/**
 * Each command's module is imported only when that command runs, so `--version` loads nothing of
 * the compiler and `check` loads no chat client, HTTP server or SQLite (docs/performance.md,
 * "Start-up"). A frozen dict: `playbook constructor` is an unknown command, not Object.prototype's.
 */
const COMMANDS: Readonly<Record<string, () => Promise<CommandSpec>>> = table({
  check: async () => (await import('./check.js')).checkCommand,
  compile: async () => (await import('./compile.js')).compileCommand,
  simulate: async () => (await import('./simulate.js')).simulateCommand,
  test: async () => (await import('./test.js')).testCommand,
  fmt: async () => (await import('./fmt.js')).fmtCommand,
  graph: async () => (await import('./graph.js')).graphCommand,
  serve: async () => (await import('./serve.js')).serveCommand,
  bot: async () => (await import('./bot.js')).botCommand,
  lsp: async () => (await import('./lsp.js')).lspCommand,
  studio: async () => (await import('./studio.js')).studioCommand,
});

/**
 * The version in package.json (issue 14, item 6), read when asked: this file is src/cli/main.ts
 * dist/cli/main.js or the bundle's dist/cli-bundle/main.js, all two folders below the package root.
 */
export function packageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: unknown };
    return typeof pkg.version === 'string' ? pkg.version : 'unknown';
  } catch {
    return 'unknown';
  }
}

/** Entry point of the CLI: returns the exit code, never throws. */
export async function run(argv: string[], io: Io = processIo()): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.out(HELP);
    return name ? 0 : 2;
  }
  if (name === '--version' || name === '-v') {
    io.out(`playbook ${packageVersion()}\n`);
    return 0;
  }
  const load = COMMANDS[name];
  if (!load) {
    io.err(`playbook: unknown command \`${name}\`\n\n${HELP}`);
    return 2;
  }
  const cmd = await load();
  let parsed;
  try {
    parsed = parseArgs({
      args: rest,
      options: { ...cmd.options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
  } catch (e) {
    io.err(`playbook ${name}: ${(e as Error).message}\n\n${cmd.help}`);
    return 2;
  }
  if (parsed.values['help']) {
    io.out(cmd.help);
    return 0;
  }
  try {
    return await cmd.run(parsed.values, parsed.positionals, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`playbook ${name}: ${e.message}\n`);
      return 2;
    }
    // Never a stack trace to the user; the message is enough to report a bug.
    io.err(`playbook ${name}: internal error: ${messageOf(e)}\n`);
    return 2;
  }
}
