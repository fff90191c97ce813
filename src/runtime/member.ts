import { copyDicts } from '../stdlib/dict.js';
import type { MemberState } from './state.js';

/**
 * Compact member state. A member who only joined holds its id, name, presence, join time and
 * points; every collection (roles, windows, warnings, machine states, ...) is created when first
 * written, so a large idle community costs a few hundred bytes per member. Every member object
 * has the same fields in the same order (one hidden class for all of them).
 */
export function newMember(id: string, now: number): MemberState {
  return {
    id,
    name: undefined,
    present: true,
    removed: false,
    joinedAt: now,
    unjoined: undefined,
    points: 0,
    roles: undefined,
    tags: undefined,
    daily: undefined,
    levels: undefined,
    badges: undefined,
    streaks: undefined,
    counters: undefined,
    warnings: undefined,
    lastAward: undefined,
    caps: undefined,
    boards: undefined,
    machines: undefined,
    once: undefined,
    ruleFired: undefined,
    lastPosted: undefined,
    held: undefined,
    directSent: undefined,
    invitedBy: undefined,
  };
}

/**
 * A member as JSON, without its absent collections (a deep copy). Its tables stay dicts, so a
 * snapshot can be read and edited (src/hosting/migrate.ts) without inheriting `Object.prototype`.
 */
export function memberToJSON(m: MemberState): MemberState {
  const json: Partial<MemberState> = { ...m };
  for (const k of Object.keys(json) as (keyof MemberState)[]) {
    // eslint-disable-next-line @typescript-eslint/no-dynamic-delete -- a JSON copy drops its undefined keys, as JSON.stringify would
    if (json[k] === undefined) delete json[k];
    else (json as Record<string, unknown>)[k] = copyDicts(json[k]);
  }
  return json as MemberState;
}

/** A member from its JSON form (absent collections stay absent; tables become dicts again). */
export function memberFromJSON(json: MemberState): MemberState {
  const m = newMember(json.id, json.joinedAt);
  for (const k of Object.keys(m) as (keyof MemberState)[]) {
    if (Object.hasOwn(json, k) && json[k] !== undefined) (m as unknown as Record<string, unknown>)[k] = copyDicts(json[k]);
  }
  return m;
}

/** The member's level: the highest level whose threshold its points reach ('' below all). */
export function levelOf(levels: readonly { name: string; at: number }[], m: MemberState): string {
  let name = '';
  for (const l of levels) if (m.points >= l.at) name = l.name;
  return name;
}

export function hasItem(list: readonly string[] | undefined, item: string): boolean {
  return list !== undefined && list.includes(item);
}

export function addItem(list: string[] | undefined, item: string): string[] {
  if (!list) return [item];
  if (!list.includes(item)) list.push(item);
  return list;
}

/** The list without `item`; an emptied list becomes absent, as the state keeps no empty lists. */
export function removeItem(list: string[] | undefined, item: string): string[] | undefined {
  const left = list?.filter((x) => x !== item);
  return left?.length ? left : undefined;
}

/**
 * Whether the member is still in the group. A function call rather than `m.present` where the
 * member was checked before some actions ran: TypeScript would keep the earlier narrowing,
 * although a `remove member` among those actions has changed it since.
 */
export function isPresent(m: MemberState): boolean {
  return m.present;
}
