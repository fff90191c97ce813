/**
 * The wave-2 platform actions in an XMPP room (docs/bots.md, "What each platform performs"):
 * - member.ban: the account made an outcast (XEP-0045 9.1), which also takes it out of the room;
 *   a timed ban is lifted by the bot at `until` (affiliation back to none).
 * - member.unmute: every visitor occupant of the member given the participant role back.
 * - message.reply: a groupchat message addressing the author by nick, with an XEP-0461 reply
 *   reference when the message has the room's id (clients without XEP-0461 still see the nick).
 * - role.grant / role.revoke: the roles a room has are its affiliations (owner, admin, member, as
 *   xmpp-room.ts announces them); any other role has no XMPP form and is unsupported.
 * - message.pin, join.approve, join.reject: unsupported (MUC has no pinning, and a members-only
 *   room's join requests are not something a bot answers).
 */
import { xml, type XmlElement } from '@xmpp/client';
import type { OutputAction } from '../runtime/runtime.js';
import type { ActionOutcome, UndoRecord } from './adapter.js';
import type { MucRoom } from './xmpp-room.js';
import { affiliationIq, groupchatMessage, roleIq, type Affiliation } from './xmpp-stanzas.js';

/** The undo record kind of a timed ban. */
export const UNBAN = 'unban';

/** What these actions need of XmppActions. */
export interface XmppPlatformContext {
  iq(stanza: XmlElement): Promise<XmlElement>;
  addressOf(room: MucRoom, member: string): string | undefined;
  /** Sends a groupchat stanza with this id and waits for the room's echo. */
  groupchat(room: MucRoom, stanza: XmlElement, id: string): Promise<ActionOutcome>;
  /** Forgets a mute the adapter would apply again (an unmute ends it early). */
  forgetMute(community: string, member: string): void;
  newId(): string;
}

const AFFILIATION_OF_ROLE: ReadonlyMap<string, Affiliation> = new Map<string, Affiliation>([
  ['owner', 'owner'],
  ['admin', 'admin'],
  ['member', 'member'],
]);

export async function performPlatformAction(ctx: XmppPlatformContext, room: MucRoom, action: OutputAction): Promise<ActionOutcome | undefined> {
  switch (action.type) {
    case 'member.ban':
      return ban(ctx, room, action);
    case 'member.unmute':
      return unmute(ctx, room, action);
    case 'message.reply':
      return reply(ctx, room, action);
    case 'role.grant':
    case 'role.revoke':
      return role(ctx, room, action);
    case 'message.pin':
      return { status: 'unsupported', reason: 'XMPP rooms (XEP-0045) have no pinned messages' };
    case 'join.approve':
    case 'join.reject':
      return { status: 'unsupported', reason: 'an XMPP room has no join requests for a bot to answer (members-only rooms admit by affiliation)' };
    default:
      return undefined;
  }
}

async function ban(ctx: XmppPlatformContext, room: MucRoom, action: OutputAction): Promise<ActionOutcome> {
  const member = action.member;
  if (!member) return { status: 'failed', reason: 'member.ban without member' };
  const jid = ctx.addressOf(room, member);
  if (!jid)
    return {
      status: 'unsupported',
      reason: `${room.room} does not show ${member}'s address, and a ban is on the address (make the bot a moderator or the room non-anonymous)`,
    };
  const reason = typeof action['reason'] === 'string' && action['reason'] !== '' ? action['reason'] : undefined;
  await ctx.iq(affiliationIq(room.room, jid, 'outcast', reason, ctx.newId()));
  const until = typeof action['until'] === 'string' ? Date.parse(action['until']) : Number.NaN;
  if (Number.isNaN(until)) return { status: 'done', detail: `${jid} made an outcast of ${room.room} with no end time` };
  return { status: 'done', detail: `${jid} made an outcast of ${room.room}`, undoAt: until, undo: { kind: UNBAN, community: room.community, member, jid } };
}

/** The end of a timed ban: the outcast's affiliation back to none, so they may enter again. */
export async function unban(ctx: XmppPlatformContext, room: MucRoom, record: UndoRecord): Promise<ActionOutcome> {
  const jid = typeof record['jid'] === 'string' ? record['jid'] : undefined;
  if (!jid) return { status: 'failed', reason: 'the ban record names no address' };
  await ctx.iq(affiliationIq(room.room, jid, 'none', 'the ban has ended', ctx.newId()));
  return { status: 'done', detail: `${jid} no longer an outcast of ${room.room}` };
}

async function unmute(ctx: XmppPlatformContext, room: MucRoom, action: OutputAction): Promise<ActionOutcome> {
  const member = action.member;
  if (!member) return { status: 'failed', reason: 'member.unmute without member' };
  ctx.forgetMute(room.community, member);
  const occupants = room.occupantsOf(member);
  if (occupants.length === 0) return { status: 'skipped', reason: `${member} is not in ${room.room}` };
  const muted = occupants.filter((o) => o.role === 'visitor');
  if (muted.length === 0) return { status: 'skipped', reason: `${member} is not a visitor in ${room.room}` };
  for (const o of muted) await ctx.iq(roleIq(room.room, o.nick, 'participant', 'unmuted', ctx.newId()));
  return { status: 'done', detail: `voice given back to ${muted.map((o) => o.nick).join(', ')}` };
}

async function reply(ctx: XmppPlatformContext, room: MucRoom, action: OutputAction): Promise<ActionOutcome> {
  const text = action['text'];
  if (typeof text !== 'string' || text === '') return { status: 'failed', reason: 'message.reply without text' };
  const messageId = typeof action['messageId'] === 'string' ? action['messageId'] : '';
  const nick = action.member ? room.occupantsOf(action.member)[0]?.nick : undefined;
  const id = ctx.newId();
  const body = nick ? `${nick}: ${text}` : text;
  // XEP-0461 refers to the room's stanza id; an id the adapter made up names nothing there.
  const stanza =
    messageId !== '' && !messageId.startsWith('local:')
      ? xml(
          'message',
          { to: room.room, type: 'groupchat', id },
          xml('body', {}, body),
          xml('reply', { xmlns: 'urn:xmpp:reply:0', id: messageId, ...(nick ? { to: `${room.room}/${nick}` } : {}) }),
        )
      : groupchatMessage(room.room, body, id);
  const outcome = await ctx.groupchat(room, stanza, id);
  return outcome.status === 'done' ? { status: 'done', detail: `reply to ${messageId || 'the message'}${nick ? ` addressed to ${nick}` : ''}` } : outcome;
}

async function role(ctx: XmppPlatformContext, room: MucRoom, action: OutputAction): Promise<ActionOutcome> {
  const name = String(action['role']);
  const affiliation = AFFILIATION_OF_ROLE.get(name);
  if (!affiliation)
    return {
      status: 'unsupported',
      reason: `an XMPP room has no role ${JSON.stringify(name)}: only owner, admin and member (its affiliations) can be granted`,
    };
  const member = action.member;
  if (!member) return { status: 'failed', reason: `${action.type} without member` };
  const jid = ctx.addressOf(room, member);
  if (!jid) return { status: 'unsupported', reason: `${room.room} does not show ${member}'s address, and an affiliation is given to an address` };
  const grant = action.type === 'role.grant';
  await ctx.iq(affiliationIq(room.room, jid, grant ? affiliation : 'none', undefined, ctx.newId()));
  return { status: 'done', detail: `${jid} ${grant ? `made ${affiliation}` : 'affiliation none'} in ${room.room}` };
}
