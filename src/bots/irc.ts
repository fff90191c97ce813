/**
 * The IRC adapter: one connection (irc-framework for the socket, registration, CAP/SASL,
 * PING and reconnects), the bound channels joined, their lines turned into events
 * (irc-state.ts) and the playbook's actions carried out as commands, each confirmed by the
 * server's echo where IRC gives one (irc-actions.ts; requests and their replies in
 * irc-requests.ts; the probes, OPER and joins after registering in irc-setup.ts). Every line the
 * bot sends goes through a token bucket (irc-send-queue.ts) so a burst of actions never gets it
 * thrown off for flooding.
 */
import { Client, type IrcMessage } from 'irc-framework';
import type { OutputAction } from '../runtime/runtime.js';
import type { ActionOutcome, AdapterEvents, Capabilities, ChatAdapter, RemoveMode, RoomBinding, UndoRecord } from './adapter.js';
import { IrcActions } from './irc-actions.js';
import { IrcRequests } from './irc-requests.js';
import { DEFAULT_SEND_RATE, SendQueue, type SendRate } from './irc-send-queue.js';
import { describeServer, hasMuteExtban, muteUnsupported } from './irc-server-info.js';
import { becomeOperator, joinAll, joinChannel, probeMessageIds, probeTimedBans } from './irc-setup.js';
import { IrcTracker, type IrcLine, type Signal } from './irc-state.js';

export interface IrcAdapterOptions {
  host: string;
  port: number;
  tls: boolean;
  nick: string;
  /** The ident (USER) name; the nick when not given. */
  username?: string | undefined;
  realname?: string | undefined;
  /** Server password (PASS). */
  password?: string | undefined;
  /** SASL PLAIN account. */
  sasl?: { account: string; password: string } | undefined;
  /** Channels (`#channel`) and the community each stands for. */
  rooms: RoomBinding[];
  /** Nicks that receive admin.notify as a NOTICE. */
  admins: string[];
  removeMode: RemoveMode;
  /** OPER after connecting (for servers where the bot needs operator rights). */
  oper?: { name: string; password: string } | undefined;
  /** Outgoing flood control; match it to the server's connect class. */
  sendRate?: SendRate | undefined;
  /** How long to wait for the server to confirm a kick, ban or mute. */
  replyTimeoutMs?: number | undefined;
  /** How long `start` may take before it gives up. */
  startTimeoutMs?: number | undefined;
  /** Reconnect after losing a connection that had been up for a while (irc-framework's rule). */
  reconnect?: boolean | undefined;
  /** Accept a TLS certificate that does not verify (a test server's self-signed one). */
  tlsInsecure?: boolean | undefined;
}

/** Nick retries when the nick is taken: nick_, nick__, nick___. */
const NICK_RETRIES = 3;

export class IrcAdapter implements ChatAdapter {
  readonly platform = 'irc';
  private readonly options: IrcAdapterOptions;
  private readonly tracker: IrcTracker;
  private readonly queue: SendQueue;
  private readonly client: Client;
  private events: AdapterEvents | undefined;
  private readonly requests: IrcRequests;
  private readonly actions: IrcActions;
  private hasTimedBans = false;
  private registered = false;
  private started = false;
  private stopping = false;
  private nickAttempts = 0;
  private lastError: string | undefined;
  private registration: { resolve: () => void; reject: (e: Error) => void } | undefined;

  constructor(options: IrcAdapterOptions) {
    if (options.rooms.length === 0) throw new Error('the IRC adapter needs at least one channel to join');
    for (const r of options.rooms) {
      // eslint-disable-next-line no-control-regex -- BEL (\x07) is one of the characters an IRC channel name may not hold (RFC 2812)
      if (!/^[#&+!][^\s,\x07]+$/.test(r.room)) throw new Error(`${r.room} is not an IRC channel name (it starts with # and has no spaces or commas)`);
    }
    this.options = options;
    this.tracker = new IrcTracker(options.rooms, { nick: options.nick });
    this.client = new Client();
    const connection = this.client.connection;
    const rawWrite = connection.write.bind(connection);
    this.queue = new SendQueue((line) => void rawWrite(line), options.sendRate ?? DEFAULT_SEND_RATE);
    this.requests = new IrcRequests(this.queue, options.replyTimeoutMs ?? 10_000);
    this.actions = new IrcActions({
      tracker: this.tracker,
      queue: this.queue,
      requests: this.requests,
      options,
      connected: () => this.connected,
      hasTimedBans: () => this.hasTimedBans,
    });
    // Every line irc-framework writes (registration, CAP, PING) goes through the same bucket as
    // ours; PONG and QUIT cannot wait behind a backlog, so they go at once but still count.
    connection.write = (data: string, callback?: () => void): boolean => {
      if (/^(PONG|QUIT)\b/i.test(data)) {
        this.queue.spend(data);
        return rawWrite(data, callback);
      }
      this.queue.send(data).then(
        () => callback?.(),
        () => callback?.(),
      );
      return true;
    };
    connection.on('message', (message: IrcMessage) => {
      this.onLine(message);
    });
    connection.on('connecting', () => {
      this.queue.reset('a new connection');
    });
    connection.on('socket close', (err) => {
      this.onSocketClose(err instanceof Error ? err : undefined);
    });
    this.client.on('reconnecting', (info) => {
      this.log(`reconnecting to ${options.host}:${options.port} (attempt ${info.attempt} of ${info.max_retries}, in ${Math.round(info.wait / 1000)} s)`);
    });
    this.client.on('close', () => {
      if (this.stopping) return;
      const reason = `the connection to ${options.host}:${options.port} is closed and reconnecting failed${this.lastError ? ` (${this.lastError})` : ''}`;
      if (this.started) this.events?.fatal(reason);
      this.registration?.reject(new Error(reason));
    });
  }

  get capabilities(): Capabilities {
    const info = this.tracker.info;
    const mute = muteUnsupported(info) === undefined;
    return {
      messageIds: this.tracker.msgidSeen ? 'server' : 'adapter',
      deleteMessage: false,
      mute,
      muteEnds: mute ? (this.hasTimedBans ? 'server' : 'bot') : 'never',
      muteSurvivesRejoin: true,
      kick: true,
      ban: true,
      privateMessage: true,
      adminNotify: this.options.admins.length > 0,
      pin: false,
      joinRequests: false,
      events: ['member.joined', 'member.left', 'message.posted', 'role.granted', 'role.revoked'],
      ...(this.registered || info.version ? { discovered: describeServer(info, { msgids: this.tracker.msgidSeen, timedBans: this.hasTimedBans }) } : {}),
    };
  }

  /** The nick the server knows the bot by now (after nick retries). */
  get nick(): string {
    return this.tracker.ownNick;
  }

  /** True while the connection is registered. */
  get connected(): boolean {
    return this.registered && this.client.connected;
  }

  async start(events: AdapterEvents): Promise<void> {
    this.events = events;
    const o = this.options;
    const timeoutMs = o.startTimeoutMs ?? 30_000;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        reject(
          new Error(
            `could not connect to ${o.host}:${o.port} and join ${o.rooms.map((r) => r.room).join(', ')} within ${timeoutMs / 1000} s${this.lastError ? ` (last server message: ${this.lastError})` : ''}`,
          ),
        );
      }, timeoutMs);
    });
    try {
      const registered = new Promise<void>((resolve, reject) => (this.registration = { resolve, reject }));
      this.client.requestCap(['message-tags', 'server-time', 'userhost-in-names', 'multi-prefix', 'chghost']);
      this.client.connect({
        host: o.host,
        port: o.port,
        tls: o.tls,
        rejectUnauthorized: !o.tlsInsecure,
        nick: o.nick,
        username: o.username ?? o.nick,
        gecos: o.realname ?? 'playbook bot',
        ...(o.password !== undefined ? { password: o.password } : {}),
        // An empty account object stops irc-framework from trying the server password as SASL.
        account: o.sasl ? { account: o.sasl.account, password: o.sasl.password } : {},
        version: null,
        enable_chghost: true,
        auto_reconnect: o.reconnect ?? true,
      });
      await Promise.race([registered, deadline]);
      await Promise.race([this.setUp(), deadline]);
      this.started = true;
    } catch (e) {
      await this.stop();
      throw e;
    } finally {
      clearTimeout(timer);
      this.registration = undefined;
    }
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.queue.drop('the bot is stopping');
    this.failAll('the bot is stopping');
    if (!this.client.connected) {
      // Also cancels a reconnect irc-framework may have scheduled.
      this.client.connection.end();
      return;
    }
    await new Promise<void>((resolve) => {
      const done = setTimeout(resolve, 3000);
      this.client.connection.on('socket close', () => {
        clearTimeout(done);
        resolve();
      });
      this.client.quit('playbook bot stopping');
    });
  }

  perform(action: OutputAction): Promise<ActionOutcome> {
    return this.actions.perform(action);
  }

  undo(record: UndoRecord): Promise<ActionOutcome> {
    return this.actions.undo(record);
  }

  // --- connection ---------------------------------------------------------------------------

  private log(text: string): void {
    // The bot puts the platform in front of every adapter line already.
    this.events?.log(text);
  }

  private onSocketClose(err: NodeJS.ErrnoException | undefined): void {
    if (err) this.lastError = err.message;
    const wasRegistered = this.registered;
    this.registered = false;
    this.tracker.disconnected();
    this.failAll('the connection to the server was lost');
    if (!this.stopping && wasRegistered) this.log(`disconnected from ${this.options.host}:${this.options.port}${this.lastError ? ` (${this.lastError})` : ''}`);
    if (!wasRegistered && this.registration) {
      const where = `${this.options.host}:${this.options.port}`;
      // A refused connection never reached a server: say so, rather than that a server hung up.
      if (err?.code === 'ECONNREFUSED') this.registration.reject(new Error(`connection refused by ${where}: is an IRC server listening there?`));
      else this.registration.reject(new Error(`${where} closed the connection before the bot was registered${this.lastError ? `: ${this.lastError}` : ''}`));
    }
  }

  private onLine(message: IrcMessage): void {
    const line: IrcLine = {
      tags: message.tags,
      nick: message.nick,
      ident: message.ident,
      hostname: message.hostname,
      command: message.command,
      params: message.params,
    };
    try {
      if (line.command === 'ERROR') this.lastError = line.params[0] ?? 'ERROR';
      // The tracker first: on 001 it learns the nick the server gave us, which set-up uses.
      const { events, signals } = this.tracker.handle(line);
      if (!this.registered) this.onRegistrationLine(line);
      for (const s of signals) this.onSignal(s);
      for (const e of events) this.events?.event(e);
      this.requests.offer(line);
    } catch (e) {
      this.log(`could not handle ${line.command} ${line.params.join(' ')}: ${(e as Error).message}`);
    }
  }

  private onRegistrationLine(line: IrcLine): void {
    const fail = (why: string) => this.registration?.reject(new Error(why));
    switch (line.command) {
      case '001':
        this.registered = true;
        this.nickAttempts = 0;
        if (this.started) {
          // irc-framework reconnected: set up again; a channel we cannot rejoin ends the bot.
          this.setUp().then(
            () => {
              this.log('reconnected and rejoined every channel');
            },
            (e: unknown) => {
              this.events?.fatal(`reconnected but could not set up again: ${(e as Error).message}`);
              void this.stop();
            },
          );
        } else {
          this.registration?.resolve();
        }
        break;
      case '433': // ERR_NICKNAMEINUSE
      case '436': {
        if (this.nickAttempts >= NICK_RETRIES) {
          fail(
            `the nick ${this.options.nick} is in use (tried ${Array.from({ length: NICK_RETRIES }, (_, i) => this.options.nick + '_'.repeat(i + 1)).join(', ')} too); choose another nick`,
          );
          this.client.quit();
          break;
        }
        this.nickAttempts++;
        const next = this.options.nick + '_'.repeat(this.nickAttempts);
        this.log(`nick ${line.params[1] ?? this.options.nick} is in use, trying ${next}`);
        this.client.connection.write(`NICK ${next}`);
        break;
      }
      case '432': // ERR_ERRONEUSNICKNAME
        fail(`the server refuses the nick ${this.options.nick}: ${line.params.at(-1) ?? ''}${nickLengthHint(this.options.nick)}`);
        this.client.quit();
        break;
      case '464': // ERR_PASSWDMISMATCH
        fail(`the server refused the password: ${line.params.at(-1) ?? ''}`);
        break;
      case '465': // ERR_YOUREBANNEDCREEP
        fail(`the server bans this bot: ${line.params.at(-1) ?? ''}`);
        break;
      case '902':
      case '904':
      case '905':
      case '906':
      case '908':
        if (this.options.sasl) {
          fail(`SASL login as ${this.options.sasl.account} failed: ${line.params.at(-1) ?? line.command}`);
          this.client.quit();
        }
        break;
      case 'ERROR':
        fail(`the server closed the connection: ${line.params[0] ?? ''}`);
        break;
    }
  }

  /** After registration (the first time and after every reconnect): probes, OPER, joins (irc-setup.ts). */
  private async setUp(): Promise<void> {
    if (this.client.network.cap.isEnabled('message-tags')) {
      const probe = await probeMessageIds(this.requests, this.tracker);
      if (probe.status !== 'done') this.log(`no answer to the message-id probe (${probe.reason}); assuming no server message ids`);
    }
    if (hasMuteExtban(this.tracker.info)) this.hasTimedBans = await probeTimedBans(this.requests);
    if (this.options.oper) await becomeOperator(this.requests, this.options.oper);
    await joinAll(this.requests, this.tracker);
  }

  private onSignal(s: Signal): void {
    switch (s.kind) {
      case 'log':
        this.log(s.text);
        break;
      case 'who':
        void this.queue.send(`WHO ${s.channel}`).catch(() => undefined);
        break;
      case 'synced':
        break;
      case 'lost':
        this.log(`no longer in ${s.channel}: ${s.reason}`);
        if (!this.stopping && this.registered) {
          const room = this.tracker.room(s.channel);
          if (room) {
            joinChannel(this.requests, this.tracker, room).then(
              (r) => {
                if (r.status === 'done') this.log(`rejoined ${s.channel}`);
                else this.log(`could not rejoin ${s.channel}: ${r.reason}`);
              },
              () => undefined,
            );
          }
        }
        break;
    }
  }

  private failAll(reason: string): void {
    this.requests.failAll(reason);
  }
}

/**
 * RFC 2812 allows nicks of 9 characters, and servers that keep that limit (ngIRCd's default
 * MaxNickLength) refuse a longer one before saying what they allow (NICKLEN comes after
 * registration), so a long nick is named as the likely reason.
 */
function nickLengthHint(nick: string): string {
  return nick.length > 9
    ? `; the nick is ${nick.length} characters long and this server may allow only 9 (RFC 2812; ngIRCd's MaxNickLength): choose a --nick of 9 characters or fewer`
    : '';
}
