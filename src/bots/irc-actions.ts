/**
 * The playbook's actions on IRC (irc.ts carries the connection): each one a command to the bound
 * channel, confirmed by the server's echo where IRC gives one. docs/bots.md has the table:
 * - message.send: PRIVMSG to the channel, or to the member's current nick when `to` is given.
 * - admin.notify: NOTICE to each configured admin nick.
 * - member.remove: KICK; with removeMode 'ban' a `*!*@host` ban first.
 * - member.mute: the mute extban (`+b m:*!*@host`, InspIRCd's m_muteban), as a timed ban
 *   (TBAN, m_timedbans) that the server lifts itself when the server has TBAN, else a plain
 *   ban the bot lifts at `until` through `undo`.
 * - message.delete: unsupported (IRC servers here have no message redaction).
 */
import type { OutputAction } from '../runtime/runtime.js';
import type { ActionOutcome, RemoveMode, UndoRecord } from './adapter.js';
import { performPlatformAction } from './irc-platform-actions.js';
import { QueueClosedError, type SendQueue } from './irc-send-queue.js';
import type { IrcRequests, Reply } from './irc-requests.js';
import type { Room } from './irc-room.js';
import { muteUnsupported, parseModeChanges } from './irc-server-info.js';
import type { IrcLine, IrcTracker } from './irc-state.js';
import { banMask, isoDurationSeconds, splitText, textBudget } from './irc-text.js';

/** What the actions need of the adapter: its channel state, its queue and requests, its settings. */
export interface IrcActionContext {
  readonly tracker: IrcTracker;
  readonly queue: SendQueue;
  readonly requests: IrcRequests;
  readonly options: { readonly admins: string[]; readonly removeMode: RemoveMode };
  /** True while the connection is registered. */
  connected(): boolean;
  /** Whether the server has TBAN (found when the bot sets up). */
  hasTimedBans(): boolean;
}

export class IrcActions {
  constructor(private readonly context: IrcActionContext) {}

  get tracker(): IrcTracker {
    return this.context.tracker;
  }

  private get queue(): SendQueue {
    return this.context.queue;
  }

  private get options(): IrcActionContext['options'] {
    return this.context.options;
  }

  private get connected(): boolean {
    return this.context.connected();
  }

  get hasTimedBans(): boolean {
    return this.context.hasTimedBans();
  }

  request(lines: string[], match: (line: IrcLine) => Reply | undefined): Promise<Reply> {
    return this.context.requests.request(lines, match);
  }

  async perform(action: OutputAction): Promise<ActionOutcome> {
    try {
      switch (action.type) {
        case 'message.send':
          return await this.send(action);
        case 'admin.notify':
          return await this.notifyAdmins(textOf(action));
        case 'member.remove':
          return await this.remove(action);
        case 'member.mute':
          return await this.mute(action);
        case 'message.delete':
          return { status: 'unsupported', reason: 'IRC cannot delete a message: once sent it is on every client (the server offers no message redaction)' };
        default:
          return (await performPlatformAction(this, action)) ?? { status: 'unsupported', reason: `${action.type} is not something an IRC channel can do` };
      }
    } catch (e) {
      return { status: 'failed', reason: e instanceof QueueClosedError ? `not sent: ${e.message}` : (e as Error).message };
    }
  }

  async undo(record: UndoRecord): Promise<ActionOutcome> {
    if ((record.kind !== 'unmute' && record.kind !== 'unban') || typeof record['mask'] !== 'string')
      return { status: 'unsupported', reason: `the IRC adapter cannot undo ${JSON.stringify(record.kind)}` };
    const channel = typeof record['channel'] === 'string' ? record['channel'] : undefined;
    const room = (channel ? this.tracker.room(channel) : undefined) ?? this.tracker.roomsOf(record.community)[0];
    if (!room) return { status: 'skipped', reason: `community ${record.community} has no IRC channel here` };
    try {
      const notIn = this.notReady(room);
      if (notIn) return notIn;
      return await this.setBan(room, false, record['mask']);
    } catch (e) {
      return { status: 'failed', reason: (e as Error).message };
    }
  }

  /** Why an action in this channel cannot happen now, if it cannot. */
  notReady(room: Room): ActionOutcome | undefined {
    if (!this.connected) return { status: 'failed', reason: 'not connected to the IRC server' };
    if (room.state !== 'in' && room.state !== 'who') return { status: 'failed', reason: `the bot is not in ${room.binding.room}` };
    return undefined;
  }

  /** The channel an action is for: its `channel` when the community has several, else the community's channel. */
  roomFor(action: OutputAction): Room | ActionOutcome {
    const rooms = this.tracker.roomsOf(action.community);
    if (rooms.length === 0) return { status: 'skipped', reason: `community ${action.community} has no IRC channel here` };
    const wanted = action['channel'];
    if (typeof wanted === 'string' && wanted !== '') {
      const room = rooms.find(
        (r) => this.tracker.fold(r.binding.room) === this.tracker.fold(wanted) || this.tracker.fold(r.binding.room) === this.tracker.fold(`#${wanted}`),
      );
      if (!room) return { status: 'skipped', reason: `channel ${wanted} is not one of community ${action.community}'s IRC channels` };
      return room;
    }
    return rooms[0]!;
  }

  private source(): { nick: string; user: string; host: string } {
    const info = this.tracker.info;
    // Parts not yet seen count at their longest (the ident may get a `~`), so a line never ends up too long.
    return {
      nick: this.tracker.ownNick,
      user: this.tracker.ownUser ?? 'x'.repeat(info.userlen + 1),
      host: this.tracker.ownHost ?? 'x'.repeat(info.hostlen),
    };
  }

  async sendText(command: 'PRIVMSG' | 'NOTICE', target: string, text: string): Promise<number> {
    const pieces = splitText(text, textBudget(this.source(), command, target));
    // Queued together, so the lines of one message are never interleaved with another's.
    await Promise.all(pieces.map((piece) => this.queue.send(`${command} ${target} :${piece}`)));
    return pieces.length;
  }

  private async send(action: OutputAction): Promise<ActionOutcome> {
    const room = this.roomFor(action);
    if (!('binding' in room)) return room;
    const notIn = this.notReady(room);
    if (notIn) return notIn;
    const text = textOf(action);
    const to = action['to'];
    let target = room.binding.room;
    if (typeof to === 'string' && to !== '') {
      const found = this.tracker.findMember(room, to);
      if (!found?.present) return { status: 'skipped', reason: `member ${to} is not in ${room.binding.room}, so the bot does not know their nick` };
      target = found.member.nick;
    }
    const lines = await this.sendText('PRIVMSG', target, text);
    if (lines === 0) return { status: 'skipped', reason: 'the message is empty' };
    return { status: 'done', detail: `${lines} line${lines === 1 ? '' : 's'} to ${target}` };
  }

  private async notifyAdmins(text: string): Promise<ActionOutcome> {
    const admins = this.options.admins;
    if (admins.length === 0) return { status: 'unsupported', reason: 'no admin nicks are configured (--admin NICK)' };
    if (!this.connected) return { status: 'failed', reason: 'not connected to the IRC server' };
    let lines = 0;
    for (const admin of admins) lines += await this.sendText('NOTICE', admin, text);
    if (lines === 0) return { status: 'skipped', reason: 'the message is empty' };
    return { status: 'done', detail: `NOTICE to ${admins.join(', ')}` };
  }

  /** The channel and member an action is about, or why it cannot be carried out now. */
  targetOf(action: OutputAction): { room: Room; found: { member: { id: string; nick: string; host?: string | undefined }; present: boolean } } | ActionOutcome {
    const room = this.roomFor(action);
    if (!('binding' in room)) return room;
    const notIn = this.notReady(room);
    if (notIn) return notIn;
    const found = this.memberFor(action, room);
    if ('status' in found) return found;
    return { room, found };
  }

  private memberFor(action: OutputAction, room: Room): { member: { id: string; nick: string; host?: string | undefined }; present: boolean } | ActionOutcome {
    const id = action.member;
    if (!id) return { status: 'failed', reason: `${action.type} names no member` };
    return this.tracker.findMember(room, id) ?? { status: 'skipped', reason: `member ${id} has not been seen in ${room.binding.room}` };
  }

  sameChannel(room: Room, c: string | undefined): boolean {
    return c !== undefined && this.tracker.fold(c) === this.tracker.fold(room.binding.room);
  }

  /** A refusal about this channel: not op (482), not on it (442), no such channel (403)... */
  refusal(room: Room, l: IrcLine, codes: string[]): Reply | undefined {
    if (codes.includes(l.command) && this.sameChannel(room, l.params[1])) return { status: 'failed', reason: `${l.params.at(-1) ?? 'refused'} (${l.command})` };
    return undefined;
  }

  /** Sets or lifts a ban (also the mute extban) and waits for the MODE echo. */
  setBan(room: Room, add: boolean, mask: string): Promise<Reply> {
    const sign = add ? '+' : '-';
    const fold = (s: string | undefined) => (s === undefined ? undefined : this.tracker.fold(s));
    return this.request([`MODE ${room.binding.room} ${sign}b ${mask}`], (l) => {
      if (l.command === 'MODE' && this.sameChannel(room, l.params[0])) {
        const changes = parseModeChanges(this.tracker.info, l.params[1] ?? '', l.params.slice(2));
        if (changes.some((c) => c.mode === 'b' && c.add === add && fold(c.param) === fold(mask)))
          return { status: 'done', detail: `MODE ${room.binding.room} ${sign}b ${mask}` };
      }
      // 697 ERR_LISTMODEALREADYSET / 698 ERR_LISTMODENOTSET (InspIRCd)
      if (l.command === '697' && add && this.sameChannel(room, l.params[1]))
        return { status: 'done', detail: `${mask} was already banned in ${room.binding.room}` };
      if (l.command === '698' && !add && this.sameChannel(room, l.params[1]))
        return { status: 'skipped', reason: `${mask} is no longer banned in ${room.binding.room}` };
      return this.refusal(room, l, ['482', '442', '403', '478', '472', '696']);
    });
  }

  timedBan(room: Room, seconds: number, mask: string): Promise<Reply> {
    const fold = (s: string | undefined) => (s === undefined ? undefined : this.tracker.fold(s));
    return this.request([`TBAN ${room.binding.room} ${seconds} ${mask}`], (l) => {
      if (l.command === 'MODE' && this.sameChannel(room, l.params[0])) {
        const changes = parseModeChanges(this.tracker.info, l.params[1] ?? '', l.params.slice(2));
        if (changes.some((c) => c.mode === 'b' && c.add && fold(c.param) === fold(mask)))
          return { status: 'done', detail: `TBAN ${room.binding.room} ${seconds} ${mask}` };
      }
      // m_timedbans answers its own errors with a server NOTICE to the bot.
      if (l.command === 'NOTICE' && l.nick === '' && this.tracker.isOwn(l.params[0] ?? '')) {
        const text = l.params[1] ?? '';
        if (/already/i.test(text)) return { status: 'done', detail: `${mask} was already banned in ${room.binding.room}` };
        return { status: 'failed', reason: text };
      }
      if ((l.command === '461' || l.command === '421') && l.params[1]?.toUpperCase() === 'TBAN')
        return { status: 'failed', reason: `${l.params.at(-1) ?? ''} (${l.command})` };
      return this.refusal(room, l, ['482', '442', '403', '478', '472', '696']);
    });
  }

  kick(room: Room, nick: string, reason: string): Promise<Reply> {
    const fold = (s: string | undefined) => (s === undefined ? undefined : this.tracker.fold(s));
    const kickLine = `KICK ${room.binding.room} ${nick}${reason ? ` :${reason.replace(/[\r\n]+/g, ' ')}` : ''}`;
    return this.request([kickLine], (l) => {
      if (l.command === 'KICK' && this.sameChannel(room, l.params[0]) && fold(l.params[1]) === fold(nick))
        return { status: 'done', detail: `KICK ${room.binding.room} ${nick}` };
      if (l.command === '441' && fold(l.params[1]) === fold(nick)) return { status: 'skipped', reason: `${nick} is not in ${room.binding.room}` };
      if (l.command === '401' && fold(l.params[1]) === fold(nick)) return { status: 'skipped', reason: `${nick} is no longer on the server` };
      return this.refusal(room, l, ['482', '442', '403']);
    });
  }

  private async remove(action: OutputAction): Promise<ActionOutcome> {
    const target = this.targetOf(action);
    if ('status' in target) return target;
    const { room, found } = target;
    const { member, present } = found;
    const details: string[] = [];
    if (this.options.removeMode === 'ban') {
      const ban = await this.setBan(room, true, banMask(member));
      if (ban.status !== 'done') return ban;
      details.push(ban.detail ?? '');
    }
    if (!present) {
      if (this.options.removeMode === 'ban') return { status: 'done', detail: `${details.join('; ')}; ${member.id} had already left` };
      return { status: 'skipped', reason: `${member.id} already left ${room.binding.room}` };
    }
    const reason = typeof action['reason'] === 'string' ? action['reason'] : '';
    const kick = await this.kick(room, member.nick, reason);
    if (kick.status !== 'done') return kick;
    details.push(kick.detail ?? '');
    return { status: 'done', detail: details.join('; ') };
  }

  private async mute(action: OutputAction): Promise<ActionOutcome> {
    const info = this.tracker.info;
    const why = muteUnsupported(info);
    if (why !== undefined || !info.extban) return { status: 'unsupported', reason: why ?? 'this server has no extended bans' };
    const extban = info.extban;
    const target = this.targetOf(action);
    if ('status' in target) return target;
    const { room, found } = target;
    const now = Date.now();
    let until = typeof action['until'] === 'string' ? Date.parse(action['until']) : Number.NaN;
    if (Number.isNaN(until)) {
      const seconds = typeof action['duration'] === 'string' ? isoDurationSeconds(action['duration']) : undefined;
      if (seconds === undefined) return { status: 'failed', reason: 'member.mute has neither a valid until nor a valid duration' };
      until = now + seconds * 1000;
    }
    if (until <= now) return { status: 'skipped', reason: 'the mute has already ended' };
    const mask = `${extban.prefix}m:${banMask(found.member)}`;
    if (this.hasTimedBans) {
      const seconds = Math.ceil((until - now) / 1000);
      const r = await this.timedBan(room, seconds, mask);
      return r.status === 'done' ? { status: 'done', ...(r.detail ? { detail: r.detail } : {}) } : r;
    }
    const r = await this.setBan(room, true, mask);
    if (r.status !== 'done') return r;
    return {
      status: 'done',
      ...(r.detail ? { detail: r.detail } : {}),
      undoAt: until,
      undo: { kind: 'unmute', community: action.community, member: found.member.id, channel: room.binding.room, mask },
    };
  }
}

/** The text of a message.send or admin.notify: the runtime writes a string; no string is no text. */
function textOf(action: OutputAction): string {
  const text = action['text'];
  return typeof text === 'string' ? text : '';
}
