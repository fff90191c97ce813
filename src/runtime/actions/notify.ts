import type { Action } from '../../compiler/ir.js';
import type { Core } from '../core.js';
import type { Ctx } from '../context.js';
import { emit, text } from '../output.js';

/** `notify admins "…"`. */
export function notify(core: Core, ctx: Ctx, a: Extract<Action, { do: 'notify' }>): void {
  emit(core, ctx, 'admin.notify', undefined, { text: text(core, ctx, a.text) });
}
