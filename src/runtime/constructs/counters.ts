import type { Counter, IR } from '../../ir/schema.js';
import { dict } from '../../stdlib/dict.js';
import { pruneWindow } from '../../stdlib/windows.js';
import type { InputEvent } from '../events.js';
import type { CommunityState, MemberState } from '../state.js';

/**
 * `count(E by member within D)`: the windows and running counts conditions read
 * (docs/runtime.md, "Rules, windows, ladders"). Recorded before any rule of the event is
 * evaluated, so a count includes the current event.
 */

export interface CounterTables {
  byEvent: Map<string, Counter[]>;
  byId: Map<string, Counter>;
}

export function compileCounters(ir: IR): CounterTables {
  const byEvent = new Map<string, Counter[]>();
  const byId = new Map<string, Counter>();
  for (const c of ir.counters) {
    byId.set(c.id, c);
    const list = byEvent.get(c.event) ?? [];
    list.push(c);
    byEvent.set(c.event, list);
  }
  return { byEvent, byId };
}

export function recordCounters(tables: CounterTables, c: CommunityState, m: MemberState | undefined, ev: InputEvent, now: number): void {
  const specs = tables.byEvent.get(ev.type);
  if (!specs) return;
  for (const spec of specs) {
    // Inside a campaign, counts only include events while it runs.
    if (spec.campaign && !c.campaigns[spec.campaign]?.stage) continue;
    let store: Record<string, number[] | number>;
    if (spec.scope === 'member') {
      if (!m) continue;
      store = m.counters ??= dict();
    } else store = c.counters;
    if (spec.withinMs) {
      let arr = store[spec.id];
      if (!Array.isArray(arr)) arr = store[spec.id] = [];
      pruneWindow(arr, now, spec.withinMs);
      arr.push(now);
    } else {
      store[spec.id] = ((store[spec.id] as number | undefined) ?? 0) + 1;
    }
  }
}

/** Empty the windows a rule fired on, so one burst fires once and other rules' windows stay. */
export function clearWindows(tables: CounterTables, c: CommunityState, m: MemberState | undefined, windows: readonly string[]): void {
  for (const w of windows) {
    const spec = tables.byId.get(w);
    if (!spec) continue;
    if (spec.scope === 'member' && m) {
      if (m.counters?.[w] !== undefined) m.counters[w] = [];
    } else if (spec.scope === 'community') c.counters[w] = [];
  }
}
