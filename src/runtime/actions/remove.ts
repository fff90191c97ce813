import type { Action } from '../../ir/schema.js';
import { removeMember } from '../constructs/members.js';
import type { Core } from '../core.js';
import { actor, type Ctx } from '../context.js';

/** `remove member`. */
export function remove(core: Core, ctx: Ctx, a: Extract<Action, { do: 'remove' }>): void {
  const m = actor(ctx);
  if (m) removeMember(core, ctx, m, a.reason && core.text(ctx, a.reason));
}
