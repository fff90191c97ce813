import type { Action } from '../../ir/schema.js';
import { activeMultiplier } from '../constructs/campaigns.js';
import { award as awardPoints } from '../constructs/points.js';
import type { Core } from '../core.js';
import type { Ctx } from '../context.js';

/** `award N points [unmultiplied]`: a running stage's multiplier applies unless exempt (docs/runtime.md, "Points"). */
export function award(core: Core, ctx: Ctx, a: Extract<Action, { do: 'award' }>): void {
  if (ctx.member) awardPoints(core, ctx, a.multiplied ? a.amount * activeMultiplier(core, ctx.community) : a.amount, a.reason ?? ctx.source);
}
