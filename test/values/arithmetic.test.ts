import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compile } from '../../src/index.js';
import { formatPlaybook } from '../../src/format/index.js';
import { PlaybookLexer } from '../../src/parser/lexer.js';
import { createRuntime, type OutputAction } from '../../src/runtime/runtime.js';
import { arith, callFunction, lengthOf, roundHalfAway } from '../../src/stdlib/arithmetic.js';

/** Values with arithmetic (docs/language.md, "Arithmetic"): syntax, checks, both engines, award amounts. */

const HEADER = 'playbook "t" { timezone "Asia/Shanghai" }\n';
const at = (min: number) => new Date(Date.UTC(2026, 2, 1, 2, min)).toISOString().replace('Z', '+00:00');

function run(source: string, events: Record<string, unknown>[], engine: 'fast' | 'reference' = 'fast'): OutputAction[] {
  const r = compile(HEADER + source);
  const errors = r.diagnostics.filter((d) => d.severity === 'error');
  if (!r.ir || errors.length) throw new Error(errors.map((d) => `${d.line}:${d.column} ${d.message}`).join('\n'));
  const rt = createRuntime(r.ir, { engine });
  try {
    return events.flatMap((e, i) => rt.dispatch({ id: `e${i}`, at: at(i), community: 'c', member: 'm', ...e }));
  } finally {
    rt.close();
  }
}

const errorsOf = (source: string) =>
  compile(HEADER + source)
    .diagnostics.filter((d) => d.severity === 'error')
    .map((d) => `${d.code} ${d.message}`);

describe('the stdlib arithmetic', () => {
  it('has no value for missing operands, division by zero or non-finite results', () => {
    expect(arith('+', 1, 2)).toBe(3);
    expect(arith('-', 1, 2)).toBe(-1);
    expect(arith('*', 3, 2)).toBe(6);
    expect(arith('/', 3, 2)).toBe(1.5);
    expect(arith('/', 3, 0)).toBeUndefined();
    expect(arith('+', undefined, 2)).toBeUndefined();
    expect(arith('+', '1', 2)).toBeUndefined();
    expect(arith('*', 1e308, 10)).toBeUndefined();
  });

  it('rounds halves away from zero, and measures texts in characters and lists in items', () => {
    expect([2.5, -2.5, 2.4, -2.6, 0.5, -0.4].map(roundHalfAway)).toEqual([3, -3, 2, -3, 1, 0]);
    expect(Object.is(roundHalfAway(-0.4), 0)).toBe(true);
    expect(lengthOf('加微信😀')).toBe(4);
    expect(lengthOf(['a', 'b'])).toBe(2);
    expect(lengthOf(undefined)).toBe(0);
    expect(lengthOf(5)).toBeUndefined();
    expect(callFunction('min', [3, 1, 2])).toBe(1);
    expect(callFunction('max', [3, 1, 2])).toBe(3);
    expect(callFunction('floor', [-1.5])).toBe(-2);
    expect(callFunction('ceil', [1.2])).toBe(2);
    expect(callFunction('abs', [-4])).toBe(4);
    expect(callFunction('round', [2.5])).toBe(3);
    expect(callFunction('min', [1, undefined])).toBeUndefined();
  });
});

describe('syntax', () => {
  it('a slash divides, except where a pattern can stand', () => {
    const names = (s: string) => PlaybookLexer.tokenize(s).tokens.map((t) => t.tokenType.name);
    expect(names('when a / 2 > b / 4')).toEqual(['Kw_when', 'Identifier', 'Slash', 'NumberLiteral', 'Greater', 'Identifier', 'Slash', 'NumberLiteral']);
    expect(names('text matches /a\\/b/i')).toEqual(['Identifier', 'Kw_matches', 'RegexLiteral']);
    expect(names('matches any [/x/, /y/]')).toEqual(['Kw_matches', 'Kw_any', 'LBracket', 'RegexLiteral', 'Comma', 'RegexLiteral', 'RBracket']);
  });

  it('* and / bind tighter than + and -, left to right', () => {
    const out = run('rule r {\n  on order.paid\n  when 2 + amount * 3 - 8 / 4 / 2 == 22\n  do say "yes"\n}\n', [
      { type: 'order.paid', orderId: 'o', amount: 7 },
    ]);
    expect(out.map((a) => a['text'])).toEqual(['yes']);
  });

  it('fmt spaces arithmetic, keeps signs on numbers and calls on their names, and is idempotent', () => {
    const src = HEADER + 'rule r {\n  on order.paid\n  when amount/100 >= 2 and min( amount,500 )-100 > -5\n  do deduct amount - 3 points\n}\n';
    const once = formatPlaybook(src);
    if (!once.ok) throw new Error(JSON.stringify(once));
    expect(once.text).toContain('when amount / 100 >= 2 and min(amount, 500) - 100 > -5');
    expect(once.text).toContain('do deduct amount - 3 points');
    const twice = formatPlaybook(once.text);
    expect(twice.ok && twice.text).toBe(once.text);
  });
});

describe('checks', () => {
  it('names unknown functions, wrong argument counts, division by zero and non-numbers', () => {
    const errors = errorsOf(
      'rule r {\n  on order.paid\n  when maxx(amount, 1) > 2 and round(amount, 2) > 1 and amount / 0 > 1 and orderId * 2 > 1 and length(amount) > 1\n  do say "x"\n}\n',
    );
    expect(errors).toEqual([
      'E0220 unknown function `maxx`',
      'E0220 `round(…)` takes 1 argument, not 2',
      'E0221 this divides by zero',
      'E0404 `*` needs numbers, and `orderId` is a string',
      'E0404 `length(…)` needs a text or a list, and `amount` is a number',
    ]);
    expect(errorsOf('rule r {\n  on order.paid\n  do award orderId points\n}\n')).toEqual(['E0404 an amount of points is a number, and `orderId` is a string']);
  });
});

describe('values in conditions, on both engines', () => {
  const source =
    'rule mentions {\n  on message.posted\n  when length(mentions) >= 3 or length(text) > 10\n  do say "spam {member.name}"\n}\n' +
    'rule big {\n  on order.paid\n  when amount / 100 >= 2 and max(amount - 300, 0) * 2 > member.points\n  do say "big {amount}"\n}\n';
  const events = [
    { type: 'member.joined', name: 'm' },
    { type: 'message.posted', messageId: '1', text: 'hi', mentions: ['a', 'b', 'c'] },
    { type: 'message.posted', messageId: '2', text: 'hi' },
    { type: 'message.posted', messageId: '3', text: '一二三四五六七八九十十一' },
    { type: 'order.paid', orderId: 'o1', amount: 250 },
    { type: 'order.paid', orderId: 'o2', amount: 301 },
    { type: 'order.paid', orderId: 'o3', amount: 199 },
  ];

  it('fire where the arithmetic says', () => {
    const out = run(source, events);
    expect(out.map((a) => a['text'])).toEqual(['spam m', 'spam m', 'big 301']);
  });

  it('the reference engine (json-rules-engine) agrees', () => {
    expect(run(source, events, 'reference')).toEqual(run(source, events, 'fast'));
  });

  it('agree on generated amounts', () => {
    const src = 'rule r {\n  on order.paid\n  when amount * 3 / 2 - 7 / 2 > 10 and min(amount, 20) + abs(amount - 12) <= 25\n  do say "hit"\n}\n';
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -50, max: 50 }), { maxLength: 8 }), (amounts) => {
        const evs = [{ type: 'member.joined' }, ...amounts.map((amount, i) => ({ type: 'order.paid', orderId: `o${i}`, amount }))];
        const fast = run(src, evs);
        const expected = amounts.filter((a) => (a * 3) / 2 - 7 / 2 > 10 && Math.min(a, 20) + Math.abs(a - 12) <= 25).length;
        expect(fast.length).toBe(expected);
        expect(run(src, evs, 'reference')).toEqual(fast);
      }),
      { numRuns: 15 },
    );
  });
});

describe('computed award amounts', () => {
  const mall =
    'event mall.redeemed { item: string, cost: number }\n' +
    'rule redeem {\n  on mall.redeemed\n  when member.points >= cost\n  do deduct cost points reason "兑换"\n}\n' +
    'rule cashback {\n  on order.paid\n  do award amount / 10 points reason "返积分"\n}\n';

  it('are rounded halves away from zero; nothing is awarded when the amount has no value or rounds to 0', () => {
    const out = run(mall, [
      { type: 'member.joined' },
      { type: 'order.paid', orderId: 'o1', amount: 255 },
      { type: 'mall.redeemed', item: '杯子', cost: 20 },
      { type: 'mall.redeemed', item: 'T恤', cost: 50 },
      { type: 'order.paid', orderId: 'o2', amount: 4 },
      { type: 'order.paid', orderId: 'o3' },
    ]);
    expect(out.map((a) => [a['amount'], a['balance'], a['reason']])).toEqual([
      [26, 26, '返积分'],
      [-20, 6, '兑换'],
    ]);
  });

  it('a stage multiplier applies after the rounding', () => {
    const src =
      'rule cashback {\n  on order.paid\n  do award amount / 10 points\n}\n' +
      'campaign sale {\n  stage double from 2026-03-01 to 2026-03-02 {\n    points x2\n  }\n}\n';
    const out = run(src, [{ type: 'member.joined' }, { type: 'order.paid', orderId: 'o', amount: 15 }]);
    expect(out.filter((a) => a.type === 'points.award').map((a) => a['amount'])).toEqual([4]);
  });
});
