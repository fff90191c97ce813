import type { Target } from '../../ir/schema.js';
import type { Core } from '../core.js';
import type { Ctx } from '../context.js';
import type { InputEvent } from '../events.js';
import { dict } from '../../stdlib/dict.js';
import { firstSeen } from './members.js';
import type { CommunityState, MemberState } from '../state.js';

/**
 * Targets (docs/language.md, "Targets"): the member an action names instead of the event's own.
 * `field` reads a member id from the event (`author` of a report or a reaction); `inviter` is the
 * member who invited the event's member. A member the community has never seen is created then
 * (they wrote the message reported), without join semantics; one who left or was removed gets
 * nothing, as the event's own member would not. Undefined: the action does not run.
 */
export function resolveTarget(core: Core, ctx: Ctx, t: Target): MemberState | undefined {
  const id = 'field' in t ? ctx.event?.payload[t.field] : ctx.member?.invitedBy;
  if (typeof id !== 'string' || id === '') return undefined;
  const c = ctx.community;
  let m = c.members[id];
  if (!m) {
    m = firstSeen(c, id, ctx.now);
    core.touch(c, id);
  }
  return m.present ? m : undefined;
}

/**
 * Who invited whom, before the event's rules run: a join's `invitedBy`, and the `invitee` of an
 * `invite.accepted` (whose member is the inviter), kept for the invitee until they are a member.
 * The first inviter recorded stays: an invitee who leaves and rejoins through another link still
 * counts for the one who brought them.
 */
export function recordInviter(c: CommunityState, ev: InputEvent, m: MemberState): void {
  if (ev.type === 'member.joined') {
    const pending = c.inviters?.[m.id];
    if (pending !== undefined) {
      m.invitedBy ??= pending;
      // eslint-disable-next-line @typescript-eslint/no-dynamic-delete -- inviters is a dict keyed by member id
      delete c.inviters![m.id];
    }
    const by = ev.payload['invitedBy'];
    if (typeof by === 'string' && by !== '' && by !== m.id) m.invitedBy ??= by;
  } else if (ev.type === 'invite.accepted') {
    const invitee = ev.payload['invitee'];
    if (typeof invitee !== 'string' || invitee === '' || invitee === m.id) return;
    const who = c.members[invitee];
    if (who) who.invitedBy ??= m.id;
    else if ((c.inviters ??= dict())[invitee] === undefined) c.inviters[invitee] = m.id;
  }
}
