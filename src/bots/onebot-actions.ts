/**
 * The playbook's actions as OneBot v11 API calls (api/public.md), one call each (admin.notify:
 * one per admin). An action is `done` when the implementation answers `ok` (or `async`: taken,
 * outcome unknown), `failed` with the retcode and the implementation's words otherwise, or when
 * no answer comes. What QQ cannot do through OneBot v11 is `unsupported` with the reason.
 */
import type { OutputAction } from '../runtime/runtime.js';
import type { ActionOutcome, RemoveMode } from './adapter.js';
import type { OneBotLink } from './onebot-link.js';
import { outgoing, type Group, type OneBotGroups } from './onebot-events.js';
import type { ApiParams, ApiResponse } from './onebot-types.js';

/** QQ mutes for at most 30 days (set_group_ban refuses longer). */
export const MAX_MUTE_SECONDS = 30 * 24 * 3600;

/**
 * The actions of DESIGN.md section 4b that have no OneBot v11 call, named at start: the others
 * are mapped (member.unmute, member.ban, message.reply, join.approve/reject, role.grant/revoke
 * of `admin`).
 */
export const UNSUPPORTED_NOTE =
  'OneBot v11 cannot pin a message (message.pin), ban for a time (member.ban with a duration: a QQ removal with reject_add_request has no end), or grant roles other than admin (role.grant/role.revoke); such actions are reported as unsupported';

export interface ActionContext {
  link: OneBotLink;
  groups: OneBotGroups;
  admins: readonly string[];
  removeMode: RemoveMode;
  /** Whether the group's member list was read, so a member missing from it has left. */
  listed(g: Group): boolean;
  now(): number;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const qq = (member: string | undefined): number | undefined => (member !== undefined && /^[1-9][0-9]{0,15}$/.test(member) ? Number(member) : undefined);

export async function performOneBot(ctx: ActionContext, action: OutputAction): Promise<ActionOutcome> {
  const g = ctx.groups.byCommunity(action.community);
  if (!g) return { status: 'failed', reason: `no QQ group is bound to the community ${action.community}` };
  switch (action.type) {
    case 'message.send':
      return send(ctx, g, action);
    case 'message.reply': {
      const id = str(action['messageId']);
      if (id === undefined || qq(id) === undefined) return { status: 'unsupported', reason: `message id ${String(id)} is not a OneBot message id` };
      return call(ctx, 'send_group_msg', { group_id: g.id, message: outgoing(str(action['text']) ?? '', [], id) });
    }
    case 'message.delete': {
      const id = str(action['messageId']);
      if (id === undefined || !/^-?[0-9]{1,10}$/.test(id)) return { status: 'unsupported', reason: `message id ${String(id)} is not a OneBot message id` };
      return call(ctx, 'delete_msg', { message_id: Number(id) });
    }
    case 'member.mute':
      return memberCall(ctx, g, action, (user) => {
        const until = Date.parse(String(action['until']));
        const seconds = Math.ceil((until - ctx.now()) / 1000);
        if (!(seconds > 0)) return { skip: `the mute ended at ${String(action['until'])}` };
        return { action: 'set_group_ban', params: { group_id: g.id, user_id: user, duration: Math.min(seconds, MAX_MUTE_SECONDS) } };
      });
    case 'member.unmute':
      return memberCall(ctx, g, action, (user) => ({ action: 'set_group_ban', params: { group_id: g.id, user_id: user, duration: 0 } }));
    case 'member.remove':
      return memberCall(ctx, g, action, (user) => ({
        action: 'set_group_kick',
        params: { group_id: g.id, user_id: user, reject_add_request: ctx.removeMode === 'ban' },
      }));
    case 'member.ban':
      if (action['until'] !== undefined || action['duration'] !== undefined)
        return { status: 'unsupported', reason: 'QQ cannot ban for a time: a removal that rejects later requests (reject_add_request) has no end' };
      return memberCall(ctx, g, action, (user) => ({ action: 'set_group_kick', params: { group_id: g.id, user_id: user, reject_add_request: true } }));
    case 'join.approve':
    case 'join.reject':
      return answerRequest(ctx, g, action);
    case 'role.grant':
    case 'role.revoke': {
      if (action['role'] !== 'admin')
        return { status: 'unsupported', reason: `QQ groups have no role ${JSON.stringify(action['role'])}: only admin can be granted (set_group_admin)` };
      const enable = action.type === 'role.grant';
      return memberCall(ctx, g, action, (user) => ({ action: 'set_group_admin', params: { group_id: g.id, user_id: user, enable } }));
    }
    case 'message.pin':
      return { status: 'unsupported', reason: 'OneBot v11 has no call to pin a message (essence messages are an extension of some implementations)' };
    case 'admin.notify':
      return notify(ctx, g, action);
    default:
      return { status: 'unsupported', reason: `${action.type} is not something a QQ group can do` };
  }
}

async function send(ctx: ActionContext, g: Group, action: OutputAction): Promise<ActionOutcome> {
  const text = str(action['text']) ?? '';
  const to = str(action['to']);
  if (to !== undefined) {
    const user = qq(to);
    if (user === undefined) return { status: 'unsupported', reason: `${to} is not a QQ number` };
    return call(ctx, 'send_private_msg', { user_id: user, message: outgoing(text) });
  }
  const mentions = Array.isArray(action['mentions']) ? action['mentions'].filter((m): m is string => typeof m === 'string' && qq(m) !== undefined) : [];
  return call(ctx, 'send_group_msg', { group_id: g.id, message: outgoing(text, mentions) });
}

async function notify(ctx: ActionContext, g: Group, action: OutputAction): Promise<ActionOutcome> {
  if (ctx.admins.length === 0) return { status: 'unsupported', reason: 'no admin QQ numbers are configured (--admin QQ)' };
  const text = `[${g.community}] ${str(action['text']) ?? ''}`;
  const failures: string[] = [];
  for (const admin of ctx.admins) {
    const outcome = await call(ctx, 'send_private_msg', { user_id: Number(admin), message: outgoing(text) });
    if (outcome.status !== 'done') failures.push(`${admin}: ${outcome.reason}`);
  }
  if (failures.length === ctx.admins.length) return { status: 'failed', reason: failures.join('; ') };
  return failures.length ? { status: 'done', detail: `not every admin was reached: ${failures.join('; ')}` } : { status: 'done' };
}

async function answerRequest(ctx: ActionContext, g: Group, action: OutputAction): Promise<ActionOutcome> {
  const member = action.member;
  let pending = member !== undefined ? g.requests.get(member) : undefined;
  // After a restart the request is known only from the event that caused the action, whose id holds the flag.
  const cause = str(action['cause']);
  const prefix = `${g.id}/req/`;
  if (!pending && cause?.startsWith(prefix)) pending = { flag: cause.slice(prefix.length), subType: 'add' };
  if (!pending) return { status: 'skipped', reason: `no join request of ${String(member)} is waiting in group ${g.id}` };
  const approve = action.type === 'join.approve';
  const params: ApiParams['set_group_add_request'] = { flag: pending.flag, sub_type: pending.subType, approve };
  const reason = str(action['reason']);
  if (!approve && reason) params.reason = reason;
  const outcome = await call(ctx, 'set_group_add_request', params);
  if (outcome.status === 'done' && member !== undefined) g.requests.delete(member);
  return outcome;
}

type Plan = { skip: string } | { [A in keyof ApiParams]: { action: A; params: ApiParams[A] } }[keyof ApiParams];

async function memberCall(ctx: ActionContext, g: Group, action: OutputAction, plan: (user: number) => Plan): Promise<ActionOutcome> {
  const user = qq(action.member);
  if (user === undefined) return { status: 'unsupported', reason: `${String(action.member)} is not a QQ number` };
  if (ctx.listed(g) && !g.members.has(action.member!)) return { status: 'skipped', reason: `${action.member!} is not in group ${g.id}` };
  const p = plan(user);
  if ('skip' in p) return { status: 'skipped', reason: p.skip };
  return call(ctx, p.action, p.params);
}

export async function call<A extends keyof ApiParams>(ctx: Pick<ActionContext, 'link'>, action: A, params: ApiParams[A]): Promise<ActionOutcome> {
  let r: ApiResponse;
  try {
    r = await ctx.link.call(action, params);
  } catch (e) {
    return { status: 'failed', reason: `${action}: ${(e as Error).message}` };
  }
  return outcomeOf(action, r);
}

/** `ok` and `async` are done (`async`: the implementation took it and will not say how it went). */
export function outcomeOf(action: string, r: ApiResponse): ActionOutcome {
  if (r.status === 'ok') {
    const id = (r.data as { message_id?: unknown } | null)?.message_id;
    return typeof id === 'number' || typeof id === 'string' ? { status: 'done', detail: `message_id ${id}` } : { status: 'done' };
  }
  if (r.status === 'async') return { status: 'done', detail: `${action} accepted for later (async): its outcome is not known` };
  const words = [r.wording, r.msg].filter((w): w is string => typeof w === 'string' && w !== '');
  return { status: 'failed', reason: `${action} refused: retcode ${r.retcode}${words.length ? ` (${[...new Set(words)].join(': ')})` : ''}` };
}
