import { compile } from '../compiler/compile.js';
import { formatDiagnostic } from '../parser/diagnostics.js';
import type { CommandSpec } from './main.js';
import { expandPaths } from './files.js';
import { readPlaybookFile, UsageError } from './io.js';

export const checkCommand: CommandSpec = {
  help: `Usage: playbook check FILE|FOLDER... [--format text|json]

Checks each playbook (and each test file, *.test.playbook) and prints every error and warning
with file:line:column, the source line and a caret. A folder stands for every *.playbook file
under it, test files included (node_modules and folders starting with a dot are skipped),
in sorted order. Exit 0 when no file has errors (warnings allowed), 1 when any has errors,
2 on usage problems (missing or unreadable files).

Options:
  --format text|json   json prints one array of diagnostics for editors and CI
`,
  options: { format: { type: 'string' } },
  async run(values, paths, io) {
    const format = (values['format'] as string | undefined) ?? 'text';
    if (format !== 'text' && format !== 'json') throw new UsageError(`--format must be text or json, not ${format}`);
    if (paths.length === 0) throw new UsageError('no playbook files given');
    const files = expandPaths(paths, 'all');
    let errors = 0;
    let warnings = 0;
    let unreadable = 0;
    const all = [];
    for (const file of files) {
      let source: string;
      try {
        source = readPlaybookFile(file);
      } catch (e) {
        io.err(`playbook check: ${(e as Error).message}\n`);
        unreadable++;
        continue;
      }
      if (file.endsWith('.test.playbook')) {
        // A test file (docs/testing.md): checked as a test file, with its playbook. The test runner
        // (and the runtime it loads) is imported only then: most checks are of playbooks alone.
        const { checkTestSource } = await import('../testing/suite.js');
        const diags = checkTestSource(file, source);
        const errs = diags.filter((d) => d.severity === 'error').length;
        errors += errs;
        warnings += diags.length - errs;
        if (format === 'json') for (const d of diags) all.push(d);
        else for (const d of diags) io.err(formatDiagnostic(d, source) + '\n\n');
        continue;
      }
      const result = compile(source, { file });
      errors += result.errors;
      warnings += result.warnings;
      // Loops, not push(...): a file of garbage has tens of thousands of diagnostics.
      if (format === 'json') for (const d of result.diagnostics) all.push(d);
      else for (const d of result.diagnostics) io.err(formatDiagnostic(d, source) + '\n\n');
    }
    if (format === 'json') io.out(JSON.stringify(all, null, 2) + '\n');
    else {
      const checked = files.length - unreadable;
      io.err(
        `checked ${checked} file${checked === 1 ? '' : 's'}: ${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}\n`,
      );
    }
    if (unreadable > 0) return 2;
    return errors > 0 ? 1 : 0;
  },
};
