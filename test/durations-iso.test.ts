import { describe, expect, it } from 'vitest';
import { compile } from '../src/compiler/compile.js';
import { formatPlaybook } from '../src/format/index.js';
import { isoDuration, parseDurationText } from '../src/stdlib/durations.js';

// ISO-8601 durations wherever durations are (docs/language.md, "Durations"; issue 15, item 3),
// and the duration mistakes that no longer hide the rest of a line (docs/diagnostics.md).

const HEADER = 'playbook "x" { timezone "Asia/Shanghai" }\n';

describe('ISO-8601 durations', () => {
  it('reads weeks, days, hours, minutes and seconds', () => {
    expect(parseDurationText('PT5M')).toBe(300_000);
    expect(parseDurationText('P1D')).toBe(86_400_000);
    expect(parseDurationText('PT1H30M')).toBe(5_400_000);
    expect(parseDurationText('P2W')).toBe(2 * 604_800_000);
    expect(parseDurationText('P1DT12H')).toBe(129_600_000);
    expect(parseDurationText('PT0.5S')).toBe(500);
  });

  it('refuses months, years, empty parts and lower case', () => {
    for (const t of ['P', 'PT', 'P1M', 'P1Y', 'P1DT', 'PT5X', 'pt5m', 'PT5M3H']) expect(parseDurationText(t), t).toBeUndefined();
  });

  it('reads back what actions print', () => {
    for (const ms of [1000, 300_000, 5_400_000, 86_400_000, 90_061_500]) expect(parseDurationText(isoDuration(ms))).toBe(ms);
  });

  it('compiles in actions, windows and ladders, and fmt keeps the form written', () => {
    const src =
      HEADER +
      'rule flood {\n  on message.posted\n  when count(message.posted by member within PT1M) > 5\n  do warn member "刷屏" on ladder flooding\n}\n' +
      'ladder flooding {\n  expire P1D\n  1: mute member PT5M\n  2: mute member PT1H30M\n}\n';
    const r = compile(src);
    expect(r.diagnostics).toEqual([]);
    expect(r.ir!.ladders[0]!.expireMs).toBe(86_400_000);
    expect(JSON.stringify(r.ir!.ladders[0]!.steps)).toContain('"durationMs":300000');
    expect(JSON.stringify(r.ir!.ladders[0]!.steps)).toContain('"durationMs":5400000');
    const f = formatPlaybook(src);
    expect(f.ok && f.text).toContain('mute member PT5M');
    expect(f.ok && f.text).toContain('within PT1M');
  });
});

describe('duration mistakes', () => {
  it('a missing duration is one syntax error, not also a made-up one at 1:1', () => {
    const r = compile(HEADER + 'rule r {\n  on message.posted\n  do mute member\n}\n');
    expect(r.diagnostics.map((d) => `${d.code} ${d.line}:${d.column}`)).toEqual(['E0010 5:1']);
  });

  it('a word glued to a number is E0006 with the unit meant, once, and the rest of the line is checked', () => {
    const r = compile(HEADER + 'rule r { on message.postd do mute member 10min }\n');
    expect(r.diagnostics.map((d) => `${d.code} ${d.hint ?? ''}`)).toEqual(['E0201 did you mean `message.posted`?', 'E0006 did you mean `10m`?']);
  });

  it('leaves names that merely start with P alone', () => {
    const r = compile(HEADER + 'roles PTA, P1\nrule r {\n  on message.posted\n  unless member has role PTA\n  do mute member PT10M\n}\n');
    expect(r.diagnostics).toEqual([]);
  });
});
