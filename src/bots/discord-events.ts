/**
 * What happens on Discord, as events of docs/embedding.md (section 3) and the section-4b
 * additions: members joining and leaving the guild of a bound channel, messages and their
 * edits in the channel, reactions (with who wrote the message), and role changes.
 *
 * Ids: a message event is keyed by the message's snowflake and an edit by the edit's time, so
 * an event replayed after a resumed session is a duplicate. Joins, leaves and role changes
 * belong to the guild, so each goes to every community bound to a channel of that guild.
 *
 * Joins, leaves, role changes and reactions are read from the raw dispatches: discord.js 14
 * emits guildMemberAdd/Remove/Update only while the shard is Ready, so those replayed after a
 * RESUME (before RESUMED) would be applied to its cache but never seen (found by the stand-in's
 * dropped-connection case). The raw dispatch comes before discord.js updates its cache, so the
 * member as cached is the member before a role change.
 */
import { Events, MessageType, type Client, type ClientEvents, type Message, type OmitPartialGroupDMChannel, type PartialMessage } from 'discord.js';
import {
  GatewayDispatchEvents,
  type GatewayDispatchPayload,
  type GatewayGuildMemberAddDispatchData,
  type GatewayGuildMemberRemoveDispatchData,
  type GatewayGuildMemberUpdateDispatchData,
  type GatewayMessageReactionAddDispatchData,
} from 'discord-api-types/v10';
import type { ChatEvent, RoomBinding } from './adapter.js';

type AnyMessage = OmitPartialGroupDMChannel<Message | PartialMessage>;

/** Message types that members write (not joins, pins or boosts the system posts). */
const MEMBER_MESSAGES = new Set<MessageType>([MessageType.Default, MessageType.Reply]);

export class DiscordEvents {
  private readonly community = new Map<string, string>();
  private readonly detachers: (() => void)[] = [];

  constructor(
    private readonly client: Client,
    rooms: readonly RoomBinding[],
    private readonly emit: (e: ChatEvent) => void,
  ) {
    for (const r of rooms) this.community.set(r.room, r.community);
  }

  attach(): void {
    this.on(Events.MessageCreate, (m: AnyMessage) => {
      this.posted(m);
    });
    this.on(Events.MessageUpdate, (_before: AnyMessage, after: AnyMessage) => {
      this.edited(after);
    });
    // ('raw' is emitted for every dispatch, replayed ones too, but is not among discord.js's typed
    // events.) A reaction's dispatch names the message's author (message_author_id), which
    // discord.js would otherwise fetch for a message it has not cached.
    const raw = (packet: GatewayDispatchPayload) => {
      if (packet.t === GatewayDispatchEvents.MessageReactionAdd) this.reacted(packet.d);
      else if (packet.t === GatewayDispatchEvents.GuildMemberAdd) this.joined(packet.d);
      else if (packet.t === GatewayDispatchEvents.GuildMemberRemove) this.left(packet.d);
      else if (packet.t === GatewayDispatchEvents.GuildMemberUpdate) this.roles(packet.d);
    };
    this.client.on(Events.Raw as string, raw);
    this.detachers.push(() => this.client.off(Events.Raw as string, raw));
  }

  detach(): void {
    for (const off of this.detachers) off();
    this.detachers.length = 0;
  }

  private on<E extends keyof ClientEvents>(name: E, fn: (...args: ClientEvents[E]) => void): void {
    this.client.on(name, fn);
    this.detachers.push(() => this.client.off(name, fn));
  }

  /** The communities bound to channels of a guild. */
  private guildCommunities(guildId: string): string[] {
    const out: string[] = [];
    for (const [channel, community] of this.community) {
      const c = this.client.channels.cache.get(channel);
      if (c && 'guildId' in c && c.guildId === guildId && !out.includes(community)) out.push(community);
    }
    return out;
  }

  private isSelf(userId: string | undefined): boolean {
    return userId !== undefined && userId === this.client.user?.id;
  }

  private roleName(guildId: string, roleId: string): string {
    const role = this.client.guilds.cache.get(guildId)?.roles.cache.get(roleId);
    return role ? roleName(role.name) : roleId;
  }

  private joined(d: GatewayGuildMemberAddDispatchData): void {
    if (this.isSelf(d.user.id)) return;
    const at = Date.parse(d.joined_at ?? '') || Date.now();
    const roles = d.roles.filter((id) => id !== d.guild_id).map((id) => this.roleName(d.guild_id, id));
    for (const community of this.guildCommunities(d.guild_id)) {
      this.emit({
        id: `join:${d.guild_id}:${d.user.id}:${at}`,
        type: 'member.joined',
        at: new Date(at).toISOString(),
        community,
        member: d.user.id,
        name: d.nick ?? d.user.global_name ?? d.user.username,
        ...(roles.length ? { roles } : {}),
      });
    }
  }

  private left(d: GatewayGuildMemberRemoveDispatchData): void {
    if (this.isSelf(d.user.id)) return;
    const now = Date.now();
    for (const community of this.guildCommunities(d.guild_id)) {
      this.emit({ id: `left:${d.guild_id}:${d.user.id}:${now}`, type: 'member.left', at: new Date(now).toISOString(), community, member: d.user.id });
    }
  }

  private roles(d: GatewayGuildMemberUpdateDispatchData): void {
    const before = this.client.guilds.cache.get(d.guild_id)?.members.cache.get(d.user.id);
    // Without the member as it was (not cached) there is nothing to compare with.
    if (!before || this.isSelf(d.user.id)) return;
    const now = Date.now();
    const was = new Set([...before.roles.cache.keys()].filter((id) => id !== d.guild_id));
    const is = new Set(d.roles.filter((id) => id !== d.guild_id));
    const changes: [string, 'role.granted' | 'role.revoked'][] = [];
    for (const id of is) if (!was.has(id)) changes.push([id, 'role.granted']);
    for (const id of was) if (!is.has(id)) changes.push([id, 'role.revoked']);
    for (const [roleId, type] of changes) {
      for (const community of this.guildCommunities(d.guild_id)) {
        this.emit({
          id: `${type}:${d.guild_id}:${d.user.id}:${roleId}:${now}`,
          type,
          at: new Date(now).toISOString(),
          community,
          member: d.user.id,
          role: this.roleName(d.guild_id, roleId),
        });
      }
    }
  }

  private posted(m: AnyMessage): void {
    const community = this.community.get(m.channelId);
    if (community === undefined || !m.author || this.isSelf(m.author.id) || m.webhookId) return;
    if (m.type !== null && !MEMBER_MESSAGES.has(m.type)) return;
    const mentions = [...m.mentions.users.keys()];
    this.emit({
      id: `message:${m.id}`,
      type: 'message.posted',
      at: new Date(m.createdTimestamp).toISOString(),
      community,
      member: m.author.id,
      name: m.member?.displayName ?? m.author.globalName ?? m.author.username,
      messageId: m.id,
      text: m.content ?? '',
      channel: m.channelId,
      ...(mentions.length ? { mentions } : {}),
    });
  }

  private edited(m: AnyMessage): void {
    const community = this.community.get(m.channelId);
    // An update without an edit time is Discord adding an embed, not the author editing.
    if (community === undefined || !m.editedTimestamp || m.content === null || !m.author || this.isSelf(m.author.id)) return;
    this.emit({
      id: `edit:${m.id}:${m.editedTimestamp}`,
      type: 'message.edited',
      at: new Date(m.editedTimestamp).toISOString(),
      community,
      member: m.author.id,
      messageId: m.id,
      text: m.content,
    });
  }

  private reacted(d: GatewayMessageReactionAddDispatchData): void {
    const community = this.community.get(d.channel_id);
    if (community === undefined || this.isSelf(d.user_id)) return;
    const emoji = d.emoji.id ? `<:${d.emoji.name ?? '_'}:${d.emoji.id}>` : (d.emoji.name ?? '');
    const now = Date.now();
    this.emit({
      id: `reaction:${d.message_id}:${d.user_id}:${d.emoji.id ?? d.emoji.name ?? ''}:${now}`,
      type: 'reaction.added',
      at: new Date(now).toISOString(),
      community,
      member: d.user_id,
      messageId: d.message_id,
      emoji,
      ...(d.message_author_id ? { author: d.message_author_id } : {}),
    });
  }
}

/** A Discord role name as a playbook role: `Admin` and `admin` are one role (`has role admin`). */
export function roleName(name: string): string {
  return name.toLowerCase();
}
