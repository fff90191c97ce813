import type * as A from '../../parser/ast.js';
import { D } from '../../parser/diagnostic-codes.js';
import type { IR, StageRef } from '../../ir/schema.js';
import { duration } from './checks.js';
import { amountValue, eventMatch } from './conditions.js';
import { memberScope, type Checker, type Scope } from './scopes.js';

/** `points { +N on EVENT … }` entries, at the top level or in a campaign stage: caps and cooldowns. */
export function pointsEntry(cx: Checker, p: A.PointsEntry, stage?: StageRef): IR['points'][number] {
  const scope: Scope = memberScope('points');
  if (stage) scope.campaign = stage.campaign;
  const on = eventMatch(cx, p.on, scope);
  if (!p.value && (!Number.isFinite(p.amount) || p.amount === 0)) cx.bag.report(D.E0601.zeroEntry(), p.span);
  const entry: IR['points'][number] = {
    id: uniquePointsId(cx, stage ? `points:${stage.campaign}.${stage.stage}:${p.on.event.name}` : `points:${p.on.event.name}`),
    on,
    amount: p.amount,
    caps: p.caps.map((c) => {
      if (!Number.isInteger(c.limit) || c.limit < 1) cx.bag.report(D.E0602.capLimit(c.limit), c.span);
      return { limit: Math.max(1, c.limit), per: c.per, unit: c.unit };
    }),
    reason: p.reason?.value ?? p.on.event.name,
  };
  if (p.value) {
    const v = amountValue(cx, p.value, { ...scope, events: cx.events[p.on.event.name] ? [p.on.event.name] : [] });
    entry.value = p.amount < 0 ? { arith: '-', left: { const: 0 }, right: v } : v;
  }
  if (p.cooldown) entry.cooldownMs = duration(cx, p.cooldown, 'cooldown');
  if (stage) entry.stage = stage;
  return entry;
}

/** Two entries for the same event keep separate cooldowns and caps. */
function uniquePointsId(cx: Checker, base: string): string {
  let id = base;
  for (let n = 2; cx.pointsIds.has(id); n++) id = `${base}#${n}`;
  cx.pointsIds.add(id);
  return id;
}
