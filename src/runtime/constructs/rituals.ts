import type { IR } from '../../ir/schema.js';
import type { CondFn } from '../conditions/fast.js';
import type { Core } from '../core.js';
import type { Ctx } from '../context.js';
import type { InputEvent } from '../events.js';
import type { LoadedMachine } from '../machines/engine.js';
import type { MemberState } from '../state.js';
import { applyStep, sendStored } from './machine-steps.js';
import { ritualEnding, templateExtras } from '../../ir/index.js';

/**
 * `ritual`: a parallel machine per member with one region per step, started by its `starts on`
 * event, stepped by the member's events while it runs (docs/runtime.md, "Machines";
 * docs/language.md, "Rituals").
 */

export interface CompiledRitual {
  lm: LoadedMachine;
  ritual: IR['rituals'][number];
  startsOn: CondFn | undefined;
}

export function compileRituals(core: Core): CompiledRitual[] {
  const out: CompiledRitual[] = [];
  for (const lm of core.machines.rituals) {
    const ritual = core.ir.rituals.find((r) => r.id === lm.id)!;
    out.push({ lm, ritual, startsOn: ritual.startsOn.where ? core.fn(ritual.startsOn.where) : undefined });
  }
  return out;
}

/** The labels of each ritual's steps, for `{missing}`. */
export function compileStepLabels(ir: IR): Map<string, Map<string, string>> {
  const out = new Map<string, Map<string, string>>();
  for (const r of ir.rituals) out.set(r.id, new Map(r.steps.map((s) => [s.name, s.label])));
  return out;
}

export function stepRituals(core: Core, ctx: Ctx, m: MemberState, ev: InputEvent): void {
  for (const { lm, ritual, startsOn } of core.rituals) {
    const value = m.machines?.[lm.id];
    const running = value !== undefined && !isFinalRitual(value);
    // Stryker disable next-line StringLiteral,ObjectLiteral: templateExtras types only by its first argument, and runRef sets {ritual} again for every action (docs/testing.md)
    const rctx: Ctx = { ...ctx, source: lm.id, extras: templateExtras('ritual', { ritual: ritual.name }, ctx.extras) };
    if (running) {
      const step = sendStored(core, rctx, lm, value, { type: ev.type });
      applyStep(core, rctx, lm, value, step);
    } else if (ritual.startsOn.event === ev.type && (!startsOn || startsOn(rctx))) {
      const step = core.machines.start(lm, core.guard(rctx));
      applyStep(core, rctx, lm, undefined, step);
    }
    if (!m.present) return;
  }
}

function isFinalRitual(value: unknown): boolean {
  return ritualEnding(value) !== undefined;
}
