/**
 * The playbook's actions as Discord REST calls (through discord.js, which waits out 429 answers
 * and tries again): the actions of docs/embedding.md and those of the section-4b additions
 * (role.grant/revoke, member.unmute, member.ban, message.pin, message.reply).
 *
 * - message.send: a message in the community's channel; with `to`, a direct message (POST
 *   /users/@me/channels, then the message); `mentions` become `<@id>` with allowed_mentions.
 * - message.delete, message.pin, message.reply: by the message's id in the community's channel.
 * - member.mute: a timeout (communication_disabled_until). Discord allows 28 days at most: a
 *   longer mute is applied for 28 days and renewed by the bot then (an undo record), until `until`.
 * - member.remove: a kick, or with remove = ban a ban (with the delete-message window).
 * - member.ban: a ban; with `until`, lifted by the bot then.
 * - admin.notify: a direct message to each admin.
 */
import { DiscordAPIError, type Client, type Guild, type GuildTextBasedChannel } from 'discord.js';
import type { OutputAction } from '../runtime/runtime.js';
import type { ActionOutcome, RemoveMode, RoomBinding, UndoRecord } from './adapter.js';
import { roleName } from './discord-events.js';

/** The longest timeout Discord accepts (its documentation: up to 28 days in the future). */
export const MAX_TIMEOUT_MS = 28 * 24 * 3600 * 1000;
/** A renewal is applied this long before the running timeout ends, so there is no gap. */
const RENEW_EARLY_MS = 60_000;

export interface DiscordActionOptions {
  rooms: RoomBinding[];
  admins: string[];
  removeMode: RemoveMode;
  banDeleteMessageSeconds?: number | undefined;
}

export class DiscordActions {
  private readonly channelOf = new Map<string, string>();

  constructor(
    private readonly client: Client,
    private readonly options: DiscordActionOptions,
    private readonly now: () => number = Date.now,
  ) {
    for (const r of options.rooms) this.channelOf.set(r.community, r.room);
  }

  async perform(action: OutputAction): Promise<ActionOutcome> {
    try {
      return await this.dispatch(action);
    } catch (e) {
      return fromError(e, action);
    }
  }

  async undo(record: UndoRecord): Promise<ActionOutcome> {
    try {
      const channel = this.channel(record.community);
      if (typeof channel === 'string') return { status: 'skipped', reason: channel };
      if (record.kind === 'unban') {
        await channel.guild.bans.remove(record.member, 'the ban ended');
        return { status: 'done' };
      }
      if (record.kind === 'timeout-renew')
        return await this.timeout(channel.guild, record.community, record.member, Date.parse(String(record['until'])), 'mute renewed');
      return { status: 'unsupported', reason: `the Discord adapter cannot undo ${JSON.stringify(record.kind)}` };
    } catch (e) {
      return fromError(e, undefined);
    }
  }

  private channel(community: string): GuildTextBasedChannel | string {
    const id = this.channelOf.get(community);
    if (id === undefined) return `no channel is bound to community ${community}`;
    const c = this.client.channels.cache.get(id);
    if (!c || !c.isTextBased() || c.isDMBased()) return `channel ${id} is not visible to the bot`;
    return c;
  }

  private async dispatch(a: OutputAction): Promise<ActionOutcome> {
    const str = (k: string): string | undefined => (typeof a[k] === 'string' ? a[k] : undefined);
    if (a.type === 'admin.notify') return this.notifyAdmins(a.community, str('text') ?? '');
    const channel = this.channel(a.community);
    if (typeof channel === 'string') return { status: 'skipped', reason: channel };
    const guild = channel.guild;
    const member = a.member;
    const reason = str('reason');
    const needMember = (): string => {
      if (member === undefined) throw new MissingField('member');
      return member;
    };
    switch (a.type) {
      case 'message.send': {
        const text = str('text') ?? '';
        if (str('to') !== undefined) {
          const dm = await this.client.users.send(str('to')!, { content: text, allowedMentions: { parse: [] } });
          return { status: 'done', detail: `direct message ${dm.id}` };
        }
        const mentions = Array.isArray(a['mentions']) ? (a['mentions'] as unknown[]).filter((m): m is string => typeof m === 'string') : [];
        const content = mentions.length ? `${mentions.map((m) => `<@${m}>`).join(' ')} ${text}` : text;
        const sent = await channel.send({ content, allowedMentions: { users: mentions } });
        return { status: 'done', detail: `message ${sent.id}` };
      }
      case 'message.reply': {
        const sent = await channel.send({
          content: str('text') ?? '',
          reply: { messageReference: needField(str('messageId'), 'messageId'), failIfNotExists: true },
          allowedMentions: { repliedUser: true, parse: [] },
        });
        return { status: 'done', detail: `message ${sent.id}` };
      }
      case 'message.delete':
        await channel.messages.delete(needField(str('messageId'), 'messageId'));
        return { status: 'done' };
      case 'message.pin':
        await channel.messages.pin(needField(str('messageId'), 'messageId'), reason);
        return { status: 'done' };
      case 'member.mute':
        return this.timeout(guild, a.community, needMember(), Date.parse(needField(str('until'), 'until')), reason);
      case 'member.unmute':
        await guild.members.edit(needMember(), { communicationDisabledUntil: null, ...(reason ? { reason } : {}) });
        return { status: 'done' };
      case 'member.remove':
        if (this.options.removeMode === 'ban') return this.ban(guild, a.community, needMember(), reason, undefined);
        await guild.members.kick(needMember(), reason);
        return { status: 'done' };
      case 'member.ban':
        return this.ban(guild, a.community, needMember(), reason, str('until'));
      case 'role.grant':
      case 'role.revoke': {
        const name = needField(str('role'), 'role');
        const role = guild.roles.cache.find((r) => r.id === name || roleName(r.name) === roleName(name));
        if (!role) return { status: 'failed', reason: `the server ${guild.name} has no role named ${JSON.stringify(name)}` };
        if (a.type === 'role.grant') await guild.members.addRole({ user: needMember(), role, ...(reason ? { reason } : {}) });
        else await guild.members.removeRole({ user: needMember(), role, ...(reason ? { reason } : {}) });
        return { status: 'done', detail: `role ${role.id}` };
      }
      default:
        return { status: 'unsupported', reason: `${a.type} is not something a Discord bot can do` };
    }
  }

  /** A timeout until `until`, or for 28 days and a renewal record when `until` is further away. */
  private async timeout(guild: Guild, community: string, member: string, until: number, reason: string | undefined): Promise<ActionOutcome> {
    const now = this.now();
    if (!(until > now)) return { status: 'skipped', reason: 'the mute has already ended' };
    const end = Math.min(until, now + MAX_TIMEOUT_MS - RENEW_EARLY_MS);
    await guild.members.edit(member, { communicationDisabledUntil: new Date(end).toISOString(), ...(reason ? { reason } : {}) });
    if (end >= until) return { status: 'done', detail: `timed out until ${new Date(end).toISOString()}` };
    return {
      status: 'done',
      detail: `Discord allows 28 days at most: timed out until ${new Date(end).toISOString()}, renewed by the bot then until ${new Date(until).toISOString()}`,
      undoAt: end - RENEW_EARLY_MS,
      undo: { kind: 'timeout-renew', community, member, until: new Date(until).toISOString() },
    };
  }

  private async ban(guild: Guild, community: string, member: string, reason: string | undefined, until: string | undefined): Promise<ActionOutcome> {
    await guild.bans.create(member, { deleteMessageSeconds: this.options.banDeleteMessageSeconds ?? 0, ...(reason ? { reason } : {}) });
    if (until === undefined) return { status: 'done' };
    return { status: 'done', detail: `banned until ${until}`, undoAt: Date.parse(until), undo: { kind: 'unban', community, member } };
  }

  private async notifyAdmins(community: string, text: string): Promise<ActionOutcome> {
    if (this.options.admins.length === 0) return { status: 'unsupported', reason: 'no admin user ids are configured (--admin ID)' };
    const failures: string[] = [];
    for (const admin of this.options.admins) {
      try {
        await this.client.users.send(admin, { content: `[${community}] ${text}`, allowedMentions: { parse: [] } });
      } catch (e) {
        const out = fromError(e, undefined);
        failures.push(`${admin}: ${'reason' in out ? out.reason : out.status}`);
      }
    }
    if (failures.length === this.options.admins.length) return { status: 'failed', reason: failures.join('; ') };
    return { status: 'done', ...(failures.length ? { detail: `not reached: ${failures.join('; ')}` } : {}) };
  }
}

class MissingField extends Error {
  constructor(readonly field: string) {
    super(`the action has no ${field}`);
  }
}

function needField(v: string | undefined, field: string): string {
  if (v === undefined) throw new MissingField(field);
  return v;
}

/** Discord's JSON error codes that mean there is nothing left to do. */
const GONE: Record<number, string> = Object.assign(Object.create(null) as Record<number, string>, {
  10007: 'the member is not in the server',
  10008: 'the message is gone',
  10013: 'no such user',
  10026: 'the member is not banned',
});

function fromError(e: unknown, action: OutputAction | undefined): ActionOutcome {
  if (e instanceof MissingField) return { status: 'failed', reason: e.message };
  if (e instanceof DiscordAPIError) {
    const code = typeof e.code === 'number' ? e.code : Number(e.code);
    const gone = GONE[code];
    if (gone !== undefined) return { status: 'skipped', reason: `${gone} (Discord ${e.status} ${code})` };
    if (code === 50007)
      return { status: 'failed', reason: `Discord will not deliver a direct message to this user (50007: they block DMs from server members or the bot)` };
    if (code === 50013)
      return {
        status: 'failed',
        reason: `missing permission for ${action?.type ?? 'this'} (Discord 403 50013: give the bot the role permissions of docs/bots.md, placed above the member's roles)`,
      };
    return { status: 'failed', reason: `Discord ${e.status} ${code}: ${e.message}` };
  }
  const err = e as { message?: string; code?: string };
  return { status: 'failed', reason: err.message ?? String(e) };
}
