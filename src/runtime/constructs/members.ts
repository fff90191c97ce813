import type { MemberFilter } from '../../ir/schema.js';
import type { Core } from '../core.js';
import type { Ctx } from '../context.js';
import type { InputEvent } from '../events.js';
import { addItem, hasItem, newMember, removeItem } from '../member.js';
import type { CommunityState, MemberState } from '../state.js';
import { cancelMemberTimers } from '../timers.js';
import { parseInstant } from '../../stdlib/instants.js';
import { dropHeld } from './direct-messages.js';

/**
 * Members: created on `member.joined` or their first event, roles kept from joins and
 * `role.granted` / `role.revoked`, gone on `member.left` or removal (docs/runtime.md, "Members").
 */

/**
 * The member an event is about, created or rejoined as needed and their roles updated; undefined
 * when the event has no member, and null when the event produces nothing more: the member is gone
 * (removed or left), or a `member.seen` is about a member already known.
 */
export function admitMember(c: CommunityState, ev: InputEvent, now: number): MemberState | undefined | null {
  if (ev.member === undefined) return undefined;
  if (ev.type === 'member.seen') return seeMember(c, ev.member, ev.payload, now);
  let m = c.members[ev.member];
  if (ev.type === 'member.joined') {
    if (!m) {
      m = newMember(ev.member, now);
      c.members[ev.member] = m;
    } else if (!m.present) {
      // Rejoining starts fresh in rituals and lifecycles; points history stays.
      m.present = true;
      m.removed = false;
      m.joinedAt = now;
      m.machines = undefined;
      m.counters = undefined;
    } else if (m.unjoined) {
      // Seen before joining: the join is when the member arrived (member.age, member.joinedDays).
      m.joinedAt = now;
    }
    m.unjoined = undefined;
    const name = ev.payload['name'];
    if (typeof name === 'string') m.name = name;
    const roles = ev.payload['roles'];
    if (Array.isArray(roles)) m.roles = roles.length ? [...new Set(roles as string[])] : undefined;
  } else if (ev.type === 'member.join_requested') {
    // An applicant is not a member (yet): the request is answered whatever their past (one who
    // left may ask again), and nothing is aimed at them, nor are they counted, until they join.
    if (!m) {
      m = firstSeen(c, ev.member, now);
      m.present = false;
    }
  } else if (!m) {
    m = firstSeen(c, ev.member, now);
  } else if (!m.present) {
    return null;
  }
  if (ev.type === 'role.granted' && typeof ev.payload['role'] === 'string') m.roles = addItem(m.roles, ev.payload['role']);
  if (ev.type === 'role.revoked' && typeof ev.payload['role'] === 'string') m.roles = removeItem(m.roles, ev.payload['role']);
  return m;
}

/**
 * `member.seen`, a roster entry (docs/language.md, "Rosters"): registers a member who was there
 * before the playbook, without join semantics. The member has no age (`unjoined`, as for any
 * member first seen through another event), and `lastActiveAt` counts as their last post
 * (`member has posted`), never later than now. A member already known only has their name, roles
 * and last post brought up to date, and the event runs nothing more, so importing a roster twice
 * changes nothing; a member who left or was removed is not brought back (their next
 * `member.joined` does that).
 */
function seeMember(c: CommunityState, id: string, payload: Record<string, unknown>, now: number): MemberState | null {
  let m = c.members[id];
  const fresh = m === undefined;
  if (!m) m = firstSeen(c, id, now);
  else if (!m.present) return null;
  const name = payload['name'];
  if (typeof name === 'string') m.name = name;
  const roles = payload['roles'];
  if (Array.isArray(roles)) m.roles = roles.length ? [...new Set(roles as string[])] : undefined;
  const active = typeof payload['lastActiveAt'] === 'string' ? parseInstant(payload['lastActiveAt']) : NaN;
  if (Number.isFinite(active)) {
    const last = Math.min(active, now);
    if (m.lastPosted === undefined || last > m.lastPosted) m.lastPosted = last;
  }
  return fresh ? m : null;
}

/**
 * A member first seen otherwise than joining (another event, a roster entry, a target): in the
 * group, without an age until a `member.joined` (docs/language.md, "Member age").
 */
export function firstSeen(c: CommunityState, id: string, now: number): MemberState {
  const m = newMember(id, now);
  m.unjoined = true;
  c.members[id] = m;
  return m;
}

/** `member.left`, once everything else of the event ran: the member's timers go. */
export function leave(c: CommunityState, m: MemberState): void {
  m.present = false;
  cancelMemberTimers(c, m.id);
  dropHeld(c, m);
}

/** `remove member` and `remove members …`: the member produces nothing more until they rejoin. */
export function removeMember(core: Core, ctx: Ctx, m: MemberState, reason: string | undefined): void {
  core.touch(ctx.community, m.id);
  core.emit({ ...ctx, member: m }, 'member.remove', m.id, { reason: reason ?? '' });
  memberGone(ctx.community, m);
}

/** Removed or banned: the member produces nothing more until they rejoin, and their timers go. */
export function memberGone(c: CommunityState, m: MemberState): void {
  m.present = false;
  m.removed = true;
  cancelMemberTimers(c, m.id);
  dropHeld(c, m);
}

/** The present members a filter selects (`members tagged …`, `silent members`, …), by id. */
export function selectMembers(core: Core, ctx: Ctx, filter: MemberFilter): MemberState[] {
  const session = ctx.session;
  const out: MemberState[] = [];
  for (const id in ctx.community.members) {
    const m = ctx.community.members[id]!;
    if (!m.present) continue;
    if (filter.tagged && !hasItem(m.tags, filter.tagged)) continue;
    const mctx: Ctx = { ...ctx, member: m, event: undefined };
    if (filter.segment && !core.test({ op: 'inSegment', segment: filter.segment }, mctx)) continue;
    if (filter.silent) {
      // Stryker disable next-line OptionalChaining: each schedule's session list is made with the community and on each open, before any hook; docs/testing.md
      const s = session ? ctx.community.sessions[session.schedule]?.find((x) => x.start === session.start) : undefined;
      if (!s || s.attended.includes(m.id)) continue;
    }
    if (filter.where && !core.test(filter.where, mctx)) continue;
    if (filter.unless && core.test(filter.unless, mctx)) continue;
    out.push(m);
  }
  // Stryker disable next-line EqualityOperator: ids are distinct keys, so `<=` or `>=` compare as `<` or `>`; docs/testing.md
  return out.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
