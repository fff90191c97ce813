import type { Core } from '../core.js';
import type { Ctx } from '../context.js';
import type { InputEvent } from '../events.js';
import type { MemberState } from '../state.js';
import { applyStep } from './machine-steps.js';

/**
 * `lifecycle`: one machine per member, started on their first event and stepped by each later
 * one; `when` transitions are checked after every event of the member (docs/runtime.md,
 * "Machines"; docs/language.md, "Lifecycles").
 */
export function stepLifecycles(core: Core, ctx: Ctx, m: MemberState, ev: InputEvent): void {
  for (const lm of core.machines.lifecycles) {
    const value = m.machines?.[lm.id];
    const lctx: Ctx = { ...ctx, source: lm.id };
    const step =
      value === undefined ? core.machines.start(lm, core.guard(lctx)) : core.machines.send(lm, value, { type: ev.type }, core.guard(lctx));
    applyStep(core, lctx, lm, value, step);
    if (!m.present) return;
  }
}
