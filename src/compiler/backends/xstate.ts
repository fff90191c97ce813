import { dict } from '../../stdlib/dict.js';
import type { Action, Campaign, Cond, IR, Lifecycle, Ritual, Schedule } from '../../ir/schema.js';
import { RITUAL_ACTIVE, RITUAL_CANCELLED, RITUAL_COMPLETED, RITUAL_EXPIRED, STEP_DONE, STEP_PENDING } from '../../ir/ritual-state.js';

/**
 * IR -> XState v5 machine configs. Configs are plain JSON: guards and actions are named
 * (`cond`, `run`) with a `ref` parameter pointing into the tables returned beside the config, so
 * the same config loads in `createMachine` for inspection and runs in the runtime, which supplies
 * the implementations. Delays are numbers of milliseconds, so XState hands them back as
 * `xstate.raise` actions that the runtime keeps in its own durable timer queue. Tables keyed by
 * playbook names (states, steps, event types) are dicts: a step or event called `__proto__` or
 * `constructor` is an ordinary key (src/stdlib/dict.ts).
 */

export interface MachineParts {
  config: MachineConfig;
  /** Guard refs -> condition (a guard with no condition is always true). */
  conds: Record<string, Cond>;
  /** Action refs -> the playbook actions to run. */
  actions: Record<string, RunRef>;
}

export interface RunRef {
  actions: Action[];
  /** What produced the actions, for `source` on each emitted action. */
  source: string;
  /** Lifecycle transitions also emit `lifecycle.changed`. */
  changed?: { lifecycle: string; from: string; to: string };
  /** Ritual bookkeeping the runtime does around the actions. */
  ritual?: 'started' | 'done' | 'expired' | 'cancelled' | 'reminder';
}

export type MachineConfig = Record<string, unknown> & { id: string };

const guard = (ref: string) => ({ type: 'cond', params: { ref } });
const run = (ref: string) => ({ type: 'run', params: { ref } });

export function ritualMachine(r: Ritual): MachineParts {
  const conds = dict<Cond>();
  const actions = dict<RunRef>();
  const base = r.id;
  actions[`${base}/start`] = { actions: r.onStart, source: r.id, ritual: 'started' };
  actions[`${base}/done`] = { actions: r.done, source: r.id, ritual: 'done' };
  const regions = dict<unknown>();
  for (const step of r.steps) {
    const ref = `${base}/step:${step.name}`;
    if (step.on.where) conds[ref] = step.on.where;
    const t: Record<string, unknown> = { target: STEP_DONE };
    if (step.on.where) t['guard'] = guard(ref);
    regions[step.name] = {
      initial: STEP_PENDING,
      states: { [STEP_PENDING]: { on: Object.assign(dict<unknown>(), { [step.on.event]: t }) }, [STEP_DONE]: { type: 'final' } },
    };
  }
  const after = dict<unknown[]>();
  r.reminders.forEach((rem, i) => {
    const ref = `${base}/remind:${i}`;
    actions[ref] = { actions: rem.actions, source: r.id, ritual: 'reminder' };
    (after[String(rem.afterMs)] ??= []).push({ actions: [run(ref)] });
  });
  if (r.deadline) {
    const ref = `${base}/deadline`;
    actions[ref] = { actions: r.deadline.actions, source: r.id, ritual: 'expired' };
    (after[String(r.deadline.afterMs)] ??= []).push({ target: RITUAL_EXPIRED, actions: [run(ref)] });
  }
  const on = dict<unknown[]>();
  r.cancelOn.forEach((c, i) => {
    const ref = `${base}/cancel:${i}`;
    actions[ref] = { actions: [], source: r.id, ritual: 'cancelled' };
    const t: Record<string, unknown> = { target: RITUAL_CANCELLED, actions: [run(ref)] };
    if (c.where) {
      conds[ref] = c.where;
      t['guard'] = guard(ref);
    }
    (on[c.event] ??= []).push(t);
  });
  const active: Record<string, unknown> =
    r.steps.length > 0 ? { type: 'parallel', states: regions, onDone: { target: RITUAL_COMPLETED } } : { always: { target: RITUAL_COMPLETED } };
  active['entry'] = [run(`${base}/start`)];
  if (Object.keys(after).length) active['after'] = after;
  if (Object.keys(on).length) active['on'] = on;
  const config: MachineConfig = {
    id: machineId(r.id),
    initial: RITUAL_ACTIVE,
    states: {
      [RITUAL_ACTIVE]: active,
      [RITUAL_COMPLETED]: { type: 'final', entry: [run(`${base}/done`)] },
      [RITUAL_EXPIRED]: { type: 'final' },
      [RITUAL_CANCELLED]: { type: 'final' },
    },
  };
  return { config, conds, actions };
}

export function lifecycleMachine(l: Lifecycle): MachineParts {
  const conds = dict<Cond>();
  const actions = dict<RunRef>();
  const states = dict<Record<string, unknown>>();
  for (const s of l.states) states[s] = dict();
  const fallbacks: { state: string; event: string }[] = [];
  l.transitions.forEach((t, i) => {
    const ref = `${l.id}/t${i}`;
    actions[ref] = { actions: t.actions, source: l.id, changed: { lifecycle: l.name, from: t.from, to: t.to } };
    const node = states[t.from]!;
    const tr: Record<string, unknown> = { target: t.to, actions: [run(ref)] };
    if ('on' in t.trigger) {
      if (t.trigger.on.where) {
        conds[ref] = t.trigger.on.where;
        tr['guard'] = guard(ref);
      }
      const on = (node['on'] ??= dict()) as Record<string, unknown[]>;
      (on[t.trigger.on.event] ??= []).push(tr);
    } else if ('when' in t.trigger) {
      conds[ref] = t.trigger.when;
      tr['guard'] = guard(ref);
      ((node['always'] ??= []) as unknown[]).push(tr);
    } else {
      const after = (node['after'] ??= dict()) as Record<string, unknown[]>;
      (after[String(t.trigger.afterMs)] ??= []).push(tr);
      if (t.trigger.without) fallbacks.push({ state: t.from, event: t.trigger.without });
    }
  });
  // `after D without E`: E re-enters the state, which restarts its delayed transitions. Added
  // after the explicit transitions so an explicit `on E` out of the state still wins.
  for (const f of fallbacks) {
    const on = (states[f.state]!['on'] ??= dict()) as Record<string, unknown[]>;
    const list = (on[f.event] ??= []);
    if (!list.some((t) => (t as { reenter?: boolean }).reenter)) list.push({ target: f.state, reenter: true });
  }
  return { config: { id: machineId(l.id), initial: l.initial, states }, conds, actions };
}

/** Campaign stages as a machine, for inspection and graphs; the runtime drives stages by calendar. */
export function campaignMachine(c: Campaign): MachineConfig {
  const states = dict<unknown>();
  const names = c.stages.map((s) => s.name);
  const allStarts = dict<string>();
  for (const s of names) allStarts[`stage.${s}.start`] = s;
  states['before'] = { on: allStarts };
  c.stages.forEach((s, i) => {
    const next = names[i + 1];
    const on = dict<string>();
    on[`stage.${s.name}.end`] = next ?? 'ended';
    if (next) on[`stage.${next}.start`] = next;
    states[s.name] = {
      entry: [{ type: 'stage.entered', params: { campaign: c.name, stage: s.name } }],
      exit: [{ type: 'stage.exited', params: { campaign: c.name, stage: s.name } }],
      on,
      meta: { from: s.from, to: s.to ?? null, multiplier: s.multiplier ?? 1 },
    };
  });
  states['ended'] = { type: 'final' };
  return { id: machineId(c.id), initial: 'before', states };
}

export function scheduleMachine(s: Schedule): MachineConfig {
  return {
    id: machineId(s.id),
    initial: 'idle',
    states: {
      idle: { on: { 'session.start': 'session' } },
      session: {
        on: Object.assign(dict<unknown>(), { 'session.end': 'idle', [s.attendanceEvent]: { actions: [{ type: 'attendance.mark' }] } }),
        meta: { durationMs: s.durationMs ?? null, hooks: s.hooks.map((h) => ({ anchor: h.anchor, offsetMs: h.offsetMs })) },
      },
    },
    meta: { calendar: s.calendar },
  };
}

/** XState ids may not contain `.` or `#` in a way that confuses target resolution. */
export function machineId(id: string): string {
  return id.replace(/[.#:]/g, '_');
}

export function toXState(ir: IR): Record<string, MachineConfig> {
  const out = dict<MachineConfig>();
  for (const r of ir.rituals) out[r.id] = ritualMachine(r).config;
  for (const l of ir.lifecycles) out[l.id] = lifecycleMachine(l).config;
  for (const c of ir.campaigns) out[c.id] = campaignMachine(c);
  for (const s of ir.schedules) out[s.id] = scheduleMachine(s);
  return out;
}
