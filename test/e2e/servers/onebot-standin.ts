/**
 * A stand-in OneBot v11 implementation for the QQ adapter's tests (test-only): what NapCat or
 * Lagrange would be for one QQ account, speaking the protocol as the standard
 * (github.com/botuniverse/onebot-11) defines it, on 127.0.0.1.
 *
 * - Forward WebSocket (communication/ws.md): it listens; a client on `/` gets the API and the
 *   events on one connection. Reverse (ws-reverse.md): `connectTo(url)` dials the bot as a
 *   Universal client with X-Self-ID and X-Client-Role.
 * - The access token (authorization.md): a forward handshake without `Authorization` is refused
 *   with 401, with a wrong one 403 (`?access_token=` is accepted too, as the standard allows).
 * - API frames {action, params, echo} are answered {status, retcode, data, echo}: an action it
 *   does not know is retcode 1404, params the standard does not allow 1400, a frame that is not
 *   a JSON object 1400; what QQ would refuse (no permission, not in the group) is `failed`.
 * - Every call and every handshake is recorded; `drop()` cuts the connections as a crash of the
 *   implementation or the network would; scripted members post, join, leave and ask to join.
 * - Events go to every connected client; none are kept for a client that is not connected (the
 *   implementations keep none either).
 */
import { createServer, type IncomingMessage } from 'node:http';
import { WebSocket, WebSocketServer } from 'ws';
import type { ApiResponse, Segment } from '../../../src/bots/onebot-types.js';
import { eventually } from './common.js';
import {
  BadParams,
  bool,
  failed,
  memberInfo,
  message,
  newGroup,
  num,
  ok,
  outranks,
  string,
  type GroupState,
  type JoinRequest,
  type MemberState,
  type Params,
  type PostedMessage,
  type StandInMember,
} from './onebot-standin-groups.js';

export interface RecordedCall {
  action: unknown;
  params: unknown;
  echo: unknown;
  response: ApiResponse;
  /** Which connection (1, 2, ... in the order they came). */
  connection: number;
}

export interface Handshake {
  status: number;
  authorization: string | undefined;
}

export interface StandInOptions {
  selfId: number;
  nickname?: string;
  accessToken?: string;
  groups: { id: number; members: StandInMember[] }[];
  /** Send a heartbeat meta event this often (ms). */
  heartbeatMs?: number;
}

export class OneBotStandIn {
  readonly calls: RecordedCall[] = [];
  readonly handshakes: Handshake[] = [];
  readonly messages = new Map<number, PostedMessage>();
  readonly requests = new Map<string, JoinRequest>();
  readonly groups = new Map<number, GroupState>();
  private readonly sockets = new Map<WebSocket, number>();
  private connections = 0;
  private nextMessageId = 1000;
  private nextFlag = 1;
  private heartbeat: NodeJS.Timeout | undefined;
  /** While set, handshakes are refused with 503 (an implementation restarting). */
  paused = false;
  private readonly http = createServer((_req, res) => res.writeHead(426).end());
  private readonly wss = new WebSocketServer({ noServer: true });
  port = 0;

  constructor(private readonly options: StandInOptions) {
    for (const g of options.groups) this.groups.set(g.id, newGroup(g.id, g.members));
    this.http.on('upgrade', (req, socket, head) => {
      const status = this.paused ? 503 : this.authorize(req);
      this.handshakes.push({ status, authorization: req.headers['authorization'] });
      if (status !== 101) {
        const text = status === 401 ? 'Unauthorized' : status === 403 ? 'Forbidden' : 'Service Unavailable';
        socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
        return;
      }
      this.wss.handleUpgrade(req, socket, head, (ws) => this.adopt(ws));
    });
    if (options.heartbeatMs) {
      this.heartbeat = setInterval(() => {
        this.broadcast({ post_type: 'meta_event', meta_event_type: 'heartbeat', status: { online: true, good: true }, interval: options.heartbeatMs });
      }, options.heartbeatMs);
    }
  }

  get url(): string {
    return `ws://127.0.0.1:${this.port}`;
  }

  async listen(): Promise<this> {
    await new Promise<void>((resolve) => this.http.listen(0, '127.0.0.1', resolve));
    this.port = (this.http.address() as { port: number }).port;
    return this;
  }

  /** Reverse WebSocket: dial the bot as a Universal client; resolves with the handshake's HTTP status. */
  connectTo(url: string, token: string | null = this.options.accessToken ?? null): Promise<number> {
    const headers: Record<string, string> = { 'X-Self-ID': String(this.options.selfId), 'X-Client-Role': 'Universal' };
    if (token) headers['Authorization'] = `Bearer ${token}`;
    const ws = new WebSocket(url, { headers });
    return new Promise((resolve) => {
      ws.on('open', () => {
        this.adopt(ws);
        resolve(101);
      });
      ws.on('unexpected-response', (_req, res) => {
        resolve(res.statusCode ?? 0);
        ws.terminate();
      });
      ws.on('error', () => resolve(0));
    });
  }

  get connected(): number {
    return this.sockets.size;
  }

  /** Cut every connection without a closing handshake. */
  drop(): void {
    for (const ws of this.sockets.keys()) ws.terminate();
  }

  async stop(): Promise<void> {
    clearInterval(this.heartbeat);
    this.drop();
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
  }

  // ------------------------------------------------------------------ scripted members

  /** A member posts in a group; undefined when QQ refuses it (muted, not a member). */
  post(groupId: number, userId: number, content: string | Segment[]): number | undefined {
    const g = this.group(groupId);
    const m = g.members.get(userId);
    if (!m || m.mutedUntil > Date.now()) return undefined;
    const segments: Segment[] = typeof content === 'string' ? [{ type: 'text', data: { text: content } }] : content;
    const id = this.nextMessageId++;
    const text = segments.map((s) => (s.type === 'text' ? String(s.data?.['text']) : s.type === 'at' ? `@${String(s.data?.['qq'])}` : '')).join('');
    this.messages.set(id, { message_id: id, group_id: groupId, user_id: userId, segments, text, deleted: false });
    this.broadcast({
      post_type: 'message',
      message_type: 'group',
      sub_type: 'normal',
      message_id: id,
      group_id: groupId,
      user_id: userId,
      anonymous: null,
      message: segments,
      raw_message: text,
      font: 0,
      sender: { user_id: userId, nickname: m.nickname, card: m.card, role: m.role },
    });
    return id;
  }

  /** A member joins (an admin approved them); false when they were removed for good. */
  join(groupId: number, member: StandInMember): boolean {
    const g = this.group(groupId);
    if (g.rejected.has(member.user_id)) return false;
    g.members.set(member.user_id, { nickname: member.nickname, card: member.card ?? '', role: member.role ?? 'member', mutedUntil: 0 });
    this.notice({ notice_type: 'group_increase', sub_type: 'approve', group_id: groupId, operator_id: this.options.selfId, user_id: member.user_id });
    return true;
  }

  leave(groupId: number, userId: number, report = true): void {
    this.group(groupId).members.delete(userId);
    if (report) this.notice({ notice_type: 'group_decrease', sub_type: 'leave', group_id: groupId, operator_id: userId, user_id: userId });
  }

  /** Someone asks to join; returns the request's flag. */
  requestJoin(groupId: number, userId: number, comment: string): string {
    const flag = `flag-${this.nextFlag++}`;
    this.requests.set(flag, { flag, group_id: groupId, user_id: userId, sub_type: 'add', comment });
    this.broadcast({ post_type: 'request', request_type: 'group', sub_type: 'add', group_id: groupId, user_id: userId, comment, flag });
    return flag;
  }

  /** What the bot sent: group posts (group_id) or private messages (to). */
  sent(where: { group?: number; to?: number }): PostedMessage[] {
    return [...this.messages.values()].filter(
      (m) => m.user_id === this.options.selfId && (where.group === undefined || m.group_id === where.group) && (where.to === undefined || m.to === where.to),
    );
  }

  /** The recorded calls of one action. */
  callsOf(action: string): RecordedCall[] {
    return this.calls.filter((c) => c.action === action);
  }

  waitCall(what: string, match: (c: RecordedCall) => boolean, timeoutMs = 15_000): Promise<RecordedCall> {
    return eventually(`the stand-in to receive ${what}`, () => this.calls.find(match), timeoutMs);
  }

  // ------------------------------------------------------------------ the protocol

  private authorize(req: IncomingMessage): number {
    const token = this.options.accessToken;
    if (!token) return 101;
    const auth = req.headers['authorization'];
    const query = new URL(req.url ?? '/', 'http://x').searchParams.get('access_token');
    const given = auth !== undefined ? (/^Bearer (.*)$/.exec(auth)?.[1] ?? '') : query;
    if (given === null) return 401;
    return given === token ? 101 : 403;
  }

  private adopt(ws: WebSocket): void {
    const n = ++this.connections;
    this.sockets.set(ws, n);
    ws.on('close', () => this.sockets.delete(ws));
    ws.on('error', () => this.sockets.delete(ws));
    ws.on('message', (data) => this.onFrame(ws, n, String(data as Buffer)));
    ws.send(JSON.stringify(this.stamp({ post_type: 'meta_event', meta_event_type: 'lifecycle', sub_type: 'connect' })));
  }

  private onFrame(ws: WebSocket, connection: number, text: string): void {
    let frame: unknown;
    try {
      frame = JSON.parse(text);
    } catch {
      frame = undefined;
    }
    const f = typeof frame === 'object' && frame !== null && !Array.isArray(frame) ? (frame as Record<string, unknown>) : undefined;
    let response: ApiResponse;
    if (
      !f ||
      typeof f['action'] !== 'string' ||
      (f['params'] !== undefined && (typeof f['params'] !== 'object' || f['params'] === null || Array.isArray(f['params'])))
    ) {
      response = { status: 'failed', retcode: 1400, data: null };
    } else {
      try {
        response = this.act(f['action'], (f['params'] ?? {}) as Params);
      } catch (e) {
        if (!(e instanceof BadParams)) throw e;
        response = { status: 'failed', retcode: 1400, data: null, msg: 'BAD_REQUEST', wording: e.message };
      }
    }
    this.calls.push({ action: f?.['action'], params: f?.['params'], echo: f?.['echo'], response, connection });
    ws.send(JSON.stringify(f && 'echo' in f ? { ...response, echo: f['echo'] } : response));
  }

  /** api/public.md: the actions the stand-in knows; any other is 1404 as an unknown one. */
  private act(action: string, p: Params): ApiResponse {
    const self = this.options.selfId;
    switch (action) {
      case 'get_login_info':
        return ok({ user_id: self, nickname: this.options.nickname ?? 'bot' });
      case 'get_group_info': {
        const g = this.groups.get(num(p, 'group_id')!);
        bool(p, 'no_cache');
        return g ? ok({ group_id: g.id, group_name: `group ${g.id}`, member_count: g.members.size, max_member_count: 500 }) : failed('group not found');
      }
      case 'get_group_member_list': {
        const g = this.groups.get(num(p, 'group_id')!);
        if (!g || !g.members.has(self)) return failed('the bot is not in this group');
        return ok([...g.members].map(([id, m]) => memberInfo(g.id, id, m)));
      }
      case 'get_group_member_info': {
        const g = this.groups.get(num(p, 'group_id')!);
        const user = num(p, 'user_id')!;
        bool(p, 'no_cache');
        const m = g?.members.get(user);
        return g && m ? ok(memberInfo(g.id, user, m)) : failed('no such member');
      }
      case 'send_group_msg': {
        const g = this.groups.get(num(p, 'group_id')!);
        const msg = message(p);
        bool(p, 'auto_escape');
        const me = g?.members.get(self);
        if (!g || !me) return failed('the bot is not in this group');
        if (me.mutedUntil > Date.now()) return failed('the bot is muted in this group');
        const id = this.nextMessageId++;
        this.messages.set(id, { message_id: id, group_id: g.id, user_id: self, ...msg, deleted: false });
        return ok({ message_id: id });
      }
      case 'send_private_msg': {
        const to = num(p, 'user_id')!;
        const msg = message(p);
        bool(p, 'auto_escape');
        const id = this.nextMessageId++;
        this.messages.set(id, { message_id: id, group_id: 0, user_id: self, to, ...msg, deleted: false });
        return ok({ message_id: id });
      }
      case 'delete_msg': {
        const m = this.messages.get(num(p, 'message_id')!);
        if (!m || m.deleted) return failed('no such message');
        if (m.user_id !== self) {
          const g = this.groups.get(m.group_id);
          const author = g?.members.get(m.user_id)?.role ?? 'member';
          if (!outranks(g?.members.get(self)?.role, author)) return failed('no permission to recall this message');
        }
        m.deleted = true;
        this.notice({ notice_type: 'group_recall', group_id: m.group_id, user_id: m.user_id, operator_id: self, message_id: m.message_id });
        return ok();
      }
      case 'set_group_ban': {
        const [g, user, m] = this.target(p);
        const duration = num(p, 'duration', true) ?? 30 * 60;
        if (duration < 0 || duration > 30 * 24 * 3600) throw new BadParams(`duration ${duration} is outside 0..2592000 seconds`);
        if (!g || !m) return failed('no such member');
        if (!outranks(g.members.get(self)?.role, m.role)) return failed('no permission to mute this member');
        m.mutedUntil = duration === 0 ? 0 : Date.now() + duration * 1000;
        this.notice({ notice_type: 'group_ban', sub_type: duration === 0 ? 'lift_ban' : 'ban', group_id: g.id, operator_id: self, user_id: user, duration });
        return ok();
      }
      case 'set_group_kick': {
        const [g, user, m] = this.target(p);
        const reject = bool(p, 'reject_add_request') ?? false;
        if (!g || !m) return failed('no such member');
        if (!outranks(g.members.get(self)?.role, m.role)) return failed('no permission to remove this member');
        g.members.delete(user);
        if (reject) g.rejected.add(user);
        this.notice({ notice_type: 'group_decrease', sub_type: 'kick', group_id: g.id, operator_id: self, user_id: user });
        return ok();
      }
      case 'set_group_add_request': {
        const flag = string(p, 'flag')!;
        const subType = p['sub_type'] ?? p['type'];
        if (subType !== 'add' && subType !== 'invite') throw new BadParams('sub_type (or type) must be add or invite');
        const approve = bool(p, 'approve') ?? true;
        const reason = string(p, 'reason', true);
        const r = this.requests.get(flag);
        if (!r || r.sub_type !== subType) return failed('no such request');
        if (r.answer) return failed('the request was already handled');
        r.answer = { approve, ...(reason !== undefined ? { reason } : {}) };
        if (approve) this.join(r.group_id, { user_id: r.user_id, nickname: `qq${r.user_id}` });
        return ok();
      }
      default:
        return { status: 'failed', retcode: 1404, data: null, msg: 'API_NOT_FOUND', wording: `no action ${action}` };
    }
  }

  private target(p: Params): [GroupState | undefined, number, MemberState | undefined] {
    const g = this.groups.get(num(p, 'group_id')!);
    const user = num(p, 'user_id')!;
    return [g, user, g?.members.get(user)];
  }

  private group(id: number): GroupState {
    const g = this.groups.get(id);
    if (!g) throw new Error(`the stand-in has no group ${id}`);
    return g;
  }

  private notice(fields: Record<string, unknown>): void {
    this.broadcast({ post_type: 'notice', ...fields });
  }

  private stamp(fields: Record<string, unknown>): Record<string, unknown> {
    return { time: Math.floor(Date.now() / 1000), self_id: this.options.selfId, ...fields };
  }

  private broadcast(fields: Record<string, unknown>): void {
    const text = JSON.stringify(this.stamp(fields));
    for (const ws of this.sockets.keys()) if (ws.readyState === WebSocket.OPEN) ws.send(text);
  }
}

export async function startOneBotStandIn(options: StandInOptions): Promise<OneBotStandIn> {
  return new OneBotStandIn(options).listen();
}
