import type { Action } from '../../ir/schema.js';
import { selectMembers } from '../constructs/members.js';
import type { Core } from '../core.js';
import { actor, type Ctx } from '../context.js';

/** `say … to group|member|admins|channel|members …`: a message, or one per selected member. */
export function say(core: Core, ctx: Ctx, a: Extract<Action, { do: 'say' }>): void {
  const to = a.to;
  switch (to.kind) {
    case 'group':
      core.emit(ctx, 'message.send', undefined, { text: core.text(ctx, a.text) });
      return;
    case 'member': {
      const m = actor(ctx);
      if (m) core.emit(ctx, 'message.send', m.id, { to: m.id, text: core.text(ctx, a.text) });
      return;
    }
    case 'admins':
      core.emit(ctx, 'admin.notify', undefined, { text: core.text(ctx, a.text) });
      return;
    case 'channel':
      core.emit(ctx, 'message.send', undefined, { channel: to.channel, text: core.text(ctx, a.text) });
      return;
    case 'members':
      for (const m of selectMembers(core, ctx, to.filter)) {
        const mctx: Ctx = { ...ctx, member: m };
        core.emit(mctx, 'message.send', m.id, { to: m.id, text: core.text(mctx, a.text, m) });
      }
      return;
  }
}
