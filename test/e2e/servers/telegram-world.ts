/**
 * What the Telegram stand-in (telegram-standin.ts) keeps: users, one supergroup per chat id with
 * its members, messages, pins and join requests, and the updates each change produces. Every
 * payload is typed with @grammyjs/types, so a shape that drifts from the Bot API fails to compile.
 * Member statuses follow https://core.telegram.org/bots/api#chatmember; restrictions and bans
 * end at `until_date` only when it is 30 s to 366 days ahead (else they are forever), as the
 * docs of restrictChatMember and banChatMember say.
 */
import type {
  Chat,
  ChatFullInfo,
  ChatMember,
  ChatMemberAdministrator,
  ChatMemberRestricted,
  ChatPermissions,
  Message,
  MessageEntity,
  Update,
  User,
  UserFromGetMe,
} from '@grammyjs/types';

export const BOT: UserFromGetMe = {
  id: 7000001,
  is_bot: true,
  first_name: 'Playbook',
  username: 'playbook_test_bot',
  can_join_groups: true,
  can_read_all_group_messages: true,
  supports_inline_queries: false,
  can_connect_to_business: false,
  has_main_web_app: false,
  has_topics_enabled: false,
  allows_users_to_create_topics: false,
  can_manage_bots: false,
  supports_join_request_queries: false,
};

/** An answer of a Bot API method: its result, or the error Telegram gives. */
export type Answer = { ok: true; result: unknown } | { ok: false; error_code: number; description: string; parameters?: { retry_after?: number } };
export const ok = (result: unknown): Answer => ({ ok: true, result });
export const bad = (description: string, code = 400): Answer => ({ ok: false, error_code: code, description });

export const ADMIN_RIGHTS = {
  can_be_edited: false,
  is_anonymous: false,
  can_manage_chat: true,
  can_delete_messages: true,
  can_manage_video_chats: false,
  can_restrict_members: true,
  can_promote_members: true,
  can_change_info: false,
  can_invite_users: true,
  can_post_stories: false,
  can_edit_stories: false,
  can_delete_stories: false,
  can_pin_messages: true,
  can_send_welcome_messages: false,
};

const SEND_RIGHTS = [
  'can_send_messages',
  'can_send_audios',
  'can_send_documents',
  'can_send_photos',
  'can_send_videos',
  'can_send_video_notes',
  'can_send_voice_notes',
  'can_send_polls',
  'can_send_other_messages',
  'can_add_web_page_previews',
  'can_react_to_messages',
] as const;

/** A message in a group, as Update.message carries it (a sender, not a channel). */
export type GroupMessage = Message & { chat: Chat.SupergroupChat; from: User };

/** A message as the chat keeps it. */
export interface Kept {
  message: GroupMessage;
  deleted: boolean;
}

export class StandinChat {
  readonly members = new Map<number, ChatMember>();
  readonly messages = new Map<number, Kept>();
  readonly joinRequests = new Set<number>();
  pinned: number | undefined;
  private nextId = 1;
  constructor(readonly chat: Chat.SupergroupChat) {}

  info(): ChatFullInfo.SupergroupChat {
    return {
      ...this.chat,
      accent_color_id: 0,
      max_reaction_count: 11,
      accepted_gift_types: { unlimited_gifts: false, limited_gifts: false, unique_gifts: false, premium_subscription: false, gifts_from_channels: false },
    };
  }

  /** The member's status now: a restriction or ban past its until_date is over. */
  member(user: User): ChatMember {
    const m = this.members.get(user.id) ?? { status: 'left', user };
    if ((m.status === 'restricted' || m.status === 'kicked') && m.until_date > 0 && Date.now() >= m.until_date * 1000) {
      const after: ChatMember = m.status === 'kicked' ? { status: 'left', user } : m.is_member ? { status: 'member', user } : { status: 'left', user };
      this.members.set(user.id, after);
      return after;
    }
    return m;
  }

  canPost(user: User): boolean {
    const m = this.member(user);
    return m.status === 'creator' || m.status === 'administrator' || m.status === 'member' || (m.status === 'restricted' && m.is_member && m.can_send_messages);
  }

  newMessage(from: User, text: string, extra: Partial<Message> = {}): GroupMessage {
    const message = { message_id: this.nextId++, date: now(), chat: this.chat, from, text, ...extra } as GroupMessage;
    this.messages.set(message.message_id, { message, deleted: false });
    return message;
  }
}

/** until_date as Telegram reads it: 0 or outside 30 s..366 days ahead is forever (0). */
export function effectiveUntil(untilDate: number | undefined): number {
  if (untilDate === undefined || untilDate === 0) return 0;
  const ahead = untilDate - Date.now() / 1000;
  return ahead < 30 || ahead > 366 * 86400 ? 0 : untilDate;
}

export function restricted(user: User, isMember: boolean, p: ChatPermissions, until: number): ChatMemberRestricted {
  const r = {
    status: 'restricted',
    user,
    is_member: isMember,
    can_change_info: false,
    can_invite_users: p.can_invite_users ?? false,
    can_edit_tag: false,
    can_pin_messages: p.can_pin_messages ?? false,
    can_manage_topics: false,
    until_date: until,
  } as ChatMemberRestricted;
  for (const k of SEND_RIGHTS) (r as unknown as Record<string, boolean>)[k] = p[k] ?? false;
  return r;
}

/** Whether a permissions object lifts every restriction ("pass True for all permissions"). */
export function allAllowed(p: ChatPermissions): boolean {
  return SEND_RIGHTS.every((k) => p[k] === true);
}

export function administrator(user: User, rights: Partial<ChatMemberAdministrator>): ChatMemberAdministrator {
  return { status: 'administrator', user, ...ADMIN_RIGHTS, can_promote_members: false, ...rights };
}

export const now = (): number => Math.floor(Date.now() / 1000);

/** Entities for each `@username` in a text, as Telegram computes them (UTF-16 offsets). */
export function mentionEntities(text: string): MessageEntity[] {
  return [...text.matchAll(/@[A-Za-z0-9_]{5,32}/g)].map((m) => ({ type: 'mention', offset: m.index, length: m[0].length }));
}

/** The update kinds sent when allowed_updates is empty or never given. */
export const DEFAULT_EXCLUDED = new Set(['chat_member', 'message_reaction', 'message_reaction_count']);

export function updateKind(u: Update): string {
  return Object.keys(u).find((k) => k !== 'update_id')!;
}
