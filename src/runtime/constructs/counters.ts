import type { Counter, IR } from '../../ir/schema.js';
import { dict, ownReader } from '../../stdlib/dict.js';
import { firstWithin, pruneLog, pruneWindow } from '../../stdlib/windows.js';
import { countedCtx, type EvalContext } from '../conditions/engine.js';
import type { CondFn } from '../conditions/fast.js';
import type { InputEvent } from '../events.js';
import type { Network } from '../network.js';
import type { CommunityState, CounterLog, CounterSlot, CounterValue, MemberState } from '../state.js';

/**
 * `count(E by member where … within D)`, `sum(F of E …)`, `count(distinct F of E …)`: the windows,
 * running counts and sums conditions read (docs/language.md, "Counting events"; docs/runtime.md,
 * "Rules, windows, ladders"). Recorded before any rule of the event is evaluated, so a count
 * includes the current event. A `where` that reads only the counted event is tested here, so
 * only matching events are kept; one that reads `this.` is tested when the count is read, on
 * the fields `keep` lists, kept with each event for `within` (which such a count must have).
 */

export interface CounterTables {
  byEvent: Map<string, CompiledCounter[]>;
  byId: Map<string, CompiledCounter>;
}

export interface CompiledCounter {
  spec: Counter;
  /** Reads the value an event adds: its amount, its distinct value; undefined for a plain count. */
  measure?: (ev: InputEvent) => CounterValue;
  keep?: ((ev: InputEvent) => CounterValue)[];
}

/** How a counter's `where` is tested: the condition engine's predicate for it (Core.fn). */
export type FilterOf = (spec: Counter) => CondFn | undefined;

export function compileCounters(ir: IR): CounterTables {
  const byEvent = new Map<string, CompiledCounter[]>();
  const byId = new Map<string, CompiledCounter>();
  for (const spec of ir.counters) {
    const cc: CompiledCounter = { spec };
    if (spec.sum !== undefined) {
      const read = ownReader(spec.sum);
      cc.measure = (ev) => {
        const v = read(ev.payload);
        return typeof v === 'number' && Number.isFinite(v) ? v : 0;
      };
    } else if (spec.distinct) {
      if ('member' in spec.distinct) cc.measure = (ev) => ev.member ?? null;
      else {
        const read = ownReader(spec.distinct.field);
        cc.measure = (ev) => scalar(read(ev.payload));
      }
    }
    if (spec.keep) cc.keep = spec.keep.map((f) => kept(ownReader(f)));
    byId.set(spec.id, cc);
    const list = byEvent.get(spec.event) ?? [];
    list.push(cc);
    byEvent.set(spec.event, list);
  }
  return { byEvent, byId };
}

function scalar(v: unknown): CounterValue {
  return typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v)) ? v : null;
}

/** A field kept for a `where` read later: as JSON stores it (absent as null; lists of scalars). */
function kept(read: (payload: Record<string, unknown>) => unknown): (ev: InputEvent) => CounterValue {
  return (ev) => {
    const v = read(ev.payload);
    return Array.isArray(v) ? v.map(scalar) : scalar(v);
  };
}

export function recordCounters(
  tables: CounterTables,
  filterOf: FilterOf,
  ctx: EvalContext,
  c: CommunityState,
  m: MemberState | undefined,
  ev: InputEvent,
  now: number,
  network: Network,
): void {
  const specs = tables.byEvent.get(ev.type);
  if (!specs) return;
  for (const cc of specs) recordCounter(cc, filterOf, ctx, c, m, ev, now, network);
}

/** One counter of the event's type: the event added to its count, sum, values or log. */
export function recordCounter(
  cc: CompiledCounter,
  filterOf: FilterOf,
  ctx: EvalContext,
  c: CommunityState,
  m: MemberState | undefined,
  ev: InputEvent,
  now: number,
  network: Network,
): void {
  const { spec, measure, keep } = cc;
  // Inside a campaign, counts only include events while it runs (in the event's own community).
  if (spec.campaign && !c.campaigns[spec.campaign]?.stage) return;
  let store: Record<string, CounterSlot>;
  if (spec.scope === 'member') {
    if (!m) return;
    store = m.counters ??= dict();
  } else if (spec.scope === 'network') {
    // A count `across groups` (network.ts): one slot for every community; never windowed (E0461).
    store = network.state.counters;
    network.changed = true;
  } else store = c.counters;
  if (spec.where && !keep && !filterOf(spec)!(ctx)) return;
  if (!measure && !keep) {
    if (spec.withinMs) {
      let arr = store[spec.id];
      if (!Array.isArray(arr)) arr = store[spec.id] = [];
      pruneWindow(arr, now, spec.withinMs);
      arr.push(now);
    } else store[spec.id] = (typeof store[spec.id] === 'number' ? (store[spec.id] as number) : 0) + 1;
    return;
  }
  const value = measure ? measure(ev) : null;
  if (!spec.withinMs) {
    // No window (E0226 and E0227 see that a kept `where` and a distinct field have one): a running sum, or the distinct values seen.
    if (spec.distinct) {
      let slot = store[spec.id];
      if (!isValues(slot)) slot = store[spec.id] = { seen: [] };
      if (value !== null && !slot.seen.includes(value)) slot.seen.push(value);
    } else store[spec.id] = (typeof store[spec.id] === 'number' ? (store[spec.id] as number) : 0) + (value as number);
    return;
  }
  let log = store[spec.id];
  if (!isLog(log)) log = store[spec.id] = { at: [], val: [] };
  pruneLog(log.at, log.val, now, spec.withinMs);
  log.at.push(now);
  log.val.push(keep ? [value, ...keep.map((k) => k(ev))] : value);
}

function isLog(slot: CounterSlot | undefined): slot is CounterLog {
  return typeof slot === 'object' && !Array.isArray(slot) && 'at' in slot;
}

function isValues(slot: CounterSlot | undefined): slot is { seen: CounterValue[] } {
  return typeof slot === 'object' && !Array.isArray(slot) && 'seen' in slot;
}

/**
 * Uses up the events a rule fired on, so one burst fires once and other rules' windows stay: the
 * window is emptied, or, for a `where` that reads `this.`, the events it counted for this event
 * are removed (a group-buy of one item leaves the buyers of another waiting).
 */
export function clearWindows(
  tables: CounterTables,
  filterOf: FilterOf,
  ctx: EvalContext,
  c: CommunityState,
  m: MemberState | undefined,
  windows: readonly string[],
): void {
  for (const w of windows) {
    const cc = tables.byId.get(w);
    if (!cc) continue;
    const store = cc.spec.scope === 'member' ? m?.counters : c.counters;
    const slot = store?.[w];
    if (!store || slot === undefined) continue;
    if (!isLog(slot)) store[w] = [];
    else if (!cc.spec.keep || !cc.spec.withinMs) store[w] = { at: [], val: [] };
    else removeCounted(cc.spec, cc.spec.keep, cc.spec.withinMs, slot, filterOf(cc.spec)!, ctx);
  }
}

function removeCounted(spec: Counter, keep: readonly string[], withinMs: number, log: CounterLog, filter: CondFn, ctx: EvalContext): void {
  const start = firstWithin(log.at, ctx.now, withinMs);
  let out = start;
  for (let i = start; i < log.at.length; i++) {
    if (filter(countedCtx(spec, keep, log.val[i] as CounterValue[], ctx))) continue;
    log.at[out] = log.at[i]!;
    log.val[out] = log.val[i]!;
    out++;
  }
  log.at.length = out;
  log.val.length = out;
}
