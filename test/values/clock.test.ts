import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compile } from '../../src/index.js';
import type { IR } from '../../src/ir/schema.js';
import type { EvalContext } from '../../src/runtime/conditions/engine.js';
import { FastConditions } from '../../src/runtime/conditions/fast.js';
import { newMember } from '../../src/runtime/member.js';
import { createRuntime, type OutputAction } from '../../src/runtime/runtime.js';
import type { CommunityState } from '../../src/runtime/state.js';
import { localDate, localMinute, localWeekday } from '../../src/stdlib/local-time.js';

/**
 * The clock and chance conditions (docs/language.md, "Time of day, weekday and date", "Member age",
 * "Randomness"): the wall clock in the playbook's zone across DST, the exact boundaries of
 * `time between`, member age, and `chance` reproducible across split and resume.
 */

const SEED = 20261111;
const hhmm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;

function whenOf(source: string): { ir: IR; test: (now: number, member?: ReturnType<typeof newMember>) => boolean } {
  const r = compile(source);
  expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  const ir = r.ir!;
  const fn = new FastConditions(ir).compile(ir.rules[0]!.when!);
  const community = { id: 'c', clock: 0, campaigns: {}, counters: {}, sessions: {} } as unknown as CommunityState;
  return { ir, test: (now, member) => fn({ community, now, member } as EvalContext) };
}

const rule = (zone: string, when: string) => `playbook "t" { timezone "${zone}" }
rule r {
  on message.posted
  when ${when}
  do delete message
}
`;

describe('the wall clock in the playbook zone', () => {
  it('skips the spring-forward hour and reads the autumn hour twice (Europe/Berlin, 2026)', () => {
    const z = 'Europe/Berlin';
    expect(localMinute(Date.parse('2026-03-29T00:59:00Z'), z)).toBe(1 * 60 + 59);
    expect(localMinute(Date.parse('2026-03-29T01:00:00Z'), z)).toBe(3 * 60);
    expect(localMinute(Date.parse('2026-10-25T00:30:00Z'), z)).toBe(2 * 60 + 30);
    expect(localMinute(Date.parse('2026-10-25T01:30:00Z'), z)).toBe(2 * 60 + 30);
    const { test } = whenOf(rule(z, 'time between 02:00 and 03:00'));
    for (let t = Date.parse('2026-03-28T23:00:00Z'); t < Date.parse('2026-03-29T03:00:00Z'); t += 60_000) expect(test(t)).toBe(false);
    let minutes = 0;
    for (let t = Date.parse('2026-10-24T23:00:00Z'); t < Date.parse('2026-10-25T03:00:00Z'); t += 60_000) if (test(t)) minutes++;
    expect(minutes).toBe(120);
  });

  it('changes weekday and date at local midnight, to the minute, seconds dropped', () => {
    const z = 'Asia/Shanghai';
    const sun = Date.parse('2026-03-08T23:59:59+08:00');
    expect([localWeekday(sun, z), localDate(sun, z), localMinute(sun, z)]).toEqual([7, '2026-03-08', 1439]);
    expect([localWeekday(sun + 1000, z), localDate(sun + 1000, z), localMinute(sun + 1000, z)]).toEqual([1, '2026-03-09', 0]);
    const { test } = whenOf(rule(z, 'weekday is weekend and date >= 2026-03-08'));
    expect(test(sun)).toBe(true);
    expect(test(sun + 1000)).toBe(false);
    expect(test(Date.parse('2026-03-07T12:00:00+08:00'))).toBe(false);
  });

  it('`time between A and B` is A <= time < B, crossing midnight when A > B (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1439 }),
        fc.integer({ min: 0, max: 1439 }),
        fc.array(fc.integer({ min: 0, max: 86_399 }), { maxLength: 20 }),
        (a, b, seconds) => {
          fc.pre(a !== b);
          const { test } = whenOf(rule('Asia/Shanghai', `time between ${hhmm(a)} and ${hhmm(b)}`));
          const midnight = Date.parse('2026-03-02T00:00:00+08:00');
          for (const s of [a * 60, b * 60, b * 60 - 1, a * 60 - 1, ...seconds].filter((x) => x >= 0)) {
            const m = Math.floor(s / 60);
            const want = a < b ? a <= m && m < b : m >= a || m < b;
            expect(test(midnight + s * 1000), `${hhmm(a)}-${hhmm(b)} at second ${s}`).toBe(want);
          }
        },
      ),
      { numRuns: 60, seed: SEED },
    );
  });
});

describe('member.age', () => {
  it('is exact to the millisecond and absent for a member never seen joining', () => {
    const { test } = whenOf(rule('UTC', 'member.age < 10m'));
    const joined = Date.parse('2026-03-02T10:00:00Z');
    const m = newMember('m', joined);
    expect(test(joined + 599_999, m)).toBe(true);
    expect(test(joined + 600_000, m)).toBe(false);
    m.unjoined = true;
    expect(test(joined, m)).toBe(false);
    expect(whenOf(rule('UTC', 'member.age >= 10m')).test(joined + 3_600_000, m)).toBe(false);
  });

  it('counts from the join that follows a first sighting, and from a rejoin', () => {
    const ir = compile(rule('UTC', 'member.age < 10m')).ir!;
    const rt = createRuntime(ir);
    const ev = (id: string, type: string, at: string) => rt.dispatch({ id, type, at, community: 'c', member: 'm', messageId: id, text: 'x' });
    expect(ev('1', 'message.posted', '2026-03-02T10:00:00Z')).toEqual([]);
    ev('2', 'member.joined', '2026-03-03T10:00:00Z');
    expect(ev('3', 'message.posted', '2026-03-03T10:09:00Z').map((a) => a.type)).toEqual(['message.delete']);
    ev('4', 'member.left', '2026-03-04T10:00:00Z');
    ev('5', 'member.joined', '2026-03-05T10:00:00Z');
    expect(ev('6', 'message.posted', '2026-03-05T10:05:00Z').map((a) => a.type)).toEqual(['message.delete']);
    expect(ev('7', 'message.posted', '2026-03-05T10:10:00Z')).toEqual([]);
  });
});

describe('chance', () => {
  const ir = compile(`playbook "t" { timezone "Asia/Shanghai" }
rule lucky {
  on message.posted
  when chance 10%
  do award 1 points reason "lucky"
}
rule luckier {
  on message.posted
  when chance 50% and time between 08:00 and 20:00
  do say "{member.name}"
}
`).ir!;
  const events = Array.from({ length: 80 }, (_, i) => ({
    id: `e${i}`,
    type: i < 5 ? 'member.joined' : 'message.posted',
    at: new Date(Date.UTC(2026, 2, 1, 0, 17 * i)).toISOString(),
    community: i % 3 ? 'a' : 'b',
    member: `m${i % 5}`,
    messageId: `x${i}`,
    text: 'hi',
  }));
  const whole = (seed = 1): OutputAction[] => {
    const rt = createRuntime(ir, { seed });
    return events.flatMap((e) => rt.dispatch(e));
  };

  it('wins about as often as it says', () => {
    const rt = createRuntime(ir);
    const many = Array.from({ length: 3000 }, (_, i) => ({
      id: `p${i}`,
      type: 'message.posted',
      at: new Date(Date.UTC(2026, 2, 2, 2, 0, i)).toISOString(),
      community: 'c',
      member: 'm',
      messageId: `p${i}`,
      text: 'x',
    }));
    const out = many.flatMap((e) => rt.dispatch(e));
    const lucky = out.filter((a) => a.type === 'points.award').length;
    const luckier = out.filter((a) => a.type === 'message.send').length;
    expect(lucky).toBeGreaterThan(230);
    expect(lucky).toBeLessThan(370);
    expect(luckier).toBeGreaterThan(1350);
    expect(luckier).toBeLessThan(1650);
  });

  it('the same stream split anywhere and resumed from a snapshot draws the same, on both engines (property)', () => {
    const all = whole();
    expect(all).toEqual(whole());
    expect(all).not.toEqual(whole(2));
    fc.assert(
      fc.property(fc.integer({ min: 0, max: events.length }), (cut) => {
        const first = createRuntime(ir);
        const a = events.slice(0, cut).flatMap((e) => first.dispatch(e));
        const second = createRuntime(ir, { snapshot: JSON.parse(JSON.stringify(first.snapshot())) });
        const b = events.slice(cut).flatMap((e) => second.dispatch(e));
        expect([...a, ...b]).toEqual(all);
      }),
      { numRuns: 25, seed: SEED },
    );
    const reference = createRuntime(ir, { engine: 'reference' });
    try {
      expect(events.flatMap((e) => reference.dispatch(e))).toEqual(all);
    } finally {
      reference.close();
    }
  });
});
