/**
 * XMPP multi-user chat (XEP-0045) for the bot, over @xmpp/client: the bot's account joins
 * each room, the room's presences and messages become events (src/bots/xmpp-room.ts), and
 * actions become stanzas (src/bots/xmpp-actions.ts, src/bots/xmpp-stanzas.ts). Moderation needs the bot to be a
 * moderator of the room (owner or admin affiliation); see docs/bots.md.
 *
 * Every action waits for the server's answer where there is one (an iq result or error, the
 * room echoing a groupchat message back), so `done` means the server did it.
 */
import { randomUUID } from 'node:crypto';
import { client, type Client, type XmlElement, type XmppError } from '@xmpp/client';
import type { OutputAction } from '../runtime/runtime.js';
import type { ActionOutcome, AdapterEvents, Capabilities, ChatAdapter, RemoveMode, RoomBinding, UndoRecord } from './adapter.js';
import { XmppActions } from './xmpp-actions.js';
import { archives, canModerate, describeDiscovery, discover } from './xmpp-disco.js';
import { explain, joinRefusal } from './xmpp-errors.js';
import { MucRoom, type RoomSignal, type RoomUpdate } from './xmpp-room.js';
import { STATUS, bareJid, describeError, isBareUserJid, joinPresence, leavePresence, readMessage, readPresence } from './xmpp-stanzas.js';

export { UNMUTE } from './xmpp-actions.js';

export interface XmppAdapterOptions {
  /** `xmpp://host[:port]` (STARTTLS), `xmpps://host[:port]` (direct TLS), `ws://`/`wss://`. */
  service: string;
  /** The account's domain when the service's host is not it. */
  domain?: string;
  /** The bot's account, a bare JID. */
  jid: string;
  password: string;
  /** The bot's nick in every room. */
  nick: string;
  rooms: RoomBinding[];
  /** Accounts that get admin.notify as chat messages. */
  admins: string[];
  removeMode: RemoveMode;
  /** Authenticate over an unencrypted connection (a loopback test server without TLS). */
  allowPlaintext?: boolean;
  /** How long to wait for a room, an iq answer or the echo of a message (ms). */
  replyTimeoutMs?: number;
  /** Give up (fatal) when reconnecting has not succeeded for this long (ms). */
  giveUpAfterMs?: number;
  /** Wait between reconnection attempts (ms). */
  reconnectDelayMs?: number;
}

export class XmppAdapter implements ChatAdapter {
  readonly platform = 'xmpp';
  readonly capabilities: Capabilities;
  private readonly options: Required<Omit<XmppAdapterOptions, 'domain'>> & { domain: string };
  private readonly rooms = new Map<string, MucRoom>();
  private readonly byCommunity = new Map<string, MucRoom>();
  private xmpp: Client | undefined;
  private events: AdapterEvents | undefined;
  private started = false;
  private stopping = false;
  private failed = false;
  private serialCounter = 0;
  /** Rooms being joined: the room key -> what to do with its answer. */
  private joining = new Map<string, (signal: RoomSignal) => void>();
  /** Groupchat messages we sent, waiting for the room's echo: stanza id -> settle. */
  private echoes = new Map<string, (outcome: ActionOutcome) => void>();
  private giveUpTimer: NodeJS.Timeout | undefined;
  private readonly actions: XmppActions;

  constructor(options: XmppAdapterOptions) {
    const problems: string[] = [];
    if (!isBareUserJid(options.jid)) problems.push(`the bot account ${JSON.stringify(options.jid)} is not a bare JID like bot@example.org`);
    if (!options.nick.trim()) problems.push('the nick is empty');
    if (options.rooms.length === 0) problems.push('no room to join');
    for (const r of options.rooms)
      if (!isBareUserJid(r.room)) problems.push(`room ${JSON.stringify(r.room)} is not a bare JID like room@conference.example.org`);
    for (const a of options.admins) if (!/^([^@/\s]+@)?[^@/\s]+(\/.+)?$/.test(a)) problems.push(`admin ${JSON.stringify(a)} is not a JID`);
    const communities = new Set<string>();
    for (const r of options.rooms) {
      if (communities.has(r.community)) problems.push(`community ${r.community} is bound to two rooms`);
      communities.add(r.community);
    }
    if (problems.length) throw new Error(`XMPP adapter: ${problems.join('; ')}`);
    this.options = {
      ...options,
      domain: options.domain ?? options.jid.slice(options.jid.indexOf('@') + 1),
      allowPlaintext: options.allowPlaintext ?? false,
      replyTimeoutMs: options.replyTimeoutMs ?? 15_000,
      giveUpAfterMs: options.giveUpAfterMs ?? 5 * 60_000,
      reconnectDelayMs: options.reconnectDelayMs ?? 1000,
    };
    const ctx = { now: () => Date.now(), serial: () => ++this.serialCounter, localId: () => randomUUID(), ownJid: options.jid };
    for (const binding of options.rooms) {
      const room = new MucRoom(binding, options.nick, ctx);
      this.rooms.set(roomKey(binding.room), room);
      this.byCommunity.set(binding.community, room);
    }
    this.capabilities = {
      messageIds: 'server',
      deleteMessage: true,
      mute: true,
      muteEnds: 'bot',
      muteSurvivesRejoin: false,
      kick: true,
      ban: true,
      privateMessage: true,
      adminNotify: options.admins.length > 0,
      pin: false,
      joinRequests: false,
      events: ['member.joined', 'member.left', 'message.posted', 'role.granted', 'role.revoked'],
    };
    this.actions = new XmppActions({
      client: () => this.xmpp,
      options: this.options,
      byCommunity: this.byCommunity,
      echoes: this.echoes,
      log: (line) => {
        this.log(line);
      },
    });
  }

  // ------------------------------------------------------------------------------- connection

  async start(events: AdapterEvents): Promise<void> {
    if (this.xmpp) throw new Error('XMPP adapter: already started');
    this.events = events;
    const { service, domain, jid, password, allowPlaintext } = this.options;
    const username = jid.slice(0, jid.indexOf('@'));
    const xmpp = client({
      service,
      domain,
      timeout: this.options.replyTimeoutMs,
      credentials: async (authenticate, mechanisms, _fast, entity) => {
        const secure = entity.isSecure();
        if (!secure && !allowPlaintext) {
          throw new Error(
            `the connection to ${service} is not encrypted (the server offered no STARTTLS, or the URL is ws://); refusing to log in (allowPlaintext is for a test server on loopback only)`,
          );
        }
        // Without encryption never PLAIN: SCRAM does not send the password itself.
        const mechanism = secure ? mechanisms[0] : mechanisms.find((m) => m !== 'PLAIN');
        if (!mechanism) throw new Error(`the server offers no login method usable without encryption (offered: ${mechanisms.join(', ') || 'none'})`);
        await authenticate({ username, password }, mechanism);
      },
    });
    this.xmpp = xmpp;
    xmpp.reconnect.delay = this.options.reconnectDelayMs;
    xmpp.on('stanza', (stanza) => {
      this.onStanza(stanza);
    });
    xmpp.on('error', (e) => {
      this.onClientError(e);
    });
    xmpp.on('status', (status) => {
      if (status === 'disconnect' && !this.stopping && this.started) this.onConnectionLost();
    });
    xmpp.on('online', () => {
      if (!this.started) return;
      this.clearGiveUp();
      this.log(`connected again to ${service}; joining the rooms again`);
      this.joinAll().then(
        () => this.restoreMutes(),
        (e: unknown) => {
          this.fail((e as Error).message);
        },
      );
    });

    try {
      await xmpp.start();
      if (!xmpp.isSecure()) this.log(`connected to ${service} without encryption (allowPlaintext)`);
      await this.joinAll();
      await this.discoverCapabilities();
    } catch (e) {
      await this.shutDown();
      this.xmpp = undefined;
      throw new Error(`XMPP: ${service} as ${jid}: ${explain(e)}`, { cause: e });
    }
    this.started = true;
    this.log(`joined ${this.options.rooms.map((r) => r.room).join(', ')} as ${this.options.nick}`);
  }

  async stop(): Promise<void> {
    if (!this.xmpp) return;
    this.stopping = true;
    this.clearGiveUp();
    const xmpp = this.xmpp;
    if (xmpp.status === 'online') {
      for (const room of this.rooms.values()) {
        if (room.state === 'joined') await xmpp.send(leavePresence(room.room, room.nick)).catch(() => {});
      }
    }
    await this.shutDown();
    for (const settle of this.echoes.values()) settle({ status: 'failed', reason: 'the adapter stopped before the room answered' });
    this.echoes.clear();
  }

  private async shutDown(): Promise<void> {
    const xmpp = this.xmpp;
    if (!xmpp) return;
    this.stopping = true;
    xmpp.reconnect.stop();
    try {
      await xmpp.stop();
    } catch {
      // Already gone: nothing left to close.
    }
  }

  /** What the rooms can do (xmpp-disco.ts): a room without moderation gets deletions as unsupported. */
  private async discoverCapabilities(): Promise<void> {
    const rooms = [...this.rooms.values()];
    const found = await discover(
      this.xmpp!,
      this.options.domain,
      rooms.map((r) => r.room),
      this.options.replyTimeoutMs,
    );
    for (const room of rooms) room.features = found.rooms.get(room.room);
    this.capabilities.deleteMessage = rooms.every((r) => canModerate(r.features) !== false);
    if (rooms.every((r) => archives(r.features) === false)) this.capabilities.messageIds = 'adapter';
    this.capabilities.discovered = describeDiscovery(found);
  }

  /** Join every room; resolves when each has sent our self-presence, rejects on the first refusal. */
  private async joinAll(): Promise<void> {
    await Promise.all([...this.rooms.values()].map((room) => this.join(room)));
  }

  private join(room: MucRoom): Promise<void> {
    const xmpp = this.xmpp!;
    const key = roomKey(room.room);
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        settle({ kind: 'timeout' });
      }, this.options.replyTimeoutMs);
      const settle = (signal: RoomSignal | { kind: 'timeout' } | { kind: 'unsent'; why: string }) => {
        clearTimeout(timer);
        this.joining.delete(key);
        if (signal.kind === 'joined') resolve();
        else if (signal.kind === 'refused') reject(new Error(`room ${room.room}: ${joinRefusal(signal.error, room.nick)}`));
        else if (signal.kind === 'removed') reject(new Error(`room ${room.room}: removed while joining (status ${signal.codes.join(', ')})`));
        else if (signal.kind === 'unsent') reject(new Error(`room ${room.room}: could not send the join: ${signal.why}`));
        else reject(new Error(`room ${room.room}: no answer within ${this.options.replyTimeoutMs} ms`));
      };
      this.joining.set(key, settle);
      room.beginJoin();
      xmpp.send(joinPresence(room.room, room.nick)).catch((e: unknown) => {
        settle({ kind: 'unsent', why: (e as Error).message });
      });
    });
  }

  private onConnectionLost(): void {
    if (this.giveUpTimer || this.failed) return;
    this.log(`lost the connection to ${this.options.service}; reconnecting`);
    this.giveUpTimer = setTimeout(() => {
      this.giveUpTimer = undefined;
      if (this.xmpp?.status !== 'online') this.fail(`could not reconnect to ${this.options.service} for ${Math.round(this.options.giveUpAfterMs / 1000)} s`);
    }, this.options.giveUpAfterMs);
  }

  private clearGiveUp(): void {
    if (this.giveUpTimer) clearTimeout(this.giveUpTimer);
    this.giveUpTimer = undefined;
  }

  private onClientError(e: Error): void {
    const condition = (e as Partial<XmppError>).condition;
    if (this.started && !this.stopping && e.name === 'SASLError') {
      this.fail(`the server refused the login (${condition ?? e.message})`);
      return;
    }
    if (!this.stopping) this.log(`connection: ${explain(e)}`);
  }

  /** Give up for good: tell the bot once, stop reconnecting. */
  private fail(reason: string): void {
    if (this.failed || this.stopping) return;
    this.failed = true;
    this.clearGiveUp();
    this.events?.fatal(reason);
    void this.shutDown();
  }

  private log(line: string): void {
    this.events?.log(line);
  }

  // ------------------------------------------------------------------------------- stanzas in

  private onStanza(stanza: XmlElement): void {
    try {
      if (stanza.name === 'presence') this.onPresence(stanza);
      else if (stanza.name === 'message') this.onMessage(stanza);
    } catch (e) {
      // A stanza the mapping chokes on is the room's business, not a reason to drop the bot.
      this.log(`ignored a stanza that could not be read (${(e as Error).message}): ${stanza.toString().slice(0, 300)}`);
    }
  }

  private onPresence(stanza: XmlElement): void {
    const info = readPresence(stanza);
    if (info.kind === 'other') return;
    const room = this.rooms.get(roomKey(info.room));
    if (!room) return;
    this.apply(room, room.presence(info));
  }

  private onMessage(stanza: XmlElement): void {
    const info = readMessage(stanza);
    if (info.kind === 'other') return;
    const id = stanza.attrs['id'];
    const echo = id !== undefined ? this.echoes.get(id) : undefined;
    if (info.kind === 'error') {
      if (echo && this.rooms.has(roomKey(info.from))) {
        echo({ status: 'failed', reason: describeError(info.error) });
        return;
      }
      this.log(`a message to ${info.from} was refused: ${describeError(info.error)}`);
      return;
    }
    if (info.kind === 'direct') {
      if (info.body) this.log(`ignored a private message from ${info.from}`);
      return;
    }
    const room = this.rooms.get(roomKey(info.room));
    if (!room) return;
    if (echo && info.nick === room.nick) {
      echo({ status: 'done', ...(info.stanzaId ? { detail: `stanza-id ${info.stanzaId}` } : {}) });
      return;
    }
    this.apply(room, room.message(info));
  }

  private apply(room: MucRoom, update: RoomUpdate): void {
    for (const line of update.logs) this.log(line);
    for (const e of update.events) {
      this.events?.event(e);
      if (e.type === 'member.joined' && e.member !== undefined) void this.actions.onJoined(room, e.member);
    }
    for (const signal of update.signals) {
      const waiting = this.joining.get(roomKey(room.room));
      if (waiting) {
        waiting(signal);
        continue;
      }
      if (signal.kind === 'removed') this.onRemovedFromRoom(room, signal.codes, signal.reason);
      else if (signal.kind === 'refused') this.fail(`room ${room.room}: ${joinRefusal(signal.error, room.nick)}`);
    }
  }

  /** Kicked: come back. Banned, or the room is gone: nothing the bot can do there. */
  private onRemovedFromRoom(room: MucRoom, codes: number[], reason: string | undefined): void {
    if (this.stopping) return; // our own leave presence on the way out
    const why = reason ? `: ${reason}` : '';
    if (codes.includes(STATUS.banned)) {
      this.fail(`the bot was banned from ${room.room}${why}`);
      return;
    }
    if (!codes.includes(STATUS.kicked)) {
      this.log(`${room.room} removed the bot (status ${codes.join(', ') || 'none'})${why}; joining again`);
    } else this.log(`the bot was kicked from ${room.room}${why}; joining again`);
    if (this.xmpp?.status !== 'online') return;
    this.join(room).then(
      () => this.restoreMutes(),
      (e: unknown) => {
        this.fail((e as Error).message);
      },
    );
  }

  private restoreMutes(): Promise<void> {
    return this.actions.restoreMutes();
  }

  // ------------------------------------------------------------------------------- actions out

  perform(action: OutputAction): Promise<ActionOutcome> {
    return this.actions.perform(action);
  }

  undo(record: UndoRecord): Promise<ActionOutcome> {
    return this.actions.undo(record);
  }
}

function roomKey(room: string): string {
  return bareJid(room).toLowerCase();
}
