/**
 * The WebSocket between the bot and a OneBot v11 implementation (NapCat, Lagrange), in either
 * direction of communication/ws.md and ws-reverse.md: forward (the bot connects to the
 * implementation's server) or reverse (the bot listens; the implementation connects as a
 * Universal client). One connection carries both the API (calls with an `echo`, answered with
 * the same `echo`) and the events. The access token goes in the `Authorization: Bearer` header
 * (communication/authorization.md), never in a URL, so it cannot end up in a log.
 *
 * A lost connection is reconnected (forward: with growing waits; reverse: by waiting for the
 * implementation, which retries every few seconds) for `reconnectForMs`, then it is fatal. A
 * heartbeat meta event that stops coming (three intervals) counts as a lost connection.
 */
import type { IncomingMessage } from 'node:http';
import { WebSocket, WebSocketServer } from 'ws';
import type { ApiParams, ApiResponse } from './onebot-types.js';

export interface LinkOptions {
  mode: 'forward' | 'reverse';
  /** forward: the implementation's `ws://host:port[/path]`; reverse: where the bot listens. */
  url: string;
  accessToken?: string | undefined;
  /** How long an API call may wait for its response. */
  callTimeoutMs?: number | undefined;
  /** How long the first connection may take (reverse: until the implementation connects). */
  startTimeoutMs?: number | undefined;
  /** How long to keep trying after a lost connection before giving up. */
  reconnectForMs?: number | undefined;
  log(line: string): void;
}

export interface LinkHandlers {
  /** A frame that is not an API response: an event (`post_type`). */
  frame(frame: Record<string, unknown>): void;
  /** A connection is up; `again` after a lost one. */
  up(again: boolean): void;
  /** Reconnecting failed for good, or the implementation refused the token. */
  fatal(reason: string): void;
}

interface Pending {
  resolve: (r: ApiResponse) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

const FIRST_RETRY_MS = 500;
const MAX_RETRY_MS = 15_000;

export class OneBotLink {
  private socket: WebSocket | undefined;
  private server: WebSocketServer | undefined;
  private readonly pending = new Map<string, Pending>();
  private nextEcho = 1;
  private stopping = false;
  private everUp = false;
  private retryMs = FIRST_RETRY_MS;
  private retryTimer: NodeJS.Timeout | undefined;
  private giveUpTimer: NodeJS.Timeout | undefined;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private handlers: LinkHandlers | undefined;

  constructor(private readonly options: LinkOptions) {}

  get connected(): boolean {
    return this.socket?.readyState === WebSocket.OPEN;
  }

  /** Open the first connection; rejects with the reason when it cannot be had. */
  start(handlers: LinkHandlers): Promise<void> {
    this.handlers = handlers;
    const timeoutMs = this.options.startTimeoutMs ?? 30_000;
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(
          new Error(
            this.options.mode === 'reverse'
              ? `no OneBot implementation connected to ${this.where()} within ${timeoutMs / 1000} s`
              : `no connection to ${this.where()} within ${timeoutMs / 1000} s`,
          ),
        );
      }, timeoutMs);
      const done = (e?: Error) => {
        clearTimeout(timer);
        if (e) reject(e);
        else resolve();
      };
      if (this.options.mode === 'reverse') this.listen(done);
      else this.dial(done);
    });
  }

  /** Call an action; resolves with the implementation's response, rejects when there is none. */
  call<A extends keyof ApiParams>(action: A, params: ApiParams[A]): Promise<ApiResponse> {
    const socket = this.socket;
    if (!socket || socket.readyState !== WebSocket.OPEN) return Promise.reject(new Error('not connected to the OneBot implementation'));
    const echo = String(this.nextEcho++);
    const timeoutMs = this.options.callTimeoutMs ?? 15_000;
    return new Promise<ApiResponse>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(echo);
        reject(new Error(`no answer to ${action} within ${timeoutMs / 1000} s`));
      }, timeoutMs);
      this.pending.set(echo, { resolve, reject, timer });
      socket.send(JSON.stringify({ action, params, echo }), (err) => {
        if (!err) return;
        clearTimeout(timer);
        this.pending.delete(echo);
        reject(new Error(`could not send ${action}: ${err.message}`));
      });
    });
  }

  /** Close the connection (and the listening server) for good. */
  async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.retryTimer);
    clearTimeout(this.giveUpTimer);
    clearTimeout(this.heartbeatTimer);
    this.failPending('the bot is stopping');
    const socket = this.socket;
    this.socket = undefined;
    if (socket && socket.readyState !== WebSocket.CLOSED) {
      await new Promise<void>((resolve) => {
        const hard = setTimeout(() => {
          socket.terminate();
          resolve();
        }, 2000);
        socket.once('close', () => {
          clearTimeout(hard);
          resolve();
        });
        socket.close(1000, 'playbook bot stopping');
      });
    }
    const server = this.server;
    this.server = undefined;
    if (server)
      await new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
      });
  }

  // ------------------------------------------------------------------ forward

  private dial(first?: (e?: Error) => void): void {
    const headers = this.options.accessToken ? { Authorization: `Bearer ${this.options.accessToken}` } : undefined;
    const socket = new WebSocket(this.options.url, { ...(headers ? { headers } : {}), handshakeTimeout: 10_000 });
    let opened = false;
    let refused = false;
    socket.on('unexpected-response', (_req, res) => {
      refused = true;
      const status = res.statusCode ?? 0;
      res.resume();
      socket.terminate();
      const why =
        status === 401
          ? `${this.where()} wants an access token (HTTP 401): set ONEBOT_ACCESS_TOKEN to the implementation's token`
          : status === 403
            ? `${this.where()} refused the access token (HTTP 403): ONEBOT_ACCESS_TOKEN differs from the implementation's token`
            : `${this.where()} refused the WebSocket (HTTP ${status})`;
      // A refused token does not get better by retrying.
      if (first) first(new Error(why));
      else if (status === 401 || status === 403) this.fatal(why);
      else this.retryLater(why);
      first = undefined;
    });
    socket.on('open', () => {
      opened = true;
      this.adopt(socket);
      if (first) first();
      first = undefined;
    });
    socket.on('error', (err) => {
      // After a refusal, terminating the socket reports an error of its own: already handled.
      if (opened || refused) return;
      const why = describeError(err, this.where());
      if (first) first(new Error(why));
      else this.retryLater(why);
      first = undefined;
    });
  }

  private retryLater(why: string): void {
    if (this.stopping) return;
    this.options.log(`reconnecting to ${this.where()} in ${(this.retryMs / 1000).toFixed(1)} s (${why})`);
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => {
      this.dial();
    }, this.retryMs);
    this.retryMs = Math.min(this.retryMs * 2, MAX_RETRY_MS);
  }

  // ------------------------------------------------------------------ reverse

  private listen(first: (e?: Error) => void): void {
    const url = new URL(this.options.url);
    const server = new WebSocketServer({
      host: url.hostname.replace(/^\[|\]$/g, ''),
      port: Number(url.port || 80),
      path: url.pathname,
      verifyClient: (info: { req: IncomingMessage }, cb: (ok: boolean, code?: number, message?: string) => void) => {
        const refusal = this.refusal(info.req);
        if (refusal) {
          this.options.log(`refused a connection from ${info.req.socket.remoteAddress ?? '?'}: ${refusal.message}`);
          cb(false, refusal.code, refusal.message);
        } else cb(true);
      },
    });
    this.server = server;
    let listening = false;
    server.on('listening', () => {
      listening = true;
      this.options.log(`listening on ${this.where()} for the OneBot implementation (reverse WebSocket)`);
    });
    server.on('error', (err) => {
      if (!listening) first(new Error(describeError(err, this.where())));
      else this.options.log(`listening socket: ${err.message}`);
    });
    server.on('connection', (socket, req) => {
      const old = this.socket;
      if (old && old !== socket) {
        this.options.log('a new connection from the implementation replaces the old one');
        old.removeAllListeners('close');
        old.terminate();
        this.failPending('the implementation connected again');
      }
      this.options.log(`the implementation connected (X-Self-ID ${String(req.headers['x-self-id'] ?? '?')})`);
      this.adopt(socket);
      first();
    });
  }

  /** Why a reverse connection is refused (communication/authorization.md, ws-reverse.md), or undefined. */
  private refusal(req: IncomingMessage): { code: number; message: string } | undefined {
    const token = this.options.accessToken;
    if (token) {
      const auth = req.headers['authorization'];
      if (auth === undefined) return { code: 401, message: 'no access token' };
      if (auth !== `Bearer ${token}`) return { code: 403, message: 'wrong access token' };
    }
    const role = req.headers['x-client-role'];
    if (role !== undefined && String(role).toLowerCase() !== 'universal') {
      return { code: 400, message: `X-Client-Role ${String(role)}: the bot needs one Universal connection (use_universal_client)` };
    }
    return undefined;
  }

  // ------------------------------------------------------------------ either way

  private adopt(socket: WebSocket): void {
    this.socket = socket;
    const again = this.everUp;
    this.everUp = true;
    this.retryMs = FIRST_RETRY_MS;
    clearTimeout(this.giveUpTimer);
    socket.on('message', (data) => {
      this.onData(Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.concat(Array.isArray(data) ? data : [Buffer.from(data)]).toString('utf8'));
    });
    socket.on('close', (code, reason) => {
      if (this.socket !== socket) return;
      this.socket = undefined;
      clearTimeout(this.heartbeatTimer);
      this.failPending('the connection was lost');
      if (this.stopping) return;
      const why = `connection to ${this.where()} lost (${code}${reason.length ? ` ${String(reason)}` : ''})`;
      this.options.log(why);
      const limit = this.options.reconnectForMs ?? 300_000;
      this.giveUpTimer = setTimeout(() => {
        this.fatal(`${why}; no connection again within ${limit / 1000} s`);
      }, limit);
      if (this.options.mode === 'forward') this.retryLater('lost');
    });
    socket.on('error', (err) => {
      this.options.log(`socket error: ${err.message}`);
    });
    this.handlers?.up(again);
  }

  private onData(text: string): void {
    let frame: unknown;
    try {
      frame = JSON.parse(text);
    } catch {
      this.options.log(`ignored a frame that is not JSON (${text.length} characters)`);
      return;
    }
    if (frame === null || typeof frame !== 'object' || Array.isArray(frame)) return;
    const f = frame as Record<string, unknown>;
    if (typeof f['post_type'] !== 'string' && 'echo' in f && 'retcode' in f) {
      const echo = String(f['echo']);
      const p = this.pending.get(echo);
      if (!p) return;
      this.pending.delete(echo);
      clearTimeout(p.timer);
      p.resolve(f as unknown as ApiResponse);
      return;
    }
    if (f['post_type'] === 'meta_event' && f['meta_event_type'] === 'heartbeat' && typeof f['interval'] === 'number') this.watch(f['interval']);
    this.handlers?.frame(f);
  }

  /** Three missed heartbeats mean a connection that is open but dead. */
  private watch(intervalMs: number): void {
    clearTimeout(this.heartbeatTimer);
    if (intervalMs <= 0) return;
    this.heartbeatTimer = setTimeout(() => {
      this.options.log(`no heartbeat for ${(3 * intervalMs) / 1000} s: dropping the connection`);
      this.socket?.terminate();
    }, 3 * intervalMs);
  }

  private failPending(why: string): void {
    for (const [echo, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(new Error(why));
      this.pending.delete(echo);
    }
  }

  private fatal(reason: string): void {
    if (this.stopping) return;
    this.stopping = true;
    clearTimeout(this.retryTimer);
    this.handlers?.fatal(reason);
  }

  /** The URL without anything a user might have put after `?`. */
  private where(): string {
    const u = new URL(this.options.url);
    return `${u.protocol}//${u.host}${u.pathname === '/' ? '' : u.pathname}`;
  }
}

function describeError(err: Error, where: string): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ECONNREFUSED') return `connection refused by ${where}`;
  if (code === 'EADDRINUSE') return `${where} is already in use`;
  return `${where}: ${err.message}`;
}
