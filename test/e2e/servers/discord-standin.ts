/**
 * A local stand-in for Discord, for the end-to-end tests of the Discord adapter: the REST API
 * over node's http (routes in discord-standin-rest.ts) and the Gateway over WebSocket, on
 * 127.0.0.1, as Discord's developer documentation describes them:
 *
 * - REST: `Authorization: Bot TOKEN` or 401; GET /gateway/bot answers this server's ws:// URL,
 *   so discord.js connects here; 429 with Retry-After and the X-RateLimit headers when a test asks.
 * - Gateway (v10, JSON): HELLO with heartbeat_interval; IDENTIFY checked (token, else close 4004;
 *   intents, privileged ones not enabled close 4014); READY, then GUILD_CREATE with members,
 *   channels and roles; heartbeats ACKed; dispatches numbered per session and kept, so a RESUME
 *   after a dropped connection replays what the client missed and ends with RESUMED.
 *
 * Members are scripted: `join`, `post`, `react`... change the guild and dispatch the event. A
 * member in a timeout cannot post (the call says so), as on Discord. Every REST request and
 * every gateway frame is recorded for assertions.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { GatewayDispatchEvents, GatewayOpcodes, type APIMessage, type GatewayReceivePayload, type GatewaySendPayload } from 'discord-api-types/v10';
import { WebSocketServer, type WebSocket } from 'ws';
import { BOT_PERMISSIONS, GuildState } from './discord-standin-state.js';
import { error, INTENT, StandInRest, type RestAnswer } from './discord-standin-rest.js';

export interface StandInOptions {
  token: string;
  channels?: string[];
  roles?: string[];
  heartbeatIntervalMs?: number;
  /** Whether the application may use the privileged intents (the developer portal's switches). */
  privilegedIntents?: boolean;
  botPermissions?: bigint;
}

export interface RecordedRequest {
  method: string;
  path: string;
  body: Record<string, unknown>;
  reason: string | undefined;
  status: number;
  at: number;
}

export interface GatewayFrame {
  dir: 'in' | 'out';
  op: number;
  t?: string | null;
  s?: number | null;
  d?: unknown;
  connection: number;
}

interface Session {
  id: string;
  seq: number;
  intents: number;
  /** Every dispatch of the session, for replay after a RESUME. */
  sent: { s: number; payload: GatewayReceivePayload }[];
  socket: WebSocket | undefined;
}

const PRIVILEGED = INTENT.GuildMembers | INTENT.MessageContent | (1 << 8);

export class DiscordStandIn {
  readonly state: GuildState;
  readonly requests: RecordedRequest[] = [];
  readonly frames: GatewayFrame[] = [];
  private readonly http: Server;
  private readonly wss: WebSocketServer;
  private readonly rest: StandInRest;
  private readonly sessions = new Map<string, Session>();
  private readonly rateLimits: { match: RegExp; body: (b: Record<string, unknown>) => boolean; retryAfter: number }[] = [];
  private connections = 0;
  private readonly connectionIds = new WeakMap<WebSocket, number>();
  private port = 0;

  constructor(private readonly options: StandInOptions) {
    this.state = new GuildState('playbook', options.channels ?? ['general'], options.roles ?? [], options.botPermissions ?? BOT_PERMISSIONS);
    this.rest = new StandInRest(
      this.state,
      (t, d, intent) => this.dispatch(t, d, intent),
      () => this.gatewayUrl,
    );
    this.http = createServer((req, res) => void this.onRequest(req, res));
    this.wss = new WebSocketServer({ server: this.http, path: '/gateway' });
    this.wss.on('connection', (ws, req) => this.onConnection(ws, req));
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.http.listen(0, '127.0.0.1', resolve));
    this.port = (this.http.address() as { port: number }).port;
  }

  async stop(): Promise<void> {
    for (const c of this.wss.clients) c.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
  }

  /** The REST root for discord.js's `rest.api` option (`--discord-api`). */
  get api(): string {
    return `http://127.0.0.1:${this.port}/api`;
  }

  get gatewayUrl(): string {
    return `ws://127.0.0.1:${this.port}/gateway`;
  }

  /** The next request whose `METHOD /path` (and body) matches is answered 429 (retry after `seconds`). */
  rateLimitNext(match: RegExp, seconds: number, body: (b: Record<string, unknown>) => boolean = () => true): void {
    this.rateLimits.push({ match, body, retryAfter: seconds });
  }

  /** Drops every gateway connection as a network failure would (no close frame). */
  dropConnections(): void {
    for (const s of this.sessions.values()) s.socket = undefined;
    for (const c of this.wss.clients) c.terminate();
  }

  // ------------------------------------------------------------------ scripted members

  /** A new user (not yet a member). */
  user(name: string): string {
    return this.state.user(name).id;
  }

  join(userId: string, roleNames: string[] = []): void {
    const roles = roleNames.map((n) => this.state.roleByName(n)!.id);
    const m = this.state.addMember(userId, roles);
    this.dispatch(GatewayDispatchEvents.GuildMemberAdd, { ...this.state.memberPayload(m), guild_id: this.state.guildId }, INTENT.GuildMembers);
  }

  leave(userId: string): void {
    const m = this.state.members.get(userId);
    if (!m) throw new Error(`${userId} is not a member`);
    this.state.members.delete(userId);
    this.dispatch(GatewayDispatchEvents.GuildMemberRemove, { guild_id: this.state.guildId, user: m.user }, INTENT.GuildMembers);
  }

  /** A member posts in a channel: the message, or why Discord refuses it. */
  post(userId: string, channel: string, content: string, mentions: string[] = []): APIMessage | { refused: string } {
    const m = this.state.members.get(userId);
    if (!m) return { refused: 'not a member' };
    if (this.state.bans.has(userId)) return { refused: 'banned' };
    if (this.state.isTimedOut(userId)) return { refused: 'timed out' };
    const channelId = this.state.channelByName(channel).id;
    const message = this.state.newMessage(channelId, m.user, content, { mentions: mentions.map((id) => this.state.users.get(id)!) });
    const { user: _user, ...member } = this.state.memberPayload(m);
    this.dispatch(GatewayDispatchEvents.MessageCreate, { ...message, guild_id: this.state.guildId, member }, INTENT.GuildMessages);
    return message;
  }

  edit(messageId: string, content: string): void {
    const stored = this.state.messages.get(messageId)!;
    stored.message.content = content;
    stored.message.edited_timestamp = new Date().toISOString();
    this.dispatch(GatewayDispatchEvents.MessageUpdate, { ...stored.message, guild_id: this.state.guildId }, INTENT.GuildMessages);
  }

  react(userId: string, messageId: string, emoji: string): void {
    const stored = this.state.messages.get(messageId)!;
    this.dispatch(
      GatewayDispatchEvents.MessageReactionAdd,
      {
        user_id: userId,
        channel_id: stored.message.channel_id,
        message_id: messageId,
        guild_id: this.state.guildId,
        message_author_id: stored.message.author.id,
        emoji: { id: null, name: emoji },
        burst: false,
        type: 0,
      },
      INTENT.GuildMessageReactions,
    );
  }

  /** Messages in a channel (by name), oldest first. */
  channelMessages(channel: string): APIMessage[] {
    const id = this.state.channelByName(channel).id;
    return [...this.state.messages.values()].filter((s) => s.message.channel_id === id).map((s) => s.message);
  }

  /** Direct messages the bot sent a user. */
  dms(userId: string): string[] {
    const channel = this.state.dmOf.get(userId);
    return [...this.state.messages.values()].filter((s) => s.message.channel_id === channel).map((s) => s.message.content);
  }

  // ------------------------------------------------------------------ REST

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const path = url.pathname.replace(/^\/api\/v10(?=\/)/, '');
    let body: Record<string, unknown> = {};
    let answer: RestAnswer;
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    try {
      if (chunks.length) body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
    } catch {
      body = {};
    }
    const reasonHeader = req.headers['x-audit-log-reason'];
    const reason = typeof reasonHeader === 'string' ? decodeURIComponent(reasonHeader) : undefined;
    const method = req.method ?? 'GET';
    const limited = this.rateLimits.findIndex((r) => r.match.test(`${method} ${path}`) && r.body(body));
    if (!url.pathname.startsWith('/api/v10/')) answer = error(404, 0, '404: Not Found');
    else if (req.headers.authorization !== `Bot ${this.options.token}`) answer = error(401, 0, '401: Unauthorized');
    else if (limited >= 0) {
      const { retryAfter } = this.rateLimits.splice(limited, 1)[0]!;
      answer = { status: 429, body: { message: 'You are being rate limited.', retry_after: retryAfter, global: false } };
      Object.assign(headers, {
        'retry-after': String(Math.ceil(retryAfter)),
        'x-ratelimit-limit': '5',
        'x-ratelimit-remaining': '0',
        'x-ratelimit-reset': String(Date.now() / 1000 + retryAfter),
        'x-ratelimit-reset-after': String(retryAfter),
        'x-ratelimit-bucket': 'standin-bucket',
        'x-ratelimit-scope': 'user',
      });
    } else {
      answer = this.rest.handle(method, path, body, reason);
      Object.assign(headers, {
        'x-ratelimit-limit': '5',
        'x-ratelimit-remaining': '4',
        'x-ratelimit-reset-after': '1',
        'x-ratelimit-bucket': 'standin-bucket',
      });
    }
    this.requests.push({ method, path, body, reason, status: answer.status, at: Date.now() });
    // A 204 has no body, so no content type: discord.js would try to parse the nothing as JSON.
    if (answer.status === 204 || answer.body === undefined) delete headers['content-type'];
    res.writeHead(answer.status, headers);
    res.end(headers['content-type'] ? JSON.stringify(answer.body) : undefined);
  }

  // ------------------------------------------------------------------ gateway

  private send(ws: WebSocket, payload: GatewayReceivePayload, connection: number): void {
    this.frames.push({ dir: 'out', op: payload.op, t: payload.t ?? null, s: payload.s ?? null, d: payload.d, connection });
    ws.send(JSON.stringify(payload));
  }

  private onConnection(ws: WebSocket, req: IncomingMessage): void {
    const connection = ++this.connections;
    this.connectionIds.set(ws, connection);
    const query = new URL(req.url ?? '/', 'http://127.0.0.1').searchParams;
    if (query.get('v') !== '10' || query.get('encoding') !== 'json') {
      ws.close(4012, 'Invalid API version');
      return;
    }
    let session: Session | undefined;
    this.send(ws, { op: GatewayOpcodes.Hello, d: { heartbeat_interval: this.options.heartbeatIntervalMs ?? 41_250 }, s: null, t: null }, connection);
    ws.on('message', (raw) => {
      let p: GatewaySendPayload;
      try {
        p = JSON.parse(String(raw)) as GatewaySendPayload;
      } catch {
        ws.close(4002, 'Decode error');
        return;
      }
      this.frames.push({
        dir: 'in',
        op: p.op,
        d: p.op === GatewayOpcodes.Identify || p.op === GatewayOpcodes.Resume ? { ...p.d, token: '<token>' } : p.d,
        connection,
      });
      if (p.op === GatewayOpcodes.Heartbeat) this.send(ws, { op: GatewayOpcodes.HeartbeatAck } as GatewayReceivePayload, connection);
      else if (p.op === GatewayOpcodes.Identify) {
        if (session) return ws.close(4005, 'Already authenticated');
        if (p.d.token !== this.options.token) return ws.close(4004, 'Authentication failed');
        if (typeof p.d.intents !== 'number' || !p.d.properties?.os || !p.d.properties.browser || !p.d.properties.device) return ws.close(4002, 'Decode error');
        if (p.d.intents & PRIVILEGED && !(this.options.privilegedIntents ?? true)) return ws.close(4014, 'Disallowed intent(s)');
        session = { id: randomBytes(16).toString('hex'), seq: 0, intents: p.d.intents, sent: [], socket: ws };
        this.sessions.set(session.id, session);
        this.dispatchTo(session, GatewayDispatchEvents.Ready, {
          v: 10,
          user: this.state.bot,
          guilds: [{ id: this.state.guildId, unavailable: true }],
          session_id: session.id,
          resume_gateway_url: this.gatewayUrl,
          application: { id: this.state.bot.id, flags: 0 },
          ...(p.d.shard ? { shard: p.d.shard } : {}),
        });
        this.dispatchTo(session, GatewayDispatchEvents.GuildCreate, this.state.guildCreate());
      } else if (p.op === GatewayOpcodes.Resume) {
        if (p.d.token !== this.options.token) return ws.close(4004, 'Authentication failed');
        const known = this.sessions.get(p.d.session_id);
        if (!known) return this.send(ws, { op: GatewayOpcodes.InvalidSession, d: false } as GatewayReceivePayload, connection);
        session = known;
        known.socket?.terminate();
        known.socket = ws;
        for (const { s, payload } of known.sent) if (s > p.d.seq) this.send(ws, payload, connection);
        // RESUMED a moment after the replay, as over a real network: a client that ignores what
        // comes before RESUMED (discord.js's member events) shows it every time, not by chance.
        setTimeout(() => this.dispatchTo(known, GatewayDispatchEvents.Resumed, {}), 100);
      }
      // Presence updates (3) and member requests (8) change nothing here.
    });
    ws.on('close', () => {
      if (session?.socket === ws) session.socket = undefined;
    });
  }

  /** A dispatch to every session whose intents ask for it; kept for replay when a session is cut off. */
  private dispatch(t: GatewayDispatchEvents, d: unknown, intent: number): void {
    for (const session of this.sessions.values()) {
      if (!(session.intents & intent)) continue;
      let data = d;
      if (!(session.intents & INTENT.MessageContent) && (t === GatewayDispatchEvents.MessageCreate || t === GatewayDispatchEvents.MessageUpdate)) {
        // Without the Message Content intent Discord blanks the text of messages that do not mention the bot.
        data = { ...(d as APIMessage), content: '', embeds: [], attachments: [] };
      }
      this.dispatchTo(session, t, data);
    }
  }

  private dispatchTo(session: Session, t: GatewayDispatchEvents, d: unknown): void {
    const s = ++session.seq;
    const payload = { op: GatewayOpcodes.Dispatch, t, s, d } as GatewayReceivePayload;
    session.sent.push({ s, payload });
    const ws = session.socket;
    if (ws && ws.readyState === ws.OPEN) this.send(ws, payload, this.connectionOf(ws));
  }

  private connectionOf(ws: WebSocket): number {
    return this.connectionIds.get(ws) ?? 0;
  }
}
