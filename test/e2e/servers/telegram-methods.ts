/**
 * The Bot API methods the stand-in answers, each checking what the docs require
 * (https://core.telegram.org/bots/api#available-methods) before doing it: a missing required
 * parameter is 400, a chat or message that does not exist is 400 with Telegram's description,
 * a private message to a user who never started the bot is 403. Everything else is 404.
 */
import type { ChatMember, ChatPermissions, Message, ReplyParameters, Update, User } from '@grammyjs/types';
import { administrator, allAllowed, bad, BOT, effectiveUntil, ok, restricted, type Answer, type StandinChat } from './telegram-world.js';

/** What the methods need of the stand-in. */
export interface MethodContext {
  chats: Map<number, StandinChat>;
  users: Map<number, { user: User; startedBot: boolean; inbox: Message[] }>;
  push(update: Omit<Update, 'update_id'>): void;
}

type Params = Record<string, unknown>;

/** Required parameters and their JSON types, per method (the docs' "Required: Yes"). */
export const REQUIRED: Record<string, Record<string, 'chat' | 'integer' | 'string' | 'object' | 'boolean'>> = {
  getme: {},
  deletewebhook: {},
  setwebhook: { url: 'string' },
  getupdates: {},
  getchat: { chat_id: 'chat' },
  getchatmember: { chat_id: 'chat', user_id: 'integer' },
  sendmessage: { chat_id: 'chat', text: 'string' },
  deletemessage: { chat_id: 'chat', message_id: 'integer' },
  restrictchatmember: { chat_id: 'chat', user_id: 'integer', permissions: 'object' },
  banchatmember: { chat_id: 'chat', user_id: 'integer' },
  unbanchatmember: { chat_id: 'chat', user_id: 'integer' },
  approvechatjoinrequest: { chat_id: 'chat', user_id: 'integer' },
  declinechatjoinrequest: { chat_id: 'chat', user_id: 'integer' },
  pinchatmessage: { chat_id: 'chat', message_id: 'integer' },
  promotechatmember: { chat_id: 'chat', user_id: 'integer' },
};

/** Why the parameters are not acceptable, in Telegram's words, or undefined. */
export function checkParams(method: string, p: Params): string | undefined {
  for (const [name, kind] of Object.entries(REQUIRED[method] ?? {})) {
    const v = p[name];
    if (v === undefined || v === null || v === '') return `Bad Request: ${name === 'text' ? 'message text is empty' : `parameter "${name}" is required`}`;
    const fine =
      kind === 'chat'
        ? Number.isInteger(v) || (typeof v === 'string' && /^(-?\d+|@\w+)$/.test(v))
        : kind === 'integer'
          ? Number.isInteger(v)
          : kind === 'object'
            ? typeof v === 'object'
            : typeof v === kind;
    if (!fine) return `Bad Request: invalid ${name} specified`;
  }
  return undefined;
}

export function callMethod(ctx: MethodContext, method: string, p: Params): Answer {
  if (method === 'getme') return ok(BOT);
  if (method === 'deletewebhook') return ok(true);
  if (method === 'sendmessage' && ctx.users.has(Number(p['chat_id']))) return privateMessage(ctx, p);
  const chat = ctx.chats.get(Number(p['chat_id']));
  if (!chat) return bad('Bad Request: chat not found');
  const user = p['user_id'] === undefined ? undefined : ctx.users.get(p['user_id'] as number)?.user;
  if (p['user_id'] !== undefined && !user) return bad('Bad Request: user not found');
  const target = user!;
  const self = chat.member(BOT);
  const admin = self.status === 'administrator' ? self : undefined;
  const may = (right: string) => admin !== undefined && (admin as unknown as Record<string, unknown>)[right] === true;
  const change = (from: ChatMember, to: ChatMember, extra: { via_join_request?: boolean } = {}) => {
    chat.members.set(target.id, to);
    ctx.push({ chat_member: { chat: chat.chat, from: BOT, date: Math.floor(Date.now() / 1000), old_chat_member: from, new_chat_member: to, ...extra } });
  };
  switch (method) {
    case 'getchat':
      return ok(chat.info());
    case 'getchatmember':
      return ok(chat.member(target));
    case 'sendmessage': {
      if (!chat.canPost(BOT)) return bad('Forbidden: bot is not a member of the supergroup chat', 403);
      const reply = p['reply_parameters'] as ReplyParameters | undefined;
      const repliedTo = reply === undefined ? undefined : chat.messages.get(Number(reply.message_id));
      if (reply !== undefined && (!repliedTo || repliedTo.deleted)) return bad('Bad Request: message to be replied not found');
      const replied = repliedTo?.message;
      return ok(
        chat.newMessage(BOT, p['text'] as string, replied ? { reply_to_message: replied as Message.CommonMessage & { reply_to_message: undefined } } : {}),
      );
    }
    case 'deletemessage': {
      const kept = chat.messages.get(p['message_id'] as number);
      if (!kept || kept.deleted) return bad('Bad Request: message to delete not found');
      if (kept.message.from?.id !== BOT.id && !may('can_delete_messages')) return bad("Bad Request: message can't be deleted");
      kept.deleted = true;
      return ok(true);
    }
    case 'pinchatmessage': {
      const kept = chat.messages.get(p['message_id'] as number);
      if (!may('can_pin_messages')) return bad('Bad Request: not enough rights to manage pinned messages in the chat');
      if (!kept || kept.deleted) return bad('Bad Request: message to pin not found');
      chat.pinned = kept.message.message_id;
      return ok(true);
    }
    case 'restrictchatmember': {
      if (!may('can_restrict_members')) return bad('Bad Request: not enough rights to restrict/unrestrict chat member');
      const m = chat.member(target);
      if (m.status === 'creator' || m.status === 'administrator') return bad('Bad Request: user is an administrator of the chat');
      if (m.status === 'kicked') return bad('Bad Request: user is banned');
      const perms = p['permissions'] as ChatPermissions;
      const present = m.status === 'member' || (m.status === 'restricted' && m.is_member);
      const until = effectiveUntil(p['until_date'] as number | undefined);
      const to: ChatMember = allAllowed(perms)
        ? present
          ? { status: 'member', user: target }
          : { status: 'left', user: target }
        : restricted(target, present, perms, until);
      change(m, to);
      return ok(true);
    }
    case 'banchatmember': {
      if (!may('can_restrict_members')) return bad('Bad Request: not enough rights to restrict/unrestrict chat member');
      const m = chat.member(target);
      if (m.status === 'creator' || m.status === 'administrator') return bad("Bad Request: can't remove chat owner or administrator");
      change(m, { status: 'kicked', user: target, until_date: effectiveUntil(p['until_date'] as number | undefined) });
      return ok(true);
    }
    case 'unbanchatmember': {
      if (!may('can_restrict_members')) return bad('Bad Request: not enough rights to restrict/unrestrict chat member');
      const m = chat.member(target);
      if (m.status === 'creator' || m.status === 'administrator') return bad('Bad Request: user is an administrator of the chat');
      if (m.status === 'kicked') change(m, { status: 'left', user: target });
      // Without only_if_banned, unbanning a member removes them (the docs' guarantee).
      else if (p['only_if_banned'] !== true && m.status !== 'left') change(m, { status: 'left', user: target });
      return ok(true);
    }
    case 'approvechatjoinrequest':
    case 'declinechatjoinrequest': {
      if (!may('can_invite_users')) return bad('Bad Request: not enough rights to manage join requests');
      if (!chat.joinRequests.delete(target.id)) return bad('Bad Request: HIDE_REQUESTER_MISSING');
      if (method === 'approvechatjoinrequest') change(chat.member(target), { status: 'member', user: target }, { via_join_request: true });
      return ok(true);
    }
    case 'promotechatmember': {
      if (!may('can_promote_members')) return bad('Bad Request: not enough rights');
      const m = chat.member(target);
      if (m.status === 'creator') return bad('Bad Request: user is the chat owner');
      if (m.status !== 'member' && m.status !== 'administrator' && !(m.status === 'restricted' && m.is_member)) return bad('Bad Request: user not found');
      const rights = Object.fromEntries(Object.entries(p).filter(([k, v]) => k.startsWith('can_') && typeof v === 'boolean'));
      const any = Object.values(rights).some((v) => v === true);
      change(m, any ? administrator(target, { ...rights, can_manage_chat: true }) : { status: 'member', user: target });
      return ok(true);
    }
  }
  return bad('Not Found', 404);
}

/** sendMessage to a user's private chat, whose id is the user's id. */
function privateMessage(ctx: MethodContext, p: Params): Answer {
  const u = ctx.users.get(Number(p['chat_id']))!;
  if (!u.startedBot) return bad("Forbidden: bot can't initiate conversation with a user", 403);
  const message = {
    message_id: u.inbox.length + 1,
    date: Math.floor(Date.now() / 1000),
    chat: { id: u.user.id, type: 'private', first_name: u.user.first_name },
    from: BOT,
    text: p['text'] as string,
  } as Message.TextMessage;
  u.inbox.push(message);
  return ok(message);
}
