import { formatDiagnostic } from '../parser/diagnostics.js';
import { formatCoverage } from '../testing/coverage.js';
import { runTestFiles, type TestFileInput } from '../testing/suite.js';
import type { CommandSpec } from './main.js';
import { expandPaths } from './files.js';
import { readPlaybookFile, UsageError } from './io.js';

export const testCommand: CommandSpec = {
  help: `Usage: playbook test FILE|FOLDER... [--coverage] [--filter TEXT]

Runs test files (*.test.playbook, described in docs/testing.md); a folder stands for every
*.test.playbook file under it (node_modules and folders starting with a dot are skipped), in
sorted order, so "playbook test ." runs them all. Each test names a playbook,
sends events to it and states which actions must or must not follow:

  test "a second ad removes the poster" for "no-ads.playbook" {
    alice joins
    +1m alice posts "加微信 领取福利"
    expect member.warn alice count 1
    +1h alice posts "返利群,速来"
    expect member.remove alice
  }

Prints PASS or FAIL per test (a failure shows the expected action and the nearest actual
ones), then "N passed, M failed". Errors in test files are shown with file:line:column.

Options:
  --coverage      after the results, list what no test exercised: rules, ladder steps,
                  points entries, levels, badges, leaderboards, ritual steps and outcomes,
                  lifecycle transitions, schedules, jobs, campaign stages and goals
  --filter TEXT   run only the tests whose name contains TEXT (ignoring case)

Exit codes: 0 all tests passed, 1 a test failed, a test file has errors or no test ran,
2 usage errors (no files, unreadable files, unknown options).
`,
  options: {
    coverage: { type: 'boolean' },
    filter: { type: 'string' },
  },
  run(values, paths, io) {
    if (paths.length === 0) throw new UsageError('no test files given (e.g. playbook test examples/*.test.playbook)');
    const filter = values['filter'] as string | undefined;
    if (filter !== undefined && filter.trim() === '') throw new UsageError('--filter needs some text to look for in test names');
    const files = expandPaths(paths, 'tests');
    // Read every file before running any: a typo in one path should not cost a long run.
    const inputs: TestFileInput[] = files.map((file) => ({ file, source: readPlaybookFile(file) }));
    const summary = runTestFiles(
      inputs,
      { ...(filter !== undefined ? { filter } : {}), coverage: Boolean(values['coverage']) },
      {
        diagnostic: (d, source) => {
          io.err(formatDiagnostic(d, source) + '\n\n');
        },
        result: (r) => {
          // One line per test, whatever escapes the name holds.
          io.out(`${r.passed ? 'PASS' : 'FAIL'} ${r.name.replace(/[\r\n\t]+/g, ' ')}\n`);
          if (r.failure) io.out(r.failure + '\n');
        },
      },
    );
    for (const f of summary.emptyFiles) io.err(`${f}: no tests in this file\n`);
    const ran = summary.passed + summary.failed;
    if (ran === 0 && filter !== undefined) io.err(`no test name contains "${filter}"\n`);
    io.out(`${summary.passed} passed, ${summary.failed} failed\n`);
    for (const c of summary.coverage) io.out('\n' + formatCoverage(c));
    return summary.failed > 0 || ran === 0 ? 1 : 0;
  },
};
