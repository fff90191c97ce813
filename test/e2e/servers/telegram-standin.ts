/**
 * A stand-in for the Telegram Bot API on 127.0.0.1, for the Telegram bot's end-to-end tests:
 * `POST /bot<token>/<method>` with a JSON body, answered `{ok, result}` or `{ok: false,
 * error_code, description}` as https://core.telegram.org/bots/api#making-requests says.
 * getUpdates is a real long poll (offset confirms, timeout holds the request, allowed_updates
 * is remembered between calls, a second poller gets 409). A wrong token is 401, an unknown
 * method 404, a missing parameter 400; a 429 with retry_after can be asked for. Every request is
 * recorded. The tests drive members through it (join, post, react...), which makes updates.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Message, ReactionTypeEmoji, Update, User } from '@grammyjs/types';
import { callMethod, checkParams, REQUIRED, type MethodContext } from './telegram-methods.js';
import { administrator, bad, BOT, DEFAULT_EXCLUDED, mentionEntities, now, StandinChat, updateKind, type Answer } from './telegram-world.js';

export const TOKEN = '7000001:AAH-standin-token_for_tests';

/** One request as the stand-in saw it. */
export interface Recorded {
  method: string;
  params: Record<string, unknown>;
  answer: Answer;
}

interface Poll {
  res: ServerResponse;
  offset: number;
  limit: number;
  timer: NodeJS.Timeout;
  rec: Recorded;
}

export class TelegramStandin implements MethodContext {
  readonly chats = new Map<number, StandinChat>();
  readonly users = new Map<number, { user: User; startedBot: boolean; inbox: Message[] }>([[BOT.id, { user: BOT, startedBot: false, inbox: [] }]]);
  readonly requests: Recorded[] = [];
  private readonly updates: Update[] = [];
  /** Every update ever made, for redeliver(). */
  private readonly history: Update[] = [];
  private nextUpdateId = 500_000;
  private allowed: Set<string> | undefined;
  private poll: Poll | undefined;
  private readonly rateLimits = new Map<string, number[]>();
  private server: Server | undefined;
  private stopped = false;
  /** Set by setWebhook: updates are POSTed there, and getUpdates is refused. */
  webhook: { url: string; secret: string | undefined } | undefined;
  /** Each webhook delivery attempt: the update and the HTTP status (0: no connection). */
  readonly deliveries: { updateId: number; status: number }[] = [];
  private delivering = false;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => void this.onRequest(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.dropPolls();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  // ------------------------------------------------------------------ the world, driven by tests

  addChat(id: number, title: string): StandinChat {
    const chat = new StandinChat({ id, type: 'supergroup', title });
    chat.members.set(BOT.id, administrator(BOT, { can_promote_members: true }));
    this.chats.set(id, chat);
    return chat;
  }

  addUser(id: number, firstName: string, username?: string, startedBot = false): User {
    const user: User = { id, is_bot: false, first_name: firstName, ...(username ? { username } : {}) };
    this.users.set(id, { user, startedBot, inbox: [] });
    return user;
  }

  chat(id: number): StandinChat {
    return this.chats.get(id)!;
  }

  /** A user joins by link (or is added by `by`); false when banned. */
  join(chatId: number, user: User, by?: User): boolean {
    const chat = this.chat(chatId);
    const old = chat.member(user);
    if (old.status === 'kicked') return false;
    const status = user.id === BOT.id ? old : { status: 'member' as const, user };
    chat.members.set(user.id, status);
    this.push({ chat_member: { chat: chat.chat, from: by ?? user, date: now(), old_chat_member: old, new_chat_member: status } });
    // The service message Telegram also sends; the adapter must not count it as a second join.
    const service = chat.newMessage(by ?? user, '');
    delete (service as Partial<Message.TextMessage>).text;
    this.push({ message: { ...service, new_chat_members: [user] } });
    return true;
  }

  leave(chatId: number, user: User): void {
    const chat = this.chat(chatId);
    const old = chat.member(user);
    chat.members.set(user.id, { status: 'left', user });
    this.push({ chat_member: { chat: chat.chat, from: user, date: now(), old_chat_member: old, new_chat_member: { status: 'left', user } } });
  }

  /** A member posts; undefined when Telegram would refuse it (not a member, muted, banned). */
  post(chatId: number, user: User, text: string): Message | undefined {
    const chat = this.chat(chatId);
    if (!chat.canPost(user)) return undefined;
    const entities = mentionEntities(text);
    const message = chat.newMessage(user, text, entities.length ? { entities } : {});
    this.push({ message });
    return message;
  }

  edit(chatId: number, messageId: number, text: string): void {
    const kept = this.chat(chatId).messages.get(messageId)!;
    const edited = { ...kept.message, text, edit_date: now() };
    kept.message = edited;
    this.push({ edited_message: edited });
  }

  react(chatId: number, user: User, messageId: number, emoji: ReactionTypeEmoji['emoji']): void {
    const chat = this.chat(chatId);
    this.push({ message_reaction: { chat: chat.chat, message_id: messageId, user, date: now(), old_reaction: [], new_reaction: [{ type: 'emoji', emoji }] } });
  }

  requestJoin(chatId: number, user: User): void {
    const chat = this.chat(chatId);
    chat.joinRequests.add(user.id);
    this.push({ chat_join_request: { chat: chat.chat, from: user, user_chat_id: user.id, date: now(), bio: `hi, I am ${user.first_name}` } });
  }

  /** What the bot sent the user privately. */
  inbox(userId: number): string[] {
    return this.users.get(userId)!.inbox.map((m) => (m as Message.TextMessage).text);
  }

  /** The next `times` calls of `method` are answered 429 with this retry_after. */
  rateLimit(method: string, retryAfter: number, times = 1): void {
    this.rateLimits.set(
      method.toLowerCase(),
      Array.from({ length: times }, () => retryAfter),
    );
  }

  /** Cut the open long poll as a network failure would (the connection is reset); returns it, if one was open. */
  dropPolls(): Recorded | undefined {
    const poll = this.poll;
    this.poll = undefined;
    if (!poll) return undefined;
    clearTimeout(poll.timer);
    poll.rec.answer = bad('(connection reset by the stand-in)', 599);
    poll.res.socket?.destroy();
    return poll.rec;
  }

  calls(method: string): Recorded[] {
    return this.requests.filter((r) => r.method === method);
  }

  push(update: Omit<Update, 'update_id'>): void {
    const u = { update_id: this.nextUpdateId++, ...update } as Update;
    this.updates.push(u);
    this.history.push(u);
    this.answerPoll();
  }

  /**
   * Every update made so far is pending again, as if none had been confirmed: what a bot
   * killed before its next getUpdates sees (at a smaller scale) when it starts again.
   */
  redeliver(): void {
    this.updates.splice(0, this.updates.length, ...this.history);
    this.answerPoll();
  }

  // ------------------------------------------------------------------ HTTP

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const match = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec(new URL(req.url ?? '/', 'http://x').pathname);
    if (!match || req.method !== 'POST') return send(res, bad('Not Found', 404));
    const [, token, name] = match as unknown as [string, string, string];
    // Method names are case-insensitive (the docs, "Making requests").
    const method = name.toLowerCase();
    let params: Record<string, unknown> = {};
    const body = Buffer.concat(chunks).toString('utf8');
    if (body) {
      if (!/application\/json/.test(req.headers['content-type'] ?? ''))
        return this.answer(res, name, params, bad('Bad Request: the stand-in reads JSON bodies only'));
      try {
        params = JSON.parse(body) as Record<string, unknown>;
      } catch {
        return this.answer(res, name, params, bad("Bad Request: can't parse JSON"));
      }
    }
    if (token !== TOKEN) return this.answer(res, name, params, bad('Unauthorized', 401));
    if (!(method in REQUIRED)) return this.answer(res, name, params, bad('Not Found', 404));
    const wrong = checkParams(method, params);
    if (wrong) return this.answer(res, name, params, bad(wrong));
    const limited = this.rateLimits.get(method);
    if (limited?.length) {
      const retryAfter = limited.shift()!;
      return this.answer(res, name, params, {
        ok: false,
        error_code: 429,
        description: `Too Many Requests: retry after ${retryAfter}`,
        parameters: { retry_after: retryAfter },
      });
    }
    if (method === 'setwebhook' || method === 'deletewebhook') return this.answer(res, name, params, this.setWebhook(method, params));
    if (method === 'getupdates' && this.webhook)
      return this.answer(
        res,
        name,
        params,
        bad("Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first", 409),
      );
    if (method === 'getupdates') return this.getUpdates(res, name, params);
    this.answer(res, name, params, callMethod(this, method, params));
  }

  private answer(res: ServerResponse, method: string, params: Record<string, unknown>, answer: Answer): void {
    this.requests.push({ method, params, answer });
    send(res, answer);
  }

  private getUpdates(res: ServerResponse, name: string, p: Record<string, unknown>): void {
    if (Array.isArray(p['allowed_updates'])) this.allowed = (p['allowed_updates'] as string[]).length ? new Set(p['allowed_updates'] as string[]) : undefined;
    const offset = typeof p['offset'] === 'number' ? p['offset'] : 0;
    // Confirmed: every update below the offset is gone for good.
    while (this.updates.length && this.updates[0]!.update_id < offset) this.updates.shift();
    const limit = typeof p['limit'] === 'number' ? Math.min(Math.max(p['limit'], 1), 100) : 100;
    const timeout = typeof p['timeout'] === 'number' ? p['timeout'] : 0;
    if (this.poll) {
      const old = this.poll;
      this.poll = undefined;
      clearTimeout(old.timer);
      this.answer(
        old.res,
        name,
        { offset: old.offset },
        bad('Conflict: terminated by other getUpdates request; make sure that only one bot instance is running', 409),
      );
    }
    const rec: Recorded = { method: name, params: p, answer: { ok: true, result: 'pending' } };
    this.requests.push(rec);
    const poll: Poll = { res, offset, limit, rec, timer: setTimeout(() => this.finishPoll(poll), timeout * 1000) };
    this.poll = poll;
    res.on('close', () => {
      if (this.poll === poll) {
        clearTimeout(poll.timer);
        this.poll = undefined;
      }
    });
    this.answerPoll();
  }

  private setWebhook(method: string, p: Record<string, unknown>): Answer {
    if (method === 'deletewebhook') {
      this.webhook = undefined;
      return { ok: true, result: true };
    }
    const secret = p['secret_token'];
    if (secret !== undefined && (typeof secret !== 'string' || !/^[A-Za-z0-9_-]{1,256}$/.test(secret)))
      return bad('Bad Request: secret token contains unallowed characters');
    if (Array.isArray(p['allowed_updates'])) this.allowed = (p['allowed_updates'] as string[]).length ? new Set(p['allowed_updates'] as string[]) : undefined;
    this.webhook = { url: p['url'] as string, secret: secret as string | undefined };
    void this.deliver();
    return { ok: true, result: true };
  }

  /** POSTs pending updates to the webhook one at a time, each until it is answered 2xx, as Telegram retries. */
  private async deliver(): Promise<void> {
    if (this.delivering) return;
    this.delivering = true;
    try {
      for (;;) {
        const hook = this.webhook;
        const next = hook ? this.pending(0, 1)[0] : undefined;
        if (!hook || !next || this.stopped) return;
        let status = 0;
        try {
          const res = await fetch(hook.url, {
            method: 'POST',
            headers: { 'content-type': 'application/json', ...(hook.secret ? { 'x-telegram-bot-api-secret-token': hook.secret } : {}) },
            body: JSON.stringify(next),
          });
          status = res.status;
          await res.arrayBuffer();
        } catch {
          status = 0;
        }
        this.deliveries.push({ updateId: next.update_id, status });
        if (status >= 200 && status < 300) this.updates.splice(this.updates.indexOf(next), 1);
        else await new Promise((r) => setTimeout(r, 200));
      }
    } finally {
      this.delivering = false;
    }
  }

  private pending(offset: number, limit: number): Update[] {
    // Updates of kinds not asked for are dropped, as Telegram never makes them.
    for (let i = this.updates.length - 1; i >= 0; i--) {
      const kind = updateKind(this.updates[i]!);
      if (this.allowed ? !this.allowed.has(kind) : DEFAULT_EXCLUDED.has(kind)) this.updates.splice(i, 1);
    }
    return this.updates.filter((u) => u.update_id >= offset).slice(0, limit);
  }

  private answerPoll(): void {
    if (this.webhook) void this.deliver();
    const poll = this.poll;
    if (poll && this.pending(poll.offset, poll.limit).length) this.finishPoll(poll);
  }

  private finishPoll(poll: Poll): void {
    if (this.poll !== poll) return;
    this.poll = undefined;
    clearTimeout(poll.timer);
    const result = this.pending(poll.offset, poll.limit);
    // The recorded request shows what it got, not "pending".
    poll.rec.answer = { ok: true, result };
    send(poll.res, { ok: true, result });
  }
}

function send(res: ServerResponse, answer: Answer): void {
  if (res.destroyed) return;
  res.writeHead(answer.ok ? 200 : answer.error_code, { 'content-type': 'application/json' });
  res.end(JSON.stringify(answer));
}
