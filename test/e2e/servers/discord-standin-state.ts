/**
 * What the Discord stand-in (discord-standin.ts) knows: one guild with its channels, roles,
 * members, messages, bans and pins, the bot's direct-message channels, and the payloads of
 * Discord's API built from it, typed with discord-api-types so their shapes follow the
 * documentation rather than what the adapter happens to read.
 */
import {
  ChannelType,
  GuildDefaultMessageNotifications,
  GuildExplicitContentFilter,
  GuildMFALevel,
  GuildNSFWLevel,
  GuildPremiumTier,
  GuildSystemChannelFlags,
  GuildVerificationLevel,
  MessageType,
  PermissionFlagsBits,
  type APIGuildMember,
  type GuildMemberFlags,
  type RoleFlags,
  type APIMessage,
  type APIRole,
  type APITextChannel,
  type APIUser,
  type GatewayGuildCreateDispatchData,
} from 'discord-api-types/v10';

/** Discord's epoch (2015-01-01), the base of snowflake timestamps. */
const DISCORD_EPOCH = 1_420_070_400_000n;

export class Snowflakes {
  private increment = 0n;
  next(at = Date.now()): string {
    this.increment = (this.increment + 1n) & 0xfffn;
    return String(((BigInt(at) - DISCORD_EPOCH) << 22n) | (1n << 17n) | this.increment);
  }
}

/** The permissions of the bot's role unless a test takes some away. */
export const BOT_PERMISSIONS =
  PermissionFlagsBits.ViewChannel |
  PermissionFlagsBits.SendMessages |
  PermissionFlagsBits.ReadMessageHistory |
  PermissionFlagsBits.ManageMessages |
  PermissionFlagsBits.ModerateMembers |
  PermissionFlagsBits.KickMembers |
  PermissionFlagsBits.BanMembers |
  PermissionFlagsBits.ManageRoles;

export interface Member {
  user: APIUser;
  roles: string[];
  joinedAt: string;
  timeoutUntil: string | null;
}

export interface StoredMessage {
  message: APIMessage;
  guild: boolean;
}

export class GuildState {
  readonly ids = new Snowflakes();
  readonly guildId: string;
  readonly ownerId: string;
  readonly bot: APIUser;
  readonly users = new Map<string, APIUser>();
  readonly members = new Map<string, Member>();
  readonly roles = new Map<string, APIRole>();
  readonly channels = new Map<string, APITextChannel>();
  readonly messages = new Map<string, StoredMessage>();
  readonly bans = new Map<string, { reason: string | null; deleteMessageSeconds: number }>();
  readonly pins = new Set<string>();
  /** DM channel id → the user at the other end, and the reverse. */
  readonly dmChannels = new Map<string, string>();
  readonly dmOf = new Map<string, string>();
  /** Users who accept no direct messages from the bot (Discord answers 50007). */
  readonly dmClosed = new Set<string>();
  readonly botRoleId: string;

  constructor(botName: string, channelNames: string[], roleNames: string[], botPermissions: bigint) {
    this.bot = this.user(botName, true);
    this.guildId = this.ids.next();
    this.ownerId = this.user('owner').id;
    this.roles.set(this.guildId, role(this.guildId, '@everyone', 0, PermissionFlagsBits.ViewChannel | PermissionFlagsBits.SendMessages));
    this.botRoleId = this.ids.next();
    this.roles.set(this.botRoleId, { ...role(this.botRoleId, botName, 10, botPermissions), managed: true });
    roleNames.forEach((name, i) => {
      const id = this.ids.next();
      this.roles.set(id, role(id, name, 1 + i, 0n));
    });
    channelNames.forEach((name, i) => {
      const id = this.ids.next();
      this.channels.set(id, {
        id,
        type: ChannelType.GuildText,
        guild_id: this.guildId,
        name,
        position: i,
        permission_overwrites: [],
        parent_id: null,
        nsfw: false,
        topic: null,
        last_message_id: null,
        rate_limit_per_user: 0,
      });
    });
    this.addMember(this.bot.id, [this.botRoleId]);
    this.addMember(this.ownerId, []);
  }

  user(name: string, bot = false): APIUser {
    const id = this.ids.next();
    const u: APIUser = { id, username: name, global_name: bot ? null : name, discriminator: '0', avatar: null, ...(bot ? { bot: true } : {}) };
    this.users.set(id, u);
    return u;
  }

  addMember(userId: string, roles: string[]): Member {
    const m: Member = { user: this.users.get(userId)!, roles, joinedAt: new Date().toISOString(), timeoutUntil: null };
    this.members.set(userId, m);
    return m;
  }

  roleByName(name: string): APIRole | undefined {
    return [...this.roles.values()].find((r) => r.name === name);
  }

  channelByName(name: string): APITextChannel {
    const c = [...this.channels.values()].find((ch) => ch.name === name);
    if (!c) throw new Error(`no channel #${name}`);
    return c;
  }

  /** The bot's permissions in the guild: the union of its roles' (channel overwrites are not modelled). */
  botPermissions(): bigint {
    let p = 0n;
    for (const id of [this.guildId, ...(this.members.get(this.bot.id)?.roles ?? [])]) p |= BigInt(this.roles.get(id)?.permissions ?? '0');
    return p;
  }

  isTimedOut(userId: string, now = Date.now()): boolean {
    const until = this.members.get(userId)?.timeoutUntil;
    return until !== null && until !== undefined && Date.parse(until) > now;
  }

  memberPayload(m: Member): APIGuildMember {
    return {
      user: m.user,
      nick: null,
      avatar: null,
      banner: null,
      roles: m.roles,
      joined_at: m.joinedAt,
      premium_since: null,
      deaf: false,
      mute: false,
      flags: 0 as GuildMemberFlags,
      pending: false,
      communication_disabled_until: m.timeoutUntil,
    };
  }

  newMessage(channelId: string, author: APIUser, content: string, extra: Partial<APIMessage> = {}): APIMessage {
    const now = Date.now();
    const id = this.ids.next(now);
    const message: APIMessage = {
      id,
      channel_id: channelId,
      author,
      content,
      timestamp: new Date(now).toISOString(),
      edited_timestamp: null,
      tts: false,
      mention_everyone: false,
      mentions: [],
      mention_roles: [],
      attachments: [],
      embeds: [],
      pinned: false,
      type: MessageType.Default,
      ...extra,
    };
    this.messages.set(id, { message, guild: this.channels.has(channelId) });
    return message;
  }

  guildCreate(): GatewayGuildCreateDispatchData {
    return {
      id: this.guildId,
      name: 'Stand-in Guild',
      icon: null,
      splash: null,
      discovery_splash: null,
      owner_id: this.ownerId,
      afk_channel_id: null,
      afk_timeout: 300,
      verification_level: GuildVerificationLevel.None,
      default_message_notifications: GuildDefaultMessageNotifications.OnlyMentions,
      explicit_content_filter: GuildExplicitContentFilter.Disabled,
      roles: [...this.roles.values()],
      emojis: [],
      features: [],
      mfa_level: GuildMFALevel.None,
      application_id: null,
      system_channel_id: null,
      system_channel_flags: GuildSystemChannelFlags.SuppressJoinNotifications,
      rules_channel_id: null,
      vanity_url_code: null,
      description: null,
      banner: null,
      premium_tier: GuildPremiumTier.None,
      preferred_locale: 'en-US' as GatewayGuildCreateDispatchData['preferred_locale'],
      public_updates_channel_id: null,
      nsfw_level: GuildNSFWLevel.Default,
      stickers: [],
      premium_progress_bar_enabled: false,
      hub_type: null,
      safety_alerts_channel_id: null,
      incidents_data: null,
      joined_at: this.members.get(this.bot.id)!.joinedAt,
      large: false,
      unavailable: false,
      member_count: this.members.size,
      voice_states: [],
      members: [...this.members.values()].map((m) => this.memberPayload(m)),
      channels: [...this.channels.values()],
      threads: [],
      presences: [],
      stage_instances: [],
      guild_scheduled_events: [],
      soundboard_sounds: [],
    };
  }
}

function role(id: string, name: string, position: number, permissions: bigint): APIRole {
  return {
    id,
    name,
    color: 0,
    colors: { primary_color: 0, secondary_color: null, tertiary_color: null },
    hoist: false,
    icon: null,
    unicode_emoji: null,
    position,
    permissions: String(permissions),
    managed: false,
    mentionable: false,
    flags: 0 as RoleFlags,
  };
}
