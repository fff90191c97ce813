/**
 * Telegram groups through the Bot API, on grammY's Api client: long polling with getUpdates
 * (chat_member, message_reaction and chat_join_request are asked for by name, Telegram leaves
 * them out otherwise), updates turned into events by telegram-events.ts, actions carried out by
 * telegram-actions.ts. 429 answers are waited out by @grammyjs/auto-retry (retry_after).
 *
 * Delivery: an update's events are handed to the bot (which commits them at once) before the
 * next getUpdates confirms its offset, so a bot killed in between gets the same updates again
 * and their ids (the chat's message ids, update ids) make them duplicates. See docs/bots.md.
 */
import { autoRetry } from '@grammyjs/auto-retry';
import { apiThrottler } from '@grammyjs/transformer-throttler';
import { Api, GrammyError } from 'grammy';
import type { Update, UserFromGetMe } from 'grammy/types';
import type { OutputAction } from '../runtime/runtime.js';
import type { ActionOutcome, AdapterEvents, Capabilities, ChatAdapter, RemoveMode, RoomBinding, UndoRecord } from './adapter.js';
import { TelegramActions } from './telegram-actions.js';
import { TelegramEvents } from './telegram-events.js';
import { WebhookReceiver, type WebhookSettings } from './telegram-webhook.js';
import { messageOf } from '../stdlib/errors.js';

/** The update kinds the adapter turns into events. */
export const ALLOWED_UPDATES = ['message', 'edited_message', 'chat_member', 'message_reaction', 'chat_join_request'] as const;

/** Every event type telegram-events.ts makes. */
export const TELEGRAM_EVENTS = [
  'member.joined',
  'member.left',
  'message.posted',
  'message.edited',
  'reaction.added',
  'member.join_requested',
  'role.granted',
  'role.revoked',
] as const;

/** Rights the bot checks for at start, and what each is for (the log names the missing ones). */
const RIGHTS = {
  can_delete_messages: 'delete messages',
  can_restrict_members: 'mute, remove and ban members',
  can_invite_users: 'approve join requests',
  can_pin_messages: 'pin messages',
  can_promote_members: 'grant and revoke the admin role',
} as const;

export interface TelegramOptions {
  /** The bot token from BotFather (from the environment; never logged). */
  token: string;
  /** The Bot API server (default https://api.telegram.org); a local Bot API server or a test stand-in. */
  apiRoot?: string;
  /** Chat ids (`-100...` for supergroups) bound to communities. */
  rooms: RoomBinding[];
  /** User ids that receive admin.notify as private messages. */
  admins: string[];
  removeMode: RemoveMode;
  /** Long-poll timeout in seconds (Telegram holds getUpdates this long when nothing happens). */
  pollTimeoutSeconds?: number;
  /** How long the long poll may keep failing before the bot gives up (ms). */
  giveUpAfterMs?: number;
  /** Receive updates by webhook instead of long polling (telegram-webhook.ts). */
  webhook?: WebhookSettings;
}

export class TelegramAdapter implements ChatAdapter {
  readonly platform = 'telegram';
  readonly capabilities: Capabilities;
  private api: Api | undefined;
  private me: UserFromGetMe | undefined;
  private readonly events: TelegramEvents;
  private readonly actions: TelegramActions;
  private readonly byCommunity = new Map<string, RoomBinding>();
  private handlers: AdapterEvents | undefined;
  private offset = 0;
  private abort: AbortController | undefined;
  private loop: Promise<void> | undefined;
  private stopped = false;
  private receiver: WebhookReceiver | undefined;

  constructor(private readonly options: TelegramOptions) {
    for (const r of options.rooms) {
      if (!/^-?\d+$/.test(r.room)) throw new Error(`room ${r.room}: a Telegram chat is given by its numeric id (a supergroup's starts with -100)`);
      if (this.byCommunity.has(r.community)) throw new Error(`community ${r.community} is bound to two Telegram chats; give each chat its own community`);
      this.byCommunity.set(r.community, r);
    }
    for (const a of options.admins) if (!/^\d+$/.test(a)) throw new Error(`--admin ${a}: on Telegram an admin is a numeric user id`);
    this.capabilities = {
      messageIds: 'server',
      deleteMessage: true,
      mute: true,
      muteEnds: 'server',
      muteSurvivesRejoin: true,
      kick: true,
      ban: true,
      privateMessage: true,
      adminNotify: options.admins.length > 0,
      pin: true,
      joinRequests: true,
      events: TELEGRAM_EVENTS,
    };
    this.events = new TelegramEvents(
      options.rooms,
      () => this.me?.id,
      (line) => {
        this.log(line);
      },
    );
    this.actions = new TelegramActions({
      api: () => this.api,
      byCommunity: this.byCommunity,
      admins: options.admins,
      removeMode: options.removeMode,
      sent: (chat, id) => {
        this.events.noteOwnMessage(chat, id);
      },
      nameOf: (member) => this.events.nameOf(member),
      now: () => Date.now(),
    });
  }

  async start(handlers: AdapterEvents): Promise<void> {
    this.handlers = handlers;
    const api = new Api(this.options.token, { ...(this.options.apiRoot ? { apiRoot: this.options.apiRoot } : {}) });
    // Messages keep under Telegram's flood limits (about 20 a minute in a group, one a second
    // per chat, 30 a second in all) before Telegram has to answer 429. Only sendMessage: deleting
    // and restricting during a spam wave must not queue behind the group's message budget.
    const throttle = apiThrottler();
    api.config.use((prev, method, payload, signal) => (method === 'sendMessage' ? throttle(prev, method, payload, signal) : prev(method, payload, signal)));
    // Installed last, so it runs first: a call retried after a 429 goes through the throttle again.
    // Network errors are the caller's to handle (an action fails, the long poll backs off);
    // 429 and 5xx answers are waited out here, a few times.
    api.config.use(autoRetry({ maxRetryAttempts: 5, maxDelaySeconds: 300, rethrowHttpErrors: true }));
    const hook = this.options.webhook;
    try {
      this.me = await api.getMe();
      for (const r of this.options.rooms) await this.checkChat(api, r);
      if (hook) {
        this.receiver = new WebhookReceiver(
          hook,
          (u) => {
            this.onUpdate(u);
          },
          (line) => {
            this.log(line);
          },
        );
        await this.receiver.listen();
        await api.setWebhook(hook.url, { allowed_updates: [...ALLOWED_UPDATES], secret_token: this.receiver.secret, drop_pending_updates: false });
      } else {
        // A webhook set for this token makes getUpdates fail with 409; long polling replaces it.
        await api.deleteWebhook({ drop_pending_updates: false });
      }
    } catch (e) {
      await this.receiver?.close();
      throw new Error(this.redact(describe(e)), { cause: e });
    }
    this.api = api;
    if (hook) {
      this.log(`webhook set to ${hook.url}, listening on ${hook.host}:${hook.port}`);
      return;
    }
    this.abort = new AbortController();
    this.loop = this.poll(api);
  }

  private onUpdate(u: Update): void {
    if (this.stopped) return;
    for (const ev of this.events.fromUpdate(u)) this.handlers?.event(ev);
  }

  private async checkChat(api: Api, r: RoomBinding): Promise<void> {
    const chat = await api.getChat(Number(r.room)).catch((e: unknown) => {
      throw new Error(`chat ${r.room}: ${describe(e)} (is the bot a member of it?)`, { cause: e });
    });
    if (chat.type !== 'group' && chat.type !== 'supergroup') throw new Error(`chat ${r.room} is a ${chat.type}, not a group`);
    const self = await api.getChatMember(chat.id, this.me!.id);
    if (self.status !== 'administrator' && self.status !== 'creator') {
      this.log(`${r.room} (${chat.title}): the bot is not an administrator: it sees no joins or leaves (chat_member) and can only post`);
      return;
    }
    if (self.status === 'administrator') {
      const missing = Object.entries(RIGHTS)
        .filter(([right]) => !(self as unknown as Record<string, unknown>)[right])
        .map(([right, what]) => `${right} (${what})`);
      if (missing.length) this.log(`${r.room} (${chat.title}): the bot lacks ${missing.join(', ')}; those actions will fail`);
    }
  }

  /** The long poll: until stopped, backing off while Telegram cannot be reached, fatal on 401/409 or a long outage. */
  private async poll(api: Api): Promise<void> {
    const timeout = this.options.pollTimeoutSeconds ?? 30;
    const giveUp = this.options.giveUpAfterMs ?? 5 * 60_000;
    let failingSince: number | undefined;
    let wait = 500;
    while (!this.stopped) {
      let updates: Update[];
      try {
        updates = await api.getUpdates({ offset: this.offset, timeout, allowed_updates: [...ALLOWED_UPDATES] }, this.pollSignal());
      } catch (e) {
        if (this.isStopped()) return;
        const why = this.redact(describe(e));
        if (e instanceof GrammyError && (e.error_code === 401 || e.error_code === 409)) {
          const hint = e.error_code === 409 ? ' (another bot process, or a webhook, uses this token)' : '';
          this.handlers?.fatal(`getUpdates: ${why}${hint}`);
          return;
        }
        failingSince ??= Date.now();
        if (Date.now() - failingSince > giveUp) {
          this.handlers?.fatal(`getUpdates has failed for ${Math.round((Date.now() - failingSince) / 1000)} s: ${why}`);
          return;
        }
        this.log(`long poll dropped: ${why}; polling again in ${wait} ms from offset ${this.offset}`);
        await new Promise((r) => setTimeout(r, wait));
        wait = Math.min(wait * 2, 30_000);
        continue;
      }
      if (failingSince !== undefined) this.log(`long poll resumed at offset ${this.offset}`);
      failingSince = undefined;
      wait = 500;
      for (const u of updates) {
        // Only now, past the update, does the next getUpdates confirm it to Telegram.
        this.offset = u.update_id + 1;
        if (this.isStopped()) return;
        this.onUpdate(u);
      }
    }
  }

  /** Read through a call: `stop()` sets it while the loop awaits, which narrowing cannot see. */
  private isStopped(): boolean {
    return this.stopped;
  }

  /** grammY types its signal with the abort-controller shim's type; Node's AbortSignal is what it uses at run time. */
  private pollSignal(): Parameters<Api['getUpdates']>[1] {
    return this.abort!.signal as unknown as Parameters<Api['getUpdates']>[1];
  }

  perform(action: OutputAction): Promise<ActionOutcome> {
    return this.actions.perform(action);
  }

  undo(record: UndoRecord): Promise<ActionOutcome> {
    return this.actions.undo(record);
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    // The webhook stays set: Telegram keeps the updates for the next start.
    await this.receiver?.close();
    this.abort?.abort();
    await this.loop;
    // Confirm what was handled, so the next start does not fetch it again (it would be a duplicate anyway).
    if (this.api && this.offset > 0) await this.api.getUpdates({ offset: this.offset, limit: 1, timeout: 0 }).catch(() => undefined);
    this.api = undefined;
  }

  private log(line: string): void {
    this.handlers?.log(this.redact(line));
  }

  /** The token is the bot's password: it never reaches a log, even inside a URL in an error. */
  private redact(s: string): string {
    return this.options.token ? s.split(this.options.token).join('<token>') : s;
  }
}

function describe(e: unknown): string {
  if (e instanceof GrammyError) return `${e.method}: ${e.error_code} ${e.description}`;
  return messageOf(e);
}
