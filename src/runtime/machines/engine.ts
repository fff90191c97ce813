import type { Cond } from '../../ir/schema.js';
import type { MachineParts, RunRef } from '../../compiler/backends/xstate.js';
import { pendingStepNames } from '../../ir/index.js';

/**
 * What the runtime asks of a machine engine (docs/runtime.md, "Engines: fast and reference"):
 * `FastMachines` (`fast.ts`, the default) and `XStateMachines` (`reference.ts`) answer alike, so
 * the runtime and the differential tests depend on this file only.
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

/** Labels of ritual steps still pending in a ritual state value. */
export function pendingSteps(value: unknown, labels: Map<string, string>): string[] {
  return pendingStepNames(value).map((step) => labels.get(step) ?? step);
}
