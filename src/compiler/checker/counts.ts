import type * as A from '../../parser/ast.js';
import { D } from '../../parser/diagnostic-codes.js';
import { didYouMean } from '../../stdlib/suggest.js';
import type { Cond, CondValue, Counter } from '../../ir/schema.js';
import { duration } from './checks.js';
import { eventRef, noMember, type Checker, type CountFilter, type Scope } from './scopes.js';

/**
 * `count(…)`, `count(distinct F of …)` and `sum(F of …)`, with `by member`, `where …` and
 * `within D` (docs/language.md, "Counting events"): lowered to the IR's counters. Inside the
 * `where`, a bare field is the counted event's and `this.F` the handled event's; `event.F`, which
 * elsewhere means the handled event, is refused there as ambiguous.
 */

type Counted = Extract<A.Operand, { kind: 'count' | 'sum' }>;
/** conditions.ts's `cond`, passed in so that the two files do not import each other. */
export type CondChecker = (cx: Checker, c: A.Condition, scope: Scope) => Cond;

export function counted(cx: Checker, o: Counted, scope: Scope, checkCond: CondChecker): { ir: CondValue; type: string } {
  const ev = eventRef(cx, o.event);
  let within: number | undefined;
  if (o.within) within = duration(cx, o.within, 'window');
  const memberScoped = o.byMember || scope.countScope === 'member';
  if (o.byMember && !scope.member) noMember(cx, o.span, scope);
  const network = !memberScoped && (o.across !== undefined || scope.goalNetwork === true);
  if (o.across) acrossChecks(cx, o, o.across.span, scope);
  if (network && o.within)
    cx.bag.report(D.E0461.within(!o.across), o.within.span, 'drop `within D`; for a recent window, count in the group without `across groups`');
  const counter: Counter = { id: '', event: ev ?? o.event.name, scope: memberScoped ? 'member' : network ? 'network' : 'community' };
  if (within) counter.withinMs = within;
  if (scope.campaign) counter.campaign = scope.campaign;
  if (o.kind === 'sum') {
    const type = ev ? fieldType(cx, ev, o.field) : undefined;
    if (type !== undefined && type !== 'number') cx.bag.report(D.E0222.notNumeric(o.field.name, ev!, type), o.field.span, numericHint(cx, ev!));
    counter.sum = o.field.name;
  } else if (o.distinct) {
    if (o.distinct.name === 'member') {
      counter.distinct = { member: 'id' };
      if (memberScoped) cx.bag.report(D.W0202.atMostOne(), o.span, 'write it where it counts the group, e.g. in a rule without `by member`');
    } else {
      const type = ev ? fieldType(cx, ev, o.distinct) : undefined;
      if (type?.endsWith('[]')) cx.bag.report(D.E0228.listField(o.distinct.name), o.distinct.span, 'count the events instead, or `length(…)` of the list');
      if (!within) cx.bag.report(D.E0227.needsWithin(o.distinct.name), o.span, 'add `within 30d`, or count `distinct member`');
      counter.distinct = { field: o.distinct.name };
    }
  }
  if (o.where) {
    const filter: CountFilter = { counted: ev ?? '', outer: scope.events, outerWhat: scope.what, fields: new Set(), readsThis: false };
    const inner: Scope = { events: ev ? [ev] : [], member: false, countScope: scope.countScope, extras: [], what: `the \`where\` of ${o.kind}(…)`, filter };
    counter.where = checkCond(cx, o.where, inner);
    if (filter.readsThis) {
      counter.keep = [...filter.fields].sort();
      if (!within) cx.bag.report(D.E0226.needsWithin(), o.span, 'add `within 1d` (or the time the events belong together)');
    }
  }
  const owner = within && scope.owner ? scope.owner : '';
  const key = JSON.stringify([
    counter.event,
    counter.scope,
    counter.withinMs ?? 0,
    counter.campaign ?? '',
    owner,
    counter.sum ?? '',
    counter.distinct ?? '',
    counter.where ?? '',
  ]);
  let existing = cx.counters.get(key);
  if (!existing) {
    existing = { ...counter, id: `n${cx.counters.size + 1}` };
    cx.counters.set(key, existing);
  }
  if (within && scope.windows && !scope.windows.includes(existing.id)) scope.windows.push(existing.id);
  return { ir: { counter: existing.id }, type: 'number' };
}

/** `across groups` where it cannot mean the network's total (docs/language.md, "Networks of groups"). */
function acrossChecks(cx: Checker, o: Counted, span: A.Span, scope: Scope): void {
  if (o.byMember) cx.bag.report(D.E0460.byMember(), span, 'drop `by member` for every group\u2019s events, or `across groups` for the member\u2019s own');
  else if (scope.countScope === 'member')
    cx.bag.report(D.E0462.memberScope(scope.what), span, 'read the network\u2019s total in a rule or a goal of a campaign `across all groups`');
  else if (scope.goalNetwork === false && scope.campaign)
    cx.bag.report(
      D.E0463.goalOfGroup(scope.campaign),
      span,
      `write \`campaign ${scope.campaign} across all groups { … }\` to reach the goal once for every group`,
    );
}

/** A field of the counted event named in `sum(F of …)` or `distinct F`; unknown names are E0210. */
function fieldType(cx: Checker, ev: string, field: A.Ident): string | undefined {
  const fields = cx.events[ev]?.fields;
  const f = fields?.[field.name];
  if (f) return f.type;
  const known = Object.keys(fields ?? {});
  cx.bag.report(
    D.E0210.noSuchField(ev, field.name),
    field.span,
    didYouMean(field.name, known) ?? (known.length ? `its fields are ${known.join(', ')}` : 'it has no fields'),
  );
  return undefined;
}

function numericHint(cx: Checker, ev: string): string {
  const numbers = Object.entries(cx.events[ev]?.fields ?? {})
    .filter(([, f]) => f.type === 'number')
    .map(([name]) => name);
  return numbers.length
    ? `its numeric fields are ${numbers.join(', ')}; count the events with count(${ev})`
    : `${ev} has no numeric field; count the events with count(${ev})`;
}

/**
 * A name inside a count's `where`: `this.F` is the handled event's field; `event.F` is refused as
 * ambiguous; member values are refused. Returns the events to look the field up in and the IR to
 * give it, or undefined for a bare field of the counted event (looked up as everywhere else).
 */
export function filterPath(
  cx: Checker,
  o: Extract<A.Operand, { kind: 'path' }>,
  scope: Scope,
): { events: string[]; name: string; ir: CondValue } | 'refused' | undefined {
  const filter = scope.filter;
  const parts = o.path.map((p) => p.name);
  if (!filter) {
    if (parts[0] === 'this' && parts.length > 1) {
      const name = parts.slice(1).join('.');
      cx.bag.report(D.E0224.outside(name), o.span, `write \`${name}\`: outside a count, a field is the handled event's`);
      return 'refused';
    }
    return undefined;
  }
  if (parts[0] === 'member') {
    cx.bag.report(D.E0225.notInFilter(`\`${parts.join('.')}\``), o.span, "count the member's own events with `by member`");
    return 'refused';
  }
  if (parts.length > 1 && (parts[0] === 'event' || parts[0] === 'this')) {
    const name = parts.slice(1).join('.');
    if (parts[0] === 'event') {
      cx.bag.report(
        D.E0223.ambiguous(name, filter.counted),
        o.span,
        `write \`${name}\` for the counted ${filter.counted}'s field, \`this.${name}\` for the event being handled`,
      );
      return 'refused';
    }
    filter.readsThis = true;
    return { events: filter.outer, name, ir: { this: name } };
  }
  filter.fields.add(parts.join('.'));
  return undefined;
}

/** `sku == sku` in a count's `where`: always true, and almost surely meant `sku == this.sku`. */
export function sameFieldWarning(cx: Checker, c: Extract<A.Condition, { kind: 'compare' }>, scope: Scope): void {
  if (!scope.filter || c.left.kind !== 'path' || c.right.kind !== 'path') return;
  const l = c.left.path.map((p) => p.name).join('.');
  if (l !== c.right.path.map((p) => p.name).join('.') || l.startsWith('this.') || l.startsWith('event.')) return;
  cx.bag.report(D.W0201.sameField(l), c.span, `compare with the handled event's field: \`${l} ${c.op} this.${l}\``);
}

/** Values and conditions that have no meaning for a counted event, refused inside a count's `where`. */
export function refusedInFilter(cx: Checker, what: string, span: A.Span, scope: Scope): boolean {
  if (!scope.filter) return false;
  cx.bag.report(D.E0225.notInFilter(what), span, 'move it out of the count, next to it: `count(…) >= 3 and …`');
  return true;
}
