import type { Action } from '../../ir/schema.js';
import { addItem, removeItem } from '../member.js';
import type { Core } from '../core.js';
import { actor, type Ctx } from '../context.js';

/**
 * `grant role R`, `revoke role R` (docs/language.md, "Platform actions"): `role.grant` or
 * `role.revoke`, and the member's roles change at once, so `member has role R` reads the change in
 * the same event's later rules; the platform's own `role.granted` that follows changes nothing more.
 * Nothing is emitted when the member already has (or lacks) the role.
 */
export function role(core: Core, ctx: Ctx, a: Extract<Action, { do: 'role' }>): void {
  const m = actor(ctx);
  if (!m) return;
  const has = m.roles?.includes(a.role) ?? false;
  if (has !== a.revoke) return;
  m.roles = a.revoke ? removeItem(m.roles, a.role) : addItem(m.roles, a.role);
  core.touch(ctx.community, m.id);
  core.emit(ctx, a.revoke ? 'role.revoke' : 'role.grant', m.id, { role: a.role });
}
