/**
 * The REST routes of the Discord stand-in, as Discord's API reference describes them, and
 * nothing else: an unknown route is 404 with Discord's error JSON, a known path with another
 * method 405, a body missing a required field 400 with code 50035 (Invalid Form Body) and the
 * field's error, a missing permission 403 with 50013. Every change is also dispatched on the
 * gateway, as Discord does (MESSAGE_CREATE after a send, GUILD_MEMBER_REMOVE after a kick...).
 */
import { GatewayDispatchEvents, PermissionFlagsBits, type APIChannel, type ChannelFlags, type RESTError } from 'discord-api-types/v10';
import type { GuildState } from './discord-standin-state.js';

export interface RestAnswer {
  status: number;
  body?: unknown;
}

/** What a route handler may do beside answering: dispatch on the gateway. */
export type Dispatch = (event: GatewayDispatchEvents, data: unknown, intent: number) => void;

const MAX_TIMEOUT_MS = 28 * 24 * 3600 * 1000;
const MAX_DELETE_SECONDS = 604_800;

/** Intents bits, from Discord's gateway documentation. */
export const INTENT = {
  Guilds: 1 << 0,
  GuildMembers: 1 << 1,
  GuildModeration: 1 << 2,
  GuildMessages: 1 << 9,
  GuildMessageReactions: 1 << 10,
  MessageContent: 1 << 15,
};

export const error = (status: number, code: number, message: string, errors?: RESTError['errors']): RestAnswer => ({
  status,
  body: { code, message, ...(errors ? { errors } : {}) } satisfies RESTError,
});
const notFound = (): RestAnswer => error(404, 0, '404: Not Found');
const invalidForm = (field: string, code: string, message: string): RestAnswer =>
  error(400, 50035, 'Invalid Form Body', { [field]: { _errors: [{ code, message }] } });
const noContent: RestAnswer = { status: 204 };

type Body = Record<string, unknown>;
type Handler = (p: string[], body: Body, reason: string | undefined) => RestAnswer;

export class StandInRest {
  private readonly routes: [RegExp, Partial<Record<string, Handler>>][];

  constructor(
    private readonly g: GuildState,
    private readonly dispatch: Dispatch,
    private readonly gatewayUrl: () => string,
  ) {
    const S = '(\\d+)';
    this.routes = [
      [/^\/gateway\/bot$/, { GET: () => this.gatewayBot() }],
      [/^\/users\/@me$/, { GET: () => ({ status: 200, body: g.bot }) }],
      [/^\/users\/@me\/channels$/, { POST: (_p, b) => this.openDm(b) }],
      [new RegExp(`^/channels/${S}/messages$`), { POST: (p, b) => this.createMessage(p[0]!, b) }],
      [new RegExp(`^/channels/${S}/messages/${S}$`), { GET: (p) => this.getMessage(p[0]!, p[1]!), DELETE: (p) => this.deleteMessage(p[0]!, p[1]!) }],
      // The pin route discord.js 14.28 uses, and the older one Discord still documents.
      [new RegExp(`^/channels/${S}/messages/pins/${S}$`), { PUT: (p) => this.pin(p[0]!, p[1]!) }],
      [new RegExp(`^/channels/${S}/pins/${S}$`), { PUT: (p) => this.pin(p[0]!, p[1]!) }],
      [new RegExp(`^/guilds/${S}/members/${S}$`), { PATCH: (p, b) => this.editMember(p[0]!, p[1]!, b), DELETE: (p) => this.kick(p[0]!, p[1]!) }],
      [new RegExp(`^/guilds/${S}/members/${S}/roles/${S}$`), { PUT: (p) => this.role(p, true), DELETE: (p) => this.role(p, false) }],
      [new RegExp(`^/guilds/${S}/bans/${S}$`), { PUT: (p, b, r) => this.ban(p[0]!, p[1]!, b, r), DELETE: (p) => this.unban(p[0]!, p[1]!) }],
    ];
  }

  handle(method: string, path: string, body: Body, reason: string | undefined): RestAnswer {
    for (const [re, methods] of this.routes) {
      const m = re.exec(path);
      if (!m) continue;
      const handler = methods[method];
      if (!handler) return error(405, 0, '405: Method Not Allowed');
      return handler(m.slice(1), body, reason);
    }
    return notFound();
  }

  private gatewayBot(): RestAnswer {
    return {
      status: 200,
      body: { url: this.gatewayUrl(), shards: 1, session_start_limit: { total: 1000, remaining: 999, reset_after: 86_400_000, max_concurrency: 1 } },
    };
  }

  private lacks(flag: bigint): RestAnswer | undefined {
    return (this.g.botPermissions() & flag) === flag ? undefined : error(403, 50013, 'Missing Permissions');
  }

  private guild(id: string): RestAnswer | undefined {
    return id === this.g.guildId ? undefined : error(404, 10004, 'Unknown Guild');
  }

  private openDm(b: Body): RestAnswer {
    const to = b['recipient_id'];
    if (typeof to !== 'string') return invalidForm('recipient_id', 'BASE_TYPE_REQUIRED', 'This field is required');
    const user = this.g.users.get(to);
    if (!user) return error(404, 10013, 'Unknown User');
    let id = this.g.dmOf.get(to);
    if (id === undefined) {
      id = this.g.ids.next();
      this.g.dmOf.set(to, id);
      this.g.dmChannels.set(id, to);
    }
    const channel: APIChannel = { id, type: 1, name: null, last_message_id: null, recipients: [user], flags: 0 as ChannelFlags };
    return { status: 200, body: channel };
  }

  private createMessage(channelId: string, b: Body): RestAnswer {
    const dmUser = this.g.dmChannels.get(channelId);
    if (!this.g.channels.has(channelId) && dmUser === undefined) return error(404, 10003, 'Unknown Channel');
    const content = b['content'];
    if (content !== undefined && typeof content !== 'string') return invalidForm('content', 'BASE_TYPE_BAD_TYPE', 'Must be a string');
    if (!content && !b['embeds'] && !b['sticker_ids'] && !b['attachments'] && !b['poll']) return error(400, 50006, 'Cannot send an empty message');
    if ((content ?? '').length > 2000) return invalidForm('content', 'BASE_TYPE_MAX_LENGTH', 'Must be 2000 or fewer in length.');
    if (dmUser !== undefined) {
      if (this.g.dmClosed.has(dmUser)) return error(403, 50007, 'Cannot send messages to this user');
      return { status: 200, body: this.g.newMessage(channelId, this.g.bot, content as string) };
    }
    const denied = this.lacks(PermissionFlagsBits.SendMessages);
    if (denied) return denied;
    const ref = b['message_reference'] as { message_id?: string; fail_if_not_exists?: boolean } | undefined;
    if (ref !== undefined) {
      if (typeof ref.message_id !== 'string') return invalidForm('message_reference', 'BASE_TYPE_REQUIRED', 'message_id is required');
      const target = this.g.messages.get(ref.message_id);
      if ((!target || target.message.channel_id !== channelId) && ref.fail_if_not_exists !== false)
        return invalidForm('message_reference', 'MESSAGE_REFERENCE_UNKNOWN_MESSAGE', 'Unknown message');
    }
    const allowed = b['allowed_mentions'] as { users?: string[] } | undefined;
    const mentioned = [...String(content).matchAll(/<@!?(\d+)>/g)].map((m) => m[1]!).filter((id) => allowed?.users?.includes(id));
    const message = this.g.newMessage(channelId, this.g.bot, content as string, {
      mentions: mentioned.flatMap((id) => (this.g.users.has(id) ? [this.g.users.get(id)!] : [])),
      ...(ref ? { message_reference: { message_id: ref.message_id!, channel_id: channelId, guild_id: this.g.guildId }, type: 19 } : {}),
    });
    this.dispatch(GatewayDispatchEvents.MessageCreate, { ...message, guild_id: this.g.guildId }, INTENT.GuildMessages);
    return { status: 200, body: message };
  }

  private getMessage(channelId: string, id: string): RestAnswer {
    const m = this.g.messages.get(id);
    if (!m || m.message.channel_id !== channelId) return error(404, 10008, 'Unknown Message');
    return { status: 200, body: m.message };
  }

  private deleteMessage(channelId: string, id: string): RestAnswer {
    if (!this.g.channels.has(channelId)) return error(404, 10003, 'Unknown Channel');
    const m = this.g.messages.get(id);
    if (!m || m.message.channel_id !== channelId) return error(404, 10008, 'Unknown Message');
    if (m.message.author.id !== this.g.bot.id) {
      const denied = this.lacks(PermissionFlagsBits.ManageMessages);
      if (denied) return denied;
    }
    this.g.messages.delete(id);
    this.dispatch(GatewayDispatchEvents.MessageDelete, { id, channel_id: channelId, guild_id: this.g.guildId }, INTENT.GuildMessages);
    return noContent;
  }

  private pin(channelId: string, id: string): RestAnswer {
    const m = this.g.messages.get(id);
    if (!this.g.channels.has(channelId)) return error(404, 10003, 'Unknown Channel');
    if (!m || m.message.channel_id !== channelId) return error(404, 10008, 'Unknown Message');
    const denied = this.lacks(PermissionFlagsBits.ManageMessages);
    if (denied) return denied;
    this.g.pins.add(id);
    m.message.pinned = true;
    this.dispatch(
      GatewayDispatchEvents.ChannelPinsUpdate,
      { channel_id: channelId, guild_id: this.g.guildId, last_pin_timestamp: new Date().toISOString() },
      INTENT.Guilds,
    );
    return noContent;
  }

  private editMember(guildId: string, userId: string, b: Body): RestAnswer {
    const unknown = this.guild(guildId);
    if (unknown) return unknown;
    const m = this.g.members.get(userId);
    if (!m) return error(404, 10007, 'Unknown Member');
    if ('communication_disabled_until' in b) {
      const denied = this.lacks(PermissionFlagsBits.ModerateMembers);
      if (denied) return denied;
      const until = b['communication_disabled_until'];
      if (until !== null) {
        const at = typeof until === 'string' ? Date.parse(until) : NaN;
        if (Number.isNaN(at)) return invalidForm('communication_disabled_until', 'DATE_TIME_TYPE_PARSE', 'Could not parse the timestamp');
        if (at - Date.now() > MAX_TIMEOUT_MS)
          return invalidForm('communication_disabled_until', 'COMMUNICATION_DISABLED_UNTIL_TOO_LONG', 'Timeouts can be at most 28 days in the future');
      }
      m.timeoutUntil = until === null ? null : new Date(Date.parse(until as string)).toISOString();
    }
    const payload = { ...this.g.memberPayload(m), guild_id: this.g.guildId };
    this.dispatch(GatewayDispatchEvents.GuildMemberUpdate, payload, INTENT.GuildMembers);
    return { status: 200, body: this.g.memberPayload(m) };
  }

  private kick(guildId: string, userId: string): RestAnswer {
    const unknown = this.guild(guildId);
    if (unknown) return unknown;
    const denied = this.lacks(PermissionFlagsBits.KickMembers);
    if (denied) return denied;
    const m = this.g.members.get(userId);
    if (!m) return error(404, 10007, 'Unknown Member');
    this.g.members.delete(userId);
    this.dispatch(GatewayDispatchEvents.GuildMemberRemove, { guild_id: this.g.guildId, user: m.user }, INTENT.GuildMembers);
    return noContent;
  }

  private role([guildId, userId, roleId]: string[], add: boolean): RestAnswer {
    const unknown = this.guild(guildId!);
    if (unknown) return unknown;
    const denied = this.lacks(PermissionFlagsBits.ManageRoles);
    if (denied) return denied;
    const m = this.g.members.get(userId!);
    if (!m) return error(404, 10007, 'Unknown Member');
    if (!this.g.roles.has(roleId!) || roleId === this.g.guildId) return error(404, 10011, 'Unknown Role');
    const had = m.roles.includes(roleId!);
    if (add && !had) m.roles = [...m.roles, roleId!];
    if (!add && had) m.roles = m.roles.filter((r) => r !== roleId);
    if (add !== had) this.dispatch(GatewayDispatchEvents.GuildMemberUpdate, { ...this.g.memberPayload(m), guild_id: this.g.guildId }, INTENT.GuildMembers);
    return noContent;
  }

  private ban(guildId: string, userId: string, b: Body, reason: string | undefined): RestAnswer {
    const unknown = this.guild(guildId);
    if (unknown) return unknown;
    const denied = this.lacks(PermissionFlagsBits.BanMembers);
    if (denied) return denied;
    if (!this.g.users.has(userId)) return error(404, 10013, 'Unknown User');
    const seconds = b['delete_message_seconds'] ?? 0;
    if (typeof seconds !== 'number' || !Number.isInteger(seconds) || seconds < 0 || seconds > MAX_DELETE_SECONDS)
      return invalidForm('delete_message_seconds', 'NUMBER_TYPE_MAX', `int value should be less than or equal to ${MAX_DELETE_SECONDS}.`);
    this.g.bans.set(userId, { reason: reason ?? null, deleteMessageSeconds: seconds });
    this.dispatch(GatewayDispatchEvents.GuildBanAdd, { guild_id: this.g.guildId, user: this.g.users.get(userId)! }, INTENT.GuildModeration);
    const since = Date.now() - seconds * 1000;
    const gone = [...this.g.messages.values()].filter((s) => s.guild && s.message.author.id === userId && Date.parse(s.message.timestamp) >= since);
    for (const s of gone) {
      this.g.messages.delete(s.message.id);
      this.dispatch(
        GatewayDispatchEvents.MessageDelete,
        { id: s.message.id, channel_id: s.message.channel_id, guild_id: this.g.guildId },
        INTENT.GuildMessages,
      );
    }
    const m = this.g.members.get(userId);
    if (m) {
      this.g.members.delete(userId);
      this.dispatch(GatewayDispatchEvents.GuildMemberRemove, { guild_id: this.g.guildId, user: m.user }, INTENT.GuildMembers);
    }
    return noContent;
  }

  private unban(guildId: string, userId: string): RestAnswer {
    const unknown = this.guild(guildId);
    if (unknown) return unknown;
    const denied = this.lacks(PermissionFlagsBits.BanMembers);
    if (denied) return denied;
    if (!this.g.bans.delete(userId)) return error(404, 10026, 'Unknown Ban');
    return noContent;
  }
}
