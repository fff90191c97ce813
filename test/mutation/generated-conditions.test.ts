import { describe, expect, it } from 'vitest';
import type { Cond, CondValue } from '../../src/ir/schema.js';
import { newCommunity } from '../../src/runtime/community.js';
import type { EvalContext } from '../../src/runtime/conditions/engine.js';
import { FastConditions } from '../../src/runtime/conditions/fast.js';
import { GeneratedConditions } from '../../src/runtime/generated/conditions.js';
import { newMember } from '../../src/runtime/member.js';
import { Network } from '../../src/runtime/network.js';
import { load } from '../constructs/helpers.js';

/**
 * The `generated` engine's conditions (src/runtime/generated/conditions.ts): every form the writer
 * writes out inline (empty and one-part `all`/`any`, comparisons with constants of each type and
 * between two values, `matches` with several patterns, `contains`, `truthy`, roles, tags, posts,
 * members' values and counters of each kind) answers as the closure engine on the same contexts,
 * some of them values the checker never makes (a boolean ordered, an empty pattern list). Written
 * for the mutation run (docs/testing.md, "Mutation testing").
 */

const IR = load(`event shop.paid { sku: string, amount: number }
rule counts {
  on shop.paid
  when count(shop.paid by member) > 0 or count(shop.paid within 1h) > 0 or count(shop.paid by member within 1h) > 0
    or count(shop.paid) > 0 or sum(amount of shop.paid by member) > 0 or count(shop.paid across groups) > 0
    or count(shop.paid where sku == this.sku within 1h) > 0
  do say "x"
}`);
const spec = (pick: (c: (typeof IR.counters)[number]) => boolean) => IR.counters.find(pick)!.id;
const MEMBER_COUNT = spec((c) => c.scope === 'member' && !c.withinMs && !c.sum);
const MEMBER_WINDOW = spec((c) => c.scope === 'member' && c.withinMs !== undefined);
const COMMUNITY_WINDOW = spec((c) => c.scope === 'community' && c.withinMs !== undefined && !c.keep);
const COMMUNITY_COUNT = spec((c) => c.scope === 'community' && !c.withinMs);
const MEMBER_SUM = spec((c) => c.sum !== undefined);
const NETWORK = spec((c) => c.scope === 'network');
const KEPT = spec((c) => c.keep !== undefined);

const NOW = Date.parse('2026-03-02T10:00:00+08:00');
const f = (field: string): CondValue => ({ field });
const k = (c: number | string | boolean): CondValue => ({ const: c });

const VALUES: CondValue[] = [
  k('hello'),
  k(3),
  k(true),
  k(false),
  f('text'),
  f('n'),
  f('flag'),
  f('tags'),
  f('toString'),
  f('missing'),
  { member: 'id' },
  { member: 'points' },
  { member: 'name' },
  { counter: MEMBER_COUNT },
  { counter: MEMBER_WINDOW },
  { counter: COMMUNITY_WINDOW },
  { counter: COMMUNITY_COUNT },
  { counter: MEMBER_SUM },
  { counter: NETWORK },
  { counter: KEPT },
  { counter: 'unknown' },
];

/** Right-hand sides: a constant of each type, and two values (compared by compareValues). */
const RIGHTS: CondValue[] = [k('hello'), k(3), k(true), f('n'), { counter: MEMBER_COUNT }];

const BASIC: Cond[] = [
  { op: 'truthy', left: f('flag') },
  { op: 'truthy', left: f('text') },
  { op: 'hasRole', role: 'admin' },
  { op: 'hasTag', tag: 'vip' },
  { op: 'hasPosted' },
  { op: 'eq', left: f('text'), right: k('hello') },
];

function conditions(): Cond[] {
  const out: Cond[] = [...BASIC, { all: [] }, { any: [] }, { not: BASIC[0]! }];
  for (const a of BASIC) {
    out.push({ all: [a] }, { any: [a] });
    for (const b of BASIC) out.push({ all: [a, b] }, { any: [a, b] }, { all: [a, { not: b }, { any: [b, a] }] });
  }
  for (const op of ['eq', 'ne', 'gt', 'gte', 'lt', 'lte'] as const) {
    for (const left of VALUES) for (const right of RIGHTS) out.push({ op, left, right });
  }
  for (const left of [f('text'), f('tags'), f('n'), f('missing'), { member: 'name' } as CondValue]) {
    for (const patterns of [
      [],
      [{ text: 'HeLLo' }],
      [{ text: '加微信' }],
      [{ text: 'World' }, { text: 'hello' }],
      [{ text: 'zzz' }, { text: '1' }, { text: 'WORLD' }],
      [{ regex: 'h.llo', flags: 'i' }],
      [{ text: 'nope' }, { regex: '^v', flags: '' }],
    ]) {
      out.push({ op: 'matches', left, patterns });
    }
    for (const value of ['hello', 'HELLO', 'World', '加微信', 'vip', '']) out.push({ op: 'contains', left, value });
  }
  return out;
}

/** What the groups share: a count across groups. */
const NETWORK_STATE = new Network();
NETWORK_STATE.state.counters[NETWORK] = 5;

function contexts(): EvalContext[] {
  const c = newCommunity('g', 0, 1);
  c.counters[COMMUNITY_WINDOW] = [NOW - 7_200_000, NOW - 60_000, NOW];
  c.counters[COMMUNITY_COUNT] = 4;
  // A kept count (`where sku == this.sku`): each counted event with its sku, read through the filter.
  c.counters[KEPT] = {
    at: [NOW - 60_000, NOW - 30_000, NOW],
    val: [
      [null, 'tea'],
      [null, 'rice'],
      [null, 'tea'],
    ],
  };
  const ann = newMember('ann', 0);
  ann.name = 'Ann';
  ann.points = 7;
  ann.roles = ['admin'];
  ann.tags = ['vip'];
  ann.lastPosted = NOW - 1000;
  ann.counters = Object.assign(Object.create(null) as Record<string, unknown>, {
    [MEMBER_COUNT]: 2,
    [MEMBER_WINDOW]: [NOW - 7_200_000, NOW],
    [MEMBER_SUM]: 12,
  }) as typeof ann.counters;
  const bob = newMember('bob', 0);
  const event = (payload: Record<string, unknown>) => ({ id: 'e', type: 'shop.paid', at: '', atMs: NOW, community: 'g', member: 'ann', payload });
  const payloads: Record<string, unknown>[] = [
    { text: 'Hello World 1', n: 3, flag: true, tags: ['vip', 'HeLLo'], sku: 'tea' },
    { text: 'hello', n: 4, flag: false, tags: [], sku: 'rice' },
    { text: '加微信 hallo', n: 2, flag: 'yes', tags: ['加微信', 'World'] },
    { text: 'HELLO', n: 3, tags: 'vip', toString: 'own' },
    { text: '', n: 'hello', flag: 0 },
    {},
  ];
  const out: EvalContext[] = [];
  for (const member of [ann, bob, undefined]) {
    for (const payload of payloads) out.push({ community: c, member, now: NOW, event: event(payload) });
    out.push({ community: c, member, now: NOW });
  }
  return out;
}

describe('generated conditions', () => {
  it('answer as the closure engine for every inline form, on every context', () => {
    const generated = new GeneratedConditions(IR, NETWORK_STATE);
    const fast = new FastConditions(IR, NETWORK_STATE);
    const ctxs = contexts();
    let held = 0;
    for (const cond of conditions()) {
      const g = generated.compile(cond);
      const x = fast.compile(cond);
      ctxs.forEach((ctx, i) => {
        const answer = x(ctx);
        if (answer) held++;
        expect(g(ctx), `${JSON.stringify(cond)} in context ${i}`).toBe(answer);
      });
    }
    // Neither side is constant: the table holds and fails conditions alike.
    expect(held).toBeGreaterThan(1000);
  });

  it('read values as the closure engine does', () => {
    const generated = new GeneratedConditions(IR, NETWORK_STATE);
    const fast = new FastConditions(IR, NETWORK_STATE);
    for (const v of VALUES) {
      for (const [i, ctx] of contexts().entries())
        expect(generated.compileValue(v)(ctx), `${JSON.stringify(v)} in context ${i}`).toEqual(fast.compileValue(v)(ctx));
    }
  });

  it('spot checks: empty `all` and `any`, a boolean never ordered, counters of each kind', () => {
    const generated = new GeneratedConditions(IR, NETWORK_STATE);
    const [ctx] = contexts();
    const test = (c: Cond) => generated.compile(c)(ctx!);
    const value = (v: CondValue) => generated.compileValue(v)(ctx!);
    expect([test({ all: [] }), test({ any: [] })]).toEqual([true, false]);
    expect([
      test({ op: 'gte', left: f('flag'), right: k(true) }),
      test({ op: 'gt', left: f('n'), right: k(2) }),
      test({ op: 'lt', left: f('text'), right: k('I') }),
    ]).toEqual([false, true, true]);
    expect([MEMBER_COUNT, MEMBER_WINDOW, COMMUNITY_WINDOW, COMMUNITY_COUNT, MEMBER_SUM, NETWORK, KEPT].map((counter) => value({ counter }))).toEqual([
      2, 1, 2, 4, 12, 5, 2,
    ]);
    expect([value({ member: 'name' }), value(f('toString')), test({ op: 'matches', left: f('text'), patterns: [] })]).toEqual(['Ann', undefined, false]);
  });
});
