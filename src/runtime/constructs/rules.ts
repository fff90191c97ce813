import type { Rule } from '../../ir/schema.js';
import type { CondFn } from '../conditions/fast.js';
import type { Core } from '../core.js';
import type { Ctx } from '../context.js';
import type { InputEvent } from '../events.js';
import { addItem, hasItem } from '../member.js';
import type { CommunityState, MemberState } from '../state.js';
import { clearWindows } from './counters.js';
import { dict } from '../../stdlib/dict.js';

/**
 * `rule`: all rules an event triggers are evaluated on the state before any of their actions,
 * then their actions run by priority, then source order (docs/runtime.md, "Rules, windows,
 * ladders").
 */

export interface CompiledRule {
  rule: Rule;
  on: { event: string; where: CondFn | undefined }[];
  when: CondFn | undefined;
  unless: CondFn[];
}

const NO_RULES: CompiledRule[] = [];

/** The rules by triggering event type, each list already in firing order. */
export function compileRules(core: Core): Map<string, CompiledRule[]> {
  const byEvent = new Map<string, CompiledRule[]>();
  // The IR lists rules in source order and sort is stable (ES2019): equal priorities keep it.
  const sorted = [...core.ir.rules].sort((a, b) => b.priority - a.priority);
  for (const r of sorted) {
    const compiled: CompiledRule = {
      rule: r,
      on: r.on.map((m) => ({ event: m.event, where: m.where ? core.fn(m.where) : undefined })),
      when: r.when ? core.fn(r.when) : undefined,
      unless: r.unless.map((u) => core.fn(u)),
    };
    for (const m of r.on) {
      const list = byEvent.get(m.event) ?? [];
      if (!list.some((x) => x.rule === r)) list.push(compiled);
      byEvent.set(m.event, list);
    }
  }
  return byEvent;
}

export function runRules(core: Core, ctx: Ctx, c: CommunityState, m: MemberState | undefined, ev: InputEvent): void {
  const rules = core.rules.get(ev.type) ?? NO_RULES;
  let firing: CompiledRule[] | undefined;
  // `exclusive NAME`: the groups whose first matching rule (in firing order) is already taken.
  let taken: Set<string> | undefined;
  for (const cr of rules) {
    const r = cr.rule;
    let matched = false;
    for (const o of cr.on) {
      if (o.event === ev.type && (!o.where || o.where(ctx))) {
        matched = true;
        break;
      }
    }
    if (!matched) continue;
    if (r.stage && c.campaigns[r.stage.campaign]?.stage !== r.stage.stage) continue;
    if (r.once === 'member' && hasItem(m?.once, r.id)) continue;
    if (r.once === 'community' && c.once.includes(r.id)) continue;
    if (r.onceKey !== undefined && firedForKey(c, r.id, onceValue(ev, r.onceKey))) continue;
    if (r.cooldownMs !== undefined && coolingDown(c, m, r, r.cooldownMs, ctx.now)) continue;
    if (cr.when && !cr.when(ctx)) continue;
    let vetoed = false;
    for (const u of cr.unless) {
      if (u(ctx)) {
        vetoed = true;
        break;
      }
    }
    if (vetoed) continue;
    if (r.exclusive !== undefined) {
      if (taken?.has(r.exclusive)) continue;
      (taken ??= new Set()).add(r.exclusive);
    }
    (firing ??= []).push(cr);
  }
  if (firing) fireRules(core, ctx, c, m, ev, firing);
}

/** The rules that matched an event, in firing order: windows cleared, once and cooldown noted, actions run. */
export function fireRules(core: Core, ctx: Ctx, c: CommunityState, m: MemberState | undefined, ev: InputEvent, firing: readonly CompiledRule[]): void {
  for (const { rule: r } of firing) {
    clearWindows(core.counters, core.counterFilter, ctx, c, m, r.windows);
    if (r.once === 'member' && m) m.once = addItem(m.once, r.id);
    if (r.once === 'community') c.once.push(r.id);
    if (r.onceKey !== undefined) markKey(c, r.id, onceValue(ev, r.onceKey));
    if (r.cooldownMs !== undefined) {
      const table = r.cooldownPer === 'community' || !m ? (c.ruleFired ??= dict()) : (m.ruleFired ??= dict());
      table[r.id] = ctx.now;
    }
    ctx.source = r.id;
    core.runActions(ctx, r.actions);
  }
}

/**
 * The value `once per FIELD` keys on, as text (`1` and `"1"` are one order id); an event without
 * the field has no key and is not held back (docs/language.md, "Rules").
 */
export function onceValue(ev: InputEvent, field: string): string | undefined {
  const v = ev.payload[field];
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

export function firedForKey(c: CommunityState, rule: string, key: string | undefined): boolean {
  return key !== undefined && c.onceKeys?.[rule]?.[key] === 1;
}

function markKey(c: CommunityState, rule: string, key: string | undefined): void {
  if (key === undefined) return;
  const keys = (c.onceKeys ??= dict());
  (keys[rule] ??= dict())[key] = 1;
}

/** `cooldown D`: the last firing for this member (or the group) is less than D ago; exactly D later it fires. */
export function coolingDown(c: CommunityState, m: MemberState | undefined, r: Rule, cooldownMs: number, now: number): boolean {
  const last = r.cooldownPer === 'community' || !m ? c.ruleFired?.[r.id] : m.ruleFired?.[r.id];
  return last !== undefined && now - last < cooldownMs;
}
