import type { Action } from '../../compiler/ir.js';
import { selectMembers } from '../constructs/members.js';
import type { Core } from '../core.js';
import type { Ctx } from '../context.js';
import { emit, text } from '../output.js';

/** `say … to group|member|admins|channel|members …`: a message, or one per selected member. */
export function say(core: Core, ctx: Ctx, a: Extract<Action, { do: 'say' }>): void {
  const to = a.to;
  switch (to.kind) {
    case 'group':
      emit(core, ctx, 'message.send', undefined, { text: text(core, ctx, a.text) });
      return;
    case 'member':
      if (ctx.member) emit(core, ctx, 'message.send', ctx.member.id, { to: ctx.member.id, text: text(core, ctx, a.text) });
      return;
    case 'admins':
      emit(core, ctx, 'admin.notify', undefined, { text: text(core, ctx, a.text) });
      return;
    case 'channel':
      emit(core, ctx, 'message.send', undefined, { channel: to.channel, text: text(core, ctx, a.text) });
      return;
    case 'members':
      for (const m of selectMembers(core, ctx, to.filter)) {
        const mctx: Ctx = { ...ctx, member: m };
        emit(core, mctx, 'message.send', m.id, { to: m.id, text: text(core, mctx, a.text, m) });
      }
      return;
  }
}
