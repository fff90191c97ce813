import { copyDicts, type Dict } from '../stdlib/dict.js';
import type { CounterSlot, HeldMessage, MemberState } from './state.js';

const PRESENT = 1;
const REMOVED = 2;
const UNJOINED = 4;

/**
 * A member's collections and rarely written fields, allocated together on the first write of any
 * of them (a member who only joined has none). All fields exist from the start, so every
 * `Extras` has one hidden class.
 */
class Extras {
  roles: string[] | undefined = undefined;
  tags: string[] | undefined = undefined;
  daily: Dict<number> | undefined = undefined;
  levels: string[] | undefined = undefined;
  badges: string[] | undefined = undefined;
  streaks: Dict<{ day: number; length: number }> | undefined = undefined;
  counters: Dict<CounterSlot> | undefined = undefined;
  warnings: Dict<number[]> | undefined = undefined;
  lastAward: Dict<number> | undefined = undefined;
  caps: Dict<{ key: number; count: number; points: number }> | undefined = undefined;
  boards: Dict<Dict<number>> | undefined = undefined;
  machines: Dict<unknown> | undefined = undefined;
  once: string[] | undefined = undefined;
  ruleFired: Dict<number> | undefined = undefined;
  lastPosted: number | undefined = undefined;
  held: HeldMessage[] | undefined = undefined;
  directSent: number[] | undefined = undefined;
  invitedBy: string | undefined = undefined;
}

/** The fields of `Extras`, in the order a member's JSON lists them (after `points`). */
const EXTRA_KEYS = Object.keys(new Extras()) as (keyof Extras)[];

/**
 * Compact member state (docs/performance.md, "Memory and simulate floor"). An idle member is one
 * object of six fields: id, name, join time, points, the three flags `present`, `removed` and
 * `unjoined` as bits of one number, and its `Extras`, absent until some collection is first
 * written; the other fields of `MemberState` are accessors on the prototype that read
 * `undefined` while the extras are absent. Every member has the same fields in the same order
 * (one hidden class), and `toJSON` gives the plain JSON form, so `JSON.stringify(member)` writes
 * the same text as before this layout.
 */
export class Member implements MemberState {
  id: string;
  name: string | undefined;
  private f: number;
  joinedAt: number;
  points: number;
  private x: Extras | undefined;

  constructor(id: string, joinedAt: number) {
    this.id = id;
    this.name = undefined;
    this.f = PRESENT;
    this.joinedAt = joinedAt;
    this.points = 0;
    this.x = undefined;
  }

  /** The extras, allocated on first use. */
  private more(): Extras {
    return (this.x ??= new Extras());
  }

  get present(): boolean {
    return (this.f & PRESENT) !== 0;
  }
  set present(v: boolean) {
    this.f = v ? this.f | PRESENT : this.f & ~PRESENT;
  }
  get removed(): boolean {
    return (this.f & REMOVED) !== 0;
  }
  set removed(v: boolean) {
    this.f = v ? this.f | REMOVED : this.f & ~REMOVED;
  }
  get unjoined(): true | undefined {
    return (this.f & UNJOINED) !== 0 ? true : undefined;
  }
  set unjoined(v: true | undefined) {
    this.f = v ? this.f | UNJOINED : this.f & ~UNJOINED;
  }
  get roles(): string[] | undefined {
    return this.x?.roles;
  }
  set roles(v: string[] | undefined) {
    if (v !== undefined || this.x) this.more().roles = v;
  }
  get tags(): string[] | undefined {
    return this.x?.tags;
  }
  set tags(v: string[] | undefined) {
    if (v !== undefined || this.x) this.more().tags = v;
  }
  get daily(): Dict<number> | undefined {
    return this.x?.daily;
  }
  set daily(v: Dict<number> | undefined) {
    if (v !== undefined || this.x) this.more().daily = v;
  }
  get levels(): string[] | undefined {
    return this.x?.levels;
  }
  set levels(v: string[] | undefined) {
    if (v !== undefined || this.x) this.more().levels = v;
  }
  get badges(): string[] | undefined {
    return this.x?.badges;
  }
  set badges(v: string[] | undefined) {
    if (v !== undefined || this.x) this.more().badges = v;
  }
  get streaks(): Extras['streaks'] {
    return this.x?.streaks;
  }
  set streaks(v: Extras['streaks']) {
    if (v !== undefined || this.x) this.more().streaks = v;
  }
  get counters(): Dict<CounterSlot> | undefined {
    return this.x?.counters;
  }
  set counters(v: Dict<CounterSlot> | undefined) {
    if (v !== undefined || this.x) this.more().counters = v;
  }
  get warnings(): Dict<number[]> | undefined {
    return this.x?.warnings;
  }
  set warnings(v: Dict<number[]> | undefined) {
    if (v !== undefined || this.x) this.more().warnings = v;
  }
  get lastAward(): Dict<number> | undefined {
    return this.x?.lastAward;
  }
  set lastAward(v: Dict<number> | undefined) {
    if (v !== undefined || this.x) this.more().lastAward = v;
  }
  get caps(): Extras['caps'] {
    return this.x?.caps;
  }
  set caps(v: Extras['caps']) {
    if (v !== undefined || this.x) this.more().caps = v;
  }
  get boards(): Dict<Dict<number>> | undefined {
    return this.x?.boards;
  }
  set boards(v: Dict<Dict<number>> | undefined) {
    if (v !== undefined || this.x) this.more().boards = v;
  }
  get machines(): Dict<unknown> | undefined {
    return this.x?.machines;
  }
  set machines(v: Dict<unknown> | undefined) {
    if (v !== undefined || this.x) this.more().machines = v;
  }
  get once(): string[] | undefined {
    return this.x?.once;
  }
  set once(v: string[] | undefined) {
    if (v !== undefined || this.x) this.more().once = v;
  }
  get ruleFired(): Dict<number> | undefined {
    return this.x?.ruleFired;
  }
  set ruleFired(v: Dict<number> | undefined) {
    if (v !== undefined || this.x) this.more().ruleFired = v;
  }
  get lastPosted(): number | undefined {
    return this.x?.lastPosted;
  }
  set lastPosted(v: number | undefined) {
    if (v !== undefined || this.x) this.more().lastPosted = v;
  }
  get held(): HeldMessage[] | undefined {
    return this.x?.held;
  }
  set held(v: HeldMessage[] | undefined) {
    if (v !== undefined || this.x) this.more().held = v;
  }
  get directSent(): number[] | undefined {
    return this.x?.directSent;
  }
  set directSent(v: number[] | undefined) {
    if (v !== undefined || this.x) this.more().directSent = v;
  }
  get invitedBy(): string | undefined {
    return this.x?.invitedBy;
  }
  set invitedBy(v: string | undefined) {
    if (v !== undefined || this.x) this.more().invitedBy = v;
  }

  /** The member's JSON form: the fields in their order, absent ones left out (not a deep copy). */
  toJSON(): MemberState {
    const json: Partial<Record<keyof MemberState, unknown>> = { id: this.id };
    if (this.name !== undefined) json.name = this.name;
    json.present = this.present;
    json.removed = this.removed;
    json.joinedAt = this.joinedAt;
    if (this.unjoined) json.unjoined = true;
    json.points = this.points;
    const x = this.x;
    if (x) {
      for (const k of EXTRA_KEYS) if (x[k] !== undefined) json[k] = x[k];
    }
    return json as MemberState;
  }
}

/** A new member: present, not removed, no points, no collections. */
export function newMember(id: string, now: number): MemberState {
  return new Member(id, now);
}

/**
 * A member as JSON, without its absent collections (a deep copy). Its tables stay dicts, so a
 * snapshot can be read and edited (src/hosting/migrate.ts) without inheriting `Object.prototype`.
 */
export function memberToJSON(m: MemberState): MemberState {
  const json = (m instanceof Member ? m.toJSON() : { ...m }) as unknown as Record<string, unknown>;
  for (const k of Object.keys(json)) {
    // eslint-disable-next-line @typescript-eslint/no-dynamic-delete -- a JSON copy drops its undefined keys, as JSON.stringify would
    if (json[k] === undefined) delete json[k];
    else json[k] = copyDicts(json[k]);
  }
  return json as unknown as MemberState;
}

/** The fields a member's JSON may have, in their order. */
const JSON_KEYS: readonly (keyof MemberState)[] = ['id', 'name', 'present', 'removed', 'joinedAt', 'unjoined', 'points', ...EXTRA_KEYS];

/** A member from its JSON form (absent collections stay absent; tables become dicts again). */
export function memberFromJSON(json: MemberState): MemberState {
  const m = newMember(json.id, json.joinedAt);
  for (const k of JSON_KEYS) {
    if (k !== 'id' && Object.hasOwn(json, k) && json[k] !== undefined) (m as unknown as Record<string, unknown>)[k] = copyDicts(json[k]);
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
