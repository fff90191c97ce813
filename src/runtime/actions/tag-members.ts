import type { Action } from '../../ir/schema.js';
import { selectMembers } from '../constructs/members.js';
import type { Core } from '../core.js';
import type { Ctx } from '../context.js';
import { addItem, hasItem, removeItem } from '../member.js';

/**
 * `tag members FILTER "t"` / `untag members FILTER "t"` (docs/language.md, "Actions"): every
 * present member the filter selects; only those whose tags change are reported, so a weekly
 * `untag members "本周打卡"` lists who had the tag, not the whole group.
 */
export function tagMembers(core: Core, ctx: Ctx, a: Extract<Action, { do: 'tagMembers' }>): void {
  for (const m of selectMembers(core, ctx, a.filter)) {
    const each: Ctx = { ...ctx, member: m };
    const tag = core.text(each, a.tag, m);
    const had = hasItem(m.tags, tag);
    if (a.untag && had) {
      m.tags = removeItem(m.tags, tag);
      core.emit(each, 'member.untag', m.id, { tag });
    } else if (!a.untag && !had) {
      m.tags = addItem(m.tags, tag);
      core.emit(each, 'member.tag', m.id, { tag });
    }
  }
}
