import type { Cond, CondValue, Counter, IR } from '../../ir/schema.js';
import { arith, callFunction } from '../../stdlib/arithmetic.js';
import { compareValues } from '../../stdlib/compare.js';
import { ownReader } from '../../stdlib/dict.js';
import { clockValue } from '../../stdlib/local-time.js';
import { compileMatcher } from '../../stdlib/text-match.js';
import { attendanceCount, counterValue, drawSalt, memberAge, type EvalContext } from './engine.js';
import { levelOf } from '../member.js';
import { Network } from '../network.js';

/**
 * The fast path for conditions: each IR condition becomes a tree of plain closures once, when the
 * runtime is built, so evaluating `text matches any [...] unless member has role admin` on a
 * message is a few function calls with no interpretation of the IR and no allocation. Nothing
 * from the playbook is passed to `eval`: regexes are compiled by compileMatcher, on RE2
 * (src/stdlib/text-match.ts), as the reference engine's are.
 *
 * json-rules-engine (`reference.ts`) is the reference these closures are tested
 * against (test/differential.test.ts).
 */

export type CondFn = (ctx: EvalContext) => boolean;
export type ValueFn = (ctx: EvalContext) => unknown;

const DAY_MS = 86_400_000;

export class FastConditions {
  private readonly counters = new Map<string, Counter>();
  private readonly segments = new Map<string, Cond>();
  private readonly segmentFns = new Map<string, CondFn>();
  private readonly levels: { name: string; at: number }[];
  private readonly zone: string;

  /** `network`: where counts `across groups` are read (the runtime's; a fresh one when absent). */
  constructor(
    ir: IR,
    private readonly network: Network = new Network(),
  ) {
    this.zone = ir.timezone;
    for (const c of ir.counters) this.counters.set(c.id, c);
    for (const s of ir.segments) this.segments.set(s.name, s.where);
    this.levels = [...ir.levels].sort((a, b) => a.at - b.at);
  }

  compile(c: Cond): CondFn {
    return this.cond(c, false);
  }

  compileValue(v: CondValue): ValueFn {
    return this.value(v, false);
  }

  /** `noEvent`: segments describe members, so event fields read as absent inside them. */
  private cond(c: Cond, noEvent: boolean): CondFn {
    if ('all' in c) {
      const parts = c.all.map((x) => this.cond(x, noEvent));
      if (parts.length === 0) return () => true;
      if (parts.length === 1) return parts[0]!;
      // Stryker disable next-line BlockStatement: a fast path: the general path below gives the same answer (docs/testing.md)
      if (parts.length === 2) {
        const [a, b] = parts as [CondFn, CondFn];
        return (ctx) => a(ctx) && b(ctx);
      }
      return (ctx) => {
        for (const p of parts) if (!p(ctx)) return false;
        return true;
      };
    }
    if ('any' in c) {
      const parts = c.any.map((x) => this.cond(x, noEvent));
      if (parts.length === 0) return () => false;
      if (parts.length === 1) return parts[0]!;
      return (ctx) => {
        for (const p of parts) if (p(ctx)) return true;
        return false;
      };
    }
    if ('not' in c) {
      const inner = this.cond(c.not, noEvent);
      return (ctx) => !inner(ctx);
    }
    switch (c.op) {
      case 'eq':
      case 'ne':
      case 'gt':
      case 'gte':
      case 'lt':
      case 'lte': {
        const op = c.op;
        const left = this.value(c.left, noEvent);
        // Stryker disable next-line StringLiteral,BlockStatement: a fast path: the general path below gives the same answer (docs/testing.md); compareValues's equality is strict too
        if ('const' in c.right) {
          const k = c.right.const;
          // Stryker disable next-line StringLiteral: a fast path: the general path below gives the same answer (docs/testing.md)
          if (op === 'eq') return (ctx) => left(ctx) === k;
          // Stryker disable next-line StringLiteral: a fast path: the general path below gives the same answer (docs/testing.md)
          if (op === 'ne') return (ctx) => left(ctx) !== k;
          return (ctx) => compareValues(op, left(ctx), k);
        }
        const right = this.value(c.right, noEvent);
        return (ctx) => compareValues(op, left(ctx), right(ctx));
      }
      case 'matches': {
        const left = this.value(c.left, noEvent);
        const m = compileMatcher(c.patterns);
        return (ctx) => {
          const v = left(ctx);
          if (typeof v === 'string') return m(v);
          if (Array.isArray(v)) return v.some((x) => typeof x === 'string' && m(x));
          return false;
        };
      }
      case 'contains': {
        const left = this.value(c.left, noEvent);
        const needle = c.value;
        const lower = needle.toLowerCase();
        return (ctx) => {
          const v = left(ctx);
          if (typeof v === 'string') return v.toLowerCase().includes(lower);
          if (Array.isArray(v)) return v.includes(needle);
          return false;
        };
      }
      case 'truthy': {
        const left = this.value(c.left, noEvent);
        return (ctx) => Boolean(left(ctx));
      }
      case 'hasRole': {
        const role = c.role;
        return (ctx) => ctx.member?.roles?.includes(role) ?? false;
      }
      case 'hasTag': {
        const tag = c.tag;
        return (ctx) => ctx.member?.tags?.includes(tag) ?? false;
      }
      case 'hasPosted':
        return (ctx) => ctx.member?.lastPosted !== undefined;
      case 'inSegment': {
        const name = c.segment;
        // Resolved on first use: segments may refer to segments declared later (no cycles: E0214).
        return (ctx) => {
          if (!ctx.member) return false;
          let fn = this.segmentFns.get(name);
          if (!fn) {
            const seg = this.segments.get(name);
            fn = seg ? this.cond(seg, true) : () => false;
            this.segmentFns.set(name, fn);
          }
          return fn(ctx);
        };
      }
      case 'inStage': {
        const { campaign, stage } = c;
        if (stage) return (ctx) => ctx.community.campaigns[campaign]?.stage === stage;
        return (ctx) => (ctx.community.campaigns[campaign]?.stage ?? null) !== null;
      }
    }
  }

  private value(v: CondValue, noEvent: boolean): ValueFn {
    if ('const' in v) {
      const k = v.const;
      return () => k;
    }
    if ('field' in v) {
      if (noEvent) return () => undefined;
      // The payload is the event as received: a field named like an Object.prototype member
      // (`constructor`, `toString`) is read as an own key only.
      const read = ownReader(v.field);
      return (ctx) => (ctx.event ? read(ctx.event.payload) : undefined);
    }
    if ('member' in v) {
      switch (v.member) {
        case 'id':
          return (ctx) => ctx.member?.id;
        case 'name':
          return (ctx) => (ctx.member ? (ctx.member.name ?? ctx.member.id) : undefined);
        case 'points':
          return (ctx) => ctx.member?.points;
        case 'level': {
          const levels = this.levels;
          return (ctx) => (ctx.member ? levelOf(levels, ctx.member) : undefined);
        }
        case 'joinedDays':
          return (ctx) => (ctx.member ? Math.floor((ctx.now - ctx.member.joinedAt) / DAY_MS) : undefined);
        case 'age':
          return (ctx) => memberAge(ctx);
      }
    }
    if ('clock' in v) {
      const part = v.clock;
      const zone = this.zone;
      return (ctx) => clockValue(part, ctx.now, zone);
    }
    if ('counter' in v) {
      const spec = this.counters.get(v.counter);
      if (!spec) return () => 0;
      // Stryker disable next-line LogicalOperator: counterValue applies the filter only to a counter with keep (docs/testing.md)
      if (spec.keep && spec.where) {
        const filter = this.cond(spec.where, false);
        return (ctx) => counterValue(spec, ctx, filter, this.network);
      }
      return (ctx) => counterValue(spec, ctx, undefined, this.network);
    }
    if ('this' in v) {
      const read = ownReader(v.this);
      return (ctx) => (ctx.outer ? read(ctx.outer.payload) : undefined);
    }
    if ('attendance' in v) {
      const { schedule, kind, withinMs } = v.attendance;
      return (ctx) => attendanceCount(ctx, schedule, kind, withinMs);
    }
    if ('arith' in v) {
      const op = v.arith;
      const left = this.value(v.left, noEvent);
      const right = this.value(v.right, noEvent);
      return (ctx) => arith(op, left(ctx), right(ctx));
    }
    const fn = v.fn;
    const args = v.args.map((a) => this.value(a, noEvent));
    if (fn === 'random') {
      const [lo, hi] = args as [ValueFn, ValueFn];
      const draw = v.draw;
      return (ctx) => callFunction(fn, [lo(ctx), hi(ctx)], drawSalt(ctx, draw));
    }
    // Stryker disable next-line BlockStatement: a fast path: the general path below gives the same answer (docs/testing.md)
    if (args.length === 1) {
      const only = args[0]!;
      return (ctx) => callFunction(fn, [only(ctx)]);
    }
    return (ctx) =>
      callFunction(
        fn,
        args.map((a) => a(ctx)),
      );
  }
}
