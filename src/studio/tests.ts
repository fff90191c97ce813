import { readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { formatDiagnostic } from '../parser/diagnostics.js';
import { playbookPathFor, runTestFiles, type TestFileInput } from '../testing/suite.js';
import { parseTestFile } from '../testing/parser.js';

/**
 * The studio's tests pane (docs/studio.md): the `*.test.playbook` files beside FILE whose tests
 * run FILE (named after it, or `for "…"` it), run as `playbook test` runs them but on the text in
 * the editor, saved or not.
 */

export interface TestsReport {
  files: string[];
  results: { file: string; name: string; passed: boolean; failure?: string }[];
  /** Problems in the test files or the playbook, as `playbook test` prints them. */
  problems: string[];
  passed: number;
  failed: number;
}

export function runTests(file: string, text: string): TestsReport {
  const dir = dirname(file);
  const inputs: TestFileInput[] = [];
  for (const name of readdirSync(dir).sort()) {
    if (!name.endsWith('.test.playbook')) continue;
    const path = join(dir, name);
    let source: string;
    try {
      source = readFileSync(path, 'utf8');
    } catch {
      continue;
    }
    const { tree } = parseTestFile(source);
    if (tree.tests.some((t) => playbookPathFor(t, path) === file)) inputs.push({ file: path, source });
  }
  const report: TestsReport = { files: inputs.map((i) => basename(i.file)), results: [], problems: [], passed: 0, failed: 0 };
  const summary = runTestFiles(
    inputs,
    { playbooks: new Map([[file, text]]) },
    {
      diagnostic: (d, source) => report.problems.push(formatDiagnostic(d, source)),
      result: (r) => report.results.push({ file: basename(r.file), name: r.name, passed: r.passed, ...(r.failure ? { failure: r.failure } : {}) }),
    },
  );
  report.passed = summary.passed;
  report.failed = summary.failed;
  return report;
}
