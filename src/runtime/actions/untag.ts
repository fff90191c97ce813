import type { Action } from '../../ir/schema.js';
import type { Core } from '../core.js';
import type { Ctx } from '../context.js';

/** `untag member T` (reported even when the member had no such tag). */
export function untag(core: Core, ctx: Ctx, a: Extract<Action, { do: 'untag' }>): void {
  const m = ctx.member;
  if (!m) return;
  const tag = core.text(ctx, a.tag);
  if (m.tags) {
    const left = m.tags.filter((t) => t !== tag);
    m.tags = left.length ? left : undefined;
  }
  core.emit(ctx, 'member.untag', m.id, { tag });
}
