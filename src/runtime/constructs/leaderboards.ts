import type { IR } from '../../ir/schema.js';
import { localDayNumber, nextOccurrence } from '../../stdlib/calendar.js';
import type { Core } from '../core.js';
import { newCtx, type OutputAction } from '../context.js';
import type { CommunityState, MemberState, Timer } from '../state.js';
import { insertTimer } from '../timers.js';
import { templateExtras } from '../../ir/index.js';

/**
 * `leaderboard`: posted on its calendar; ranks present members by points earned in the last
 * 1, 7 or 30 local days, or by balance (docs/runtime.md, "Points"; docs/language.md, "Leaderboards").
 */

/** Whether members need daily point buckets: only when some leaderboard ranks by period. */
export function needsDailyPoints(ir: IR): boolean {
  return ir.leaderboards.some((lb) => lb.period !== 'all');
}

/** Arm each leaderboard's first posting in a new community. */
export function armLeaderboards(core: Core, c: CommunityState, now: number): void {
  for (const lb of core.ir.leaderboards) insertTimer(c, { id: lb.id, due: nextOccurrence(lb.calendar, core.zone, now), kind: 'leaderboard', ref: lb.id });
}

export function fireLeaderboard(core: Core, c: CommunityState, t: Timer, cause: string, out: OutputAction[]): void {
  const now = t.due;
  const lb = core.ir.leaderboards.find((x) => x.id === t.ref);
  if (!lb) return;
  const ctx = newCtx(c, now, cause, lb.id, out);
  // Stryker disable next-line StringLiteral: templateExtras uses its kind for types only (src/ir/template-extras.ts); docs/testing.md
  ctx.extras = templateExtras('leaderboard', { board: board(core, c, lb.period, lb.top, now) });
  core.runActions(ctx, lb.actions);
  insertTimer(c, { id: lb.id, due: nextOccurrence(lb.calendar, core.zone, now + 60_000), kind: 'leaderboard', ref: lb.id });
}

function board(core: Core, c: CommunityState, period: 'daily' | 'weekly' | 'monthly' | 'all', top: number, now: number): string {
  const days = period === 'daily' ? 1 : period === 'weekly' ? 7 : period === 'monthly' ? 30 : 0;
  const today = localDayNumber(now, core.zone);
  const scored: { m: MemberState; score: number }[] = [];
  for (const id in c.members) {
    const m = c.members[id]!;
    if (!m.present) continue;
    let score = m.points;
    if (days > 0) {
      score = 0;
      for (const day in m.daily) if (Number(day) > today - days) score += m.daily[day]!;
    }
    if (score > 0) scored.push({ m, score });
  }
  scored.sort((a, b) => b.score - a.score || (a.m.name ?? a.m.id).localeCompare(b.m.name ?? b.m.id));
  return scored
    .slice(0, top)
    .map((x, i) => `${i + 1}. ${x.m.name ?? x.m.id} ${x.score}`)
    .join('\n');
}
