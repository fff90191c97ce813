import type { IR } from '../ir/schema.js';
import { lifecycleMachine, ritualMachine, type MachineConfig } from '../compiler/backends/xstate.js';
import { dict } from '../stdlib/dict.js';
import { delayedEvent } from '../ir/index.js';

/**
 * What snapshot migration (migrate.ts) reads off the two versions of a playbook: each machine's
 * states and delayed transitions, the calendars of jobs and leaderboards, which counts mean the
 * same thing in both, and small helpers on the snapshot's tables. Pure functions of the IR.
 */

export interface AfterEntry {
  delay: number;
  /** State path within the machine ("active", "dormant"). */
  path: string;
  /** What the delayed transition is, stable across versions: its target, else its action ref. */
  key: string;
  /** Words for reports: "reminder 1", "deadline", "after 14d to dormant". */
  label: string;
}

export interface MachineInfo {
  id: string;
  kind: 'ritual' | 'lifecycle';
  name: string;
  config: MachineConfig;
  /** Delayed event type -> entry. */
  afters: Map<string, AfterEntry>;
  /** Lifecycle states, or ritual step names. */
  states: string[];
  initial: string;
}

export function machineInfos(ir: IR): Map<string, MachineInfo> {
  const out = new Map<string, MachineInfo>();
  for (const r of ir.rituals) {
    const config = ritualMachine(r).config;
    out.set(r.id, {
      id: r.id,
      kind: 'ritual',
      name: r.name,
      config,
      afters: afterEntries(config, 'ritual'),
      states: r.steps.map((s) => s.name),
      initial: 'active',
    });
  }
  for (const l of ir.lifecycles) {
    const config = lifecycleMachine(l).config;
    out.set(l.id, { id: l.id, kind: 'lifecycle', name: l.name, config, afters: afterEntries(config, 'lifecycle'), states: l.states, initial: l.initial });
  }
  return out;
}

/** Every delayed transition of a machine config, by the event type XState raises for it. */
export function afterEntries(config: MachineConfig, kind: 'ritual' | 'lifecycle'): Map<string, AfterEntry> {
  const out = new Map<string, AfterEntry>();
  const walk = (node: Record<string, unknown>, path: string[]) => {
    const after = node['after'] as Record<string, { target?: string; actions?: { params?: { ref?: string } }[] }[]> | undefined;
    if (after && path.length > 0) {
      for (const [delay, list] of Object.entries(after)) {
        const first = list[0];
        const ref = first?.actions?.[0]?.params?.ref ?? '';
        const key = first?.target ?? ref;
        const tail = ref.slice(ref.lastIndexOf('/') + 1);
        const label =
          kind === 'lifecycle'
            ? `after ${humanDelay(Number(delay))} to ${first?.target ?? '?'}`
            : tail === 'deadline'
              ? 'deadline'
              : tail.startsWith('remind:')
                ? `reminder ${Number(tail.slice(7)) + 1}`
                : tail;
        out.set(delayedEvent(Number(delay), `${config.id}.${path.join('.')}`), { delay: Number(delay), path: path.join('.'), key, label });
      }
    }
    const states = node['states'] as Record<string, Record<string, unknown>> | undefined;
    if (states) for (const [name, child] of Object.entries(states)) walk(child, [...path, name]);
  };
  walk(config, []);
  return out;
}

export function humanDelay(ms: number): string {
  for (const [unit, size] of [
    ['w', 604_800_000],
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1000],
  ] as const) {
    if (ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}

/** The state path a machine value is in, for matching timers ("active" for a running ritual). */
export function statePath(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object') return Object.keys(value)[0];
  return undefined;
}

export function calendarEntries(ir: IR): { kind: 'job' | 'leaderboard'; id: string; name: string; calendar: IR['jobs'][number]['calendar'] }[] {
  return [
    ...ir.jobs.map((j) => ({ kind: 'job' as const, id: j.id, name: j.name, calendar: j.calendar })),
    ...ir.leaderboards.map((l) => ({ kind: 'leaderboard' as const, id: l.id, name: l.name, calendar: l.calendar })),
  ];
}

function counterSignature(c: IR['counters'][number]): string {
  // What a counter measures is part of what it means: a count's slot must not become a sum's.
  const measure = c.sum !== undefined || c.distinct || c.where ? [c.sum ?? null, c.distinct ?? null, c.where ?? null, c.keep ?? null] : [];
  return JSON.stringify([c.event, c.scope, c.withinMs ?? null, c.campaign ?? null, ...measure]);
}

/** Old counter id -> new counter id, for counts that mean the same thing in both versions. */
export function counterMap(from: IR, to: IR): Map<string, string> {
  const bySignature = new Map<string, string[]>();
  for (const c of to.counters) {
    const sig = counterSignature(c);
    bySignature.set(sig, [...(bySignature.get(sig) ?? []), c.id]);
  }
  const used = new Map<string, number>();
  const out = new Map<string, string>();
  for (const c of from.counters) {
    const sig = counterSignature(c);
    const k = used.get(sig) ?? 0;
    const target = bySignature.get(sig)?.[k];
    used.set(sig, k + 1);
    if (target !== undefined) out.set(c.id, target);
  }
  return out;
}

export function remapCounters<T>(counters: Record<string, T> | undefined, map: Map<string, string>): { value: Record<string, T> | undefined; lost: number } {
  if (!counters) return { value: undefined, lost: 0 };
  const out = dict<T>();
  let lost = 0;
  for (const [id, v] of Object.entries(counters)) {
    const target = map.get(id);
    if (target === undefined) lost++;
    else out[target] = v;
  }
  return { value: Object.keys(out).length ? out : undefined, lost };
}

export function keepKeys<T>(record: Record<string, T> | undefined, keep: (key: string) => boolean): Record<string, T> | undefined {
  if (!record) return undefined;
  const out = dict<T>();
  for (const [k, v] of Object.entries(record)) if (keep(k)) out[k] = v;
  return Object.keys(out).length ? out : undefined;
}

export const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

export function scheduleShape(s: IR['schedules'][number]): unknown {
  return [s.calendar, s.durationMs ?? null, s.hooks.map((h) => [h.anchor, h.offsetMs])];
}
