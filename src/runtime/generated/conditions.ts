import type { Cond, CondValue, Counter, IR, TextPattern } from '../../ir/schema.js';
import { compareValues } from '../../stdlib/compare.js';
import { compileMatcher, type Matcher } from '../../stdlib/text-match.js';
import { countWithin } from '../../stdlib/windows.js';
import { counterValue, type ConditionEngine } from '../conditions/engine.js';
import { FastConditions, type CondFn, type ValueFn } from '../conditions/fast.js';
import { Network } from '../network.js';
import { lit, prop, Source } from './source.js';

/**
 * Conditions of the `generated` engine as JavaScript expressions over `ctx` (an EvalContext).
 * The common forms are written out inline; every other form (segments, clock, attendance,
 * functions, arithmetic, counters with `keep`) is the closure engine's closure for that node,
 * called through the constants (`K[i](ctx)`), so this engine answers what `fast` answers.
 */
export class CondWriter {
  private readonly counters = new Map<string, Counter>();

  constructor(
    ir: IR,
    private readonly fallback: FastConditions,
    private readonly network: Network,
  ) {
    for (const c of ir.counters) this.counters.set(c.id, c);
  }

  /** A boolean expression for `c` in `src`. */
  cond(src: Source, c: Cond): string {
    if ('all' in c) return c.all.length === 0 ? 'true' : `(${c.all.map((x) => this.cond(src, x)).join(' && ')})`;
    if ('any' in c) return c.any.length === 0 ? 'false' : `(${c.any.map((x) => this.cond(src, x)).join(' || ')})`;
    if ('not' in c) return `!${this.cond(src, c.not)}`;
    switch (c.op) {
      case 'eq':
      case 'ne':
      case 'gt':
      case 'gte':
      case 'lt':
      case 'lte':
        return this.compare(src, c.op, c.left, c.right);
      case 'matches':
      case 'contains': {
        const t = src.temp();
        const test = c.op === 'matches' ? this.matcher(src, c.patterns, t) : this.substring(src, c.value, t);
        // A list (`tags`) matches when one of its strings does; `contains` on a list is membership, exact.
        const list = c.op === 'matches' ? `${src.k(someMatch)}(${src.k(compileMatcher(c.patterns))}, ${t})` : `${t}.includes(${lit(c.value)})`;
        return `(typeof (${t} = ${this.value(src, c.left)}) === 'string' ? ${test} : Array.isArray(${t}) ? ${list} : false)`;
      }
      case 'truthy':
        return `!!(${this.value(src, c.left)})`;
      case 'hasRole':
        return `(ctx.member?.roles?.includes(${lit(c.role)}) ?? false)`;
      case 'hasTag':
        return `(ctx.member?.tags?.includes(${lit(c.tag)}) ?? false)`;
      case 'hasPosted':
        return `(ctx.member?.lastPosted !== undefined)`;
      default:
        return `${src.k(this.fallback.compile(c) satisfies CondFn)}(ctx)`;
    }
  }

  /** `left OP right` with compareValues's meaning: strict equality; order only between two numbers or two strings. */
  private compare(src: Source, op: 'eq' | 'ne' | 'gt' | 'gte' | 'lt' | 'lte', left: CondValue, right: CondValue): string {
    const l = this.value(src, left);
    if ('const' in right && (op === 'eq' || op === 'ne')) return `(${l} ${op === 'eq' ? '===' : '!=='} ${this.value(src, right)})`;
    if ('const' in right && (typeof right.const === 'number' || typeof right.const === 'string')) {
      const t = src.temp();
      const js = op === 'gt' ? '>' : op === 'gte' ? '>=' : op === 'lt' ? '<' : '<=';
      return `(typeof (${t} = ${l}) === ${lit(typeof right.const)} && ${t} ${js} ${this.value(src, right)})`;
    }
    return `${src.k(compareValues)}(${lit(op)}, ${l}, ${this.value(src, right)})`;
  }

  /** The patterns of `matches` on the string in `t`: texts as one lower-casing and `includes`, regexes by their RE2 matcher. */
  private matcher(src: Source, patterns: readonly TextPattern[], t: string): string {
    if (patterns.length === 0) return 'false';
    const lower = src.temp();
    const parts: string[] = [];
    let lowered = false;
    for (const p of patterns) {
      if (!('text' in p)) parts.push(`${src.k(compileMatcher([p]))}(${t})`);
      else if (caseless(p.text)) parts.push(`${t}.includes(${lit(p.text)})`);
      else {
        parts.push(`${lowered ? lower : `(${lower} = ${t}.toLowerCase())`}.includes(${lit(p.text.toLowerCase())})`);
        // Stryker disable next-line BooleanLiteral: left false, the text is lowered again, the same; docs/testing.md
        lowered = true;
      }
    }
    return `(${parts.join(' || ')})`;
  }

  /** `contains` on the string in `t`: case-insensitive, so lowered unless the text has no case. */
  private substring(src: Source, needle: string, t: string): string {
    return caseless(needle) ? `${t}.includes(${lit(needle)})` : `${t}.toLowerCase().includes(${lit(needle.toLowerCase())})`;
  }

  /** An expression for the value `v` of the context `ctx`. */
  value(src: Source, v: CondValue): string {
    if ('const' in v) return typeof v.const === 'string' ? lit(v.const) : typeof v.const === 'boolean' ? String(v.const) : src.k(v.const);
    if ('field' in v) {
      const e = src.temp();
      // An event field named like an Object.prototype member is read as an own key only (dict.ts, ownReader).
      const read =
        v.field in Object.prototype
          ? `(Object.hasOwn(${e}.payload, ${lit(v.field)}) ? ${prop(`${e}.payload`, v.field)} : undefined)`
          : prop(`${e}.payload`, v.field);
      return `((${e} = ctx.event) === undefined ? undefined : ${read})`;
    }
    if ('member' in v) {
      if (v.member === 'id') return 'ctx.member?.id';
      if (v.member === 'points') return 'ctx.member?.points';
      if (v.member === 'name') return '(ctx.member === undefined ? undefined : (ctx.member.name ?? ctx.member.id))';
    }
    if ('counter' in v) {
      const spec = this.counters.get(v.counter);
      if (spec && !spec.keep && spec.scope !== 'network') {
        const t = src.temp();
        const slot = spec.scope === 'member' ? `ctx.member?.counters?.[${lit(spec.id)}]` : `ctx.community.counters[${lit(spec.id)}]`;
        const times = spec.withinMs ? `${src.k(countWithin)}(${t}, ctx.now, ${src.k(spec.withinMs)})` : `${t}.length`;
        // A plain count or a window inline; sums, distinct values and logs as counterValue reads them.
        return `((${t} = ${slot}) === undefined ? 0 : typeof ${t} === 'number' ? ${t} : Array.isArray(${t}) ? ${times} : ${src.k(counterValue)}(${src.k(spec)}, ctx, undefined, ${src.k(this.network)}))`;
      }
    }
    return `${src.k(this.fallback.compileValue(v) satisfies ValueFn)}(ctx)`;
  }
}

/**
 * Whether a case-insensitive search for `needle` is a plain `includes`: no character of it has
 * case, and none is U+0307, the one caseless character lower-casing makes (İ becomes i + U+0307);
 * surrogates are left out, as lower-casing an astral letter changes its low surrogate. For these,
 * `text.toLowerCase().includes(needle)` equals `text.includes(needle)`
 * (test/generated-engine.test.ts checks the premise on every code point), and Chinese patterns
 * cost no lower-cased copy of each message.
 */
export function caseless(needle: string): boolean {
  for (const ch of needle) {
    if (ch === '\u0307' || ch.toLowerCase() !== ch || ch.toUpperCase() !== ch || ch.length !== 1 || (ch >= '\ud800' && ch <= '\udfff')) return false;
  }
  return true;
}

/** `matches` on a list: one of its strings matches. */
function someMatch(m: Matcher, list: readonly unknown[]): boolean {
  return list.some((x) => typeof x === 'string' && m(x));
}

/** The `generated` engine's ConditionEngine: each condition one generated function. */
export class GeneratedConditions implements ConditionEngine {
  readonly writer: CondWriter;
  private readonly fallback: FastConditions;

  constructor(ir: IR, network: Network = new Network()) {
    this.fallback = new FastConditions(ir, network);
    this.writer = new CondWriter(ir, this.fallback, network);
  }

  /**
   * Generated on its first test: the plans (plans.ts) write rule, points and counter conditions
   * inline, so most of the conditions the Core compiles are never called here.
   */
  compile(c: Cond): CondFn {
    let fn: CondFn | undefined;
    return (ctx) => {
      if (!fn) {
        const src = new Source();
        const expr = this.writer.cond(src, c);
        fn = src.build(['ctx'], `return ${expr};`) as CondFn;
      }
      return fn(ctx);
    };
  }

  /** The body of the function `compile` makes for `c` (for tests and for reading what was generated). */
  source(c: Cond): string {
    return `return ${this.writer.cond(new Source(), c)};`;
  }

  compileValue(v: CondValue): ValueFn {
    const src = new Source();
    const expr = this.writer.value(src, v);
    return src.build(['ctx'], `return ${expr};`) as ValueFn;
  }
}
