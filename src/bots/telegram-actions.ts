/**
 * The playbook's actions as Bot API calls (through grammY's Api, with auto-retry obeying 429
 * retry_after): each outcome is what the Bot API answered, so `done` means Telegram did it.
 * docs/bots.md (Telegram) lists each action's method and what the bot needs the right for.
 */
import { GrammyError, HttpError, type Api } from 'grammy';
import type { ChatPermissions, MessageEntity } from 'grammy/types';
import type { OutputAction } from '../runtime/runtime.js';
import type { ActionOutcome, RemoveMode, RoomBinding, UndoRecord } from './adapter.js';
import { messageOf } from '../stdlib/errors.js';

export const UNMUTE = 'unmute';
export const UNBAN = 'unban';

/** The Bot API ends a restriction or ban itself only between 30 s and 366 days from now; outside it is forever. */
export const SERVER_ENDS_MIN_S = 30;
export const SERVER_ENDS_MAX_S = 366 * 24 * 3600;

/** The roles that mean administrator rights in the chat; every other role has no Telegram meaning. */
export const ADMIN_ROLES = ['admin', 'moderator'];

/** What a mute takes away, and an unmute gives back (the Bot API: "pass True for all permissions to lift restrictions"). */
function permissions(allowed: boolean): ChatPermissions {
  return {
    can_send_messages: allowed,
    can_send_audios: allowed,
    can_send_documents: allowed,
    can_send_photos: allowed,
    can_send_videos: allowed,
    can_send_video_notes: allowed,
    can_send_voice_notes: allowed,
    can_send_polls: allowed,
    can_send_other_messages: allowed,
    can_add_web_page_previews: allowed,
    can_react_to_messages: allowed,
  };
}

/** The rights `role.grant admin` gives: what a moderator of a group needs, not the right to add admins or change the group. */
const MODERATOR_RIGHTS = {
  can_manage_chat: true,
  can_delete_messages: true,
  can_restrict_members: true,
  can_invite_users: true,
  can_pin_messages: true,
} as const;

/** "Pass False for all boolean parameters to demote a user" (promoteChatMember). */
const DEMOTED = {
  can_manage_chat: false,
  can_delete_messages: false,
  can_restrict_members: false,
  can_invite_users: false,
  can_pin_messages: false,
} as const;

export interface TelegramActionContext {
  api(): Api | undefined;
  readonly byCommunity: Map<string, RoomBinding>;
  readonly admins: string[];
  readonly removeMode: RemoveMode;
  /** A message the bot sent, so a reaction to it has the bot as author. */
  sent(chatId: number, messageId: number): void;
  /** A member's name as last seen, for mentions the bot writes. */
  nameOf(member: string): string | undefined;
  now(): number;
}

export class TelegramActions {
  constructor(private readonly ctx: TelegramActionContext) {}

  async perform(action: OutputAction): Promise<ActionOutcome> {
    try {
      switch (action.type) {
        case 'message.send':
          return await this.send(action);
        case 'message.reply':
          return await this.inChat(action, async (api, chat) => {
            const m = await api.sendMessage(chat, text(action), { reply_parameters: { message_id: messageIdOf(action) } });
            this.ctx.sent(chat, m.message_id);
            return { status: 'done', detail: `message ${m.message_id}` };
          });
        case 'message.delete':
          return await this.inChat(action, async (api, chat) => {
            await api.deleteMessage(chat, messageIdOf(action));
            return { status: 'done' };
          });
        case 'message.pin':
          return await this.inChat(action, async (api, chat) => {
            await api.pinChatMessage(chat, messageIdOf(action), { disable_notification: true });
            return { status: 'done' };
          });
        case 'member.mute':
          return await this.mute(action);
        case 'member.unmute':
          return await this.onMember(action, async (api, chat, user) => {
            await api.restrictChatMember(chat, user, permissions(true));
            return { status: 'done' };
          });
        case 'member.ban':
          return await this.ban(action);
        case 'member.remove':
          return await this.remove(action);
        case 'join.approve':
          return await this.onMember(action, async (api, chat, user) => {
            await api.approveChatJoinRequest(chat, user);
            return { status: 'done' };
          });
        case 'join.reject':
          return await this.onMember(action, async (api, chat, user) => {
            await api.declineChatJoinRequest(chat, user);
            return { status: 'done' };
          });
        case 'role.grant':
        case 'role.revoke':
          return await this.role(action);
        case 'admin.notify':
          return await this.notify(action);
        default:
          return { status: 'unsupported', reason: `${action.type} has no meaning in a Telegram group` };
      }
    } catch (e) {
      return failure(e);
    }
  }

  async undo(record: UndoRecord): Promise<ActionOutcome> {
    const chat = this.ctx.byCommunity.get(record.community);
    if (!chat) return { status: 'skipped', reason: `community ${record.community} has no Telegram chat here` };
    const api = this.ctx.api();
    if (!api) return { status: 'failed', reason: 'not connected to the Bot API' };
    const user = Number(record.member);
    try {
      if (record.kind === UNMUTE) await api.restrictChatMember(Number(chat.room), user, permissions(true));
      else if (record.kind === UNBAN) await api.unbanChatMember(Number(chat.room), user, { only_if_banned: true });
      else return { status: 'unsupported', reason: `the Telegram adapter cannot undo ${JSON.stringify(record.kind)}` };
      return { status: 'done' };
    } catch (e) {
      return failure(e);
    }
  }

  private async send(action: OutputAction): Promise<ActionOutcome> {
    const to = action['to'];
    if (typeof to !== 'string' || to === '') {
      return this.inChat(action, async (api, chat) => {
        const { body, entities } = this.withMentions(text(action), action['mentions']);
        const m = await api.sendMessage(chat, body, entities.length ? { entities } : {});
        this.ctx.sent(chat, m.message_id);
        return { status: 'done', detail: `message ${m.message_id}` };
      });
    }
    return this.direct(to, text(action));
  }

  /**
   * `mentions` (section 4b) as mentions Telegram notifies: each member's name appended, linked
   * to `tg://user?id=` (a mention that works for members without a username).
   */
  private withMentions(body: string, mentions: unknown): { body: string; entities: MessageEntity[] } {
    const entities: MessageEntity[] = [];
    if (!Array.isArray(mentions)) return { body, entities };
    for (const id of mentions) {
      if (typeof id !== 'string' || !/^\d+$/.test(id)) continue;
      const name = this.ctx.nameOf(id) ?? id;
      body += ' ';
      // Offsets count UTF-16 code units, as JavaScript string lengths do.
      entities.push({ type: 'text_link', offset: body.length, length: name.length, url: `tg://user?id=${id}` });
      body += name;
    }
    return { body, entities };
  }

  /** A private message: the user's id is their private chat's id, open only once they started the bot. */
  private async direct(to: string, body: string): Promise<ActionOutcome> {
    const api = this.ctx.api();
    if (!api) return { status: 'failed', reason: 'not connected to the Bot API' };
    const user = Number(to);
    if (!Number.isSafeInteger(user)) return { status: 'skipped', reason: `${to} is not a Telegram user id` };
    try {
      await api.sendMessage(user, body);
      return { status: 'done' };
    } catch (e) {
      if (e instanceof GrammyError && e.error_code === 403) {
        return {
          status: 'failed',
          reason: `Telegram refuses a private message to ${to} (${e.description}): a bot can write only to users who started a chat with it (/start) and did not block it`,
        };
      }
      throw e;
    }
  }

  private async mute(action: OutputAction): Promise<ActionOutcome> {
    return this.onMember(action, async (api, chat, user, member, community) => {
      const until = Date.parse(String(action['until']));
      const { untilDate, undoAt } = this.timed(until);
      await api.restrictChatMember(chat, user, permissions(false), { ...(untilDate !== undefined ? { until_date: untilDate } : {}) });
      if (undoAt === undefined) return { status: 'done', detail: `until_date ${untilDate}` };
      return { status: 'done', detail: 'the bot lifts it', undoAt, undo: { kind: UNMUTE, community, member } };
    });
  }

  private async ban(action: OutputAction): Promise<ActionOutcome> {
    return this.onMember(action, async (api, chat, user, member, community) => {
      const until = typeof action['until'] === 'string' ? Date.parse(action['until']) : undefined;
      if (until === undefined || Number.isNaN(until)) {
        await api.banChatMember(chat, user);
        return { status: 'done' };
      }
      const { untilDate, undoAt } = this.timed(until);
      await api.banChatMember(chat, user, { ...(untilDate !== undefined ? { until_date: untilDate } : {}) });
      if (undoAt === undefined) return { status: 'done', detail: `until_date ${untilDate}` };
      return { status: 'done', detail: 'the bot lifts it', undoAt, undo: { kind: UNBAN, community, member } };
    });
  }

  /**
   * `until_date` where Telegram honours it; a shorter (or longer) one would be forever, so then
   * none is sent and the bot lifts it at `until` instead (an undo record that outlives a restart).
   */
  private timed(until: number): { untilDate?: number; undoAt?: number } {
    const seconds = Math.ceil(until / 1000);
    const ahead = seconds - this.ctx.now() / 1000;
    if (ahead >= SERVER_ENDS_MIN_S && ahead <= SERVER_ENDS_MAX_S) return { untilDate: seconds };
    return { undoAt: until };
  }

  /** Kick is a ban lifted at once (the Bot API has no kick); `--remove ban` keeps the ban. */
  private async remove(action: OutputAction): Promise<ActionOutcome> {
    return this.onMember(action, async (api, chat, user) => {
      await api.banChatMember(chat, user);
      if (this.ctx.removeMode === 'ban') return { status: 'done', detail: 'banned' };
      await api.unbanChatMember(chat, user, { only_if_banned: true });
      return { status: 'done', detail: 'removed; may join again' };
    });
  }

  private async role(action: OutputAction): Promise<ActionOutcome> {
    const role = String(action['role']);
    if (!ADMIN_ROLES.includes(role))
      return { status: 'unsupported', reason: `role ${role} has no Telegram meaning (only ${ADMIN_ROLES.join(' and ')} map to administrator rights)` };
    const grant = action.type === 'role.grant';
    return this.onMember(action, async (api, chat, user) => {
      const rights = grant ? MODERATOR_RIGHTS : DEMOTED;
      await api.promoteChatMember(chat, user, rights);
      return { status: 'done', detail: grant ? 'promoted to administrator' : 'demoted' };
    });
  }

  private async notify(action: OutputAction): Promise<ActionOutcome> {
    if (this.ctx.admins.length === 0) return { status: 'unsupported', reason: 'no administrator user ids are configured (--admin USER_ID)' };
    const problems: string[] = [];
    for (const admin of this.ctx.admins) {
      const outcome = await this.direct(admin, `[${action.community}] ${text(action)}`);
      if (outcome.status !== 'done') problems.push(`${admin}: ${outcome.reason}`);
    }
    if (problems.length === this.ctx.admins.length) return { status: 'failed', reason: problems.join('; ') };
    return problems.length ? { status: 'done', detail: `not reached: ${problems.join('; ')}` } : { status: 'done' };
  }

  private async inChat(action: OutputAction, run: (api: Api, chat: number) => Promise<ActionOutcome>): Promise<ActionOutcome> {
    const binding = this.ctx.byCommunity.get(action.community);
    if (!binding) return { status: 'skipped', reason: `community ${action.community} has no Telegram chat here` };
    const api = this.ctx.api();
    if (!api) return { status: 'failed', reason: 'not connected to the Bot API' };
    return run(api, Number(binding.room));
  }

  private async onMember(
    action: OutputAction,
    run: (api: Api, chat: number, user: number, member: string, community: string) => Promise<ActionOutcome>,
  ): Promise<ActionOutcome> {
    const member = action.member;
    if (member === undefined || !/^\d+$/.test(member)) return { status: 'skipped', reason: `${String(member)} is not a Telegram user id` };
    return this.inChat(action, (api, chat) => run(api, chat, Number(member), member, action.community));
  }
}

function text(action: OutputAction): string {
  const t = action['text'];
  return typeof t === 'string' ? t : '';
}

function messageIdOf(action: OutputAction): number {
  const id = Number(action['messageId']);
  if (!Number.isSafeInteger(id) || id <= 0) throw new NotAnId(String(action['messageId']));
  return id;
}

class NotAnId extends Error {}

/** A refusal from the Bot API as an outcome: its code and description, which say what was wrong. */
function failure(e: unknown): ActionOutcome {
  if (e instanceof NotAnId) return { status: 'skipped', reason: `message id ${e.message} is not a Telegram message id` };
  if (e instanceof GrammyError) {
    // "message to delete not found": someone (or Telegram) removed it first.
    if (e.error_code === 400 && /not found/i.test(e.description) && /message/i.test(e.description))
      return { status: 'skipped', reason: `${e.method}: ${e.description}` };
    return { status: 'failed', reason: `${e.method}: ${e.error_code} ${e.description}` };
  }
  if (e instanceof HttpError) return { status: 'failed', reason: `the Bot API could not be reached: ${e.message}` };
  return { status: 'failed', reason: messageOf(e) };
}
