import { describe, expect, it, vi } from 'vitest';
import type { Cond, CondValue } from '../../src/ir/schema.js';
import { newCommunity } from '../../src/runtime/community.js';
import { caseless, GeneratedConditions } from '../../src/runtime/generated/conditions.js';
import { load } from '../constructs/helpers.js';

/**
 * What the `generated` engine writes out inline (src/runtime/generated/conditions.ts), by the code
 * it writes. A form that fell back to the closure engine would still answer the same
 * (generated-conditions.test.ts compares the answers) and only cost a call through `K[i](ctx)`:
 * these pin, form by form, that the common ones are JavaScript of their own (issue 20, item 1;
 * docs/performance.md, "Generated engine"). Written for the mutation run (docs/testing.md).
 */

const IR = load(`event shop.paid { sku: string, amount: number }
rule counts {
  on shop.paid
  when count(shop.paid by member) > 0 or count(shop.paid within 1h) > 0 or sum(amount of shop.paid by member) > 0 or count(shop.paid across groups) > 0
    or count(shop.paid where sku == this.sku within 1h) > 0
  do say "x"
}`);
const f = (field: string): CondValue => ({ field });
const k = (c: number | string | boolean): CondValue => ({ const: c });
const counter = (pick: (c: (typeof IR.counters)[number]) => boolean): CondValue => ({ counter: IR.counters.find(pick)!.id });
const member = (name: 'id' | 'name' | 'points'): CondValue => ({ member: name });

const field = (name: string) => `((t0 = ctx.event) === undefined ? undefined : t0.payload["${name}"])`;

const CASES: [string, Cond, string][] = [
  [
    'all, posted and a role',
    { all: [{ op: 'hasPosted' }, { op: 'hasRole', role: 'admin' }] },
    `((ctx.member?.lastPosted !== undefined) && (ctx.member?.roles?.includes("admin") ?? false))`,
  ],
  [
    'any, a tag or not a truthy field',
    { any: [{ op: 'hasTag', tag: 'vip' }, { not: { op: 'truthy', left: f('flag') } }] },
    `((ctx.member?.tags?.includes("vip") ?? false) || !!!(${field('flag')}))`,
  ],
  ['empty all', { all: [] }, 'true'],
  ['empty any', { any: [] }, 'false'],
  ['eq with a text', { op: 'eq', left: member('id'), right: k('u1') }, `(ctx.member?.id === "u1")`],
  [
    'ne with a boolean',
    { op: 'ne', left: member('name'), right: k(true) },
    `((ctx.member === undefined ? undefined : (ctx.member.name ?? ctx.member.id)) !== true)`,
  ],
  ['gt with a number', { op: 'gt', left: member('points'), right: k(10) }, `(typeof (t0 = ctx.member?.points) === "number" && t0 > K[0])`],
  ['gte with a text', { op: 'gte', left: f('sku'), right: k('m') }, `(typeof (t1 = ${field('sku')}) === "string" && t1 >= "m")`],
  [
    'lt on a field named like a prototype member',
    { op: 'lt', left: f('toString'), right: k(2) },
    `(typeof (t1 = ((t0 = ctx.event) === undefined ? undefined : (Object.hasOwn(t0.payload, "toString") ? t0.payload["toString"] : undefined))) === "number" && t1 < K[0])`,
  ],
  [
    'lte between two values (compareValues)',
    { op: 'lte', left: f('amount'), right: f('amount') },
    `K[0]("lte", ${field('amount')}, ((t1 = ctx.event) === undefined ? undefined : t1.payload["amount"]))`,
  ],
  [
    'matches: a caseless text, two texts lowered once, a regex',
    { op: 'matches', left: f('text'), patterns: [{ text: '微信' }, { text: 'Ad' }, { text: 'Buy' }, { regex: 'x+y', flags: '' } as never] },
    `(typeof (t0 = ((t2 = ctx.event) === undefined ? undefined : t2.payload["text"])) === 'string' ? (t0.includes("微信") || (t1 = t0.toLowerCase()).includes("ad") || t1.includes("buy") || K[0](t0)) : Array.isArray(t0) ? K[1](K[2], t0) : false)`,
  ],
  [
    'contains a text with case',
    { op: 'contains', left: f('text'), value: 'VX' },
    `(typeof (t0 = ((t1 = ctx.event) === undefined ? undefined : t1.payload["text"])) === 'string' ? t0.toLowerCase().includes("vx") : Array.isArray(t0) ? t0.includes("VX") : false)`,
  ],
  [
    'contains a caseless text',
    { op: 'contains', left: f('text'), value: '返利' },
    `(typeof (t0 = ((t1 = ctx.event) === undefined ? undefined : t1.payload["text"])) === 'string' ? t0.includes("返利") : Array.isArray(t0) ? t0.includes("返利") : false)`,
  ],
  [
    "a member's count",
    { op: 'gt', left: counter((x) => x.scope === 'member' && !x.withinMs && !x.sum), right: k(0) },
    `(typeof (t1 = ((t0 = ctx.member?.counters?.["n1"]) === undefined ? 0 : typeof t0 === 'number' ? t0 : Array.isArray(t0) ? t0.length : K[0](K[1], ctx, undefined, K[2]))) === "number" && t1 > K[3])`,
  ],
  [
    "the group's count within a window",
    { op: 'gt', left: counter((x) => x.scope === 'community' && x.withinMs !== undefined && !x.keep), right: k(0) },
    `(typeof (t1 = ((t0 = ctx.community.counters["n2"]) === undefined ? 0 : typeof t0 === 'number' ? t0 : Array.isArray(t0) ? K[0](t0, ctx.now, K[1]) : K[2](K[3], ctx, undefined, K[4]))) === "number" && t1 > K[5])`,
  ],
  // Counts across groups and counts with `keep` are the closure engine's.
  ['a count across groups', { op: 'gt', left: counter((x) => x.scope === 'network'), right: k(0) }, `(typeof (t0 = K[0](ctx)) === "number" && t0 > K[1])`],
  ['a count with a filter kept', { op: 'gt', left: counter((x) => x.keep !== undefined), right: k(0) }, `(typeof (t0 = K[0](ctx)) === "number" && t0 > K[1])`],
];

describe('the generated engine writes the common forms inline', () => {
  const g = new GeneratedConditions(IR);
  it.each(CASES)('%s', (_, cond, expected) => {
    expect(g.source(cond)).toBe(`return ${expected};`);
  });

  it('the counters the checker numbered are the ones it reads (n1, n2 above)', () => {
    expect(IR.counters.map((c) => c.id).slice(0, 2)).toEqual(['n1', 'n2']);
  });

  it('a condition is generated on its first test and not again', () => {
    const gen = new GeneratedConditions(IR);
    const write = vi.spyOn(gen.writer, 'cond');
    const fn = gen.compile({ op: 'eq', left: member('id'), right: k('u1') });
    expect(write).not.toHaveBeenCalled();
    const ctx = { community: newCommunity('c', 0, 1), member: undefined, event: undefined, now: 0 } as never;
    expect(fn(ctx)).toBe(false);
    expect(fn(ctx)).toBe(false);
    expect(write).toHaveBeenCalledTimes(1);
  });
});

describe('matches on a list', () => {
  it('skips what is not a text and matches the texts', () => {
    const g = new GeneratedConditions(IR);
    const fn = g.compile({ op: 'matches', left: f('tags'), patterns: [{ text: 'vip' }] });
    const ctx = (tags: unknown[]) => ({ community: newCommunity('c', 0, 1), member: undefined, event: { payload: { tags } }, now: 0 }) as never;
    expect(fn(ctx([5, null, 'VIP-1']))).toBe(true);
    expect(fn(ctx([5, { vip: 1 }]))).toBe(false);
  });
});

describe('caseless: when a case-insensitive search is a plain includes', () => {
  it.each([
    ['返利', true],
    ['加微信，返利', true],
    ['\ud800', false],
    ['1-2 ¥', true],
    ['', true],
    ['a', false],
    ['Ä', false],
    ['\u0307', false],
    ['😀', false],
    ['\ud83d', false],
    ['\udc00', false],
    ['中\udfff', false],
  ])('%j is %s', (needle, expected) => {
    expect(caseless(needle)).toBe(expected);
  });

  it('why a lone surrogate is not: lower-casing an astral letter changes its low surrogate', () => {
    expect('\ud801\udc00'.includes('\udc00')).toBe(true);
    expect('\ud801\udc00'.toLowerCase().includes('\udc00')).toBe(false);
  });
});
