import type { Core } from '../core.js';
import type { Ctx } from '../context.js';
import type { InputEvent } from '../events.js';
import type { MemberState } from '../state.js';
import { applyStep, sendStored } from './machine-steps.js';

/**
 * `lifecycle`: one machine per member, started on their first event and stepped by each event,
 * that first one included (so `知道 -> 加入 on member.joined` out of the initial state fires for
 * the joiner); `when` transitions are checked after every event of the member (docs/runtime.md,
 * "Machines"; docs/language.md, "Lifecycles"). Both machine engines get the same start and send.
 */
export function stepLifecycles(core: Core, ctx: Ctx, m: MemberState, ev: InputEvent): void {
  for (const lm of core.machines.lifecycles) {
    let value = m.machines?.[lm.id];
    const lctx: Ctx = { ...ctx, source: lm.id };
    if (value === undefined) {
      const started = core.machines.start(lm, core.guard(lctx));
      applyStep(core, lctx, lm, value, started);
      if (!m.present) return;
      if (started.done) continue;
      value = started.value;
    }
    const step = sendStored(core, lctx, lm, value, { type: ev.type });
    applyStep(core, lctx, lm, value, step);
    if (!m.present) return;
  }
}
