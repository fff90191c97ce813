import type { Action } from '../../ir/schema.js';
import { removeMember, selectMembers } from '../constructs/members.js';
import type { Core } from '../core.js';
import type { Ctx } from '../context.js';

/** `remove members …`: every present member the filter selects, by id. */
export function removeMembers(core: Core, ctx: Ctx, a: Extract<Action, { do: 'removeMembers' }>): void {
  for (const target of selectMembers(core, ctx, a.filter)) {
    const each = { ...ctx, member: target };
    removeMember(core, each, target, a.reason && core.text(each, a.reason));
  }
}
