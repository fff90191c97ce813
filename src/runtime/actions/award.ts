import type { Action } from '../../ir/schema.js';
import { roundHalfAway } from '../../stdlib/arithmetic.js';
import { activeMultiplier } from '../constructs/campaigns.js';
import { award as awardPoints } from '../constructs/points.js';
import type { Core } from '../core.js';
import { actor, asActor, type Ctx } from '../context.js';

/**
 * `award N points [unmultiplied]`: a running stage's multiplier applies unless exempt
 * (docs/runtime.md, "Points"). A computed amount (`award amount / 10 points`) is rounded to whole
 * points, halves away from zero; one that has no value (a missing field, a division by zero) or
 * rounds to 0 awards nothing (docs/language.md, "Arithmetic").
 */
export function award(core: Core, ctx: Ctx, a: Extract<Action, { do: 'award' }>): void {
  if (!actor(ctx)) return;
  let amount = a.amount;
  if (a.value) {
    const v = core.value(a.value)(ctx);
    if (typeof v !== 'number' || !Number.isFinite(v)) return;
    amount = roundHalfAway(v);
    if (amount === 0) return;
  }
  awardPoints(
    core,
    asActor(ctx),
    a.multiplied ? amount * activeMultiplier(core, ctx.community) : amount,
    a.reason === undefined ? ctx.source : core.text(ctx, a.reason),
  );
}
