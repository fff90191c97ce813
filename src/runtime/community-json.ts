import { copyDicts, dict } from '../stdlib/dict.js';
import { memberFromJSON, memberToJSON } from './member.js';
import { rememberedFromJSON, rememberedToJSON } from './remembered.js';
import type { CommunitySnapshot, CommunityState, MemberState } from './state.js';
import { liveTimers, loadTimers } from './timers.js';

/** A community's state to and from its JSON form, the `communities` of a snapshot (docs/runtime.md). */

/**
 * A community's live state as plain JSON (a deep copy: later events do not change it). With
 * `members: false` the members are left out (a durable store keeps them as rows of their own).
 */
export function communityToJSON(c: CommunityState, options: { members?: boolean } = {}): CommunitySnapshot {
  const { processed: _processed, timers: _heap, timerIndex: _index, members, ...rest } = c;
  const json = copyFields(rest);
  const out = dict<MemberState>();
  if (options.members !== false) for (const id of Object.keys(members)) out[id] = memberToJSON(members[id]!);
  return { ...json, members: out, ...rememberedToJSON(c), timers: structuredClone(liveTimers(c)) };
}

/**
 * Live state from its JSON form (the JSON is copied, not shared). Its tables are rebuilt as
 * dicts: `JSON.parse` gives objects that inherit from `Object.prototype`, where a lookup of a
 * member or campaign called `constructor` would find a function.
 */
export function communityFromJSON(json: CommunitySnapshot): CommunityState {
  const { processed, processedAt, timers, members, ...rest } = json;
  const remembered = rememberedFromJSON(processed, processedAt, rest.clock);
  const c: CommunityState = { ...copyFields(rest), members: dict(), processed: remembered, timers: [], timerIndex: new Map() };
  for (const id of Object.keys(members)) c.members[id] = memberFromJSON(members[id]!);
  loadTimers(c, structuredClone(timers));
  return c;
}

/** The fields of a community (fixed names) copied, their tables as dicts. */
function copyFields<T extends object>(o: T): T {
  const out = { ...o };
  for (const k of Object.keys(out) as (keyof T)[]) out[k] = copyDicts(out[k]);
  return out;
}
