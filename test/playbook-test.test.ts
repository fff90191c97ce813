import { copyFileSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compile } from '../src/compiler/compile.js';
import type { IR } from '../src/ir/schema.js';
import { formatDiagnostic } from '../src/parser/diagnostics.js';
import type { OutputAction } from '../src/runtime/runtime.js';
import { nextClockTime, parseInstant } from '../src/testing/clock.js';
import { CoverageRecorder, coverageItems, summarizeCoverage } from '../src/testing/coverage.js';
import { displayWidth, explainExpectation, formatAction, type Produced } from '../src/testing/explain.js';
import { actionMatches, compareAction } from '../src/testing/matcher.js';
import { parseTestFile } from '../src/testing/parser.js';
import { planTest, type Expectation, type PlanStep, type TestPlan } from '../src/testing/plan.js';
import { runPlan } from '../src/testing/runner.js';
import { checkTestSource, runTestFiles } from '../src/testing/suite.js';
import { ACTION_FIELDS } from '../src/testing/vocabulary.js';
import { runCli } from './helpers/cli.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const examples = join(root, 'examples');
const read = (rel: string) => readFileSync(join(root, rel), 'utf8');

function irOf(file: string): IR {
  const { ir, diagnostics } = compile(read(`examples/${file}`), { file });
  if (!ir) throw new Error(diagnostics.map((d) => d.message).join('\n'));
  return ir;
}

const tmp = mkdtempSync(join(tmpdir(), 'playbook-test-'));
for (const f of readdirSync(examples).filter((n) => n.endsWith('.playbook') && !n.endsWith('.test.playbook'))) {
  copyFileSync(join(examples, f), join(tmp, f));
}
let fileNo = 0;
/** A test file in a folder that also holds copies of every example playbook. */
function testFile(text: string, name = `t${++fileNo}.test.playbook`): string {
  const p = join(tmp, name);
  writeFileSync(p, text);
  return p;
}

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const r = await runCli(args);
  return { code: r.code, out: r.out.replaceAll(tmp + '/', ''), err: r.err.replaceAll(tmp + '/', '') };
}

/** Diagnostics of a test file's text, formatted as the CLI prints them (folder removed). */
function diagnosticsOf(text: string, name = 'x.test.playbook'): string[] {
  const file = join(tmp, name);
  writeFileSync(file, text);
  return checkTestSource(file, text).map((d) => formatDiagnostic(d, text).replaceAll(tmp + '/', ''));
}

function plan(text: string, playbook = 'no-ads.playbook'): TestPlan {
  const { tree, diagnostics } = parseTestFile(text);
  expect(diagnostics).toEqual([]);
  const planned = planTest(tree.tests[0]!, irOf(playbook), text);
  // Tests of what lines mean need no expect; the warning about that is tested on its own.
  expect(planned.diagnostics.filter((d) => d.code !== 'T0111')).toEqual([]);
  return planned.plan!;
}

const events = (p: TestPlan) => p.steps.filter((s): s is PlanStep & { kind: 'event' } => s.kind === 'event').map((s) => s.event);

// ------------------------------------------------------------------------------------------------

describe('test-file parser: golden errors', () => {
  const cases: [string, string, string[]][] = [
    [
      'unknown verb, with a suggestion',
      'test "t" for "no-ads.playbook" {\n  alice post "返利"\n}\n',
      [
        'x.test.playbook:2:9: error[T0004]: unknown action of a member: `post`\n   2 |   alice post "返利"\n               ^^^^\n     = hint: did you mean `posts`? (alice posts "text" [id m1])',
      ],
    ],
    [
      'unclosed text, reported once',
      'test "t" for "no-ads.playbook" {\n  alice posts "返利\n}\n',
      [
        'x.test.playbook:2:15: error[T0001]: this text has no closing quote\n   2 |   alice posts "返利\n                     ^^^^^\n     = hint: text in quotes must end on the same line: "like this"',
      ],
    ],
    [
      'unknown action type',
      'test "t" for "no-ads.playbook" {\n  alice joins\n  expect member.wran alice\n}\n',
      [
        'x.test.playbook:3:10: error[T0104]: unknown action type `member.wran`\n   3 |   expect member.wran alice\n                ^^^^^^^^^^^\n     = hint: did you mean `member.warn`?',
      ],
    ],
    [
      'misspelt field after the member',
      'test "t" for "no-ads.playbook" {\n  expect member.warn alice cuont 1\n}\n',
      [
        'x.test.playbook:2:28: error[T0105]: member.warn has no field `cuont`\n   2 |   expect member.warn alice cuont 1\n                                  ^^^^^\n     = hint: did you mean `count`? (member.warn has ladder, count, reason)',
      ],
    ],
    [
      'misspelt field where the member would be',
      'test "t" for "no-ads.playbook" {\n  expect member.warn cuont 1\n}\n',
      [
        'x.test.playbook:2:22: error[T0105]: member.warn has no field `cuont`\n   2 |   expect member.warn cuont 1\n                            ^^^^^\n     = hint: did you mean `count`? (member.warn has ladder, count, reason)',
      ],
    ],
    [
      'a wait without a unit',
      'test "t" for "no-ads.playbook" {\n  +5 alice joins\n}\n',
      [
        'x.test.playbook:2:3: error[T0005]: `+5` is not a wait\n   2 |   +5 alice joins\n         ^^\n     = hint: write a number and a unit: `+90s`, `+10m`, `+12h`, `+3d`, `+1w` or combined like `+1h30m`',
      ],
    ],
    [
      'unknown event type and wrong field type, checked against the playbook',
      'test "t" for "no-ads.playbook" {\n  event order.payd bob amount 5\n  event order.paid bob amount "x"\n}\n',
      [
        'x.test.playbook:2:9: error[T0102]: the playbook does not know the event type `order.payd`\n   2 |   event order.payd bob amount 5\n               ^^^^^^^^^^\n     = hint: did you mean `order.paid`?',
        'x.test.playbook:3:31: error[T0103]: `amount` of order.paid must be a number\n   3 |   event order.paid bob amount "x"\n                                     ^^^',
      ],
    ],
    [
      'a missing required field of a custom event',
      'test "t" for "club-showcase.playbook" {\n  event quiz.answered alice score 95\n}\n',
      [
        'x.test.playbook:2:9: error[T0103]: quiz.answered needs the field `tags` (string[])\n   2 |   event quiz.answered alice score 95\n               ^^^^^^^^^^^^^\n     = hint: add `tags [a, b]`',
      ],
    ],
    [
      'time going backwards',
      'test "t" for "no-ads.playbook" {\n  +1h alice joins\n  2026-03-02T10:30 alice leaves\n}\n',
      [
        "x.test.playbook:3:3: error[T0109]: this time is before the previous line's time (2026-03-02T11:00:00+08:00, +1h after the start)\n   3 |   2026-03-02T10:30 alice leaves\n         ^^^^^^^^^^^^^^^^\n     = hint: lines run in order; use a wait such as `+1h` or a later time",
      ],
    ],
    [
      'a date that does not exist',
      'test "t" for "no-ads.playbook" {\n  2026-02-30T10:00 alice joins\n}\n',
      [
        "x.test.playbook:2:3: error[T0005]: `2026-02-30T10:00` is not a real date and time\n   2 |   2026-02-30T10:00 alice joins\n         ^^^^^^^^^^^^^^^^\n     = hint: a real date and time: 2026-11-01 11:30 or 2026-11-01T11:30 (in the playbook's time zone), 2026-11-01T03:30Z (UTC) or 2026-11-01T11:30+08:00",
      ],
    ],
    [
      'a missing playbook',
      'test "t" for "nope.playbook" {\n  alice joins\n}\n',
      [
        'x.test.playbook:1:14: error[T0101]: cannot read the playbook nope.playbook: no such file\n   1 | test "t" for "nope.playbook" {\n                    ^^^^^^^^^^^^^^^\n     = hint: the path is relative to this test file',
      ],
    ],
    [
      'start after an event',
      'test "t" for "no-ads.playbook" {\n  alice joins\n  start 2026-03-02T10:00\n}\n',
      [
        "x.test.playbook:3:3: error[T0108]: `start` must come before the test's first event or wait\n   3 |   start 2026-03-02T10:00\n         ^^^^^^^^^^^^^^^^^^^^^^\n     = hint: move it to the top of the test",
      ],
    ],
    [
      'junk outside a test',
      'hello\ntest "t" for "no-ads.playbook" {\n  alice joins\n  expect nothing\n}\n',
      [
        'x.test.playbook:1:1: error[T0003]: expected a test, found `hello`\n   1 | hello\n       ^^^^^\n     = hint: a test file is a list of tests: test "what it checks" for "club.playbook" { … }',
      ],
    ],
    [
      'a test without its closing brace',
      'test "t" for "no-ads.playbook" {\n  alice joins\ntest "u" for "no-ads.playbook" {\n  alice joins\n  expect nothing\n}\n',
      [
        'x.test.playbook:1:1: error[T0003]: the test "t" has no closing `}`\n   1 | test "t" for "no-ads.playbook" {\n       ^^^^\n     = hint: end each test with a `}` on its own line',
      ],
    ],
    [
      'two tests with one name',
      'test "t" for "no-ads.playbook" {\n  alice joins\n  expect nothing\n}\ntest "t" for "no-ads.playbook" {\n  bob joins\n  expect nothing\n}\n',
      [
        'x.test.playbook:5:6: warning[T0107]: another test in this file is also called "t"\n   5 | test "t" for "no-ads.playbook" {\n            ^^^\n     = hint: give each test its own name, so a failure and --filter point at one test',
      ],
    ],
    [
      'repeat of an expectation',
      'test "t" for "no-ads.playbook" {\n  repeat 3: expect nothing\n}\n',
      [
        'x.test.playbook:2:13: error[T0003]: only events can be repeated, not expectations\n   2 |   repeat 3: expect nothing\n                   ^^^^^^\n     = hint: repeat 6 every 1s: alice posts "刷屏"',
      ],
    ],
  ];
  it.each(cases)('%s', (_name, source, expected) => {
    expect(diagnosticsOf(source)).toEqual(expected);
  });

  it('warns about a test without any expect', () => {
    expect(diagnosticsOf('test "t" for "no-ads.playbook" {\n  alice joins\n}\n')).toEqual([
      'x.test.playbook:1:6: warning[T0111]: the test "t" has no expect, so it can only pass\n   1 | test "t" for "no-ads.playbook" {\n            ^^^\n     = hint: say what must happen: expect member.warn alice',
    ]);
  });

  it('a wait beyond the year 9999 is an error, reported once', () => {
    expect(diagnosticsOf('test "t" for "no-ads.playbook" {\n  +9999999999w alice joins\n  +1d\n  expect nothing\n}\n').map((d) => d.split('\n')[0])).toEqual([
      'x.test.playbook:2:3: error[T0005]: this time is outside the years 1970 to 9999',
    ]);
  });

  it('reports every broken line of a file in one pass and keeps the good tests', () => {
    const source =
      'test "a" for "no-ads.playbook" {\n  alice joinz\n  bob leavs\n}\ntest "b" for "no-ads.playbook" {\n  alice joins\n}\ntest "c" for "no-ads.playbook" {\n  +5 alice joins\n}\n';
    const { tree, diagnostics } = parseTestFile(source);
    expect(diagnostics.map((d) => `${d.line}:${d.code}`).sort()).toEqual(['2:T0004', '3:T0004', '9:T0005']);
    // A lexer error (the `+5`) breaks its test too, though the parser saw nothing wrong.
    expect(tree.tests.map((t) => [t.name, t.broken])).toEqual([
      ['a', true],
      ['b', false],
      ['c', true],
    ]);
  });

  it('never throws, whatever the input', () => {
    const pieces = [
      'test',
      '"t"',
      'for',
      '"no-ads.playbook"',
      '{',
      '}',
      '\n',
      ';',
      'alice',
      'posts',
      'joins',
      'expect',
      'no',
      'exactly',
      '3',
      'member.warn',
      'count',
      'contains',
      '[',
      ']',
      ',',
      '+1m',
      '19:20',
      '2026-03-02T10:00',
      'repeat',
      'every',
      ':',
      'event',
      'order.paid',
      '"',
      '#',
      '“',
      '\u3000',
      'start',
      'community',
    ];
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.constantFrom(...pieces), fc.string({ maxLength: 4 })), { maxLength: 40 }), (parts) => {
        const source = parts.join(' ');
        const diags = checkTestSource(join(tmp, 'fuzz.test.playbook'), source);
        for (const d of diags) {
          expect(d.line).toBeGreaterThanOrEqual(1);
          expect(d.column).toBeGreaterThanOrEqual(1);
          expect(d.code).toMatch(/^T0\d{3}$/);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('test-file parser and planner: what the lines mean', () => {
  it('turns each compact form into its core event with the right payload', () => {
    const p = plan(`test "t" {
  alice joins as "Alice" invited by bob with roles admin, kol
  alice posts "hi" id m1 channel general mentions [bob, carol]
  alice posts "again"
  alice reacts "👍" to m1
  alice sends redpacket 10 in 5 shares
  alice checks in kind morning
  alice acknowledges the rules
  alice pays 99
  alice pays 5 order o7
  alice invites bob
  alice gets role kol
  alice loses role kol
  alice leaves
}`);
    const strip = (e: Record<string, unknown>) => {
      const { id: _id, at: _at, community: _c, ...rest } = e;
      return rest;
    };
    expect(events(p).map(strip)).toEqual([
      { type: 'member.joined', member: 'alice', name: 'Alice', invitedBy: 'bob', roles: ['admin', 'kol'] },
      { type: 'message.posted', member: 'alice', text: 'hi', messageId: 'm1', channel: 'general', mentions: ['bob', 'carol'] },
      { type: 'message.posted', member: 'alice', text: 'again', messageId: 'msg-1' },
      { type: 'reaction.added', member: 'alice', emoji: '👍', messageId: 'm1' },
      { type: 'redpacket.sent', member: 'alice', amount: 10, shares: 5 },
      { type: 'checkin.done', member: 'alice', kind: 'morning' },
      { type: 'rules.acknowledged', member: 'alice' },
      { type: 'order.paid', member: 'alice', amount: 99, orderId: 'order-1' },
      { type: 'order.paid', member: 'alice', amount: 5, orderId: 'o7' },
      { type: 'invite.accepted', member: 'alice', invitee: 'bob' },
      { type: 'role.granted', member: 'alice', role: 'kol' },
      { type: 'role.revoked', member: 'alice', role: 'kol' },
      { type: 'member.left', member: 'alice' },
    ]);
    expect(events(p).map((e) => e['id'])).toEqual(['e1', 'e2', 'e3', 'e4', 'e5', 'e6', 'e7', 'e8', 'e9', 'e10', 'e11', 'e12', 'e13']);
    expect(new Set(events(p).map((e) => e['community']))).toEqual(new Set(['test']));
  });

  it('reads the generic form with custom fields, booleans and lists', () => {
    const p = plan('test "t" { event quiz.answered alice score 95 topic "安全" tags [a, "b c"] }', 'club-showcase.playbook');
    expect(events(p)[0]).toMatchObject({ type: 'quiz.answered', member: 'alice', score: 95, topic: '安全', tags: ['a', 'b c'] });
  });

  it('starts by default on 2026-03-02 10:00 in the playbook zone, and accepts start and community', () => {
    expect(events(plan('test "t" { alice joins }'))[0]!['at']).toBe('2026-03-02T10:00:00+08:00');
    const p = plan('test "t" {\n  start 2026-07-01T08:00+00:00\n  community "club-9"\n  alice joins\n}');
    expect(events(p)[0]).toMatchObject({ at: '2026-07-01T16:00:00+08:00', community: 'club-9' });
  });

  it('community after the first event switches the community of the lines after it, on the same clock', () => {
    const p = plan('test "t" {\n  community "g-1"\n  alice joins\n  community "g-2"\n  +1m bob joins\n  carol joins\n  community "g-1"\n  dave joins\n}');
    expect(events(p).map((e) => [e['community'], e['member'], e['at']])).toEqual([
      ['g-1', 'alice', '2026-03-02T10:00:00+08:00'],
      ['g-2', 'bob', '2026-03-02T10:01:00+08:00'],
      ['g-2', 'carol', '2026-03-02T10:01:00+08:00'],
      ['g-1', 'dave', '2026-03-02T10:01:00+08:00'],
    ]);
  });

  it('waits are relative to the previous line; a line without a time happens with the previous one', () => {
    const p = plan('test "t" {\n  +90s alice joins\n  bob joins\n  +1h30m alice leaves\n  2026-03-03 bob leaves\n  09:15 carol joins\n  09:15 carol leaves\n}');
    expect(events(p).map((e) => e['at'])).toEqual([
      '2026-03-02T10:01:30+08:00',
      '2026-03-02T10:01:30+08:00',
      '2026-03-02T11:31:30+08:00',
      '2026-03-03T00:00:00+08:00',
      '2026-03-03T09:15:00+08:00',
      '2026-03-03T09:15:00+08:00',
    ]);
  });

  it('property: the events of waits fall at the start plus the sum of the waits so far', () => {
    const ir = irOf('no-ads.playbook');
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 10_000_000 }), { minLength: 1, maxLength: 15 }), (waits) => {
        const text = `test "t" {\n${waits.map((w) => `  +${w}s alice checks in`).join('\n')}\n}`;
        const planned = planTest(parseTestFile(text).tree.tests[0]!, ir, text).plan!;
        let t = planned.start;
        events(planned).forEach((e, i) => {
          t += waits[i]! * 1000;
          expect(Date.parse(String(e['at']))).toBe(t);
        });
      }),
    );
  });

  it('repeat sends the event N times, D apart, and later lines continue from the last one', () => {
    const p = plan('test "t" {\n  +1m repeat 3 times every 10s: alice posts "x"\n  +1s bob joins\n  repeat 2: carol checks in\n}');
    expect(events(p).map((e) => `${e['member']}@${String(e['at']).slice(11, 19)}`)).toEqual([
      'alice@10:01:00',
      'alice@10:01:10',
      'alice@10:01:20',
      'bob@10:01:21',
      'carol@10:01:21',
      'carol@10:01:21',
    ]);
    expect(
      events(p)
        .slice(0, 3)
        .map((e) => e['messageId']),
    ).toEqual(['msg-1', 'msg-2', 'msg-3']);
  });

  it('finds the member of an expect: a word that is not a field, a quoted name, or `member X`', () => {
    const exp = (line: string) => (plan(`test "t" {\n  ${line}\n}`).steps[0] as PlanStep & { kind: 'expect' }).expectation;
    expect(exp('expect member.warn alice count 1')).toMatchObject({ mode: 'some', type: 'member.warn', member: 'alice' });
    expect(exp('expect member.warn count 1').member).toBeUndefined();
    expect(exp('expect member.tag "张 三" tag vip')).toMatchObject({ member: '张 三' });
    expect(exp('expect member.tag member tag tag vip')).toMatchObject({ member: 'tag' });
    expect(exp('expect no member.remove')).toMatchObject({ mode: 'none', type: 'member.remove' });
    expect(exp('expect exactly 2 message.delete')).toMatchObject({ mode: 'exactly', count: 2 });
    expect(exp('expect 0 message.delete')).toMatchObject({ mode: 'exactly', count: 0 });
    expect(exp('expect nothing')).toMatchObject({ mode: 'nothing' });
    expect(exp('expect member.mute bob duration 10m').fields).toMatchObject([{ field: 'duration', kind: 'equals', value: 'PT10M' }]);
    expect(exp('expect message.send text contains "欢迎"').fields).toMatchObject([{ field: 'text', kind: 'contains', text: '欢迎' }]);
  });

  it('a member whose name is a statement word can be quoted', () => {
    const p = plan('test "t" {\n  "expect" joins\n  expect posts "hi"\n}');
    expect(events(p).map((e) => e['member'])).toEqual(['expect', 'expect']);
  });

  it('the next 19:20 is today when it is still ahead, and tomorrow when it has passed', () => {
    const zone = 'Asia/Shanghai';
    const at = (iso: string) => parseInstant(iso, zone)!;
    expect(nextClockTime(at('2026-03-02T10:00'), 19, 20, 0, zone)).toBe(at('2026-03-02T19:20'));
    expect(nextClockTime(at('2026-03-02T19:20'), 19, 20, 0, zone)).toBe(at('2026-03-02T19:20'));
    expect(nextClockTime(at('2026-03-02T19:21'), 19, 20, 0, zone)).toBe(at('2026-03-03T19:20'));
    // Across a DST change the wall-clock time stays put.
    const ny = 'America/New_York';
    expect(new Date(nextClockTime(parseInstant('2026-03-07T12:00', ny)!, 9, 0, 0, ny)).toISOString()).toBe('2026-03-08T13:00:00.000Z');
    expect(new Date(nextClockTime(parseInstant('2026-03-06T12:00', ny)!, 9, 0, 0, ny)).toISOString()).toBe('2026-03-07T14:00:00.000Z');
  });
});

// ------------------------------------------------------------------------------------------------

const warn: OutputAction = {
  at: '2026-03-02T10:01:00+08:00',
  type: 'member.warn',
  community: 'test',
  member: 'alice',
  ladder: 'ads',
  count: 1,
  reason: '本群禁止广告',
  cause: 'e2',
  source: 'rule:no_ads',
};

function expectation(line: string): Expectation {
  const text = `test "t" for "no-ads.playbook" {\n  ${line}\n}`;
  const planned = planTest(parseTestFile(text).tree.tests[0]!, irOf('no-ads.playbook'), text);
  expect(planned.diagnostics).toEqual([]);
  return (planned.plan!.steps[0] as PlanStep & { kind: 'expect' }).expectation;
}

describe('matcher', () => {
  it('matches type, member and every field given', () => {
    expect(actionMatches(expectation('expect member.warn'), warn)).toBe(true);
    expect(actionMatches(expectation('expect member.warn alice ladder ads count 1'), warn)).toBe(true);
    expect(actionMatches(expectation('expect member.warn bob'), warn)).toBe(false);
    expect(actionMatches(expectation('expect member.remove alice'), warn)).toBe(false);
    expect(actionMatches(expectation('expect member.warn source "rule:no_ads" cause e2'), warn)).toBe(true);
    expect(actionMatches(expectation('expect member.warn at 2026-03-02T02:01:00Z'), warn)).toBe(true);
    expect(actionMatches(expectation('expect member.warn at 2026-03-02T10:02'), warn)).toBe(false);
  });

  it('compares values as they print: a number in quotes equals the number', () => {
    expect(actionMatches(expectation('expect member.warn count "1"'), warn)).toBe(true);
    expect(actionMatches(expectation('expect member.warn count 1.0'), warn)).toBe(true);
    expect(actionMatches(expectation('expect member.warn count 2'), warn)).toBe(false);
    expect(actionMatches(expectation('expect member.warn reason contains "禁止"'), warn)).toBe(true);
    expect(actionMatches(expectation('expect member.warn reason "本群"'), warn)).toBe(false);
  });

  it('reports each differing field, and a missing field as such', () => {
    const r = compareAction(expectation('expect member.warn bob count 2 reason contains "广告"'), warn);
    expect(r.sameType).toBe(true);
    expect(r.mismatches).toEqual([
      { field: 'member', expected: 'bob', actual: 'alice' },
      { field: 'count', expected: '2', actual: 1 },
    ]);
    const missing = compareAction(expectation('expect message.send to alice'), { at: warn.at, type: 'message.send', community: 'test', text: 'hi' });
    expect(missing.mismatches).toEqual([{ field: 'to', expected: 'alice', actual: undefined }]);
  });

  it('property: an expect written from an action matches it; changing one value breaks exactly that field', () => {
    const scalar = fc.oneof(fc.integer({ min: -1000, max: 1000 }), fc.stringMatching(/^[a-z\u4e00-\u4e2f ]{1,8}$/));
    const type = fc.constantFrom(...Object.keys(ACTION_FIELDS));
    fc.assert(
      fc.property(type, fc.array(scalar, { minLength: 3, maxLength: 3 }), fc.nat(2), (t, values, pick) => {
        const fields = ACTION_FIELDS[t]!.filter((f) => f !== 'until');
        const action: OutputAction = { at: warn.at, type: t, community: 'test', member: 'm1' };
        fields.forEach((f, i) => (action[f] = f === 'duration' ? 'PT1M' : values[i % values.length]));
        const written = fields.map((f) => `${f} ${JSON.stringify(String(action[f]))}`).join(' ');
        expect(actionMatches(expectation(`expect ${t} m1 ${written}`), action)).toBe(true);
        if (fields.length === 0) return;
        const changed = fields[pick % fields.length]!;
        const other = { ...action, [changed]: `${String(action[changed])}x` };
        const r = compareAction(expectation(`expect ${t} m1 ${written}`), other);
        expect(r.mismatches.map((m) => m.field)).toEqual([changed]);
      }),
      { numRuns: 150 },
    );
  });
});

// ------------------------------------------------------------------------------------------------

describe('failure explanations', () => {
  const produced = (action: OutputAction, line: number, offset = '+1m'): Produced => ({ action, line, offset });
  const del: OutputAction = { at: warn.at, type: 'message.delete', community: 'test', member: 'alice', messageId: 'm1', cause: 'e2', source: 'rule:no_ads' };

  it('writes an action in expect syntax, names bare and text quoted', () => {
    expect(formatAction(warn).text).toBe('member.warn alice ladder ads count 1 reason 本群禁止广告');
    expect(formatAction({ at: warn.at, type: 'message.send', community: 'c', text: '你好 world', to: 'a b' }).text).toBe(
      'message.send to "a b" text "你好 world"',
    );
    expect(formatAction({ at: warn.at, type: 'member.tag', community: 'c', member: 'x y', tag: 'true' }).text).toBe('member.tag "x y" tag "true"');
  });

  it('shows the nearest action of the same type with the differing fields underlined', () => {
    const text = explainExpectation(expectation('expect member.warn alice count 2 reason "违规"'), {
      location: 'f.test.playbook:4:3',
      window: [produced(del, 3), produced(warn, 3)],
      windowLines: { from: 2, to: 3 },
      earlier: [],
    });
    expect(text).toBe(
      [
        '  f.test.playbook:4:3: expect member.warn alice count 2 reason "违规"',
        '    but none of the 2 actions produced by lines 2-3 matches:',
        '      member.warn alice ladder ads count 1 reason 本群禁止广告   # line 3 (+1m, rule:no_ads)',
        '                                   ^^^^^^^ ^^^^^^^^^^^^^^^^^^^ count should be 2; reason should be 违规',
        '    other actions:',
        '      message.delete alice messageId m1   # line 3 (+1m, rule:no_ads)',
      ].join('\n'),
    );
    // The second underline starts under `reason`, counting each Chinese character as two columns.
    const lines = text!.split('\n');
    expect(displayWidth(lines[3]!.slice(0, lines[3]!.indexOf('^^^^^^^ ^') + 8))).toBe(displayWidth(lines[2]!.slice(0, lines[2]!.indexOf('reason'))));
  });

  it('points out a match the window rule left out', () => {
    const text = explainExpectation(expectation('expect member.warn alice'), {
      location: 'f:6:3',
      window: [],
      windowLines: { from: 5, to: 5 },
      earlier: [produced(warn, 3)],
    });
    expect(text).toContain('but line 5 produced no action.');
    expect(text).toContain('note: a matching action was produced earlier, by line 3 (+1m)');
  });

  it('lists the offending actions of `expect no`, `expect nothing` and `expect exactly`', () => {
    const ctx = { location: 'f:5:3', window: [produced(del, 4), produced(warn, 4)], windowLines: { from: 4, to: 4 }, earlier: [] };
    expect(explainExpectation(expectation('expect no member.warn'), ctx)).toBe(
      '  f:5:3: expect no member.warn\n    but 1 matching action was produced by line 4:\n      member.warn alice ladder ads count 1 reason 本群禁止广告   # line 4 (+1m, rule:no_ads)',
    );
    expect(explainExpectation(expectation('expect nothing'), ctx)).toContain('but 2 actions were produced by line 4:');
    expect(explainExpectation(expectation('expect exactly 2 member.warn'), ctx)).toContain('but only 1 matching action was produced by line 4:');
    expect(explainExpectation(expectation('expect exactly 1 member.warn'), ctx)).toBeUndefined();
    expect(explainExpectation(expectation('expect no member.remove'), ctx)).toBeUndefined();
    expect(explainExpectation(expectation('expect nothing'), { ...ctx, window: [] })).toBeUndefined();
  });
});

// ------------------------------------------------------------------------------------------------

describe('runner: which actions an expect sees', () => {
  const runText = (text: string, playbook = 'no-ads.playbook') => runPlan(plan(text, playbook), irOf(playbook), 'f.test.playbook');

  it('all expects of a group see the same actions; an event starts a new group', () => {
    expect(
      runText(
        'test "t" {\n  alice joins\n  +1m alice posts "返利"\n  expect member.warn alice\n  expect message.delete alice\n  +1m bob joins\n  expect nothing\n}',
      ).passed,
    ).toBe(true);
    const r = runText('test "t" {\n  alice joins\n  +1m alice posts "返利"\n  expect message.delete\n  +1m bob joins\n  expect member.warn alice\n}');
    expect(r.passed).toBe(false);
    expect(r.failure).toContain('f.test.playbook:6:3: expect member.warn alice');
    expect(r.failure).toContain('but line 5 produced no action.');
  });

  it('a wait fires timers; actions of due timers come before the event that follows', () => {
    const text = 'test "t" {\n  alice joins\n  +24h bob joins\n  expect member.remove alice\n  +24h\n  expect member.remove bob\n}';
    expect(runText(text, 'entry-ritual.playbook').passed).toBe(true);
  });

  it('a time before an expect lets the time pass first', () => {
    const text = 'test "t" {\n  alice joins\n  expect message.send alice\n  +24h expect member.remove alice\n}';
    expect(runText(text, 'entry-ritual.playbook').passed).toBe(true);
    expect(runText(text.replace('+24h', '+23h'), 'entry-ritual.playbook').passed).toBe(false);
  });

  it('stops at the first failing expectation', () => {
    const r = runText('test "t" {\n  alice joins\n  expect member.remove\n  expect member.tag\n}');
    expect(r.failure).toContain(':3:3: expect member.remove');
    expect(r.failure).not.toContain('member.tag');
  });

  it('reports an event the runtime rejects', () => {
    const r = runText('test "t" {\n  "" joins\n}');
    expect(r.passed).toBe(false);
    expect(r.failure).toBe('  f.test.playbook:2:3: the runtime rejected this event: "member" must be a non-empty string, not the string ""');
  });
});

// ------------------------------------------------------------------------------------------------

describe('coverage', () => {
  it('lists rules, ladder steps, points, levels, badges, leaderboards, jobs, stages and goals', () => {
    expect(coverageItems(irOf('club-showcase.playbook')).map((i) => i.label)).toEqual([
      'rule greet',
      'rule ack_rules',
      'rule quiz_ace',
      'rule report_kol_links',
      'rule signup_bonus (campaign spring, stage signup)',
      'points checkin.done',
      'points reaction.added',
      'points checkin.done (campaign spring, stage study)',
      'level 活跃',
      'level 核心',
      'badge 签到达人',
      'badge 热心人',
      'leaderboard monthly',
      'job weekly_digest',
      'job daily_reminder',
      'campaign spring stage signup',
      'campaign spring stage study',
      'campaign spring goal active_members',
    ]);
    expect(coverageItems(irOf('member-lifecycle.playbook')).map((i) => i.label)).toEqual([
      'lifecycle member: newcomer -> active',
      'lifecycle member: active -> dormant',
      'lifecycle member: dormant -> active',
      'lifecycle member: active -> paying',
      'lifecycle member: paying -> advocate',
    ]);
    expect(coverageItems(irOf('discussion-schedule.playbook')).map((i) => i.label)).toEqual(['schedule discussion', 'job purge']);
  });

  const covered = (playbook: string, ...texts: string[]) => {
    const ir = irOf(playbook);
    const recorder = new CoverageRecorder(ir);
    for (const t of texts) expect(runPlan(plan(t, playbook), ir, 'f', recorder).passed).toBe(true);
    return summarizeCoverage(playbook, coverageItems(ir), recorder.covered);
  };

  it('a first warning covers the rule and ladder step 1, not step 2', () => {
    expect(covered('no-ads.playbook', 'test "t" {\n  alice joins\n  +1m alice posts "返利"\n}')).toEqual({
      playbook: 'no-ads.playbook',
      total: 3,
      exercised: 2,
      missing: ['ladder ads step 2'],
    });
  });

  it('ladder counts past the last step cover the last step', () => {
    const ir = irOf('flood.playbook');
    const recorder = new CoverageRecorder(ir);
    recorder.record({ community: () => undefined } as never, 'test', {}, [{ ...warn, ladder: 'flooding', count: 5 }]);
    expect([...recorder.covered].sort()).toEqual(['ladder:flooding#2', 'rule:no_ads']);
  });

  it('ritual steps are seen in the ritual state, one at a time and at completion', () => {
    const entry = 'entry-ritual.playbook';
    expect(covered(entry, 'test "t" {\n  alice joins\n  +1m alice sends redpacket 5 in 5 shares\n}').missing).toEqual([
      'ritual onboarding step intro',
      'ritual onboarding completed',
      'ritual onboarding deadline passed',
      'ritual onboarding cancelled',
    ]);
    // Completing the last step jumps straight to `completed`: that step is covered as well.
    expect(covered(entry, 'test "t" {\n  alice joins\n  +1m alice sends redpacket 5 in 5 shares\n  +1m alice posts "A-B-C"\n}').missing).toEqual([
      'ritual onboarding deadline passed',
      'ritual onboarding cancelled',
    ]);
    expect(covered(entry, 'test "t" {\n  alice joins\n  bob joins\n  +1m bob leaves\n  +1d\n}').missing).toEqual([
      'ritual onboarding step redpacket',
      'ritual onboarding step intro',
      'ritual onboarding completed',
    ]);
  });
});

// ------------------------------------------------------------------------------------------------

describe('playbook test (command line)', () => {
  const passing = 'test "passes" for "no-ads.playbook" {\n  alice joins\n  +1m alice posts "返利"\n  expect member.warn alice count 1\n}\n';
  const failing = 'test "fails" for "no-ads.playbook" {\n  alice joins\n  +1m alice posts "返利"\n  expect member.remove alice\n}\n';

  it('exit 0 and a PASS line per test when everything passes', async () => {
    const r = await cli(['test', testFile(passing)]);
    expect(r).toEqual({ code: 0, out: 'PASS passes\n1 passed, 0 failed\n', err: '' });
  });

  it('exit 1 with the explanation when a test fails; the other tests still run', async () => {
    const r = await cli(['test', testFile(failing + passing)]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^FAIL fails\n {2}t\d+\.test\.playbook:4:3: expect member\.remove alice\n/);
    expect(r.out).toContain('\nPASS passes\n1 passed, 1 failed\n');
  });

  it('exit 1 for syntax errors, shown on stderr with a caret', async () => {
    const r = await cli(['test', testFile('test "broken" for "no-ads.playbook" {\n  alice joinz\n}\n' + passing)]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/t\d+\.test\.playbook:2:9: error\[T0004\]/);
    expect(r.err).toContain('^^^^^');
    expect(r.out).toMatch(/FAIL broken\n {2}t\d+\.test\.playbook:1:6: the test cannot run: it has errors \(shown above\)\nPASS passes\n1 passed, 1 failed\n/);
  });

  it('exit 1 when the playbook has errors, shown once with its own file name', async () => {
    writeFileSync(join(tmp, 'bad.playbook'), 'rule r { on message.postd do delete message }\n');
    const r = await cli(['test', testFile('test "a" for "bad.playbook" {\n  alice joins\n}\ntest "b" for "bad.playbook" {\n  alice joins\n}\n')]);
    expect(r.code).toBe(1);
    expect(r.err.match(/bad\.playbook:1:13: error\[E0201\]/g)).toHaveLength(1);
    expect(r.err).toContain('error[T0110]: the playbook ');
    expect(r.out).toContain('0 passed, 2 failed');
  });

  it('finds the playbook from the file name when `for` is left out', async () => {
    const r = await cli(['test', testFile('test "t" {\n  alice joins\n  +1m alice posts "返利"\n  expect member.warn alice\n}\n', 'no-ads.test.playbook')]);
    expect(r.code).toBe(0);
  });

  it('--filter runs only matching tests, ignoring case; a filter that matches nothing is a failure', async () => {
    const f = testFile(failing + passing);
    expect(await cli(['test', f, '--filter', 'PASS'])).toEqual({ code: 0, out: 'PASS passes\n1 passed, 0 failed\n', err: '' });
    const none = await cli(['test', f, '--filter', 'zzz']);
    expect(none.code).toBe(1);
    expect(none.err).toContain('no test name contains "zzz"');
  });

  it('--coverage prints what no test exercised after the summary', async () => {
    const r = await cli(['test', testFile(passing), '--coverage']);
    expect(r.code).toBe(0);
    expect(r.out).toBe('PASS passes\n1 passed, 0 failed\n\ncoverage of no-ads.playbook: 2 of 3 exercised; not exercised by any test:\n  ladder ads step 2\n');
  });

  it('exit 1 for a file with no tests', async () => {
    const r = await cli(['test', testFile('# nothing yet\n')]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/no tests in this file/);
    expect(r.out).toBe('0 passed, 0 failed\n');
  });

  it('exit 2 on usage errors', async () => {
    expect((await cli(['test'])).code).toBe(2);
    expect((await cli(['test', join(tmp, 'missing.test.playbook')])).code).toBe(2);
    // A folder with no test file in it (a folder with some runs them: test/cli-folders.test.ts).
    expect((await cli(['test', mkdtempSync(join(tmpdir(), 'playbook-no-tests-'))])).code).toBe(2);
    expect((await cli(['test', testFile(passing), '--bogus'])).code).toBe(2);
    expect((await cli(['test', testFile(passing), '--filter', ' '])).code).toBe(2);
    const help = await cli(['test', '--help']);
    expect(help.code).toBe(0);
    expect(help.out).toContain('Usage: playbook test FILE|FOLDER... [--coverage] [--filter TEXT]');
  });
});

// ------------------------------------------------------------------------------------------------

describe('the examples and the docs', () => {
  const playbooks = readdirSync(examples)
    .filter((n) => n.endsWith('.playbook') && !n.endsWith('.test.playbook'))
    .sort();
  const testFiles = readdirSync(examples)
    .filter((n) => n.endsWith('.test.playbook'))
    .sort();

  it('every example playbook has a test file', () => {
    expect(testFiles).toEqual(playbooks.map((p) => p.replace(/\.playbook$/, '.test.playbook')));
  });

  it('every example test file passes and covers its whole playbook', async () => {
    const r = await cli(['test', ...testFiles.map((f) => join(examples, f)), '--coverage']);
    expect(r.err).toBe('');
    expect(r.out).not.toContain('FAIL');
    expect(r.out).toMatch(/\n\d+ passed, 0 failed\n/);
    expect(r.code).toBe(0);
    const coverage = [...r.out.matchAll(/coverage of .*?(\S+\.playbook): (\d+) of (\d+) exercised/g)].map((m) => [m[1]!.split('/').pop(), m[2] === m[3]]);
    expect(coverage).toEqual(playbooks.map((p) => [p, true]));
  });

  it('the example tests are not vacuous: breaking an expectation fails its test', () => {
    const source = read('examples/no-ads.test.playbook').replace('expect member.warn alice count 2', 'expect member.warn alice count 3');
    const results: boolean[] = [];
    runTestFiles([{ file: join(examples, 'no-ads.test.playbook'), source }], {}, { diagnostic: () => {}, result: (r) => void results.push(r.passed) });
    expect(results.filter((p) => !p)).toHaveLength(1);
  });

  it('checkTestSource finds nothing wrong in the example test files', () => {
    for (const f of testFiles) expect(checkTestSource(join(examples, f), read(`examples/${f}`)), f).toEqual([]);
  });

  describe('docs/testing.md', () => {
    const markdown = read('docs/testing.md');
    const blocks = [...markdown.matchAll(/^```([^\n]*)\n([\s\S]*?)^```[ \t]*$/gm)].map((m) => ({
      info: m[1]!.trim(),
      body: m[2]!,
      line: markdown.slice(0, m.index).split('\n').length,
    }));
    const tests = blocks.filter((b) => b.info.startsWith('playbook-test'));

    it('has test examples and balanced fences', () => {
      expect(tests.length).toBeGreaterThanOrEqual(5);
      expect((markdown.match(/^```/gm) ?? []).length % 2).toBe(0);
    });

    it.each(tests.filter((b) => b.info === 'playbook-test').map((b) => [b.line, b] as const))('example at line %i passes', async (_line, block) => {
      const r = await cli(['test', testFile(block.body)]);
      expect(r.err).toBe('');
      expect(r.out).not.toContain('FAIL');
      expect(r.code).toBe(0);
    });

    it('the failing example prints exactly the output shown after it', async () => {
      const i = blocks.findIndex((b) => b.info === 'playbook-test failing');
      const r = await cli(['test', testFile(blocks[i]!.body, 'doc.test.playbook')]);
      expect(r.code).toBe(1);
      expect(r.out).toBe(blocks[i + 1]!.body);
    });

    it('lists every test-file diagnostic code the source can emit', () => {
      const documented = [...markdown.matchAll(/^\| (T\d{4}) \|/gm)].map((m) => m[1]);
      const emitted = new Set<string>();
      for (const f of readdirSync(join(root, 'src/testing'))) {
        // Reported through the diagnostics registry: D.T0103.noField(…) (src/parser/diagnostic-codes.ts).
        for (const m of read(`src/testing/${f}`).matchAll(/\bD\.(T\d{4})\b/g)) emitted.add(m[1]!);
      }
      expect([...documented].sort()).toEqual([...emitted].sort());
    });
  });
});
