import { describe, expect, it } from 'vitest';
import { compile } from '../../src/index.js';
import { formatPlaybook } from '../../src/format/index.js';
import { createRuntime, type OutputAction } from '../../src/runtime/runtime.js';

/**
 * Durations as values (docs/language.md, "Arithmetic" and "Actions"): `mute member 10m * N`,
 * `min(…, 1h)`, what arithmetic on durations yields, and what the checker refuses.
 */

const HEADER = 'playbook "t" { timezone "Asia/Shanghai" }\nevent penalty.given { minutes?: number }\n';
const at = (sec: number) => new Date(Date.UTC(2026, 2, 1, 2, 0, sec)).toISOString().replace('Z', '+00:00');

function mutes(source: string, events: Record<string, unknown>[], engine: 'fast' | 'reference' = 'fast'): OutputAction[] {
  const r = compile(HEADER + source);
  const errors = r.diagnostics.filter((d) => d.severity === 'error');
  if (!r.ir || errors.length) throw new Error(errors.map((d) => `${d.line}:${d.column} ${d.message}`).join('\n'));
  const rt = createRuntime(r.ir, { engine });
  try {
    // The member joins first: actions aim at members the runtime knows.
    return [{ type: 'member.joined' }, ...events]
      .flatMap((e, i) => rt.dispatch({ id: `e${i}`, at: at(i), community: 'c', member: 'm', ...e }))
      .filter((a) => a.type === 'member.mute');
  } finally {
    rt.close();
  }
}

const errorsOf = (source: string) =>
  compile(HEADER + source)
    .diagnostics.filter((d) => d.severity === 'error')
    .map((d) => `${d.code} ${d.message}${d.hint ? ` | ${d.hint}` : ''}`);

const paid = (minutes: unknown) => ({ type: 'penalty.given', minutes });

describe('a mute whose length is computed', () => {
  const rule = (length: string) => `rule r {\n  on penalty.given\n  do mute member ${length} reason "r"\n}\n`;

  it('multiplies a duration by an event field, on both engines', () => {
    for (const engine of ['fast', 'reference'] as const) {
      const out = mutes(rule('1m * minutes'), [paid(3), paid(90)], engine);
      expect(out.map((a) => a.duration)).toEqual(['PT3M', 'PT1H30M']);
      expect(out[0]!.until).toBe('2026-03-01T10:03:01+08:00');
      expect(out[0]!.reason).toBe('r');
    }
  });

  it('caps with min and floors with max, among durations', () => {
    const out = mutes(rule('max(min(10m * minutes, 1h), 5m)'), [paid(0), paid(2), paid(100)]);
    expect(out.map((a) => a.duration)).toEqual(['PT5M', 'PT20M', 'PT1H']);
  });

  it('rounds to whole seconds, and mutes nobody for under a second or a missing value', () => {
    const out = mutes(rule('1s * minutes'), [paid(1.4), paid(1.6), paid(0.4), paid(-3), { type: 'penalty.given' }]);
    expect(out.map((a) => a.duration)).toEqual(['PT1S', 'PT2S']);
  });

  it('never mutes for more than ten years', () => {
    const out = mutes(rule('1d * minutes'), [paid(100_000)]);
    expect(out).toHaveLength(1);
    expect(out[0]!.duration).toBe('P3660D');
  });

  it('adds and subtracts durations, and divides a duration by a number', () => {
    const out = mutes(rule('(1h - 10m) / 5 + 30s'), [paid(1)]);
    expect(out.map((a) => a.duration)).toEqual(['PT10M30S']);
  });

  it('keeps the plain form unchanged: `mute member 10m` and `for PT5M`', () => {
    expect(mutes(rule('10m'), [paid(1)]).map((a) => a.duration)).toEqual(['PT10M']);
    expect(mutes(rule('for PT5M'), [paid(1)]).map((a) => a.duration)).toEqual(['PT5M']);
  });

  it('is formatted as written and stays stable', () => {
    const src = HEADER + rule('min(10m  *  minutes,1h)');
    const once = formatPlaybook(src);
    if (!once.ok) throw new Error(JSON.stringify(once));
    expect(once.text).toContain('mute member min(10m * minutes, 1h) reason "r"');
    const twice = formatPlaybook(once.text);
    expect(twice.ok && twice.text).toBe(once.text);
  });
});

describe('the checker on durations in values', () => {
  it('refuses a number where a mute needs a duration, with the fix', () => {
    expect(errorsOf('rule r {\n  on penalty.given\n  do mute member minutes * 2\n}\n')).toEqual([
      'E0404 a mute lasts a duration, and `minutes * 2` is a number | multiply a duration by it: `mute member 10m * …`',
    ]);
  });

  it('refuses adding a number to a duration, and multiplying durations', () => {
    expect(errorsOf('rule r {\n  on penalty.given\n  do mute member 10m + minutes\n}\n')[0]).toMatch(
      /^E0404 `\+` cannot combine duration `10m` with number `minutes`/,
    );
    expect(errorsOf('rule r {\n  on penalty.given\n  do mute member 10m * 1h\n}\n')[0]).toMatch(/^E0404 `\*` cannot combine duration `10m` with duration `1h`/);
  });

  it('refuses a duration as an amount of points, and mixes of durations and numbers in min', () => {
    expect(errorsOf('rule r {\n  on penalty.given\n  do award 10m points\n}\n')[0]).toMatch(/^E0404 an amount of points is a number, and `10m` is a duration/);
    expect(errorsOf('rule r {\n  on penalty.given\n  do mute member min(10m, minutes)\n}\n')[0]).toMatch(/^E0404 `min\(…\)` needs durations only/);
  });

  it('gives a duration divided by a duration as a number', () => {
    expect(errorsOf('rule r {\n  on penalty.given\n  when 1h / 10m == 6\n  do mute member 10m\n}\n')).toEqual([]);
  });

  it('still says what a number without a unit needs', () => {
    expect(errorsOf('rule r {\n  on penalty.given\n  do mute member 10 minutes\n}\n')[0]).toBe(
      'E0010 expected a duration like `10m` or `24h` but found `10` in an action | did you mean `10m`?',
    );
  });
});
