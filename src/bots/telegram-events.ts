/**
 * Telegram updates as DESIGN.md events (section 4 and 4b): who joined and left (chat_member),
 * messages with their mentions, edits, reactions with the author of the reacted message, join
 * requests and admin rights changing. Pure mapping plus two small books the mapping needs: who
 * wrote which message (for a reaction's `author`) and which user a `@username` names.
 */
import type { ChatMember, ChatMemberUpdated, Message, MessageEntity, MessageReactionUpdated, Update, User } from 'grammy/types';
import type { ChatEvent, RoomBinding } from './adapter.js';

/** How many message authors are kept per adapter (a reaction to an older message has no author). */
export const AUTHOR_BOOK_SIZE = 10_000;

/** Member ids are Telegram user ids, as decimal strings. */
export const memberId = (u: User): string => String(u.id);

/** The name a playbook shows (`{member.name}`): first and last name as Telegram shows them. */
export const displayName = (u: User): string => (u.last_name ? `${u.first_name} ${u.last_name}` : u.first_name);

const PRESENT = new Set(['creator', 'administrator', 'member']);

/** Whether a chat member status means "in the chat" (a restricted member may be in or out). */
export function isPresent(m: ChatMember): boolean {
  return PRESENT.has(m.status) || (m.status === 'restricted' && m.is_member);
}

/** The playbook roles a chat member status stands for, as the XMPP adapter maps affiliations. */
export function rolesOf(m: ChatMember): string[] {
  if (m.status === 'creator') return ['owner', 'admin'];
  if (m.status === 'administrator') return ['admin'];
  return [];
}

/** A first-in first-out book of bounded size. */
class Book<V> {
  private readonly map = new Map<string, V>();
  constructor(private readonly size: number) {}
  set(k: string, v: V): void {
    this.map.delete(k);
    this.map.set(k, v);
    if (this.map.size > this.size) this.map.delete(this.map.keys().next().value!);
  }
  get(k: string): V | undefined {
    return this.map.get(k);
  }
}

export class TelegramEvents {
  /** `chat\0message_id` -> the author's member id. */
  readonly authors = new Book<string>(AUTHOR_BOOK_SIZE);
  /** lower-cased username -> member id, from every user seen. */
  private readonly usernames = new Book<string>(AUTHOR_BOOK_SIZE);
  /** member id -> the name to show in a mention the bot writes. */
  private readonly names = new Book<string>(AUTHOR_BOOK_SIZE);
  private readonly byChat: Map<string, RoomBinding>;

  constructor(
    rooms: RoomBinding[],
    /** The bot's own user id, once known: its messages and joins are not events. */
    private readonly self: () => number | undefined,
    private readonly log: (line: string) => void,
  ) {
    this.byChat = new Map(rooms.map((r) => [r.room, r]));
  }

  /** The community a chat is bound to, or undefined for a chat the bot was not asked to watch. */
  bindingOf(chatId: number): RoomBinding | undefined {
    return this.byChat.get(String(chatId));
  }

  /** Remembers a message the bot itself sent, so a reaction to it names the bot as author. */
  noteOwnMessage(chatId: number, messageId: number): void {
    const self = this.self();
    if (self !== undefined) this.authors.set(`${chatId}\u0000${messageId}`, String(self));
  }

  /** The events one update stands for (often none: another chat, the bot itself, a service message). */
  fromUpdate(u: Update): ChatEvent[] {
    if (u.message) return this.message(u.message);
    if (u.edited_message) return this.edited(u.update_id, u.edited_message);
    if (u.chat_member) return this.chatMember(u.update_id, u.chat_member);
    if (u.message_reaction) return this.reaction(u.update_id, u.message_reaction);
    if (u.chat_join_request) {
      const r = u.chat_join_request;
      const room = this.bindingOf(r.chat.id);
      if (!room) return [];
      this.see(r.from);
      return [
        {
          id: `tg:${u.update_id}`,
          type: 'member.join_requested',
          at: at(r.date),
          community: room.community,
          member: memberId(r.from),
          name: displayName(r.from),
          ...(r.bio ? { answers: r.bio } : {}),
        },
      ];
    }
    return [];
  }

  /** The name of a member the bot has seen, for a mention it writes. */
  nameOf(member: string): string | undefined {
    return this.names.get(member);
  }

  private see(u: User): void {
    this.names.set(memberId(u), displayName(u));
    if (u.username) this.usernames.set(u.username.toLowerCase(), memberId(u));
  }

  private mine(u: User | undefined): boolean {
    return u !== undefined && u.id === this.self();
  }

  private message(m: Message): ChatEvent[] {
    const room = this.bindingOf(m.chat.id);
    if (!room || !m.from) return [];
    this.see(m.from);
    const key = `${m.chat.id}\u0000${m.message_id}`;
    this.authors.set(key, memberId(m.from));
    const text = m.text ?? m.caption;
    // Joins, leaves, pins... arrive as service messages too; chat_member updates are the ones
    // used (they carry the roles and come also for members who join without a service message).
    if (text === undefined || this.mine(m.from) || m.from.is_bot) return [];
    const mentions = this.mentions(text, m.entities ?? m.caption_entities ?? []);
    return [
      {
        // The chat's own message id: the same message delivered twice (a restart before the
        // offset was confirmed) is one event.
        id: `tg:${m.chat.id}:${m.message_id}`,
        type: 'message.posted',
        at: at(m.date),
        community: room.community,
        member: memberId(m.from),
        messageId: String(m.message_id),
        text,
        ...(mentions.length ? { mentions } : {}),
        ...(m.is_topic_message && m.message_thread_id !== undefined ? { channel: String(m.message_thread_id) } : {}),
      },
    ];
  }

  /** Members named by `text_mention` entities, and by `@username` mentions of users seen before. */
  private mentions(text: string, entities: MessageEntity[]): string[] {
    const out: string[] = [];
    for (const e of entities) {
      let id: string | undefined;
      if (e.type === 'text_mention') id = memberId(e.user);
      else if (e.type === 'mention') {
        // Offsets and lengths count UTF-16 code units, as JavaScript strings do.
        const name = text.slice(e.offset + 1, e.offset + e.length).toLowerCase();
        id = this.usernames.get(name);
        if (id === undefined) this.log(`@${name} is mentioned but the bot has not seen that user yet; not in mentions`);
      }
      if (id !== undefined && id !== String(this.self()) && !out.includes(id)) out.push(id);
    }
    return out;
  }

  private edited(updateId: number, m: Message): ChatEvent[] {
    const room = this.bindingOf(m.chat.id);
    const text = m.text ?? m.caption;
    if (!room || !m.from || text === undefined || this.mine(m.from) || m.from.is_bot) return [];
    return [
      {
        id: `tg:${updateId}`,
        type: 'message.edited',
        at: at(m.edit_date ?? m.date),
        community: room.community,
        member: memberId(m.from),
        messageId: String(m.message_id),
        text,
      },
    ];
  }

  private chatMember(updateId: number, c: ChatMemberUpdated): ChatEvent[] {
    const room = this.bindingOf(c.chat.id);
    const user = c.new_chat_member.user;
    if (!room || this.mine(user)) return [];
    this.see(user);
    const base = { at: at(c.date), community: room.community, member: memberId(user) };
    const was = isPresent(c.old_chat_member);
    const is = isPresent(c.new_chat_member);
    if (!was && is) {
      // Added by someone else (not by their own link or request): that someone invited them.
      const invitedBy = c.from.id !== user.id && !c.invite_link && !c.via_join_request ? memberId(c.from) : undefined;
      const roles = rolesOf(c.new_chat_member);
      return [
        {
          id: `tg:${updateId}`,
          type: 'member.joined',
          ...base,
          name: displayName(user),
          ...(invitedBy ? { invitedBy } : {}),
          ...(roles.length ? { roles } : {}),
        },
      ];
    }
    if (was && !is) return [{ id: `tg:${updateId}`, type: 'member.left', ...base }];
    if (!is) return [];
    const before = rolesOf(c.old_chat_member);
    const after = rolesOf(c.new_chat_member);
    const events: ChatEvent[] = [];
    for (const role of after.filter((r) => !before.includes(r))) events.push({ id: `tg:${updateId}:+${role}`, type: 'role.granted', ...base, role });
    for (const role of before.filter((r) => !after.includes(r))) events.push({ id: `tg:${updateId}:-${role}`, type: 'role.revoked', ...base, role });
    return events;
  }

  private reaction(updateId: number, r: MessageReactionUpdated): ChatEvent[] {
    const room = this.bindingOf(r.chat.id);
    // Anonymous reactions (an admin posting as the group) have no member.
    if (!room || !r.user || this.mine(r.user)) return [];
    this.see(r.user);
    const author = this.authors.get(`${r.chat.id}\u0000${r.message_id}`);
    const old = new Set(r.old_reaction.map(reactionKey));
    return r.new_reaction
      .map(reactionKey)
      .filter((k) => !old.has(k))
      .map((emoji, i) => ({
        id: `tg:${updateId}:${i}`,
        type: 'reaction.added',
        at: at(r.date),
        community: room.community,
        member: memberId(r.user!),
        messageId: String(r.message_id),
        emoji,
        ...(author !== undefined ? { author } : {}),
      }));
  }
}

function reactionKey(t: MessageReactionUpdated['new_reaction'][number]): string {
  if (t.type === 'emoji') return t.emoji;
  if (t.type === 'custom_emoji') return `custom:${t.custom_emoji_id}`;
  return 'paid';
}

/** Telegram dates are Unix seconds. */
const at = (date: number): string => new Date(date * 1000).toISOString();
