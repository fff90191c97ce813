import type { Action } from '../../ir/schema.js';
import type { Core } from '../core.js';
import type { Ctx } from '../context.js';

/** `delete message`: the event's `messageId`; nothing when the event has none. */
export function deleteMessage(core: Core, ctx: Ctx, _a: Extract<Action, { do: 'deleteMessage' }>): void {
  const id = ctx.event?.payload['messageId'];
  if (typeof id !== 'string') return;
  const m = ctx.member;
  // The literal keeps the hot path (an ad deleted) to one object of a fixed shape.
  if (m)
    ctx.out.push({
      at: core.at(ctx.now),
      type: 'message.delete',
      community: ctx.community.id,
      member: m.id,
      messageId: id,
      cause: ctx.cause,
      source: ctx.source,
    });
  else core.emit(ctx, 'message.delete', undefined, { messageId: id });
}
