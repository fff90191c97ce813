import type { Action } from '../../ir/schema.js';
import type { Core } from '../core.js';
import { actor, type Ctx } from '../context.js';

/** `unmute member`: the platform lifts a mute early; the runtime keeps no mute state (mute.ts). */
export function unmute(core: Core, ctx: Ctx, _a: Extract<Action, { do: 'unmute' }>): void {
  const m = actor(ctx);
  if (m) core.emit(ctx, 'member.unmute', m.id);
}
