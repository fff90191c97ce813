import { compareValues } from '../../stdlib/compare.js';
import { compileMatcher, type Matcher } from '../../stdlib/text-match.js';
import type { Cond, CondValue, IR, TextPattern } from '../../ir/schema.js';

/**
 * IR -> json-rules-engine rules: the portable, inspectable form of every condition.
 *
 * Facts: `event.<field>` (payload), `member.<attr>` (id, name, points, level, joinedDays,
 * age, roles, tags), `clock.minute` / `clock.weekday` / `clock.date` (the wall clock in the
 * playbook's zone), `segment.<name>` (whether the member is in it), `community.stages` (`campaign` and `campaign.stage` of each running
 * stage), `counter.<id>` (windowed counts, sums, distinct counts), `this.<field>` (inside a counter's
 * `where`: the handled event's field, the counted event's being `event.<field>`), `attendance.<schedule>.<kind>.<ms>`, and
 * `const:<json>` for a constant where json-rules-engine needs a fact.
 * Custom operators, registered by `registerOperators`: `matches` (regex or text list),
 * `textContains`, `truthy`.
 */

export interface JreCondition {
  all?: JreCondition[];
  any?: JreCondition[];
  not?: JreCondition;
  fact?: string;
  operator?: string;
  value?: unknown;
}

export interface JreRule {
  name: string;
  priority: number;
  conditions: JreCondition;
  event: { type: string; params: Record<string, unknown> };
}

export function factName(v: CondValue): string | undefined {
  if ('field' in v) return `event.${v.field}`;
  if ('member' in v) return `member.${v.member}`;
  if ('counter' in v) return `counter.${v.counter}`;
  if ('this' in v) return `this.${v.this}`;
  if ('attendance' in v) return `attendance.${v.attendance.schedule}.${v.attendance.kind}.${v.attendance.withinMs}`;
  if ('clock' in v) return `clock.${v.clock}`;
  // Arithmetic is computed before the engine runs, into a fact named by the expression.
  if ('arith' in v || 'fn' in v) return `value:${JSON.stringify(v)}`;
  return undefined;
}

/** A fact name for any value: constants become `const:<json>` facts. */
export function anyFactName(v: CondValue): string {
  return factName(v) ?? `const:${JSON.stringify((v as { const: unknown }).const)}`;
}

const FLIP = { eq: 'eq', ne: 'ne', gt: 'lt', gte: 'lte', lt: 'gt', lte: 'gte' } as const;
const JRE_OP = { eq: 'equal', ne: 'notEqual', gt: 'greaterThan', gte: 'greaterThanInclusive', lt: 'lessThan', lte: 'lessThanInclusive' } as const;

/** json-rules-engine compares a fact with a constant; conditions between two facts use `{fact}` values. */
export function toJreCondition(c: Cond): JreCondition {
  if ('all' in c) return { all: c.all.map(toJreCondition) };
  // json-rules-engine reads an empty `any` as true; logically (and in the runtime) it is false.
  if ('any' in c) return c.any.length ? { any: c.any.map(toJreCondition) } : { fact: 'const:true', operator: 'equal', value: false };
  if ('not' in c) return { not: toJreCondition(c.not) };
  switch (c.op) {
    case 'eq':
    case 'ne':
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte': {
      let { left, right } = c;
      let op: keyof typeof JRE_OP = c.op;
      if ('const' in left && !('const' in right)) {
        [left, right] = [right, left];
        op = FLIP[op];
      }
      const fact = factName(left);
      if (!fact) {
        // constant vs constant: still a valid rule, evaluated against a constant fact
        return { fact: 'const:true', operator: 'equal', value: compareValues(c.op, (left as { const: unknown }).const, (right as { const: unknown }).const) };
      }
      const value = 'const' in right ? right.const : { fact: factName(right)! };
      return { fact, operator: JRE_OP[op], value };
    }
    case 'matches':
      return { fact: anyFactName(c.left), operator: 'matches', value: c.patterns };
    case 'contains':
      return { fact: anyFactName(c.left), operator: 'textContains', value: c.value };
    case 'truthy':
      return { fact: anyFactName(c.left), operator: 'truthy', value: true };
    case 'hasRole':
      return { fact: 'member.roles', operator: 'contains', value: c.role };
    case 'hasTag':
      return { fact: 'member.tags', operator: 'contains', value: c.tag };
    case 'hasPosted':
      return { fact: 'member.posted', operator: 'equal', value: true };
    case 'inSegment':
      return { fact: `segment.${c.segment}`, operator: 'equal', value: true };
    case 'inStage':
      return { fact: 'community.stages', operator: 'contains', value: c.stage ? `${c.campaign}.${c.stage}` : c.campaign };
  }
}

const ALWAYS: JreCondition = { all: [] };

export function toRules(ir: IR): JreRule[] {
  const out: JreRule[] = [];
  const n = ir.rules.length + ir.points.length;
  ir.rules.forEach((r, i) => {
    const parts: JreCondition[] = [];
    parts.push({ any: r.on.map((m) => ({ all: [{ fact: 'event.type', operator: 'equal', value: m.event }, ...(m.where ? [toJreCondition(m.where)] : [])] })) });
    if (r.when) parts.push(toJreCondition(r.when));
    for (const u of r.unless) parts.push({ not: toJreCondition(u) });
    if (r.stage) parts.push({ fact: 'community.stages', operator: 'contains', value: `${r.stage.campaign}.${r.stage.stage}` });
    out.push({
      name: r.id,
      // json-rules-engine runs higher priorities first; source order breaks ties.
      priority: Math.max(1, 1000 + r.priority * (n + 1) + (n - i)),
      conditions: { all: parts },
      event: { type: r.id, params: { actions: r.actions, windows: r.windows, once: r.once ?? null } },
    });
  });
  ir.points.forEach((p, i) => {
    const parts: JreCondition[] = [{ fact: 'event.type', operator: 'equal', value: p.on.event }];
    if (p.on.where) parts.push(toJreCondition(p.on.where));
    if (p.stage) parts.push({ fact: 'community.stages', operator: 'contains', value: `${p.stage.campaign}.${p.stage.stage}` });
    out.push({
      name: p.id,
      priority: Math.max(1, n - ir.rules.length - i),
      conditions: { all: parts },
      event: {
        type: 'points.award',
        params: { id: p.id, amount: p.amount, value: p.value ?? null, cooldownMs: p.cooldownMs ?? null, caps: p.caps, reason: p.reason },
      },
    });
  });
  for (const l of ir.ladders) {
    out.push({
      name: l.id,
      priority: 1,
      conditions: ALWAYS,
      event: { type: 'ladder', params: { ladder: l.name, expireMs: l.expireMs ?? null, steps: l.steps } },
    });
  }
  for (const c of ir.campaigns) {
    for (const g of c.goals) {
      out.push({
        name: `goal:${c.name}.${g.name}`,
        priority: 1,
        conditions: { all: [toJreCondition(g.when)] },
        event: { type: 'goal.reached', params: { campaign: c.name, goal: g.name, actions: g.actions } },
      });
    }
  }
  return out;
}

/** What `registerOperators` needs of a json-rules-engine `Engine`. */
export interface OperatorHost {
  addOperator(name: string, fn: (factValue: unknown, jsonValue: unknown) => boolean): void;
}

const matcherCache = new WeakMap<object, Matcher>();

/**
 * The custom operators the emitted rules use, with the runtime's semantics; the ordering
 * operators are replaced too, because json-rules-engine's accept numeric strings ("5" > 3) where
 * the runtime compares only two numbers or two strings.
 */
export function registerOperators(engine: OperatorHost): void {
  engine.addOperator('matches', (fact, patterns) => {
    let m = matcherCache.get(patterns as object);
    if (!m) {
      m = compileMatcher(patterns as TextPattern[]);
      matcherCache.set(patterns as object, m);
    }
    if (typeof fact === 'string') return m(fact);
    if (Array.isArray(fact)) return fact.some((x) => typeof x === 'string' && m(x));
    return false;
  });
  engine.addOperator('textContains', (fact, needle) => {
    if (typeof fact === 'string') return fact.toLowerCase().includes(String(needle).toLowerCase());
    if (Array.isArray(fact)) return fact.includes(needle);
    return false;
  });
  engine.addOperator('truthy', (fact) => Boolean(fact));
  for (const [name, op] of Object.entries(JRE_OP)) {
    if (op === 'equal' || op === 'notEqual') continue;
    engine.addOperator(op, (a, b) => compareValues(name as keyof typeof JRE_OP, a, b));
  }
}
