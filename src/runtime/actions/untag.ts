import type { Action } from '../../ir/schema.js';
import type { Core } from '../core.js';
import { actor, type Ctx } from '../context.js';
import { removeItem } from '../member.js';

/** `untag member T` (reported even when the member had no such tag). */
export function untag(core: Core, ctx: Ctx, a: Extract<Action, { do: 'untag' }>): void {
  const m = actor(ctx);
  if (!m) return;
  const tag = core.text(ctx, a.tag);
  m.tags = removeItem(m.tags, tag);
  core.emit(ctx, 'member.untag', m.id, { tag });
}
