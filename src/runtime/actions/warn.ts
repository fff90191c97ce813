import type { Action } from '../../ir/schema.js';
import { warnOnLadder } from '../constructs/ladders.js';
import type { Core } from '../core.js';
import type { Ctx } from '../context.js';

/** `warn member … on ladder L`: the ladder's logic is in constructs/ladders.ts. */
export function warn(core: Core, ctx: Ctx, a: Extract<Action, { do: 'warn' }>): void {
  if (ctx.member) warnOnLadder(core, ctx, ctx.member, a.ladder, a.reason);
}
