import type { Action } from '../../ir/schema.js';
import type { Core } from '../core.js';
import { actor, type Ctx } from '../context.js';
import { addItem } from '../member.js';

/** `tag member T`. */
export function tag(core: Core, ctx: Ctx, a: Extract<Action, { do: 'tag' }>): void {
  const m = actor(ctx);
  if (!m) return;
  // A tag may be written from data (`tag member "来源:{source}"`): filled in like a message.
  const tag = core.text(ctx, a.tag);
  m.tags = addItem(m.tags, tag);
  core.emit(ctx, 'member.tag', m.id, { tag });
}
