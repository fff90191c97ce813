import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compile } from '../../src/index.js';
import { createRuntime, type OutputAction } from '../../src/runtime/runtime.js';
import { drawInt } from '../../src/stdlib/arithmetic.js';

/** `random(lo, hi)` (docs/language.md, "Randomness"): seeded, reproducible from (seed, community, cause), split or resumed. */

const SOURCE = `playbook "t" { timezone "Asia/Shanghai" }
rule xp {
  on message.posted
  do award random(15, 25) points reason "XP"
}
rule lucky {
  on message.posted
  when random(1, 100) <= 10
  do say "{member.name} 中奖了"
}
`;
const ir = compile(SOURCE).ir!;

function events(n: number): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (let i = 0; i < n; i++) {
    const m = `m${i % 7}`;
    out.push({
      id: `e${i}`,
      type: i < 7 ? 'member.joined' : 'message.posted',
      at: new Date(Date.UTC(2026, 2, 1, 2, 0, i)).toISOString(),
      community: i % 2 ? 'a' : 'b',
      member: m,
      messageId: `x${i}`,
      text: 'hi',
    });
  }
  return out;
}

const runAll = (evs: Record<string, unknown>[], seed = 1): OutputAction[] => {
  const rt = createRuntime(ir, { seed });
  return evs.flatMap((e) => rt.dispatch(e));
};

describe('random', () => {
  it('draws whole numbers within the bounds, spread over all of them', () => {
    const seen = new Set<number>();
    for (let i = 0; i < 2000; i++) {
      const v = drawInt(`s${i}`, 15, 25)!;
      expect(Number.isInteger(v) && v >= 15 && v <= 25).toBe(true);
      seen.add(v);
    }
    expect(seen.size).toBe(11);
    expect(drawInt('s', 3, 2)).toBeUndefined();
    expect(drawInt('s', 1.5, 2)).toBeUndefined();
    expect(drawInt('s', 4, 4)).toBe(4);
  });

  it('awards XP between 15 and 25 and lets about one message in ten win', () => {
    const out = runAll(events(600));
    const xp = out.filter((a) => a.type === 'points.award').map((a) => a['amount'] as number);
    expect(xp).toHaveLength(593);
    expect(Math.min(...xp)).toBe(15);
    expect(Math.max(...xp)).toBe(25);
    const wins = out.filter((a) => a.type === 'message.send').length;
    expect(wins).toBeGreaterThan(30);
    expect(wins).toBeLessThan(90);
  });

  it('another seed draws otherwise; the same seed the same', () => {
    const evs = events(200);
    expect(runAll(evs, 7)).toEqual(runAll(evs, 7));
    expect(runAll(evs, 7)).not.toEqual(runAll(evs, 8));
  });

  it('the same stream split anywhere and resumed from a snapshot draws the same, on both engines', () => {
    const evs = events(60);
    const whole = runAll(evs);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 60 }), (cut) => {
        const first = createRuntime(ir);
        const a = evs.slice(0, cut).flatMap((e) => first.dispatch(e));
        const second = createRuntime(ir, { snapshot: JSON.parse(JSON.stringify(first.snapshot())) });
        const b = evs.slice(cut).flatMap((e) => second.dispatch(e));
        expect([...a, ...b]).toEqual(whole);
      }),
      { numRuns: 20 },
    );
    const reference = createRuntime(ir, { engine: 'reference' });
    try {
      expect(evs.flatMap((e) => reference.dispatch(e))).toEqual(whole);
    } finally {
      reference.close();
    }
  });

  it('two draws on one event differ: each random(…) in the playbook is a draw of its own', () => {
    const two = compile(`playbook "t" { timezone "UTC" }
rule a {
  on message.posted
  do award random(1, 1000000) points reason "a"; award random(1, 1000000) points reason "b"
}
`).ir!;
    const rt = createRuntime(two);
    rt.dispatch({ id: 'j', type: 'member.joined', at: '2026-03-01T00:00:00Z', community: 'c', member: 'm' });
    const out = rt.dispatch({ id: 'p', type: 'message.posted', at: '2026-03-01T00:01:00Z', community: 'c', member: 'm', messageId: '1', text: 'x' });
    const [a, b] = out.map((x) => x['amount']);
    expect(a).not.toBe(b);
  });
});
