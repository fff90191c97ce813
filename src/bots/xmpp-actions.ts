/**
 * The playbook's actions in XMPP rooms (xmpp.ts carries the connection and the stanzas coming
 * in): each one a stanza to the room, waiting for the server's answer where there is one (an iq
 * result or error, the room echoing a groupchat message back), so `done` means the server did it.
 * Also the mutes the bot has applied, which it applies again after joining a room again.
 */
import { randomUUID } from 'node:crypto';
import type { Client, XmlElement } from '@xmpp/client';
import type { OutputAction } from '../runtime/runtime.js';
import type { ActionOutcome, RemoveMode, UndoRecord } from './adapter.js';
import { canModerate, noModerationReason } from './xmpp-disco.js';
import { explain } from './xmpp-errors.js';
import type { MucRoom } from './xmpp-room.js';
import { performPlatformAction, UNBAN, unban, type XmppPlatformContext } from './xmpp-platform-actions.js';
import { affiliationIq, chatMessage, groupchatMessage, isBareUserJid, moderateIq, roleIq } from './xmpp-stanzas.js';

/** What the adapter does with a `member.mute` that it is asked to undo. */
export const UNMUTE = 'unmute';

/** What the actions need of the adapter: its client, its rooms, its settings, its log. */
export interface XmppActionContext {
  /** The client, once started. */
  client(): Client | undefined;
  readonly options: { readonly service: string; readonly admins: string[]; readonly removeMode: RemoveMode; readonly replyTimeoutMs: number };
  readonly byCommunity: Map<string, MucRoom>;
  /** Groupchat messages we sent, waiting for the room's echo (the adapter sees it come in): stanza id -> settle. */
  readonly echoes: Map<string, (outcome: ActionOutcome) => void>;
  log(line: string): void;
}

export class XmppActions {
  /**
   * Mutes this adapter applied and has not undone: `community\0member` -> until (ms). A member
   * who left and came back while the bot was disconnected has lost the visitor role without
   * the bot seeing a join, so these are applied again after joining again.
   */
  private mutes = new Map<string, number>();
  /**
   * Mutes that ended while the member was away (`community\0member`). A server that keeps a
   * visitor's role across a rejoin (ejabberd does; Prosody resets it) brings them back muted for
   * the life of the room, so the voice is given back when they come back.
   */
  private liftOnReturn = new Set<string>();

  private readonly platform: XmppPlatformContext = {
    iq: (stanza) => this.iq(stanza),
    addressOf: (room, member) => this.addressOf(room, member),
    groupchat: (room, stanza, id) => this.groupchat(room, stanza, id),
    forgetMute: (community, member) => {
      this.mutes.delete(muteKey(community, member));
      this.liftOnReturn.delete(muteKey(community, member));
    },
    newId,
  };

  constructor(private readonly context: XmppActionContext) {}

  private get xmpp(): Client | undefined {
    return this.context.client();
  }

  private get options(): XmppActionContext['options'] {
    return this.context.options;
  }

  private get byCommunity(): Map<string, MucRoom> {
    return this.context.byCommunity;
  }

  private get echoes(): Map<string, (outcome: ActionOutcome) => void> {
    return this.context.echoes;
  }

  private log(line: string): void {
    this.context.log(line);
  }

  /**
   * After joining again: whoever should still be muted and is not is made a visitor again, and
   * a mute that ended while we were away (its undo failed for want of a connection) is lifted.
   */
  async restoreMutes(): Promise<void> {
    const now = Date.now();
    for (const [key, until] of [...this.mutes]) {
      const [community, member] = key.split('\u0000') as [string, string];
      const room = this.byCommunity.get(community);
      if (!room || room.state !== 'joined') continue;
      const ended = until <= now;
      if (ended) this.mutes.delete(key);
      for (const o of room.occupantsOf(member)) {
        if ((o.role === 'visitor') !== ended) continue;
        try {
          await this.iq(roleIq(room.room, o.nick, ended ? 'participant' : 'visitor', ended ? 'the mute has ended' : 'still muted', newId()));
          this.log(
            `${room.room}: ${o.nick} (${member}) ${ended ? 'has their voice back: the mute ended while the bot was away' : `muted again: the mute runs until ${new Date(until).toISOString()}`}`,
          );
        } catch (e) {
          this.log(`${room.room}: could not ${ended ? 'unmute' : 'mute again'} ${o.nick} (${member}): ${explain(e)}`);
        }
      }
    }
  }
  /** A member joined: a mute of theirs that ended while they were away is lifted if the room kept it. */
  async onJoined(room: MucRoom, member: string): Promise<void> {
    if (!this.liftOnReturn.delete(muteKey(room.community, member))) return;
    for (const o of room.occupantsOf(member)) {
      if (o.role !== 'visitor') continue;
      try {
        await this.iq(roleIq(room.room, o.nick, 'participant', 'the mute has ended', newId()));
        this.log(
          `${room.room}: ${o.nick} (${member}) came back a visitor (the room kept the role of a mute that ended while they were away); voice given back`,
        );
      } catch (e) {
        this.log(`${room.room}: could not give ${o.nick} (${member}) the voice back after a mute that ended while they were away: ${explain(e)}`);
      }
    }
  }

  async perform(action: OutputAction): Promise<ActionOutcome> {
    try {
      const room = this.byCommunity.get(action.community);
      if (!room) return { status: 'failed', reason: `community ${action.community} is not bound to an XMPP room` };
      if (action.type === 'admin.notify') return await this.notifyAdmins(room, action);
      const offline = this.notReady(room);
      if (offline) return offline;
      switch (action.type) {
        case 'message.send':
          return await this.send(room, action);
        case 'message.delete':
          return await this.deleteMessage(room, action);
        case 'member.mute':
          return await this.mute(room, action);
        case 'member.remove':
          return await this.remove(room, action);
        default:
          return (
            (await performPlatformAction(this.platform, room, action)) ?? { status: 'unsupported', reason: `${action.type} has no meaning in an XMPP room` }
          );
      }
    } catch (e) {
      return { status: 'failed', reason: explain(e) };
    }
  }

  async undo(record: UndoRecord): Promise<ActionOutcome> {
    try {
      if (record.kind === UNBAN) {
        const room = this.byCommunity.get(record.community);
        if (!room) return { status: 'failed', reason: `community ${record.community} is not bound to an XMPP room` };
        return this.notReady(room) ?? (await unban(this.platform, room, record));
      }
      if (record.kind !== UNMUTE) return { status: 'unsupported', reason: `the XMPP adapter does not know how to undo ${record.kind}` };
      const room = this.byCommunity.get(record.community);
      if (!room) return { status: 'failed', reason: `community ${record.community} is not bound to an XMPP room` };
      const offline = this.notReady(room);
      // The mute stays on the adapter's list, so joining again lifts it.
      if (offline) return { status: 'failed', reason: `${offline.reason}; the voice is given back when the bot is in the room again` };
      const muted = room.occupantsOf(record.member).filter((o) => o.role === 'visitor');
      this.mutes.delete(muteKey(record.community, record.member));
      if (room.occupantsOf(record.member).length === 0) {
        this.liftOnReturn.add(muteKey(record.community, record.member));
        return {
          status: 'skipped',
          reason: `${record.member} is not in ${room.room}; if the room keeps their visitor role (ejabberd does), the bot gives the voice back when they return`,
        };
      }
      if (muted.length === 0) return { status: 'skipped', reason: `${record.member} is no longer a visitor in ${room.room}` };
      for (const o of muted) await this.iq(roleIq(room.room, o.nick, 'participant', 'the mute has ended', newId()));
      return { status: 'done', detail: `voice given back to ${muted.map((o) => o.nick).join(', ')}` };
    } catch (e) {
      return { status: 'failed', reason: explain(e) };
    }
  }

  private notReady(room: MucRoom): { status: 'failed'; reason: string } | undefined {
    if (this.xmpp?.status !== 'online') return { status: 'failed', reason: `not connected to ${this.options.service}` };
    if (room.state !== 'joined') return { status: 'failed', reason: `the bot is not in ${room.room} at the moment` };
    return undefined;
  }

  private async send(room: MucRoom, action: OutputAction): Promise<ActionOutcome> {
    const text = action['text'];
    if (typeof text !== 'string' || text === '') return { status: 'failed', reason: 'message.send without text' };
    const to = action['to'];
    if (typeof to === 'string' && to !== '') {
      const jid = this.addressOf(room, to);
      const occupant = room.occupantsOf(to)[0];
      if (jid) {
        await this.xmpp!.send(chatMessage(jid, text, newId(), false));
        return { status: 'done', detail: `private message to ${jid}` };
      }
      if (occupant) {
        await this.xmpp!.send(chatMessage(`${room.room}/${occupant.nick}`, text, newId(), true));
        return { status: 'done', detail: `private message to ${occupant.nick} through ${room.room}` };
      }
      return { status: 'skipped', reason: `${to} is not in ${room.room} and the room does not show their address` };
    }
    const id = newId();
    return this.groupchat(room, groupchatMessage(room.room, text, id), id);
  }

  /**
   * The room echoes a groupchat message to its sender once it has distributed it, or answers
   * with an error (we are a visitor, the room refused the text).
   */
  private async groupchat(room: MucRoom, stanza: XmlElement, id: string): Promise<ActionOutcome> {
    const answer = new Promise<ActionOutcome>((resolve) => {
      const timer = setTimeout(() => {
        settle({ status: 'failed', reason: `${room.room} did not echo the message within ${this.options.replyTimeoutMs} ms` });
      }, this.options.replyTimeoutMs);
      const settle = (o: ActionOutcome) => {
        clearTimeout(timer);
        this.echoes.delete(id);
        resolve(o);
      };
      this.echoes.set(id, settle);
    });
    try {
      await this.xmpp!.send(stanza);
    } catch (e) {
      this.echoes.get(id)?.({ status: 'failed', reason: explain(e) });
    }
    return answer;
  }

  private async deleteMessage(room: MucRoom, action: OutputAction): Promise<ActionOutcome> {
    const messageId = action['messageId'];
    if (typeof messageId !== 'string' || messageId === '') return { status: 'failed', reason: 'message.delete without messageId' };
    if (messageId.startsWith('local:')) {
      return { status: 'unsupported', reason: `message ${messageId} got its id from the adapter (the room gave none), so the room cannot find it to retract` };
    }
    if (canModerate(room.features) === false) return { status: 'unsupported', reason: noModerationReason(room.room, room.features) };
    const reason = typeof action['reason'] === 'string' ? action['reason'] : undefined;
    await this.iq(moderateIq(room.room, messageId, reason, newId()));
    return { status: 'done', detail: `message ${messageId} retracted by the room` };
  }

  private async mute(room: MucRoom, action: OutputAction): Promise<ActionOutcome> {
    const member = action.member;
    if (!member) return { status: 'failed', reason: 'member.mute without member' };
    const occupants = room.occupantsOf(member);
    if (occupants.length === 0) {
      return { status: 'skipped', reason: `${member} is not in ${room.room}; a mute is a room role, which only occupants have` };
    }
    const reason = typeof action['reason'] === 'string' ? action['reason'] : undefined;
    this.liftOnReturn.delete(muteKey(room.community, member));
    for (const o of occupants) if (o.role !== 'visitor') await this.iq(roleIq(room.room, o.nick, 'visitor', reason, newId()));
    const until = Date.parse(String(action['until']));
    const nicks = occupants.map((o) => o.nick).join(', ');
    if (Number.isNaN(until)) return { status: 'done', detail: `${nicks} made visitor with no end time` };
    this.mutes.set(muteKey(room.community, member), until);
    return { status: 'done', detail: `${nicks} made visitor`, undoAt: until, undo: { kind: UNMUTE, community: room.community, member } };
  }

  private async remove(room: MucRoom, action: OutputAction): Promise<ActionOutcome> {
    const member = action.member;
    if (!member) return { status: 'failed', reason: 'member.remove without member' };
    const reason = typeof action['reason'] === 'string' ? action['reason'] : undefined;
    const occupants = room.occupantsOf(member);
    if (this.options.removeMode === 'ban') {
      const jid = this.addressOf(room, member);
      if (jid) {
        // An outcast is taken out of the room by the server and cannot come back.
        await this.iq(affiliationIq(room.room, jid, 'outcast', reason, newId()));
        return { status: 'done', detail: `${jid} banned from ${room.room}` };
      }
      if (occupants.length === 0) return { status: 'skipped', reason: `${member} is not in ${room.room} and the room does not show their address to ban` };
      for (const o of occupants) await this.iq(roleIq(room.room, o.nick, 'none', reason, newId()));
      const note = `${member} kicked from ${room.room} but not banned: the room does not show their address (the bot needs to be a moderator, or the room non-anonymous)`;
      this.log(note);
      return { status: 'done', detail: note };
    }
    if (occupants.length === 0) return { status: 'skipped', reason: `${member} is not in ${room.room}` };
    for (const o of occupants) await this.iq(roleIq(room.room, o.nick, 'none', reason, newId()));
    return { status: 'done', detail: `${occupants.map((o) => o.nick).join(', ')} kicked from ${room.room}` };
  }

  private async notifyAdmins(room: MucRoom, action: OutputAction): Promise<ActionOutcome> {
    const admins = this.options.admins;
    if (admins.length === 0) return { status: 'unsupported', reason: 'no administrator JIDs are configured for admin.notify' };
    if (this.xmpp?.status !== 'online') return { status: 'failed', reason: `not connected to ${this.options.service}` };
    const text = action['text'];
    if (typeof text !== 'string' || text === '') return { status: 'failed', reason: 'admin.notify without text' };
    for (const admin of admins) await this.xmpp.send(chatMessage(admin, `[${room.room}] ${text}`, newId(), false));
    return { status: 'done', detail: `sent to ${admins.join(', ')}` };
  }

  /** The account behind a member id, when the room lets us know it. */
  private addressOf(room: MucRoom, member: string): string | undefined {
    return room.realJidOf(member) ?? (room.revealsJids && isBareUserJid(member) ? member : undefined);
  }

  /** An iq to the room; resolves on its result, throws the server's error as text. */
  private async iq(stanza: XmlElement): Promise<XmlElement> {
    try {
      return await this.xmpp!.iqCaller.request(stanza, this.options.replyTimeoutMs);
    } catch (e) {
      if ((e as Error).name === 'TimeoutError') throw new Error(`no answer from ${stanza.attrs['to']} within ${this.options.replyTimeoutMs} ms`, { cause: e });
      throw e;
    }
  }
}

function muteKey(community: string, member: string): string {
  return `${community}\u0000${member}`;
}

function newId(): string {
  return `pb-${randomUUID()}`;
}
