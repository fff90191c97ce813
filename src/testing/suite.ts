import { readFileSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join } from 'node:path';
import { compile, type CompileResult } from '../compiler/compile.js';
import { D, type DiagnosticMessage } from '../parser/diagnostic-codes.js';
import type { Diagnostic } from '../parser/diagnostics.js';
import { CoverageRecorder, coverageItems, summarizeCoverage, type CoverageSummary } from './coverage.js';
import { parseTestFile } from './parser.js';
import { planTest } from './plan.js';
import { runPlan } from './runner.js';
import type { Span, TestCase, TestDiagnostic } from './syntax.js';
import { MAX_PLAYBOOK_BYTES } from '../limits.js';

/**
 * Runs test files: parses each, finds and compiles the playbook each test names (once per
 * playbook), checks the test against it, runs it, and collects coverage. Results stream out
 * through callbacks so a long run prints as it goes.
 */

export interface TestResult {
  file: string;
  name: string;
  passed: boolean;
  /** Indented explanation lines for a failed test. */
  failure?: string;
}

export interface SuiteListener {
  /** A problem in a test file or in a playbook a test names, with that file's text for the caret. */
  diagnostic(d: Diagnostic, source: string): void;
  result(r: TestResult): void;
}

export interface SuiteOptions {
  /** Run only tests whose name contains this text (case-insensitive). */
  filter?: string;
  coverage?: boolean;
  /** Texts to run instead of the files at these paths: the studio runs tests on its unsaved text (docs/studio.md). */
  playbooks?: ReadonlyMap<string, string>;
}

export interface SuiteSummary {
  passed: number;
  failed: number;
  /** Files with errors outside any test (each counts as one failure). */
  brokenFiles: number;
  /** Files with no tests at all (before filtering). */
  emptyFiles: string[];
  coverage: CoverageSummary[];
}

export interface TestFileInput {
  file: string;
  source: string;
}

interface LoadedPlaybook {
  path: string;
  source?: string;
  compiled?: CompileResult;
  /** Why the file could not be read. */
  unreadable?: string;
  reported: boolean;
  coverage?: CoverageRecorder;
}

/** A registry message at a span of a test file. */
function testDiagnostic(m: DiagnosticMessage, hint: string, span: Span): TestDiagnostic {
  return { severity: m.severity, code: m.code, message: m.message, hint, start: span.start, end: span.end, line: span.line, column: span.column };
}

export function toDiagnostic(d: TestDiagnostic, file: string): Diagnostic {
  const out: Diagnostic = {
    severity: d.severity,
    code: d.code,
    message: d.message,
    file,
    line: d.line,
    column: d.column,
    length: Math.max(1, d.end - d.start),
  };
  if (d.hint) out.hint = d.hint;
  return out;
}

/** The playbook a test runs: `for "…"` relative to the test file, else the file's name without `.test`. */
export function playbookPathFor(test: TestCase, file: string): string | undefined {
  if (test.playbook) return isAbsolute(test.playbook.path) ? test.playbook.path : join(dirname(file), test.playbook.path);
  const name = basename(file);
  if (!name.endsWith('.test.playbook')) return undefined;
  return join(dirname(file), name.slice(0, -'.test.playbook'.length) + '.playbook');
}

class PlaybookCache {
  private readonly map = new Map<string, LoadedPlaybook>();
  constructor(private readonly texts: ReadonlyMap<string, string> = new Map()) {}
  load(path: string): LoadedPlaybook {
    let p = this.map.get(path);
    if (p) return p;
    p = { path, reported: false };
    const text = this.texts.get(path);
    if (text !== undefined) {
      p.source = text;
      p.compiled = compile(text, { file: path });
      this.map.set(path, p);
      return p;
    }
    try {
      const st = statSync(path);
      if (st.isDirectory()) p.unreadable = 'it is a directory';
      else if (st.size > MAX_PLAYBOOK_BYTES) p.unreadable = `it is too large for a playbook (${st.size} bytes; the limit is ${MAX_PLAYBOOK_BYTES})`;
      else {
        p.source = new TextDecoder('utf-8', { fatal: false }).decode(readFileSync(path));
        p.compiled = compile(p.source, { file: path });
      }
    } catch (e) {
      p.unreadable = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message;
    }
    this.map.set(path, p);
    return p;
  }
  all(): LoadedPlaybook[] {
    return [...this.map.values()];
  }
}

/** Everything that is wrong with one test before running it; `undefined` playbook when it cannot run. */
function prepare(test: TestCase, file: string, cache: PlaybookCache, source: string) {
  const diagnostics: TestDiagnostic[] = [];
  const at: Span = test.playbook?.span ?? test.nameSpan;
  const path = playbookPathFor(test, file);
  if (path === undefined) {
    diagnostics.push(
      testDiagnostic(D.T0101.whichPlaybook(test.name), `name it: test "${test.name}" for "club.playbook" { … } (or call this file CLUB.test.playbook)`, at),
    );
    return { diagnostics };
  }
  const pb = cache.load(path);
  if (pb.unreadable !== undefined) {
    diagnostics.push(
      testDiagnostic(
        D.T0101.cannotRead(path, pb.unreadable),
        test.playbook ? 'the path is relative to this test file' : `name the playbook: test "${test.name}" for "club.playbook" { … }`,
        at,
      ),
    );
    return { diagnostics, pb };
  }
  if (!pb.compiled!.ir) {
    diagnostics.push(testDiagnostic(D.T0110.playbookHasErrors(path), `fix them first: playbook check ${path}`, at));
    return { diagnostics, pb };
  }
  const planned = planTest(test, pb.compiled!.ir, source);
  for (const d of planned.diagnostics) diagnostics.push(d);
  return planned.plan ? { diagnostics, pb, plan: planned.plan } : { diagnostics, pb };
}

/**
 * Problems of a test file without running it: syntax, unknown event types and fields, playbooks
 * that are missing or have errors. For `playbook check` on `*.test.playbook` files.
 */
export function checkTestSource(file: string, source: string): Diagnostic[] {
  const { tree, diagnostics } = parseTestFile(source);
  const cache = new PlaybookCache();
  const all = [...diagnostics, ...duplicateNames(tree.tests)];
  // Loops, not push(...): a large broken test file has one diagnostic per line or more.
  for (const test of tree.tests) for (const d of prepare(test, file, cache, source).diagnostics) all.push(d);
  return all.sort((a, b) => a.line - b.line || a.column - b.column).map((d) => toDiagnostic(d, file));
}

function duplicateNames(tests: TestCase[]): TestDiagnostic[] {
  const seen = new Set<string>();
  const out: TestDiagnostic[] = [];
  for (const t of tests) {
    if (seen.has(t.name))
      out.push(testDiagnostic(D.T0107.duplicateName(t.name), 'give each test its own name, so a failure and --filter point at one test', t.nameSpan));
    seen.add(t.name);
  }
  return out;
}

export function runTestFiles(inputs: TestFileInput[], options: SuiteOptions, listener: SuiteListener): SuiteSummary {
  const summary: SuiteSummary = { passed: 0, failed: 0, brokenFiles: 0, emptyFiles: [], coverage: [] };
  const cache = new PlaybookCache(options.playbooks);
  const filter = options.filter?.toLowerCase();
  const report = (r: TestResult) => {
    if (r.passed) summary.passed++;
    else summary.failed++;
    listener.result(r);
  };
  for (const { file, source } of inputs) {
    const { tree, diagnostics } = parseTestFile(source);
    const fileDiagnostics = [...diagnostics, ...duplicateNames(tree.tests)].sort((a, b) => a.start - b.start);
    for (const d of fileDiagnostics) listener.diagnostic(toDiagnostic(d, file), source);
    const outside = diagnostics.some((d) => d.severity === 'error' && !tree.tests.some((t) => d.start >= t.span.start && d.start <= t.span.end));
    if (outside) {
      summary.brokenFiles++;
      summary.failed++;
      listener.result({ file, name: `${file} (errors outside any test)`, passed: false, failure: '  see the errors above' });
    }
    if (tree.tests.length === 0 && !outside) summary.emptyFiles.push(file);
    for (const test of tree.tests) {
      if (filter !== undefined && !test.name.toLowerCase().includes(filter)) continue;
      const prepared = prepare(test, file, cache, source);
      const pb = prepared.pb;
      if (pb?.compiled && !pb.compiled.ir && !pb.reported) {
        pb.reported = true;
        for (const d of pb.compiled.diagnostics) listener.diagnostic(d, pb.source!);
      }
      for (const d of prepared.diagnostics) listener.diagnostic(toDiagnostic(d, file), source);
      if (test.broken || !prepared.plan || !pb?.compiled?.ir) {
        const where = `${file}:${test.nameSpan.line}:${test.nameSpan.column}`;
        report({ file, name: test.name, passed: false, failure: `  ${where}: the test cannot run: it has errors (shown above)` });
        continue;
      }
      if (options.coverage && !pb.coverage) pb.coverage = new CoverageRecorder(pb.compiled.ir);
      const result = runPlan(prepared.plan, pb.compiled.ir, file, pb.coverage);
      const r: TestResult = { file, name: test.name, passed: result.passed };
      if (result.failure) r.failure = result.failure;
      report(r);
    }
  }
  if (options.coverage) {
    for (const pb of cache.all()) {
      if (pb.coverage && pb.compiled?.ir) summary.coverage.push(summarizeCoverage(pb.path, coverageItems(pb.compiled.ir), pb.coverage.covered));
    }
  }
  return summary;
}
