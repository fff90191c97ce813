import type { Action } from '../../ir/schema.js';
import { warnOnLadder } from '../constructs/ladders.js';
import type { Core } from '../core.js';
import { actor, type Ctx } from '../context.js';

/** `warn member … on ladder L`: the ladder's logic is in constructs/ladders.ts. */
export function warn(core: Core, ctx: Ctx, a: Extract<Action, { do: 'warn' }>): void {
  const m = actor(ctx);
  if (m) warnOnLadder(core, ctx, m, a.ladder, a.reason);
}
