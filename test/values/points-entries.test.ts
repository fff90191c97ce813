import { describe, expect, it } from 'vitest';
import { compile } from '../../src/index.js';
import { formatPlaybook } from '../../src/format/index.js';
import { createRuntime, type OutputAction } from '../../src/runtime/runtime.js';

/** Computed amounts in the points block (docs/language.md, "Points"): `order.paid: +amount / 100`. */

const SOURCE = `playbook "t" { timezone "Asia/Shanghai" }
event mall.redeemed { cost?: number }
points {
  order.paid: +amount / 100 cap 500 points per day reason "返积分"
  mall.redeemed: -cost cooldown 5m reason "兑换"
}
`;

function run(events: Record<string, unknown>[], engine: 'fast' | 'reference'): OutputAction[] {
  const r = compile(SOURCE);
  const errors = r.diagnostics.filter((d) => d.severity === 'error');
  if (!r.ir || errors.length) throw new Error(errors.map((d) => `${d.line}:${d.column} ${d.message}`).join('\n'));
  const rt = createRuntime(r.ir, { engine });
  try {
    return events.flatMap((e, i) => rt.dispatch({ id: `e${i}`, at: `2026-03-02T02:${String(i * 2).padStart(2, '0')}:00Z`, community: 'c', member: 'm', ...e }));
  } finally {
    rt.close();
  }
}

describe('computed points entries', () => {
  for (const engine of ['fast', 'reference'] as const) {
    it(`are rounded halves away from zero, capped in points, signed, and award nothing without a value (${engine})`, () => {
      const out = run(
        [
          { type: 'order.paid', orderId: 'o1', amount: 25_050 }, // 250.5 -> 251
          { type: 'order.paid', orderId: 'o2', amount: 40 }, // 0.4 -> 0: nothing
          { type: 'order.paid', orderId: 'o3', amount: 24_900 }, // 249: 251 + 249 = 500, the cap
          { type: 'order.paid', orderId: 'o4', amount: 100 }, // 1 more: over the cap
          { type: 'mall.redeemed' }, // no cost: nothing, and no cooldown started
          { type: 'mall.redeemed', cost: 30 }, // -30
          { type: 'mall.redeemed', cost: 10 }, // within the cooldown
        ],
        engine,
      );
      expect(out.filter((a) => a.type === 'points.award').map((a) => [a['amount'], a['reason']])).toEqual([
        [251, '返积分'],
        [249, '返积分'],
        [-30, '兑换'],
      ]);
    });
  }

  it('check the amount is a number and reads the entry event', () => {
    const errors = (src: string) =>
      compile(`playbook "t" { timezone "UTC" }\nevent mall.redeemed { item: string }\npoints {\n${src}\n}\n`)
        .diagnostics.filter((d) => d.severity === 'error')
        .map((d) => d.code);
    expect(errors('  mall.redeemed: +item')).toEqual(['E0404']);
    expect(errors('  mall.redeemed: +cost')).toEqual(['E0210']);
    expect(errors('  mall.redeemed: +0')).toEqual(['E0601']);
  });

  it('fmt keeps the sign on the amount and is idempotent', () => {
    const once = formatPlaybook(SOURCE.replace('+amount / 100', '+ amount/100'));
    if (!once.ok) throw new Error(JSON.stringify(once));
    expect(once.text).toContain('order.paid: +amount / 100 cap 500 points per day reason "返积分"');
    expect(once.text).toContain('mall.redeemed: -cost cooldown 5m reason "兑换"');
    const twice = formatPlaybook(once.text);
    expect(twice.ok && twice.text).toBe(once.text);
  });
});
