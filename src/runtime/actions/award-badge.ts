import type { Action } from '../../ir/schema.js';
import { grantBadge } from '../constructs/levels.js';
import type { Core } from '../core.js';
import { actor, type Ctx } from '../context.js';

/**
 * `award badge NAME`: the badge is granted as if its condition had held (docs/language.md,
 * "Badges"): once per member, with `badge.granted` and the badge's own actions; a member who
 * has it already gets nothing.
 */
export function awardBadge(core: Core, ctx: Ctx, a: Extract<Action, { do: 'awardBadge' }>): void {
  const m = actor(ctx);
  const badge = core.ir.badges.find((b) => b.name === a.badge);
  if (!m || !badge) return;
  grantBadge(core, ctx, m, badge);
}
