import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compile } from '../src/compiler/compile.js';
import type { IR } from '../src/ir/schema.js';
import { createRuntime, type EngineName } from '../src/runtime/runtime.js';

/**
 * The generated engine writes a points entry's grant out (src/runtime/generated/plans.ts,
 * `grant`): amounts, cooldowns, caps of every unit and period (several, of one period too), a
 * stage's multiplier. These runs must give the actions and state of grantEntry
 * (constructs/points.ts), which the closure engine runs.
 */

const SEED = 2020;

interface Entry {
  amount: number;
  cooldown: string | undefined;
  caps: { limit: number; points: boolean; per: 'day' | 'week' | 'month' }[];
}

const entry: fc.Arbitrary<Entry> = fc.record({
  amount: fc.oneof(fc.integer({ min: 1, max: 6 }), fc.integer({ min: -3, max: -1 })),
  cooldown: fc.constantFrom(undefined, '30s', '2h'),
  caps: fc.array(
    fc.record({ limit: fc.integer({ min: 1, max: 12 }), points: fc.boolean(), per: fc.constantFrom('day' as const, 'week' as const, 'month' as const) }),
    { maxLength: 3 },
  ),
});

function line(event: string, e: Entry): string {
  const caps = e.caps.map((c) => ` cap ${c.limit}${c.points ? ' points' : ''} per ${c.per}`).join('');
  return `  ${event}: ${e.amount > 0 ? '+' : ''}${e.amount}${e.cooldown ? ` cooldown ${e.cooldown}` : ''}${caps}`;
}

function playbook(posted: Entry, reacted: Entry, boost: boolean): IR {
  const campaign = boost ? 'campaign promo {\n  stage boost from 2026-03-05 to 2026-03-12 { points x2 }\n}\n' : '';
  const source = `playbook "Grants" { timezone "Asia/Shanghai" }\n${campaign}points {\n${line('message.posted', posted)}\n${line('reaction.added', reacted)}\n}\n`;
  const r = compile(source);
  if (!r.ir) throw new Error(`${source}\n${r.diagnostics.map((d) => d.message).join('\n')}`);
  return r.ir;
}

const step = fc.record({
  gapMs: fc.constantFrom(1_000, 29_999, 30_000, 3_600_000, 7_200_000, 86_400_000, 6 * 86_400_000),
  member: fc.constantFrom('ann', 'bob', '__proto__'),
  reaction: fc.boolean(),
});

function run(ir: IR, engine: EngineName, steps: { gapMs: number; member: string; reaction: boolean }[]) {
  const rt = createRuntime(ir, { engine });
  let t = Date.parse('2026-03-01T23:00:00+08:00');
  const out = steps.flatMap((s, i) => {
    t += s.gapMs;
    const at = new Date(t).toISOString();
    const base = { id: `e${i}`, at, community: 'g', member: s.member, messageId: `m${i}` };
    return rt.dispatch(s.reaction ? { ...base, type: 'reaction.added', emoji: '👍' } : { ...base, type: 'message.posted', text: 'hi' });
  });
  const snapshot = rt.snapshot();
  rt.close();
  return { out, snapshot };
}

/** Ann's message at 10:0i UTC on 2 March 2026. */
const post = (i: number) => ({
  id: `e${i}`,
  type: 'message.posted',
  at: `2026-03-02T10:0${i}:00Z`,
  community: 'g',
  member: 'ann',
  messageId: `m${i}`,
  text: 'x',
});

describe('generated points grants', () => {
  it('give the actions and state of grantEntry (fast-check, fixed seed)', () => {
    fc.assert(
      fc.property(entry, entry, fc.boolean(), fc.array(step, { minLength: 1, maxLength: 60 }), (posted, reacted, boost, steps) => {
        const ir = playbook(posted, reacted, boost);
        const generated = run(ir, 'generated', steps);
        const fast = run(ir, 'fast', steps);
        expect(generated.out).toEqual(fast.out);
        expect(generated.snapshot).toEqual(fast.snapshot);
      }),
      { seed: SEED, numRuns: 150 },
    );
  });

  it('an entry with a computed amount goes through grantEntry: the same awards, rounded, none for a missing field', () => {
    const source = `playbook "Cashback" { timezone "Asia/Shanghai" }
event shop.paid { amount: number? }
points {
  shop.paid: +amount / 100 cooldown 30s cap 500 points per day
}
`;
    const ir = compile(source).ir!;
    const paid = (i: number, amount?: number) => ({
      id: `o${i}`,
      type: 'shop.paid',
      at: `2026-03-02T10:0${i}:00+08:00`,
      community: 'g',
      member: 'ann',
      ...(amount === undefined ? {} : { amount }),
    });
    const stream = [paid(1, 250), paid(2, 30_000), paid(3), paid(4, 26_000), paid(5, 149)];
    const runs = (['fast', 'generated'] as const).map((engine) => {
      const rt = createRuntime(ir, { engine });
      const out = stream.flatMap((e) => rt.dispatch(e).map((a) => a['amount']));
      rt.close();
      return out;
    });
    expect(runs[0]).toEqual([3, 300, 1]);
    expect(runs[1]).toEqual(runs[0]);
  });

  it('a cap slot or a caps table stored as null counts nothing, as grantEntry reads it', () => {
    const source = `playbook "Nulls" { timezone "UTC" }\npoints {\n  message.posted: +2 cap 2 per day\n}\n`;
    const ir = compile(source).ir!;
    const runs = (['fast', 'generated'] as const).map((engine) =>
      [null, { 'points:message.posted|day': null }].map((caps) => {
        const rt = createRuntime(ir, { engine });
        rt.dispatch(post(1));
        (rt.community('g')!.members['ann'] as unknown as { caps: unknown }).caps = caps;
        const out = [2, 3, 4].flatMap((i) => rt.dispatch(post(i)).map((a) => a['balance']));
        rt.close();
        return out;
      }),
    );
    expect(runs[0]).toEqual([
      [4, 6],
      [4, 6],
    ]);
    expect(runs[1]).toEqual(runs[0]);
  });

  it('an award that would overflow the balance is not made and touches no cap or cooldown, as grantEntry', () => {
    const huge = `1${'0'.repeat(300)}`;
    const source = `playbook "Huge" { timezone "UTC" }\npoints {\n  message.posted: +${huge} cooldown 30s cap 2 per day\n}\n`;
    const ir = compile(source).ir!;
    for (const engine of ['fast', 'generated'] as const) {
      const rt = createRuntime(ir, { engine });
      expect(rt.dispatch(post(1)).map((a) => a['amount'])).toEqual([1e300]);
      const ann = rt.community('g')!.members['ann']!;
      ann.points = Number.MAX_VALUE;
      expect(rt.dispatch(post(2)), engine).toEqual([]);
      expect(ann.caps?.['points:message.posted|day']?.count, engine).toBe(1);
      expect(ann.lastAward?.['points:message.posted'], engine).toBe(Date.parse('2026-03-02T10:01:00Z'));
      rt.close();
    }
  });
});
