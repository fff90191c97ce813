/**
 * The Discord adapter, on discord.js v14: one gateway connection (discord.js identifies,
 * heartbeats, resumes a dropped session and replays what was missed), the bound text channels'
 * messages and their guilds' members turned into events (discord-events.ts), and the playbook's
 * actions carried out over the REST API (discord-actions.ts), where discord.js waits out 429
 * answers before trying again.
 *
 * Intents (docs/bots.md, "Discord"): Guilds (channels, roles), GuildMembers (joins, leaves,
 * role changes; privileged), GuildMessages and MessageContent (the text of messages;
 * privileged), GuildMessageReactions. The bot reads no direct messages, so it asks for none.
 */
import { Client, Events, GatewayIntentBits, Partials, PermissionFlagsBits } from 'discord.js';
import type { OutputAction } from '../runtime/runtime.js';
import type { ActionOutcome, AdapterEvents, Capabilities, ChatAdapter, RemoveMode, RoomBinding, UndoRecord } from './adapter.js';
import { DiscordActions } from './discord-actions.js';
import { DiscordEvents } from './discord-events.js';

export interface DiscordAdapterOptions {
  /** The bot token (from DISCORD_BOT_TOKEN; never an argument, never logged). */
  token: string;
  /** Text channel ids, each bound to a community. */
  rooms: RoomBinding[];
  /** User ids that receive admin.notify as direct messages. */
  admins: string[];
  removeMode: RemoveMode;
  /** The REST API root (`https://discord.com/api` by default); the gateway URL comes from its GET /gateway/bot. */
  api?: string | undefined;
  /** How much of a banned member's history a ban deletes, in seconds (0 to 604800). */
  banDeleteMessageSeconds?: number | undefined;
  /** How long `start` may take before it gives up. */
  startTimeoutMs?: number | undefined;
}

/** The intents the adapter asks for; GuildMembers and MessageContent must be enabled in the developer portal. */
export const DISCORD_INTENTS = [
  GatewayIntentBits.Guilds,
  GatewayIntentBits.GuildMembers,
  GatewayIntentBits.GuildMessages,
  GatewayIntentBits.MessageContent,
  GatewayIntentBits.GuildMessageReactions,
] as const;

/** Every event type discord-events.ts emits (Discord gives bots no join requests, red packets or orders). */
export const DISCORD_EVENTS = ['member.joined', 'member.left', 'message.posted', 'message.edited', 'reaction.added', 'role.granted', 'role.revoked'] as const;

/** The permissions the playbook's actions need, and what each is for (checked at start). */
const NEEDED_PERMISSIONS: [bigint, string][] = [
  [PermissionFlagsBits.ViewChannel, 'View Channel'],
  [PermissionFlagsBits.SendMessages, 'Send Messages'],
  [PermissionFlagsBits.ManageMessages, 'Manage Messages (delete, pin)'],
  [PermissionFlagsBits.ModerateMembers, 'Moderate Members (timeouts)'],
  [PermissionFlagsBits.KickMembers, 'Kick Members'],
  [PermissionFlagsBits.BanMembers, 'Ban Members'],
  [PermissionFlagsBits.ManageRoles, 'Manage Roles'],
];

/** The gateway's debug lines worth an operator's log: the connection's life, not every heartbeat. */
const WORTH_LOGGING = /resum|reconnect|zombie|invalid session|close code|disconnect/i;

export class DiscordAdapter implements ChatAdapter {
  readonly platform = 'discord';
  readonly client: Client;
  private readonly options: DiscordAdapterOptions;
  private readonly actions: DiscordActions;
  private readonly watcher: DiscordEvents;
  private events: AdapterEvents | undefined;
  private stopping = false;

  constructor(options: DiscordAdapterOptions) {
    if (options.rooms.length === 0) throw new Error('the Discord adapter needs at least one channel');
    for (const r of options.rooms) if (!/^\d{1,20}$/.test(r.room)) throw new Error(`${r.room} is not a Discord channel id (a number like 1234567890123456789)`);
    for (const a of options.admins) if (!/^\d{1,20}$/.test(a)) throw new Error(`--admin ${a}: on Discord an admin is a user id (a number), not a name`);
    const window = options.banDeleteMessageSeconds ?? 0;
    if (!Number.isInteger(window) || window < 0 || window > 604_800) throw new Error('the ban delete-message window is 0 to 604800 seconds (7 days)');
    this.options = options;
    this.client = new Client({
      intents: [...DISCORD_INTENTS],
      // Members, messages and reactions from before the bot connected are not cached; partials let
      // their events through with the ids the gateway gave.
      partials: [Partials.GuildMember, Partials.Message, Partials.Reaction, Partials.User],
      // A playbook's text never pings @everyone or roles; members only where an action names them.
      allowedMentions: { parse: [] },
      ...(options.api !== undefined ? { rest: { api: options.api } } : {}),
    });
    this.actions = new DiscordActions(this.client, options);
    this.watcher = new DiscordEvents(this.client, options.rooms, (e) => this.events?.event(e));
  }

  get capabilities(): Capabilities {
    return {
      messageIds: 'server',
      deleteMessage: true,
      mute: true,
      // Discord ends a timeout itself; one longer than 28 days is renewed by the bot (discord-actions.ts).
      muteEnds: 'server',
      muteSurvivesRejoin: true,
      kick: true,
      ban: true,
      privateMessage: true,
      adminNotify: this.options.admins.length > 0,
      pin: true,
      joinRequests: false,
      events: DISCORD_EVENTS,
    };
  }

  async start(events: AdapterEvents): Promise<void> {
    this.events = events;
    const client = this.client;
    client.on(Events.Debug, (line) => {
      if (WORTH_LOGGING.test(line) && !this.stopping) events.log(line.replace(/\s+/g, ' ').trim());
    });
    client.on(Events.Warn, (line) => {
      events.log(`warning: ${line}`);
    });
    client.on(Events.Error, (e) => {
      events.log(`error: ${e.message}`);
    });
    client.on(Events.ShardResume, (_id, replayed) => {
      events.log(`gateway session resumed (${replayed} event(s) replayed)`);
    });
    client.on(Events.Invalidated, () => {
      if (!this.stopping) events.fatal('the gateway invalidated the session and it could not be started again');
    });
    this.watcher.attach();

    const timeoutMs = this.options.startTimeoutMs ?? 30_000;
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      const ready = new Promise<void>((resolve) =>
        client.once(Events.ClientReady, () => {
          resolve();
        }),
      );
      const deadline = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          reject(new Error(`the gateway did not get ready within ${timeoutMs / 1000} s`));
        }, timeoutMs);
      });
      await Promise.race([client.login(this.options.token).then(() => ready), deadline]);
      this.checkChannels();
    } catch (e) {
      await this.stop();
      throw new Error(loginFailure(e), { cause: e });
    } finally {
      clearTimeout(timer);
    }
  }

  /** Every bound channel must be a text channel of a guild the bot is in; missing permissions are noted. */
  private checkChannels(): void {
    const me = this.client.user!;
    for (const r of this.options.rooms) {
      const channel = this.client.channels.cache.get(r.room);
      if (!channel) throw new Error(`channel ${r.room} is not in any server the bot is in (invite the bot, or check the id)`);
      if (!channel.isTextBased() || channel.isDMBased()) throw new Error(`channel ${r.room} is not a text channel of a server`);
      const text = channel;
      const perms = text.permissionsFor(me);
      const missing = NEEDED_PERMISSIONS.filter(([flag]) => !perms?.has(flag)).map(([, what]) => what);
      const where = `#${text.name} (${r.room}) in ${text.guild.name}`;
      this.events?.log(`watching ${where} as ${me.username} for community ${r.community}`);
      if (missing.length) this.events?.log(`note: in ${where} the bot lacks ${missing.join(', ')}; those actions will fail`);
    }
  }

  perform(action: OutputAction): Promise<ActionOutcome> {
    return this.actions.perform(action);
  }

  undo(record: UndoRecord): Promise<ActionOutcome> {
    return this.actions.undo(record);
  }

  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    this.watcher.detach();
    await this.client.destroy();
  }
}

/** Why logging in failed, in an operator's words (a 401 is a wrong token, 4014 an intent not enabled). */
function loginFailure(e: unknown): string {
  const err = e as { message?: string; status?: number; code?: number | string };
  if (err.status === 401 || err.code === 'TokenInvalid' || err.code === 4004)
    return 'Discord refused the token (401 Unauthorized): check DISCORD_BOT_TOKEN (the bot token of the application, not its client secret)';
  if (err.code === 'DisallowedIntents' || err.code === 4014 || /disallowed intent/i.test(err.message ?? ''))
    return 'Discord refused the intents: enable the Server Members and Message Content intents for the bot in the developer portal (docs/bots.md)';
  return err.message ?? String(e);
}
