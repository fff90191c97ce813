import type { Rule } from '../../ir/schema.js';
import type { CondFn } from '../conditions/fast.js';
import type { Core } from '../core.js';
import type { Ctx } from '../context.js';
import type { InputEvent } from '../events.js';
import { addItem, hasItem } from '../member.js';
import type { CommunityState, MemberState } from '../state.js';
import { clearWindows } from './counters.js';

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
    if (cr.when && !cr.when(ctx)) continue;
    let vetoed = false;
    for (const u of cr.unless) {
      if (u(ctx)) {
        vetoed = true;
        break;
      }
    }
    if (vetoed) continue;
    (firing ??= []).push(cr);
  }
  if (!firing) return;
  for (const { rule: r } of firing) {
    clearWindows(core.counters, core.counterFilter, ctx, c, m, r.windows);
    if (r.once === 'member' && m) m.once = addItem(m.once, r.id);
    if (r.once === 'community') c.once.push(r.id);
    ctx.source = r.id;
    core.runActions(ctx, r.actions);
  }
}
