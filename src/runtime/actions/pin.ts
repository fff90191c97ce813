import type { Action } from '../../ir/schema.js';
import type { Core } from '../core.js';
import type { Ctx } from '../context.js';
import { messageAuthor } from './delete-message.js';

/** `pin message`: the event's `messageId`; nothing when the event has none. */
export function pin(core: Core, ctx: Ctx, _a: Extract<Action, { do: 'pin' }>): void {
  const id = ctx.event?.payload['messageId'];
  if (typeof id === 'string') core.emit(ctx, 'message.pin', messageAuthor(ctx), { messageId: id });
}
