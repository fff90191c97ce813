import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compile } from '../../src/index.js';
import { createRuntime, type OutputAction } from '../../src/runtime/runtime.js';

/**
 * `sum(F of E …)`, `count(E where …)` and `count(distinct F of E …)` (docs/language.md, "Counting
 * events"): each equals a recount over the event list, on both engines, split anywhere and
 * resumed from a snapshot.
 */

const SEED = 1507;
const HEADER = 'playbook "t" { timezone "UTC" }\nevent sale.made { sku: string, amount?: number }\n';
const T0 = Date.UTC(2026, 2, 1, 0, 0);

function build(source: string) {
  const r = compile(HEADER + source);
  const errors = r.diagnostics.filter((d) => d.severity === 'error');
  if (!r.ir || errors.length) throw new Error(errors.map((d) => `${d.line}:${d.column} ${d.message}`).join('\n'));
  return r.ir;
}

interface Sale {
  member: string;
  sku: string;
  amount?: number;
  /** Minutes after the previous sale. */
  gap: number;
}

function stream(sales: Sale[]): Record<string, unknown>[] {
  let t = T0;
  return sales.map((s, i) => {
    t += s.gap * 60_000;
    const ev: Record<string, unknown> = { id: `e${i}`, type: 'sale.made', at: new Date(t).toISOString(), community: 'c', member: s.member, sku: s.sku };
    if (s.amount !== undefined) ev['amount'] = s.amount;
    return ev;
  });
}

// Each rule awards the value it measures, so the awards list the values event by event.
const MEASURES = `
rule s1 { on sale.made do award sum(amount of sale.made within 10m) points reason "s1" }
rule s2 { on sale.made do award sum(amount of sale.made by member) points reason "s2" }
rule s3 { on sale.made do award sum(amount of sale.made where sku == this.sku within 10m) points reason "s3" }
rule d1 { on sale.made do award count(distinct member of sale.made where sku == this.sku within 10m) points reason "d1" }
rule d2 { on sale.made do award count(distinct sku of sale.made within 10m) points reason "d2" }
rule d3 { on sale.made do award count(distinct member of sale.made) points reason "d3" }
rule c1 { on sale.made do award count(sale.made where sku == "a") points reason "c1" }
rule c2 { on sale.made do award count(sale.made where sku == this.sku and amount > 20 within 10m) points reason "c2" }
`;

/** The same values, recounted from the list: what happened up to and including sale i. */
function recount(sales: Sale[]): [string, number][] {
  const times: number[] = [];
  let t = T0;
  for (const s of sales) times.push((t += s.gap * 60_000));
  const out: [string, number][] = [];
  sales.forEach((now, i) => {
    const upTo = sales.slice(0, i + 1).map((s, j) => ({ ...s, at: times[j]! }));
    const recent = upTo.filter((s) => s.at > times[i]! - 10 * 60_000);
    const sameSku = recent.filter((s) => s.sku === now.sku);
    const sum = (list: typeof upTo) => list.reduce((a, s) => a + (s.amount ?? 0), 0);
    const values: [string, number][] = [
      ['s1', sum(recent)],
      ['s2', sum(upTo.filter((s) => s.member === now.member))],
      ['s3', sum(sameSku)],
      ['d1', new Set(sameSku.map((s) => s.member)).size],
      ['d2', new Set(recent.map((s) => s.sku)).size],
      ['d3', new Set(upTo.map((s) => s.member)).size],
      ['c1', upTo.filter((s) => s.sku === 'a').length],
      ['c2', sameSku.filter((s) => (s.amount ?? 0) > 20).length],
    ];
    // An award of 0 points awards nothing.
    for (const v of values) if (v[1] !== 0) out.push(v);
  });
  return out;
}

const awards = (out: OutputAction[]): [string, number][] =>
  out.filter((a) => a.type === 'points.award').map((a) => [a['reason'] as string, a['amount'] as number]);

const sale = fc.record(
  {
    member: fc.constantFrom('ann', 'bo', 'cy', '__proto__'),
    sku: fc.constantFrom('a', 'b', 'c'),
    amount: fc.integer({ min: 1, max: 40 }),
    gap: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 6 }), fc.constant(10)),
  },
  { requiredKeys: ['member', 'sku', 'gap'] },
);

describe('sums, filtered and distinct counts equal a recount over the events', () => {
  const ir = build(MEASURES);

  it('on the fast engine, split anywhere and resumed from a snapshot', () => {
    fc.assert(
      fc.property(fc.array(sale, { minLength: 1, maxLength: 40 }), fc.nat(), (sales, cutSeed) => {
        const evs = stream(sales);
        const cut = cutSeed % (evs.length + 1);
        const first = createRuntime(ir);
        const a = evs.slice(0, cut).flatMap((e) => first.dispatch(e));
        const second = createRuntime(ir, { snapshot: JSON.parse(JSON.stringify(first.snapshot())) });
        const b = evs.slice(cut).flatMap((e) => second.dispatch(e));
        expect(awards([...a, ...b])).toEqual(recount(sales));
      }),
      { seed: SEED, numRuns: 150 },
    );
  });

  it('on the reference engine (json-rules-engine tests the filters that read this.)', () => {
    fc.assert(
      fc.property(fc.array(sale, { minLength: 1, maxLength: 15 }), (sales) => {
        const rt = createRuntime(ir, { engine: 'reference' });
        try {
          expect(awards(stream(sales).flatMap((e) => rt.dispatch(e)))).toEqual(recount(sales));
        } finally {
          rt.close();
        }
      }),
      { seed: SEED, numRuns: 12 },
    );
  });
});

describe('a rule that fires uses up the events its when counted', () => {
  const groupBuy = `rule group {
  on sale.made
  when count(distinct member of sale.made where sku == this.sku within 1d) >= 3
  do say "拼团成功:{sku}"
}
rule spend {
  on sale.made
  when sum(amount of sale.made by member within 1d) >= 100
  do say to member "满 100"
}
`;
  const sales = (list: [string, string, number?][]) =>
    stream(list.map(([member, sku, amount]) => ({ member, sku, gap: 1, ...(amount === undefined ? {} : { amount }) })));
  const said = (out: OutputAction[]) => out.filter((a) => a.type === 'message.send').map((a) => a['text']);

  for (const engine of ['fast', 'reference'] as const) {
    it(`three buyers of the same item, not of different items; another item keeps its buyers (${engine})`, () => {
      const rt = createRuntime(build(groupBuy), { engine });
      try {
        const out = sales([
          ['ann', 'a'],
          ['bo', 'b'],
          ['cy', 'a'],
          ['ann', 'b'],
          ['ann', 'a'], // ann again: still two buyers of a
          ['dee', 'c'],
          ['eve', 'a'], // third buyer of a: fires, uses up a's buyers only
          ['cy', 'b'], // third buyer of b: its two earlier buyers are still counted
          ['fay', 'a'], // a starts again from one
        ]).flatMap((e) => rt.dispatch(e));
        expect(said(out)).toEqual(['拼团成功:a', '拼团成功:b']);
      } finally {
        rt.close();
      }
    });

    it(`a windowed sum fires once per 100 spent (${engine})`, () => {
      const rt = createRuntime(build(groupBuy), { engine });
      try {
        const out = sales([
          ['ann', 'a', 60],
          ['ann', 'a', 50], // 110: fires, the window is emptied
          ['ann', 'b', 60], // 60
          ['bo', 'b', 100], // bo's own sum
          ['ann', 'b', 40], // 100 again
        ]).flatMap((e) => rt.dispatch(e));
        expect(out.filter((a) => a.type === 'message.send').map((a) => a['member'])).toEqual(['ann', 'bo', 'ann']);
      } finally {
        rt.close();
      }
    });
  }

  it('the window excludes an event exactly D old', () => {
    const ir = build('rule r { on sale.made do award sum(amount of sale.made within 10m) points reason "s" }');
    const rt = createRuntime(ir);
    const evs = stream([
      { member: 'ann', sku: 'a', amount: 5, gap: 0 },
      { member: 'ann', sku: 'a', amount: 7, gap: 10 },
    ]);
    expect(awards(evs.flatMap((e) => rt.dispatch(e)))).toEqual([
      ['s', 5],
      ['s', 7],
    ]);
  });
});
