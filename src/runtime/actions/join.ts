import type { Action } from '../../ir/schema.js';
import type { Core } from '../core.js';
import type { Ctx } from '../context.js';

/** `approve member`, `reject member [reason "…"]`: the answer to a `member.join_requested`. */
export function join(core: Core, ctx: Ctx, a: Extract<Action, { do: 'join' }>): void {
  const m = ctx.member;
  if (!m) return;
  if (!a.reject) core.emit(ctx, 'join.approve', m.id);
  else core.emit(ctx, 'join.reject', m.id, a.reason === undefined ? undefined : { reason: core.text(ctx, a.reason) });
}
