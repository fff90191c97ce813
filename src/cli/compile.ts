import { compile } from '../compiler/compile.js';
import { toRules } from '../compiler/backends/rules.js';
import { toXState } from '../compiler/backends/xstate.js';
import { formatDiagnostic } from '../parser/diagnostics.js';
import type { CommandSpec } from './main.js';
import { readPlaybookFile, UsageError } from './io.js';

export const compileCommand: CommandSpec = {
  help: `Usage: playbook compile FILE [--target ir|xstate|rules]

Compiles a playbook and prints JSON to stdout:
  ir      the versioned intermediate representation the runtime executes (default)
  xstate  XState v5 machine configs for rituals, lifecycles, campaigns and schedules
  rules   json-rules-engine rules for rules, points, ladders and goals
Diagnostics go to stderr; exit 1 when the playbook has errors.
`,
  options: { target: { type: 'string', short: 't' } },
  run(values, files, io) {
    const target = (values['target'] as string | undefined) ?? 'ir';
    if (!['ir', 'xstate', 'rules'].includes(target)) throw new UsageError(`--target must be ir, xstate or rules, not ${target}`);
    if (files.length !== 1) throw new UsageError(files.length ? 'compile takes one file' : 'no playbook file given');
    const file = files[0]!;
    const source = readPlaybookFile(file);
    const result = compile(source, { file });
    for (const d of result.diagnostics) io.err(formatDiagnostic(d, source) + '\n\n');
    if (!result.ir) return 1;
    const output = target === 'ir' ? result.ir : target === 'xstate' ? toXState(result.ir) : toRules(result.ir);
    io.out(JSON.stringify(output, null, 2) + '\n');
    return 0;
  },
};
