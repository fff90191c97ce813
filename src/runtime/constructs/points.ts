import type { PointsRule } from '../../ir/schema.js';
import { roundHalfAway } from '../../stdlib/arithmetic.js';
import { localDayNumber } from '../../stdlib/calendar.js';
import { dict } from '../../stdlib/dict.js';
import type { CondFn } from '../conditions/fast.js';
import type { Core } from '../core.js';
import type { Ctx } from '../context.js';
import type { MemberState } from '../state.js';
import { activeMultiplier } from './campaigns.js';
import { tallyPoints } from './leaderboards.js';
import { reachLevels } from './levels.js';
import { capKey } from '../../ir/index.js';

/**
 * `points`: the points table (cooldowns, caps per local period, a stage's multiplier) and the
 * award every grant of points goes through (docs/runtime.md, "Points"; docs/language.md,
 * "Points").
 */

export interface CompiledPoints {
  rule: PointsRule;
  where: CondFn | undefined;
  capIds: string[];
}

const DAY = 86_400_000;

/** The points-table entries by event type. */
export function compilePoints(core: Core): Map<string, CompiledPoints[]> {
  const byEvent = new Map<string, CompiledPoints[]>();
  for (const p of core.ir.points) {
    const list = byEvent.get(p.on.event) ?? [];
    list.push({ rule: p, where: p.on.where ? core.fn(p.on.where) : undefined, capIds: p.caps.map((cap) => capKey(p.id, cap.per)) });
    byEvent.set(p.on.event, list);
  }
  return byEvent;
}

export function awardPointsTable(core: Core, ctx: Ctx, points: CompiledPoints[], now: number): void {
  const m = ctx.member!;
  const c = ctx.community;
  for (const cp of points) {
    const p = cp.rule;
    if (p.stage && c.campaigns[p.stage.campaign]?.stage !== p.stage.stage) continue;
    if (cp.where && !cp.where(ctx)) continue;
    const last = m.lastAward?.[p.id];
    if (p.cooldownMs !== undefined && last !== undefined && now - last < p.cooldownMs) continue;
    grantEntry(core, ctx, cp, now);
  }
}

/** A points-table entry whose event, stage, `where` and cooldown allow it: its amount, within its caps, awarded. */
export function grantEntry(core: Core, ctx: Ctx, { rule: p, capIds }: CompiledPoints, now: number): void {
  const m = ctx.member!;
  const c = ctx.community;
  let base = p.amount;
  if (p.value) {
    // Rounded as an award's computed amount; none, or 0, awards nothing and starts no cooldown.
    const v = core.value(p.value)(ctx);
    if (typeof v !== 'number' || !Number.isFinite(v) || roundHalfAway(v) === 0) return;
    base = roundHalfAway(v);
  }
  const amount = core.ir.campaigns.length ? base * activeMultiplier(core, c) : base;
  // Before the caps and the cooldown, so an award that is not made counts for neither.
  if (overflows(m, amount)) return;
  let capped = false;
  for (let i = 0; i < p.caps.length; i++) {
    const cap = p.caps[i]!;
    const key = periodNumber(core.zone, now, cap.per);
    const slot = m.caps?.[capIds[i]!];
    const used = slot && slot.key === key ? (cap.unit === 'points' ? slot.points : slot.count) : 0;
    if (used + (cap.unit === 'points' ? amount : 1) > cap.limit) capped = true;
  }
  if (capped) return;
  for (let i = 0; i < p.caps.length; i++) {
    // Caps of one period (`cap 20 per day cap 100 points per day`) share one slot, which counts the award once.
    if (capIds.indexOf(capIds[i]!) < i) continue;
    const key = periodNumber(core.zone, now, p.caps[i]!.per);
    const caps = (m.caps ??= dict());
    const slot = caps[capIds[i]!];
    if (slot && slot.key === key) {
      slot.count++;
      slot.points += amount;
    } else caps[capIds[i]!] = { key, count: 1, points: amount };
  }
  if (p.cooldownMs !== undefined) (m.lastAward ??= dict())[p.id] = now;
  ctx.source = p.id;
  award(core, ctx, amount, p.reason);
}

/** The local day, ISO week or month containing `ms`, as one number (caps reset when it changes). */
export function periodNumber(zone: string, ms: number, per: 'day' | 'week' | 'month'): number {
  const day = localDayNumber(ms, zone);
  if (per === 'day') return day;
  // Day 0 (1970-01-01) was a Thursday: +3 puts week boundaries on Mondays.
  if (per === 'week') return Math.floor((day + 3) / 7);
  const d = new Date(day * DAY);
  // Stryker disable next-line ArithmeticOperator: `year * 12 - month` and `year / 12 + month` also give each month its own number; docs/testing.md
  return d.getUTCFullYear() * 12 + d.getUTCMonth();
}

/** Grant points to the context's member: the balance, the daily buckets leaderboards rank by, then levels. */
export function award(core: Core, ctx: Ctx, amount: number, reason: string): void {
  const m = ctx.member!;
  if (overflows(m, amount)) return;
  // The member may not be the event's (an inviter, a ranked member): a durable store writes their row.
  core.touch(ctx.community, m.id);
  m.points += amount;
  if (core.trackDaily) {
    const today = localDayNumber(ctx.now, core.zone);
    const daily = (m.daily ??= dict());
    daily[today] = (daily[today] ?? 0) + amount;
    // eslint-disable-next-line @typescript-eslint/no-dynamic-delete -- `daily` is a dict stored as JSON in snapshots (a Map would change their format)
    for (const k in daily) if (Number(k) < today - 40) delete daily[k];
  }
  if (core.boards.points.length) tallyPoints(core, ctx.community, m, amount, ctx.now);
  ctx.out.push({
    at: core.at(ctx.now),
    type: 'points.award',
    community: ctx.community.id,
    member: m.id,
    amount,
    balance: m.points,
    reason,
    cause: ctx.cause,
    source: ctx.source,
  });
  reachLevels(core, ctx, m);
}

/**
 * Whether `amount` would take the balance past the largest numbers (an event's huge amount, a
 * stage's multiplier on it): such an award is not made, as an infinite balance would be written
 * as `null` and read back as 0 after a restart (docs/runtime.md, "Points"). An amount with no
 * value never gets here: each caller refuses it first.
 */
function overflows(m: MemberState, amount: number): boolean {
  return Math.abs(m.points + amount) === Infinity;
}
