/**
 * From OneBot v11 frames to the bot's events (docs/bots.md, "QQ through OneBot v11"): the groups
 * the bot is bound to, who is in them with which QQ role, the join requests waiting for an
 * answer, and the translation of messages (segments or CQ-code strings) into text and mentions.
 * Nothing here talks to the connection; onebot.ts feeds frames in and sends what comes out.
 */
import { dict } from '../stdlib/dict.js';
import type { ChatEvent, RoomBinding } from './adapter.js';
import type { GroupMessageEvent, GroupRequest, Message, Segment } from './onebot-types.js';

export type QqRole = 'owner' | 'admin' | 'member';

export interface GroupMember {
  name?: string | undefined;
  role: QqRole;
}

/** A join request waiting for join.approve or join.reject: what set_group_add_request needs. */
export interface PendingRequest {
  flag: string;
  subType: 'add' | 'invite';
}

export interface Group {
  id: number;
  community: string;
  /** By QQ number as a string (the member id). */
  members: Map<string, GroupMember>;
  /** By QQ number as a string. */
  requests: Map<string, PendingRequest>;
  /** The bot's own role in the group (from the member list at start). */
  botRole?: QqRole | undefined;
}

/** The playbook's roles for a QQ group role: an owner is an admin too, as on XMPP. */
export function rolesOf(role: QqRole | undefined): string[] {
  return role === 'owner' ? ['owner', 'admin'] : role === 'admin' ? ['admin'] : [];
}

export function asRole(v: unknown): QqRole {
  return v === 'owner' || v === 'admin' ? v : 'member';
}

export class OneBotGroups {
  private readonly byId = new Map<number, Group>();
  private readonly byCommunityName = new Map<string, Group>();

  constructor(rooms: readonly RoomBinding[]) {
    for (const r of rooms) {
      if (!/^[1-9][0-9]{0,15}$/.test(r.room)) throw new Error(`${r.room} is not a QQ group number (digits, like 123456789)`);
      const id = Number(r.room);
      if (this.byCommunityName.has(r.community)) throw new Error(`two groups are bound to the community ${r.community}: give each group its own community`);
      const g: Group = { id, community: r.community, members: new Map(), requests: new Map() };
      this.byId.set(id, g);
      this.byCommunityName.set(r.community, g);
    }
  }

  all(): Group[] {
    return [...this.byId.values()];
  }

  group(id: unknown): Group | undefined {
    return typeof id === 'number' ? this.byId.get(id) : undefined;
  }

  byCommunity(community: string): Group | undefined {
    return this.byCommunityName.get(community);
  }
}

// ------------------------------------------------------------------ messages

const unescapeCq = (s: string) => s.replace(/&#91;/g, '[').replace(/&#93;/g, ']').replace(/&#44;/g, ',').replace(/&amp;/g, '&');

/** message/string.md: text with `[CQ:type,key=value,...]` codes, `&[],` escaped. */
export function parseCqString(s: string): Segment[] {
  const out: Segment[] = [];
  const re = /\[CQ:([A-Za-z0-9_.-]+)((?:,[^,\]]*)*)\]/g;
  let last = 0;
  for (let m = re.exec(s); m; m = re.exec(s)) {
    if (m.index > last) out.push({ type: 'text', data: { text: unescapeCq(s.slice(last, m.index)) } });
    const data = dict<string>();
    for (const kv of (m[2] ?? '').split(',').slice(1)) {
      const eq = kv.indexOf('=');
      if (eq > 0) data[kv.slice(0, eq)] = unescapeCq(kv.slice(eq + 1));
    }
    out.push({ type: m[1]!, data });
    last = re.lastIndex;
  }
  if (last < s.length) out.push({ type: 'text', data: { text: unescapeCq(s.slice(last)) } });
  return out;
}

export function segmentsOf(message: Message): Segment[] {
  if (typeof message === 'string') return parseCqString(message);
  return Array.isArray(message) ? message : [message];
}

/**
 * The text a rule matches and the members the message mentions: text segments as they are,
 * `at` segments as `@name` (`@` and the QQ number when the segment has no name) and as mentions
 * (not `@all`), other segments (faces, images, a reply's quote) left out.
 */
export function textAndMentions(message: Message): { text: string; mentions: string[] } {
  let text = '';
  const mentions: string[] = [];
  for (const seg of segmentsOf(message)) {
    const data: Record<string, unknown> = seg.data ?? {};
    if (seg.type === 'text' && typeof data['text'] === 'string') text += data['text'];
    else if (seg.type === 'at') {
      const qq = typeof data['qq'] === 'string' || typeof data['qq'] === 'number' ? String(data['qq']) : '';
      if (qq && qq !== 'all' && !mentions.includes(qq)) mentions.push(qq);
      text += `@${typeof data['name'] === 'string' && data['name'] ? data['name'] : qq}`;
    }
  }
  return { text: text.trim(), mentions };
}

/** The segments of an outgoing post: an `at` for each member mentioned, then the text. */
export function outgoing(text: string, mentions: readonly string[] = [], replyTo?: string): Segment[] {
  const segs: Segment[] = [];
  if (replyTo !== undefined) segs.push({ type: 'reply', data: { id: replyTo } });
  for (const qq of mentions) {
    segs.push({ type: 'at', data: { qq } });
    segs.push({ type: 'text', data: { text: ' ' } });
  }
  segs.push({ type: 'text', data: { text } });
  return segs;
}

// ------------------------------------------------------------------ events

const iso = (ms: number) => new Date(ms).toISOString();

export function messageEvent(g: Group, e: GroupMessageEvent, now: number): ChatEvent {
  const { text, mentions } = textAndMentions(e.message);
  const member = String(e.user_id);
  const ev: ChatEvent = {
    id: `${g.id}/msg/${e.message_id}`,
    type: 'message.posted',
    at: iso(now),
    community: g.community,
    member,
    messageId: String(e.message_id),
    text,
  };
  if (mentions.length) ev['mentions'] = mentions;
  return ev;
}

export function joinEvent(g: Group, member: string, time: number, now: number, info: GroupMember | undefined): ChatEvent {
  const ev: ChatEvent = { id: `${g.id}/join/${member}/${time}`, type: 'member.joined', at: iso(now), community: g.community, member };
  if (info?.name) ev['name'] = info.name;
  const roles = rolesOf(info?.role);
  if (roles.length) ev['roles'] = roles;
  return ev;
}

export function leftEvent(g: Group, member: string, time: number, now: number): ChatEvent {
  return { id: `${g.id}/left/${member}/${time}`, type: 'member.left', at: iso(now), community: g.community, member };
}

export function requestEvent(g: Group, e: GroupRequest, now: number): ChatEvent {
  const ev: ChatEvent = { id: `${g.id}/req/${e.flag}`, type: 'member.join_requested', at: iso(now), community: g.community, member: String(e.user_id) };
  if (e.comment) ev['answers'] = e.comment;
  return ev;
}

export function roleEvent(g: Group, member: string, role: string, granted: boolean, stamp: string, now: number): ChatEvent {
  return {
    id: `${g.id}/${granted ? 'grant' : 'revoke'}/${member}/${role}/${stamp}`,
    type: granted ? 'role.granted' : 'role.revoked',
    at: iso(now),
    community: g.community,
    member,
    role,
  };
}

/** The name a member goes by in a group: the group card, else the QQ nickname. */
export function displayName(card: unknown, nickname: unknown): string | undefined {
  if (typeof card === 'string' && card.trim()) return card.trim();
  if (typeof nickname === 'string' && nickname.trim()) return nickname.trim();
  return undefined;
}
