/**
 * The QQ side of the OneBot v11 stand-in (onebot-standin.ts): groups with members and roles,
 * the messages posted, mutes with their end, removals and join requests, and the checks of each
 * API call's params as api/public.md defines them. A call the standard does not allow is
 * refused with retcode 1400 (bad params); one QQ would refuse (no permission, not a member) with
 * the retcode 100 the stand-in uses for "failed" and a `wording`, as NapCat and go-cqhttp add.
 */
import type { ApiResponse, GroupMemberInfo, Segment } from '../../../src/bots/onebot-types.js';

export interface StandInMember {
  user_id: number;
  nickname: string;
  card?: string;
  role?: 'owner' | 'admin' | 'member';
}

export interface MemberState {
  nickname: string;
  card: string;
  role: 'owner' | 'admin' | 'member';
  /** ms since the epoch; muted while now < mutedUntil. */
  mutedUntil: number;
}

export interface PostedMessage {
  message_id: number;
  /** 0 for a private message. */
  group_id: number;
  /** The sender (the bot's QQ number for what the bot sent). */
  user_id: number;
  /** For a private message: to whom. */
  to?: number;
  segments: Segment[];
  text: string;
  deleted: boolean;
}

export interface GroupState {
  id: number;
  members: Map<number, MemberState>;
  /** Refused for good by set_group_kick with reject_add_request. */
  rejected: Set<number>;
}

export interface JoinRequest {
  flag: string;
  group_id: number;
  user_id: number;
  sub_type: 'add' | 'invite';
  comment: string;
  answer?: { approve: boolean; reason?: string };
}

/** What an action did beyond its answer: events the implementation reports to the bot. */
export type Effect = { notice: Record<string, unknown> } | { none: true };

export type Params = Record<string, unknown>;
export class BadParams extends Error {}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function num(p: Params, key: string, optional = false): number | undefined {
  const v = p[key];
  if (v === undefined && optional) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new BadParams(`${key} must be an integer number, not ${JSON.stringify(v)}`);
  return v;
}

export function bool(p: Params, key: string): boolean | undefined {
  const v = p[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'boolean') throw new BadParams(`${key} must be a boolean, not ${JSON.stringify(v)}`);
  return v;
}

export function string(p: Params, key: string, optional = false): string | undefined {
  const v = p[key];
  if (v === undefined && optional) return undefined;
  if (typeof v !== 'string') throw new BadParams(`${key} must be a string, not ${JSON.stringify(v)}`);
  return v;
}

/** A `message` param (api/README.md): a string, one segment, or an array of segments (message/segment.md). */
export function message(p: Params): { segments: Segment[]; text: string } {
  const v = p['message'];
  if (typeof v === 'string') return { segments: [{ type: 'text', data: { text: v } }], text: v };
  const list = Array.isArray(v) ? v : [v];
  if (list.length === 0) throw new BadParams('message is empty');
  let text = '';
  for (const s of list) {
    if (!isObj(s) || typeof s['type'] !== 'string' || !isObj(s['data'])) throw new BadParams(`a message segment is {type, data}, not ${JSON.stringify(s)}`);
    const data = s['data'];
    const keys = Object.keys(data);
    if (s['type'] === 'text') {
      if (typeof data['text'] !== 'string' || keys.length !== 1) throw new BadParams('a text segment has data {text: string}');
      text += data['text'];
    } else if (s['type'] === 'at') {
      if (typeof data['qq'] !== 'string' || !/^([1-9][0-9]*|all)$/.test(data['qq']))
        throw new BadParams('an at segment has data {qq: "<QQ number>" or "all"} (a string)');
      text += `@${data['qq']}`;
    } else if (s['type'] === 'reply') {
      if (typeof data['id'] !== 'string') throw new BadParams('a reply segment has data {id: "<message id>"} (a string)');
    } else throw new BadParams(`the stand-in does not send ${s['type']} segments`);
  }
  return { segments: list as Segment[], text };
}

export const ok = (data: unknown = null): ApiResponse => ({ status: 'ok', retcode: 0, data });
export const failed = (wording: string): ApiResponse => ({ status: 'failed', retcode: 100, data: null, msg: 'FAILED', wording });

/** QQ's rule: the owner can act on anyone, an admin on plain members only, a member on nobody. */
export function outranks(actor: MemberState['role'] | undefined, target: MemberState['role']): boolean {
  if (actor === 'owner') return target !== 'owner';
  if (actor === 'admin') return target === 'member';
  return false;
}

export function memberInfo(groupId: number, userId: number, m: MemberState): GroupMemberInfo {
  return { group_id: groupId, user_id: userId, nickname: m.nickname, card: m.card, role: m.role };
}

export function newGroup(id: number, members: StandInMember[]): GroupState {
  const g: GroupState = { id, members: new Map(), rejected: new Set() };
  for (const m of members) g.members.set(m.user_id, { nickname: m.nickname, card: m.card ?? '', role: m.role ?? 'member', mutedUntil: 0 });
  return g;
}
