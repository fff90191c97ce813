import type { Cond, CondValue, Counter, IR } from '../compiler/ir.js';
import { compareValues } from '../stdlib/compare.js';
import { compileMatcher, type Matcher } from '../stdlib/text-match.js';
import { countWithin } from '../stdlib/windows.js';
import type { CommunityState, MemberState } from './state.js';
import type { InputEvent } from './events.js';

/** What a condition can see: the community, maybe a member, maybe the event being processed. */
export interface EvalContext {
  community: CommunityState;
  member?: MemberState;
  event?: InputEvent;
  now: number;
}

/**
 * Evaluates IR conditions. Regexes and text lists are compiled once per pattern list and cached
 * by identity of the IR node, so a rule on every message does not rebuild its regexes.
 */
export class ConditionEvaluator {
  private readonly counters = new Map<string, Counter>();
  private readonly segments = new Map<string, Cond>();
  private readonly matchers = new WeakMap<object, Matcher>();
  private readonly levelOrder: { name: string; at: number }[];

  constructor(private readonly ir: IR) {
    for (const c of ir.counters) this.counters.set(c.id, c);
    for (const s of ir.segments) this.segments.set(s.name, s.where);
    this.levelOrder = [...ir.levels].sort((a, b) => a.at - b.at);
  }

  counterSpec(id: string): Counter | undefined {
    return this.counters.get(id);
  }

  levelOf(m: MemberState): string {
    let name = '';
    for (const l of this.levelOrder) if (m.points >= l.at) name = l.name;
    return name;
  }

  test(c: Cond, ctx: EvalContext): boolean {
    if ('all' in c) return c.all.every((x) => this.test(x, ctx));
    if ('any' in c) return c.any.some((x) => this.test(x, ctx));
    if ('not' in c) return !this.test(c.not, ctx);
    switch (c.op) {
      case 'eq':
      case 'ne':
      case 'gt':
      case 'gte':
      case 'lt':
      case 'lte':
        return compareValues(c.op, this.value(c.left, ctx), this.value(c.right, ctx));
      case 'matches': {
        const v = this.value(c.left, ctx);
        let m = this.matchers.get(c.patterns);
        if (!m) {
          m = compileMatcher(c.patterns);
          this.matchers.set(c.patterns, m);
        }
        if (typeof v === 'string') return m(v);
        if (Array.isArray(v)) return v.some((x) => typeof x === 'string' && m!(x));
        return false;
      }
      case 'contains': {
        const v = this.value(c.left, ctx);
        if (typeof v === 'string') return v.toLowerCase().includes(c.value.toLowerCase());
        if (Array.isArray(v)) return v.includes(c.value);
        return false;
      }
      case 'truthy':
        return Boolean(this.value(c.left, ctx));
      case 'hasRole':
        return ctx.member ? ctx.member.roles.includes(c.role) : false;
      case 'hasTag':
        return ctx.member ? ctx.member.tags.includes(c.tag) : false;
      case 'inSegment': {
        const seg = this.segments.get(c.segment);
        return seg && ctx.member ? this.test(seg, { ...ctx, event: undefined }) : false;
      }
      case 'inStage': {
        const st = ctx.community.campaigns[c.campaign]?.stage ?? null;
        return c.stage ? st === c.stage : st !== null;
      }
    }
  }

  value(v: CondValue, ctx: EvalContext): unknown {
    if ('const' in v) return v.const;
    if ('field' in v) return ctx.event?.payload[v.field];
    if ('member' in v) {
      const m = ctx.member;
      if (!m) return undefined;
      switch (v.member) {
        case 'id':
          return m.id;
        case 'name':
          return m.name ?? m.id;
        case 'points':
          return m.points;
        case 'level':
          return this.levelOf(m);
        case 'joinedDays':
          return Math.floor((ctx.now - m.joinedAt) / 86_400_000);
      }
    }
    if ('counter' in v) {
      const spec = this.counters.get(v.counter);
      if (!spec) return 0;
      const store = spec.scope === 'member' ? ctx.member?.counters : ctx.community.counters;
      const slot = store?.[spec.id];
      if (slot === undefined) return 0;
      if (typeof slot === 'number') return slot;
      return spec.withinMs ? countWithin(slot, ctx.now, spec.withinMs) : slot.length;
    }
    if ('attendance' in v) {
      const m = ctx.member;
      if (!m) return 0;
      const { schedule, kind, withinMs } = v.attendance;
      let n = 0;
      for (const s of ctx.community.sessions[schedule] ?? []) {
        if (s.start <= ctx.now - withinMs || s.end > ctx.now) continue;
        if (!s.present.includes(m.id)) continue;
        const came = s.attended.includes(m.id);
        if (kind === 'attended' ? came : !came) n++;
      }
      return n;
    }
    return undefined;
  }
}
