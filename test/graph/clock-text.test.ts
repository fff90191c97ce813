import { describe, expect, it } from 'vitest';
import { compile } from '../../src/compiler/compile.js';
import { condText } from '../../src/graph/text.js';
import type { IR } from '../../src/ir/schema.js';

/**
 * Graph labels write the clock, chance and age conditions as the playbook does (docs/graphs.md),
 * not as the minutes of the day, day numbers and one-in-a-million draws the IR holds.
 */

function whenOf(condition: string): string {
  const r = compile(`playbook "t" { timezone "Asia/Shanghai" }\nrule r {\n  on message.posted\n  when ${condition}\n  do delete message\n}\n`);
  const ir = r.ir as IR;
  if (r.diagnostics.some((d) => d.severity === 'error')) throw new Error(r.diagnostics.map((d) => d.message).join('\n'));
  const rule = ir.rules[0]!;
  return condText(rule.when!, new Map(ir.counters.map((c) => [c.id, c])));
}

describe('graph text of clock conditions', () => {
  it('writes times of day as HH:MM, and a window as its two bounds', () => {
    expect(whenOf('time >= 23:00')).toBe('time >= 23:00');
    expect(whenOf('time between 09:30 and 18:00')).toBe('time >= 09:30 and time < 18:00');
  });

  it('writes weekdays by name and dates as written', () => {
    expect(whenOf('weekday is sat')).toBe('weekday == sat');
    expect(whenOf('weekday != sun')).toBe('not weekday == sun');
    expect(whenOf('date >= 2026-11-11')).toBe('date >= 2026-11-11');
  });

  it('writes chances as percentages and ages as durations', () => {
    expect(whenOf('chance 10%')).toBe('chance 10%');
    expect(whenOf('chance 0.07%')).toBe('chance 0.07%');
    expect(whenOf('member.age < 10m')).toBe('member.age < 10m');
  });
});
