/**
 * The value a member's ritual has in the runtime state, snapshots and reports (docs/runtime.md,
 * "Rituals"). The machine backends build it, the runtime, the report, coverage and snapshot
 * migration read it; this module is the one place that knows its shape:
 *
 * - `'active'` with no steps (a ritual whose steps are all gone after a reload),
 * - `{ active: { <step>: 'pending' | 'done', ... } }` while the member is in the ritual,
 * - `'completed'`, `'expired'` (its deadline passed) or `'cancelled'` once it is over.
 *
 * Values come from stored state, so every reader takes `unknown` and never throws.
 */

export const RITUAL_ACTIVE = 'active';
export const RITUAL_COMPLETED = 'completed';
export const RITUAL_EXPIRED = 'expired';
export const RITUAL_CANCELLED = 'cancelled';
export const RITUAL_ENDINGS = [RITUAL_COMPLETED, RITUAL_EXPIRED, RITUAL_CANCELLED] as const;
export type RitualEnding = (typeof RITUAL_ENDINGS)[number];

export type StepProgress = 'pending' | 'done';
export const STEP_PENDING: StepProgress = 'pending';
export const STEP_DONE: StepProgress = 'done';

export type RitualValue = RitualEnding | typeof RITUAL_ACTIVE | { active: Record<string, StepProgress> };

/** The ritual is over: completed, expired or cancelled. */
export function ritualEnding(value: unknown): RitualEnding | undefined {
  return (RITUAL_ENDINGS as readonly unknown[]).includes(value) ? (value as RitualEnding) : undefined;
}

/** The per-step progress of a running ritual, or undefined for any other value. */
export function ritualSteps(value: unknown): Readonly<Record<string, unknown>> | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const active: unknown = (value as { active?: unknown }).active;
  return typeof active === 'object' && active !== null ? (active as Record<string, unknown>) : undefined;
}

/** One step's progress in a stored value: a completed ritual has done every step. */
export function stepProgress(value: unknown, step: string): StepProgress | undefined {
  if (value === 'completed') return STEP_DONE;
  const steps = ritualSteps(value);
  if (!steps || !Object.prototype.hasOwnProperty.call(steps, step)) return undefined;
  const p = steps[step];
  return p === STEP_PENDING ? STEP_PENDING : p === STEP_DONE ? STEP_DONE : undefined;
}

/** The names of the steps still pending, in the value's order. */
export function pendingStepNames(value: unknown): string[] {
  const steps = ritualSteps(value);
  if (!steps) return [];
  return Object.keys(steps).filter((step) => steps[step] === STEP_PENDING);
}
