import type { Action } from '../../ir/schema.js';
import type { Core } from '../core.js';
import type { Ctx } from '../context.js';

/** `notify admins "…"`. */
export function notify(core: Core, ctx: Ctx, a: Extract<Action, { do: 'notify' }>): void {
  core.emit(ctx, 'admin.notify', undefined, { text: core.text(ctx, a.text) });
}
