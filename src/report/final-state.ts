import type { IR } from '../ir/schema.js';
import { dict, dictFrom, own } from '../stdlib/dict.js';
import type { MemberStatus, ModerationEntry } from './model.js';

/**
 * Members as the collector saw them go by (MemberInfo) and as the run left them (FinalMember),
 * read from the runtime's final state where the caller gives it.
 */

/**
 * The final state the report reads rituals, lifecycles and points from: a `RuntimeSnapshot`, or
 * the runtime itself (its `community(id)`, which spares copying the state of a large run).
 */
export type FinalState = { communities: readonly unknown[] } | { community(id: string): unknown };

/** What the collector tallies per member as actions go by. */
export interface MemberInfo {
  community: string;
  id: string;
  name?: string;
  events: number;
  present: boolean;
  removed: boolean;
  removeReason?: string;
  balance?: number;
  warnings: number;
  ladders?: Record<string, number>;
  mutes: number;
  deletes: number;
  entries?: ModerationEntry[];
  /** First moderation action's position, to keep the table in the order things happened. */
  firstModeration?: number;
  /** Lifecycle name -> state after the last `lifecycle.changed`. */
  lifecycles?: Record<string, string>;
  levels?: string[];
  badges?: string[];
}

/** A member as the run left them. */
export interface FinalMember {
  community: string;
  id: string;
  name?: string;
  status: MemberStatus;
  points: number;
  levels: string[];
  badges: string[];
  /** Lifecycle name -> state. */
  lifecycles: Record<string, string>;
  /** Ritual id -> XState value. */
  rituals: Record<string, unknown>;
}

/** Members as the run left them: the final state where given, the observed actions otherwise. */
export function finalMembers(ir: IR, observed: Iterable<MemberInfo>, communities: string[], state: FinalState | undefined): FinalMember[] {
  const out = new Map<string, FinalMember>();
  for (const m of observed) {
    const key = `${m.community}\u0001${m.id}`;
    const f: FinalMember = {
      community: m.community,
      id: m.id,
      status: m.removed ? 'removed' : m.present ? 'present' : 'left',
      points: m.balance ?? 0,
      levels: [...(m.levels ?? [])],
      badges: [...(m.badges ?? [])],
      lifecycles: dictFrom(m.lifecycles),
      rituals: dict(),
    };
    if (m.name !== undefined) f.name = m.name;
    out.set(key, f);
  }
  for (const c of communityStates(state, communities)) {
    const community = typeof c['id'] === 'string' ? c['id'] : '';
    const members = isRecord(c['members']) ? c['members'] : {};
    for (const [memberKey, raw] of Object.entries(members)) {
      if (!isRecord(raw)) continue;
      const id = typeof raw['id'] === 'string' ? raw['id'] : memberKey;
      const key = `${community}\u0001${id}`;
      let f = out.get(key);
      if (!f) {
        f = { community, id, status: 'present', points: 0, levels: [], badges: [], lifecycles: dict(), rituals: dict() };
        out.set(key, f);
      }
      if (f.name === undefined && typeof raw['name'] === 'string') f.name = raw['name'];
      // Absent fields mean "the default" in a compact state: present unless said otherwise.
      f.status = raw['removed'] === true ? 'removed' : raw['present'] === false ? 'left' : 'present';
      // Without a readable balance the last `points.award` balance stands: awards are the only change.
      if (typeof raw['points'] === 'number') f.points = raw['points'];
      for (const l of stringArray(raw['levels'])) addOnce(f.levels, l);
      for (const b of stringArray(raw['badges'])) addOnce(f.badges, b);
      const machines = isRecord(raw['machines']) ? raw['machines'] : undefined;
      for (const lc of ir.lifecycles) {
        const v = own(machines, lc.id);
        if (typeof v === 'string') f.lifecycles[lc.name] = v;
      }
      for (const r of ir.rituals) {
        const v = own(machines, r.id);
        if (v !== undefined) f.rituals[r.id] = v;
      }
    }
  }
  return [...out.values()];
}

export function communityStates(state: FinalState | undefined, ids: string[]): Record<string, unknown>[] {
  if (!state) return [];
  if ('communities' in state && Array.isArray(state.communities)) return state.communities.filter(isRecord);
  if ('community' in state && typeof state.community === 'function') return ids.map((id) => state.community(id)).filter(isRecord);
  return [];
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function stringArray(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

export function addOnce(list: string[], item: string): void {
  if (!list.includes(item)) list.push(item);
}

export function displayName(f: { id: string; name?: string }): string {
  return f.name ?? f.id;
}
