import type { Action } from '../../ir/schema.js';
import type { Core } from '../core.js';
import type { Ctx } from '../context.js';
import { messageAuthor } from './delete-message.js';

/** `reply "text"`: an answer to the event's `messageId`; nothing when the event has none. */
export function reply(core: Core, ctx: Ctx, a: Extract<Action, { do: 'reply' }>): void {
  const id = ctx.event?.payload['messageId'];
  if (typeof id === 'string') core.emit(ctx, 'message.reply', messageAuthor(ctx), { messageId: id, text: core.text(ctx, a.text) });
}
