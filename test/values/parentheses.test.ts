import { describe, expect, it } from 'vitest';
import { compile } from '../../src/index.js';
import { formatPlaybook } from '../../src/format/index.js';
import { createRuntime, type OutputAction } from '../../src/runtime/runtime.js';

/** Parentheses in values (docs/language.md, "Arithmetic"): `(a + b) / 2` beside `(a or b) and c`. */

const HEADER = 'playbook "t" { timezone "Asia/Shanghai" }\n';

function fired(source: string, amounts: number[], engine: 'fast' | 'reference' = 'fast'): OutputAction[] {
  const r = compile(HEADER + source);
  const errors = r.diagnostics.filter((d) => d.severity === 'error');
  if (!r.ir || errors.length) throw new Error(errors.map((d) => `${d.line}:${d.column} ${d.message}`).join('\n'));
  const rt = createRuntime(r.ir, { engine });
  try {
    return amounts.flatMap((amount, i) =>
      rt.dispatch({
        id: `e${i}`,
        at: `2026-03-01T02:${String(i).padStart(2, '0')}:00+00:00`,
        community: 'c',
        member: 'm',
        type: 'order.paid',
        orderId: `o${i}`,
        amount,
      }),
    );
  } finally {
    rt.close();
  }
}

describe('parentheses in values', () => {
  it('group a sum before it is divided', () => {
    const ir = compile(HEADER + 'rule r { on order.paid when (amount + 10) / 2 > 30 do say "x" }').ir!;
    expect(ir.rules[0]!.when).toEqual({
      op: 'gt',
      left: { arith: '/', left: { arith: '+', left: { field: 'amount' }, right: { const: 10 } }, right: { const: 2 } },
      right: { const: 30 },
    });
  });

  it('a parenthesis that a comparison follows is a value, one that `and` follows a condition', () => {
    const src = 'rule r { on order.paid when (amount) >= 10 and (amount < 100 or amount == 500) do say "x" }';
    const ir = compile(HEADER + src).ir!;
    expect(ir.rules[0]!.when).toEqual({
      all: [
        { op: 'gte', left: { field: 'amount' }, right: { const: 10 } },
        {
          any: [
            { op: 'lt', left: { field: 'amount' }, right: { const: 100 } },
            { op: 'eq', left: { field: 'amount' }, right: { const: 500 } },
          ],
        },
      ],
    });
  });

  it('nest, in conditions and in award amounts, on both engines', () => {
    const src = 'rule r { on order.paid when ((amount * (2 + 1)) - 10) / 2 >= 10 do award (amount + 5) / 10 points reason "r" }';
    for (const engine of ['fast', 'reference'] as const) {
      const out = fired(src, [9, 10, 95], engine);
      // (9*3-10)/2 = 8.5 < 10; (10*3-10)/2 = 10; (95*3-10)/2 = 137.5.
      expect(out.filter((a) => a.type === 'points.award').map((a) => a['amount'])).toEqual([2, 10]);
    }
  });

  it('fmt keeps them and is idempotent', () => {
    const src = HEADER + 'rule r { on order.paid when ( amount+10 )/2 > 3 and ((amount > 1)) do award (amount + 5)/10 points }\n';
    const once = formatPlaybook(src);
    if (!once.ok) throw new Error(JSON.stringify(once));
    expect(once.text).toContain('when (amount + 10) / 2 > 3 and ((amount > 1))');
    expect(once.text).toContain('do award (amount + 5) / 10 points');
    const twice = formatPlaybook(once.text);
    expect(twice.ok && twice.text).toBe(once.text);
  });

  it('an unclosed parenthesis is a syntax error, not a hang', () => {
    const r = compile(HEADER + 'rule r { on order.paid when ((((amount + 1) > 2 do say "x" }');
    expect(r.diagnostics.some((d) => d.severity === 'error')).toBe(true);
  });
});
