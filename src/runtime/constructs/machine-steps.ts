import type { RunRef } from '../../compiler/backends/xstate.js';
import { dict } from '../../stdlib/dict.js';
import type { Core } from '../core.js';
import { newCtx, type Ctx, type OutputAction } from '../context.js';
import { pendingSteps, type LoadedMachine, type MachineStep } from '../machines/engine.js';
import { StoredStateError } from '../machines/stored.js';
import type { CommunityState, Timer } from '../state.js';
import { cancelTimer, insertTimer } from '../timers.js';
import { machineTimerId, parseConstructId, templateExtras } from '../../ir/index.js';

/**
 * What rituals (rituals.ts) and lifecycles (lifecycles.ts) share: a step of a member's machine
 * applied to the member. The new state value is stored, `after` delays become entries of the
 * community's timer queue and cancels remove them, and the step's actions run
 * (docs/runtime.md, "Machines").
 */

export function applyStep(core: Core, ctx: Ctx, lm: LoadedMachine, before: unknown, step: MachineStep): void {
  const m = ctx.member!;
  const c = ctx.community;
  if (step.value !== before) (m.machines ??= dict())[lm.id] = step.value;
  for (const id of step.cancels) cancelTimer(c, machineTimerId(m.id, lm.id, id));
  for (const r of step.raises) {
    const tid = machineTimerId(m.id, lm.id, r.id);
    insertTimer(c, { id: tid, due: ctx.now + r.delay, kind: 'machine', ref: lm.id, member: m.id, event: { type: r.event.type } });
  }
  for (const run of step.runs) runRef(core, ctx, lm, before, step, run);
}

function runRef(core: Core, ctx: Ctx, lm: LoadedMachine, before: unknown, step: MachineStep, ref: RunRef): void {
  const m = ctx.member!;
  const rctx: Ctx = { ...ctx, source: ref.source, extras: { ...ctx.extras } };
  if (lm.kind === 'ritual') {
    // `{missing}`: a reminder or the deadline speaks of the steps pending before it fired.
    const labels = core.stepLabels.get(lm.id) ?? new Map<string, string>();
    const pending = pendingSteps(ref.ritual === 'reminder' || ref.ritual === 'expired' ? before : step.value, labels);
    // Stryker disable next-line OptionalChaining: machine ids are construct ids made by the compiler, which always parse (docs/testing.md)
    rctx.extras = templateExtras('ritualPending', { missing: pending.join('、'), ritual: parseConstructId(lm.id)?.name ?? lm.id }, ctx.extras);
  }
  if (ref.changed) {
    // Stryker disable next-line StringLiteral: templateExtras uses its first argument for types only (docs/testing.md)
    rctx.extras = templateExtras('lifecycle', ref.changed, rctx.extras);
    core.emit(rctx, 'lifecycle.changed', m.id, { lifecycle: ref.changed.lifecycle, from: ref.changed.from, to: ref.changed.to });
  }
  core.runActions(rctx, ref.actions);
}

/**
 * Send an event to the member's machine in its stored state; a state the playbook does not have
 * is refused (machines/stored.ts) with the community and member named.
 */
export function sendStored(core: Core, ctx: Ctx, lm: LoadedMachine, value: unknown, event: { type: string }): MachineStep {
  try {
    return core.machines.send(lm, value, event, core.guard(ctx));
  } catch (e) {
    throw e instanceof StoredStateError ? e.at(ctx.community.id, ctx.member!.id) : e;
  }
}

/** A machine's delayed event is due: send it back to the member's machine. */
export function fireMachineTimer(core: Core, c: CommunityState, t: Timer, cause: string, out: OutputAction[]): void {
  const m = t.member ? c.members[t.member] : undefined;
  if (!m || !m.present) return;
  core.touch(c, m.id);
  const lm = core.machines.rituals.find((x) => x.id === t.ref) ?? core.machines.lifecycles.find((x) => x.id === t.ref);
  const value = m.machines?.[t.ref];
  if (!lm || value === undefined || !t.event) return;
  const ctx = newCtx(c, t.due, cause, t.ref, out, m);
  const step = sendStored(core, ctx, lm, value, t.event);
  applyStep(core, ctx, lm, value, step);
}
