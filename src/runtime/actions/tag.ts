import type { Action } from '../../ir/schema.js';
import type { Core } from '../core.js';
import type { Ctx } from '../context.js';
import { addItem } from '../member.js';

/** `tag member T`. */
export function tag(core: Core, ctx: Ctx, a: Extract<Action, { do: 'tag' }>): void {
  const m = ctx.member;
  if (!m) return;
  m.tags = addItem(m.tags, a.tag);
  core.emit(ctx, 'member.tag', m.id, { tag: a.tag });
}
