/**
 * Golden diagnostics: every `test/diagnostics/*.playbook` is a small broken playbook with a mistake
 * an operator really makes; `test/diagnostics/expected.json` (and any `expected-*.json` beside it,
 * one per area, so that work on separate constructs does not edit one file) lists, per file, the
 * diagnostics it must produce:
 *
 *   { severity, code, line, column, messageIncludes, hintIncludes?, optional? }
 *
 * `optional: true` marks a follow-on diagnostic (a cascade of the real mistake) that is tolerated
 * but not required, so the checker may stop reporting it without breaking this test.
 * Every error that is not listed fails the test; unlisted warnings are allowed.
 */
import { describe, it, expect } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compile } from '../src/compiler/compile.js';
import { formatDiagnostic, type Diagnostic } from '../src/parser/diagnostics.js';
import { CODES } from '../src/parser/diagnostic-codes.js';

interface Expected {
  severity: 'error' | 'warning';
  code: string;
  line: number;
  column: number;
  messageIncludes: string;
  hintIncludes?: string;
  optional?: boolean;
}

const here = dirname(fileURLToPath(import.meta.url));
const dir = join(here, 'diagnostics');
const expectations: Record<string, Expected[]> = Object.create(null) as Record<string, Expected[]>;
for (const list of readdirSync(dir).filter((f) => /^expected(-[\w-]+)?\.json$/.test(f))) {
  for (const [file, expected] of Object.entries(JSON.parse(readFileSync(join(dir, list), 'utf8')) as Record<string, Expected[]>)) {
    if (file in expectations) throw new Error(`${list}: ${file} is listed twice`);
    expectations[file] = expected;
  }
}
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.playbook'))
  .sort();

/**
 * Files whose expectation describes the behaviour we want but the compiler does not have yet.
 * Each is written up in .tmp/diagnostics-findings.md; drop the entry once src is fixed
 * (`PLAYBOOK_RUN_GAPS=1 npx vitest run test/diagnostics.test.ts` shows which ones pass now).
 */
const KNOWN_GAPS: Record<string, string> = {};

const rel = (f: string) => `test/diagnostics/${f}`;

function show(d: Diagnostic): string {
  return `${d.severity}[${d.code}] ${d.line}:${d.column} ${d.message}${d.hint ? ` (hint: ${d.hint})` : ''}`;
}

const samePlace = (d: Diagnostic, e: Expected) => d.severity === e.severity && d.code === e.code && d.line === e.line && d.column === e.column;

/** Terminal cells of a string, as the caret line must account for them (East Asian wide = 2). */
function cells(s: string): number {
  let n = 0;
  for (const ch of s) {
    n += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6\u{20000}-\u{3fffd}]/u.test(ch) ? 2 : 1;
  }
  return n;
}

function checkFormatted(d: Diagnostic, source: string): void {
  const text = formatDiagnostic(d, source);
  const out = text.split('\n');
  expect(out[0]).toContain(`${d.file}:${d.line}:${d.column}: ${d.severity}[${d.code}]: `);
  expect(out[0]).toContain(d.message);
  const srcLine = source.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/)[d.line - 1] ?? '';
  // Even an error at end of file points just past the last token, on a line that exists.
  expect(d.line, 'line within the file').toBeLessThanOrEqual(source.split(/\r\n|\r|\n/).length);
  const gutterAt = out.findIndex((l, i) => i > 0 && / \| /.test(l));
  expect(gutterAt, `no source line in:\n${text}`).toBeGreaterThan(0);
  const shownLine = out[gutterAt]!;
  const gutter = shownLine.slice(0, shownLine.indexOf(' | ') + 3);
  expect(gutter.trim()).toBe(`${d.line} |`);
  expect(shownLine.slice(gutter.length)).toBe(srcLine.length > 200 ? srcLine.slice(0, 200) + '…' : srcLine);
  const caret = out[gutterAt + 1] ?? '';
  expect(caret, `no caret line in:\n${text}`).toMatch(/^[ \t]*\^+$/);
  // The caret starts under the diagnostic's column (tabs are kept, wide characters take 2 cells).
  const prefix = srcLine.slice(0, d.column - 1);
  const pad = caret.slice(gutter.length, caret.indexOf('^'));
  expect(pad.replace(/\t/g, '')).toBe(' '.repeat(cells(prefix.replace(/\t/g, ''))));
  expect(pad.split('\t').length - 1).toBe(prefix.split('\t').length - 1);
  if (d.hint) expect(text).toContain(`= hint: ${d.hint}`);
}

describe('diagnostics corpus', () => {
  it('has at least 30 broken playbooks, each with expectations', () => {
    expect(files.length).toBeGreaterThanOrEqual(30);
    expect(files.filter((f) => !expectations[f])).toEqual([]);
    expect(Object.keys(expectations).filter((f) => !files.includes(f))).toEqual([]);
    for (const f of files) expect(expectations[f]!.filter((e) => !e.optional).length, f).toBeGreaterThan(0);
  });

  it('the design sketch compiles without diagnostics (control)', () => {
    const source = readFileSync(join(here, 'fixtures', 'design-sketch.playbook'), 'utf8');
    const r = compile(source, { file: 'test/fixtures/design-sketch.playbook' });
    expect(r.diagnostics.map(show)).toEqual([]);
    expect(r.ir).toBeDefined();
  });

  for (const file of files) {
    const gap = KNOWN_GAPS[file];
    // PLAYBOOK_RUN_GAPS=1 runs the known gaps as ordinary tests, to check a fix in src.
    if (gap && !process.env.PLAYBOOK_RUN_GAPS) {
      it.todo(`${file}: ${gap}`);
      continue;
    }
    it(file, () => {
      const source = readFileSync(join(dir, file), 'utf8');
      const r = compile(source, { file: rel(file) });
      const expected = expectations[file] ?? [];
      const got = r.diagnostics.map(show).join('\n  ');

      for (const e of expected) {
        const d = r.diagnostics.find((x) => samePlace(x, e));
        if (!d) {
          if (e.optional) continue;
          expect.fail(`${file}: missing ${e.severity}[${e.code}] at ${e.line}:${e.column} (${e.messageIncludes})\n  got:\n  ${got}`);
        }
        expect(d.message, `${file} ${e.code} message`).toContain(e.messageIncludes);
        if (e.hintIncludes !== undefined) expect(d.hint ?? '', `${file} ${e.code} hint`).toContain(e.hintIncludes);
        checkFormatted(d, source);
      }

      const unexpected = r.diagnostics.filter((d) => d.severity === 'error' && !expected.some((e) => samePlace(d, e)));
      expect(unexpected.map(show), `${file}: unexpected errors`).toEqual([]);

      const wantsErrors = expected.some((e) => e.severity === 'error' && !e.optional);
      expect(r.errors > 0, `${file}: errors\n  ${got}`).toBe(wantsErrors);
      expect(r.ir === undefined, `${file}: ir present iff no errors`).toBe(wantsErrors);
      expect(r.errors).toBe(r.diagnostics.filter((d) => d.severity === 'error').length);
      for (const d of r.diagnostics) {
        expect(d.file).toBe(rel(file));
        expect(d.length).toBeGreaterThanOrEqual(1);
        expect(d.message.includes('\n'), `${file}: one-line message`).toBe(false);
      }
    });
  }
});

describe('docs/diagnostics.md and the registry (src/parser/diagnostic-codes.ts)', () => {
  const markdown = readFileSync(join(here, '..', 'docs', 'diagnostics.md'), 'utf8');
  const rows = [...markdown.matchAll(/^\|\s*`?([A-Z]\d{4})`?\s*\|\s*(\w+)\s*\|/gm)].map((m) => ({ code: m[1]!, severity: m[2]! }));
  // T codes are the test files' (docs/testing.md, test/diagnostic-registry.test.ts).
  const registry = new Map<string, string>(CODES.filter((c) => !c.code.startsWith('T')).map((c) => [c.code, c.severity]));

  it('has one row per registry code, with its severity', () => {
    expect(rows.length).toBeGreaterThan(0);
    expect(
      rows.map((r) => r.code).filter((c, i, all) => all.indexOf(c) !== i),
      'codes listed twice',
    ).toEqual([]);
    const missing = [...registry.keys()].filter((c) => !rows.some((r) => r.code === c));
    expect(missing, 'registry codes without a row').toEqual([]);
    const wrong = rows
      .filter((r) => registry.has(r.code) && registry.get(r.code) !== r.severity)
      .map((r) => `${r.code}: docs ${r.severity}, registry ${registry.get(r.code)}`);
    expect(wrong).toEqual([]);
  });

  it('documents no code the registry does not have', () => {
    expect(rows.filter((r) => !registry.has(r.code)).map((r) => r.code)).toEqual([]);
  });

  it('sees in every diagnostic compiled here a registry code with its severity', () => {
    for (const file of files) {
      for (const d of compile(readFileSync(join(dir, file), 'utf8'), { file: rel(file) }).diagnostics) {
        expect(registry.get(d.code), `${file}: ${d.code}`).toBe(d.severity);
      }
    }
  });
});

describe('spanFinder', () => {
  it('gives the same line and column as spanOf for every offset (LF, CRLF, lone CR, tabs, CJK)', async () => {
    const { spanFinder, spanOf } = await import('../src/parser/diagnostics.js');
    const fc = (await import('fast-check')).default;
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom('a', '\n', '\r\n', '\r', '\t', '群', '😀', ' '), { maxLength: 60 }).map((p) => p.join('')),
        (text) => {
          const find = spanFinder(text);
          for (let i = 0; i <= text.length; i++) expect(find(i, i + 1)).toEqual(spanOf(text, i, i + 1));
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe("':' action blocks", () => {
  it('a braced list after a colon is kept when an action follows on the next line', async () => {
    const { compile } = await import('../src/compiler/compile.js');
    const r = compile(
      'playbook "x" { timezone "UTC" }\nritual intro {\n  starts on member.joined\n  step hello: message.posted\n  deadline 24h: { remove member; notify admins "gone" }\n  say "welcome"\n}\n',
    );
    expect(r.errors).toBe(0);
    expect(r.ir!.rituals[0]!.deadline!.actions.map((a) => a.do)).toEqual(['remove', 'notify']);
  });
});
