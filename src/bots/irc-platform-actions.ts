/**
 * The wave-2 platform actions on IRC (docs/bots.md, "What each platform performs"):
 * - member.ban: a `*!*@host` ban and a KICK; a timed ban is a TBAN the server lifts itself
 *   (InspIRCd's m_timedbans), else a plain ban the bot lifts at `until` through `undo`.
 * - member.unmute: the mute extban (`m:*!*@host`) taken off.
 * - message.reply: a channel message addressing the author by nick (`nick: text`).
 * - role.grant / role.revoke: the prefix modes of irc-privileges.ts set or taken off: voice
 *   `+v`, moderator `+h` (where the server has half-operators), admin `+o`. Owner (`+q`) is the
 *   founder's, which a bot that is operator cannot give, and any other role has no IRC form:
 *   unsupported.
 * - message.pin, join.approve, join.reject: unsupported (IRC has neither).
 */
import type { OutputAction } from '../runtime/runtime.js';
import type { ActionOutcome } from './adapter.js';
import type { IrcActions } from './irc-actions.js';
import { muteUnsupported, parseModeChanges } from './irc-server-info.js';
import { banMask } from './irc-text.js';

/** The prefix mode that carries each role a bot can give (irc-privileges.ts maps them back). */
const MODE_OF_ROLE: ReadonlyMap<string, string> = new Map([
  ['voice', 'v'],
  ['moderator', 'h'],
  ['admin', 'o'],
]);

export async function performPlatformAction(irc: IrcActions, action: OutputAction): Promise<ActionOutcome | undefined> {
  switch (action.type) {
    case 'member.ban':
      return ban(irc, action);
    case 'member.unmute':
      return unmute(irc, action);
    case 'message.reply':
      return reply(irc, action);
    case 'role.grant':
    case 'role.revoke':
      return role(irc, action);
    case 'message.pin':
      return { status: 'unsupported', reason: 'IRC channels have no pinned messages' };
    case 'join.approve':
    case 'join.reject':
      return { status: 'unsupported', reason: 'IRC has no join requests for a bot to answer' };
    default:
      return undefined;
  }
}

async function ban(irc: IrcActions, action: OutputAction): Promise<ActionOutcome> {
  const target = irc.targetOf(action);
  if ('status' in target) return target;
  const { room, found } = target;
  const mask = banMask(found.member);
  const now = Date.now();
  const until = typeof action['until'] === 'string' ? Date.parse(action['until']) : Number.NaN;
  const timed = !Number.isNaN(until);
  if (timed && until <= now) return { status: 'skipped', reason: 'the ban has already ended' };
  const details: string[] = [];
  let outcome: ActionOutcome;
  if (timed && irc.hasTimedBans) {
    const r = await irc.timedBan(room, Math.ceil((until - now) / 1000), mask);
    if (r.status !== 'done') return r;
    outcome = { status: 'done' };
    details.push(r.detail ?? '');
  } else {
    const r = await irc.setBan(room, true, mask);
    if (r.status !== 'done') return r;
    details.push(r.detail ?? '');
    outcome = timed
      ? { status: 'done', undoAt: until, undo: { kind: 'unban', community: action.community, member: found.member.id, channel: room.binding.room, mask } }
      : { status: 'done' };
  }
  if (found.present) {
    const reason = typeof action['reason'] === 'string' ? action['reason'] : '';
    const kick = await irc.kick(room, found.member.nick, reason);
    if (kick.status === 'done') details.push(kick.detail ?? '');
    else details.push(`not kicked: ${kick.reason}`);
  }
  return { ...outcome, detail: details.join('; ') };
}

async function unmute(irc: IrcActions, action: OutputAction): Promise<ActionOutcome> {
  const info = irc.tracker.info;
  const why = muteUnsupported(info);
  if (why !== undefined || !info.extban) return { status: 'unsupported', reason: why ?? 'this server has no extended bans' };
  const target = irc.targetOf(action);
  if ('status' in target) return target;
  return irc.setBan(target.room, false, `${info.extban.prefix}m:${banMask(target.found.member)}`);
}

async function reply(irc: IrcActions, action: OutputAction): Promise<ActionOutcome> {
  const text = typeof action['text'] === 'string' ? action['text'] : '';
  const room = irc.roomFor(action);
  if (!('binding' in room)) return room;
  const notIn = irc.notReady(room);
  if (notIn) return notIn;
  const found = action.member ? irc.tracker.findMember(room, action.member) : undefined;
  const nick = found?.present ? found.member.nick : undefined;
  const lines = await irc.sendText('PRIVMSG', room.binding.room, nick ? `${nick}: ${text}` : text);
  if (lines === 0) return { status: 'skipped', reason: 'the reply is empty' };
  return { status: 'done', detail: `reply in ${room.binding.room}${nick ? ` addressed to ${nick}` : ''}` };
}

async function role(irc: IrcActions, action: OutputAction): Promise<ActionOutcome> {
  const name = String(action['role']);
  const mode = MODE_OF_ROLE.get(name);
  const info = irc.tracker.info;
  if (!mode || !info.prefixModes.includes(mode)) {
    const why =
      name === 'owner'
        ? 'the founder mode (+q) is given by services or the founder, not by a channel operator'
        : `the roles an IRC channel has are its prefix modes (PREFIX=(${info.prefixModes})${info.prefixSymbols})`;
    return { status: 'unsupported', reason: `role ${JSON.stringify(name)} has no mode the bot can set here: ${why}` };
  }
  const target = irc.targetOf(action);
  if ('status' in target) return target;
  const { room, found } = target;
  if (!found.present) return { status: 'skipped', reason: `${found.member.id} is not in ${room.binding.room}; a channel mode is given to someone present` };
  const add = action.type === 'role.grant';
  const nick = found.member.nick;
  const line = `MODE ${room.binding.room} ${add ? '+' : '-'}${mode} ${nick}`;
  const fold = (s: string | undefined) => (s === undefined ? undefined : irc.tracker.fold(s));
  return irc.request([line], (l) => {
    if (l.command === 'MODE' && irc.sameChannel(room, l.params[0])) {
      const changes = parseModeChanges(info, l.params[1] ?? '', l.params.slice(2));
      if (changes.some((c) => c.mode === mode && c.add === add && fold(c.param) === fold(nick))) return { status: 'done', detail: line };
    }
    if (l.command === '441' && fold(l.params[1]) === fold(nick)) return { status: 'skipped', reason: `${nick} is not in ${room.binding.room}` };
    return irc.refusal(room, l, ['482', '442', '403', '472']);
  });
}
