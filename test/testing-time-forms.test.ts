/**
 * The instants a `.test.playbook` accepts wherever it takes a time (issue 15, item 8; docs/testing.md,
 * Time): `2026-11-01T03:30Z`, `2026-11-01T11:30:00+08:00`, `2026-11-01 11:30` (a space for the `T`,
 * local in the playbook's zone); anything else that looks like a date is an error at its line and
 * column that names the form to write.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compile } from '../src/compiler/compile.js';
import type { IR } from '../src/ir/schema.js';
import { parseInstant } from '../src/testing/clock.js';
import { parseTestFile } from '../src/testing/parser.js';
import { planTest, type TestPlan } from '../src/testing/plan.js';
import type { TestDiagnostic } from '../src/testing/syntax.js';

/** examples/no-ads.playbook runs in Asia/Shanghai (UTC+8, no daylight saving time). */
const ir: IR = compile(readFileSync(new URL('../examples/no-ads.playbook', import.meta.url), 'utf8'), { file: 'no-ads.playbook' }).ir!;

function planned(body: string): { plan?: TestPlan; diagnostics: TestDiagnostic[] } {
  const text = `test "t" {\n${body}\n}\n`;
  const { tree, diagnostics } = parseTestFile(text);
  if (diagnostics.length > 0 || !tree.tests[0]) return { diagnostics };
  const p = planTest(tree.tests[0], ir, text);
  return { plan: p.plan, diagnostics: p.diagnostics.filter((d) => d.code !== 'T0111') };
}

const utc = (iso: string) => Date.parse(iso);

describe('test-file instants', () => {
  it('read UTC, an offset and local time as the same instant', () => {
    const want = utc('2026-11-01T03:30:00Z');
    for (const text of [
      '2026-11-01T03:30Z',
      '2026-11-01T03:30:00Z',
      '2026-11-01 11:30+0800',
      '2026-11-01T11:30:00+08:00',
      '2026-11-01T11:30+08:00',
      '2026-11-01 11:30',
      '2026-11-01T11:30',
      '2026-11-01 11:30:00',
    ]) {
      expect(parseInstant(text, 'Asia/Shanghai'), text).toBe(want);
    }
    expect(parseInstant('2026-11-01 11:30', 'UTC')).toBe(utc('2026-11-01T11:30:00Z'));
    expect(parseInstant('2026-11-01', 'Asia/Shanghai')).toBe(utc('2026-10-31T16:00:00Z'));
  });

  it('are accepted at the start of a line, after `start` and in an expectation', () => {
    const { plan, diagnostics } = planned(
      [
        '  start 2026-11-01 09:00',
        '  alice joins',
        '  2026-11-01T03:30Z alice posts "一"',
        '  2026-11-01 11:40 alice posts "二"',
        '  2026-11-01T11:50:00+08:00',
        '  expect no member.remove alice at 2026-11-01 11:40',
      ].join('\n'),
    );
    expect(diagnostics).toEqual([]);
    expect(plan!.start).toBe(utc('2026-11-01T01:00:00Z'));
    const times = plan!.steps.filter((s) => s.kind !== 'expect').map((s) => (s as { at: number }).at);
    expect(times).toEqual([utc('2026-11-01T01:00:00Z'), utc('2026-11-01T03:30:00Z'), utc('2026-11-01T03:40:00Z'), utc('2026-11-01T03:50:00Z')]);
    const expectation = plan!.steps.find((s) => s.kind === 'expect');
    expect(expectation?.kind === 'expect' && expectation.expectation.fields[0]).toMatchObject({
      field: 'at',
      kind: 'instant',
      ms: utc('2026-11-01T03:40:00Z'),
    });
  });

  it('refuse other date forms at their line and column, naming the form to write', () => {
    const cases: [string, string][] = [
      ['2026/11/01', 'with dashes'],
      ['2026/11/01 11:30', 'with dashes'],
      ['2026-11-1', 'two digits each'],
      ['2026-11-01 9:30', 'hour with two digits'],
      ['2026-11-01T9:30', 'hour with two digits'],
      ['2026-11-01T11:30+8', 'UTC offset with two-digit hours'],
      ['2026-11-01 11:30+8:00', 'UTC offset with two-digit hours'],
    ];
    for (const [text, hint] of cases) {
      const { diagnostics } = planned(`  alice joins\n   ${text} alice posts "x"`);
      expect(diagnostics, text).toHaveLength(1);
      expect(diagnostics[0], text).toMatchObject({ code: 'T0005', line: 3, column: 4, message: `\`${text}\` is not a real date and time` });
      expect(diagnostics[0]!.hint, text).toContain(hint);
      expect(diagnostics[0]!.end - diagnostics[0]!.start, text).toBe(text.length);
    }
  });

  it('leave a dotted version such as 2026.1.15 a plain value, as before', () => {
    const { tree, diagnostics } = parseTestFile('test "t" {\n  alice posts "升级" version 2026.1.15\n}\n');
    expect(diagnostics).toEqual([]);
    const step = tree.tests[0]!.statements.find((st) => st.kind === 'step');
    expect(JSON.stringify(step)).toContain('"value":"2026.1.15"');
  });

  it('refuse a date and time of the right form that does not exist, with the forms in the hint', () => {
    for (const text of ['2026-11-01 25:00', '2026-02-30 10:00', '2026-11-01T11:61Z']) {
      const { diagnostics } = planned(`  alice joins\n  ${text} alice posts "x"`);
      expect(diagnostics, text).toHaveLength(1);
      expect(diagnostics[0], text).toMatchObject({ code: 'T0005', line: 3, column: 3 });
      expect(diagnostics[0]!.hint, text).toContain('2026-11-01 11:30');
    }
  });
});
