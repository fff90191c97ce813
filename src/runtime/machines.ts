import { initialTransition, setup, transition, type AnyStateMachine } from 'xstate';
import type { Cond, IR } from '../compiler/ir.js';
import { lifecycleMachine, ritualMachine, type MachineParts, type RunRef } from '../compiler/xstate-backend.js';

/**
 * XState machines of a playbook, driven through the pure `initialTransition`/`transition`
 * functions on stored state values: no live actor per member. The machine's guards call back
 * into the runtime through `guardHook`, set for the duration of one synchronous step.
 */

export interface MachineStep {
  value: unknown;
  done: boolean;
  runs: RunRef[];
  raises: { id: string; delay: number; event: { type: string } }[];
  cancels: string[];
}

export interface LoadedMachine {
  id: string;
  kind: 'ritual' | 'lifecycle';
  parts: MachineParts;
}

/** Runs the rituals and lifecycles of a playbook: `FastMachines` (default) or `XStateMachines`. */
export interface MachineEngine {
  readonly rituals: LoadedMachine[];
  readonly lifecycles: LoadedMachine[];
  /** Load a machine config (the runtime loads the playbook's; tests load generated ones). */
  load(id: string, kind: 'ritual' | 'lifecycle', parts: MachineParts): LoadedMachine;
  start(m: LoadedMachine, guard: (c: Cond) => boolean): MachineStep;
  send(m: LoadedMachine, value: unknown, event: { type: string }, guard: (c: Cond) => boolean): MachineStep;
}

/** The reference path: XState's own pure `initialTransition`/`transition`. */
export class XStateMachines implements MachineEngine {
  readonly rituals: LoadedMachine[] = [];
  readonly lifecycles: LoadedMachine[] = [];
  private readonly machines = new Map<string, AnyStateMachine>();
  private guardHook: (c: Cond) => boolean = () => false;

  constructor(ir: IR) {
    for (const r of ir.rituals) this.rituals.push(this.load(r.id, 'ritual', ritualMachine(r)));
    for (const l of ir.lifecycles) this.lifecycles.push(this.load(l.id, 'lifecycle', lifecycleMachine(l)));
  }

  load(id: string, kind: 'ritual' | 'lifecycle', parts: MachineParts): LoadedMachine {
    const machine = setup({
      guards: {
        cond: (_args, params: { ref: string }) => {
          const c = parts.conds[params.ref];
          return c ? this.guardHook(c) : true;
        },
      },
      actions: { run: () => {} },
    }).createMachine(parts.config as never) as unknown as AnyStateMachine;
    this.machines.set(id, machine);
    return { id, kind, parts };
  }

  /** Start a machine. */
  start(m: LoadedMachine, guard: (c: Cond) => boolean): MachineStep {
    this.guardHook = guard;
    const [snap, actions] = initialTransition(this.machines.get(m.id)!);
    return this.collect(m, snap, actions);
  }

  /** Send one event to a machine in `value`. */
  send(m: LoadedMachine, value: unknown, event: { type: string }, guard: (c: Cond) => boolean): MachineStep {
    this.guardHook = guard;
    const machine = this.machines.get(m.id)!;
    const snap = machine.resolveState({ value: value as never, context: {} });
    const [next, actions] = transition(machine, snap, event as never);
    return this.collect(m, next, actions);
  }

  private collect(m: LoadedMachine, snap: { value: unknown; status: string }, actions: { type: string; params?: unknown }[]): MachineStep {
    const step: MachineStep = { value: snap.value, done: snap.status === 'done', runs: [], raises: [], cancels: [] };
    for (const a of actions) {
      const p = (a.params ?? {}) as Record<string, unknown>;
      if (a.type === 'run') {
        const ref = m.parts.actions[p['ref'] as string];
        if (ref) step.runs.push(ref);
      } else if (a.type === 'xstate.raise' && typeof p['delay'] === 'number') {
        step.raises.push({ id: String(p['id']), delay: p['delay'] as number, event: p['event'] as { type: string } });
      } else if (a.type === 'xstate.cancel') {
        step.cancels.push(String(p['sendId']));
      }
    }
    return step;
  }
}

/** Labels of ritual steps still pending in a ritual state value. */
export function pendingSteps(value: unknown, labels: Map<string, string>): string[] {
  if (typeof value !== 'object' || value === null) return [];
  const active = (value as Record<string, unknown>)['active'];
  if (typeof active !== 'object' || active === null) return [];
  const out: string[] = [];
  for (const [step, st] of Object.entries(active as Record<string, unknown>)) {
    if (st === 'pending') out.push(labels.get(step) ?? step);
  }
  return out;
}
