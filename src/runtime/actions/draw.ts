import type { Action } from '../../ir/schema.js';
import { drawInt } from '../../stdlib/arithmetic.js';
import { drawSalt } from '../conditions/engine.js';
import { selectMembers } from '../constructs/members.js';
import type { Core } from '../core.js';
import type { Ctx } from '../context.js';
import { templateExtras } from '../../ir/index.js';

/**
 * `draw N members FILTER as NAME: …` (docs/language.md, "Lottery draws"): N distinct present
 * members, drawn as `random(…)` draws are, computed from the run's seed, the community, the cause,
 * the draw's name and the member in context (src/stdlib/arithmetic.ts, drawInt), so the same
 * stream draws the same winners however it is split or resumed. The eligible members are taken in
 * id order and shuffled by a partial Fisher-Yates, one draw per place; with fewer than N, all of
 * them win, in drawn order. Emits `lottery.drawn`, then runs the actions for each winner in order.
 */
export function draw(core: Core, ctx: Ctx, a: Extract<Action, { do: 'draw' }>): void {
  const lot = core.lotteries.get(a.lottery);
  if (!lot) return;
  const pool = selectMembers(core, ctx, lot.filter);
  const salt = drawSalt(ctx, lot.id);
  const n = Math.min(lot.count, pool.length);
  for (let i = 0; i < n; i++) {
    const j = i + drawInt(`${salt}|${i}`, 0, pool.length - 1 - i)!;
    const picked = pool[j]!;
    pool[j] = pool[i]!;
    pool[i] = picked;
  }
  const winners = pool.slice(0, n);
  core.emit(ctx, 'lottery.drawn', undefined, { draw: lot.name, winners: winners.map((m) => m.id) });
  winners.forEach((m, i) => {
    if (!m.present) return;
    // Stryker disable next-line StringLiteral: templateExtras uses its kind for types only (src/ir/template-extras.ts); docs/testing.md
    const mctx: Ctx = { ...ctx, member: m, extras: templateExtras('lottery', { draw: lot.name, rank: i + 1 }, ctx.extras) };
    core.runActions(mctx, lot.each);
  });
}
