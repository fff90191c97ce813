import type { Action } from '../../ir/schema.js';
import type { Core } from '../core.js';
import type { Ctx } from '../context.js';

/**
 * Whose message the event is about: its `author` when it has one (a report's, a reaction's: the
 * reporter did not write it, docs/language.md, "Targets"), else the event's member.
 */
export function messageAuthor(ctx: Ctx): string | undefined {
  // Stryker disable next-line OptionalChaining: every caller has read the event's messageId first, so there is an event (docs/testing.md)
  const author = ctx.event?.payload['author'];
  return typeof author === 'string' && author !== '' ? author : ctx.member?.id;
}

/** `delete message`: the event's `messageId`, attributed to its author; nothing when the event has none. */
export function deleteMessage(core: Core, ctx: Ctx, _a: Extract<Action, { do: 'deleteMessage' }>): void {
  const id = ctx.event?.payload['messageId'];
  if (typeof id !== 'string') return;
  const who = messageAuthor(ctx);
  // The literal keeps the hot path (an ad deleted) to one object of a fixed shape.
  if (who !== undefined)
    ctx.out.push({
      at: core.at(ctx.now),
      type: 'message.delete',
      community: ctx.community.id,
      member: who,
      messageId: id,
      cause: ctx.cause,
      source: ctx.source,
    });
  else core.emit(ctx, 'message.delete', undefined, { messageId: id });
}
