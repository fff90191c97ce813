import type { Cond, CondValue, Counter } from '../../ir/schema.js';
import { countWithin } from '../../stdlib/windows.js';
import type { CommunityState, MemberState } from '../state.js';
import type { InputEvent } from '../events.js';
import type { CondFn, ValueFn } from './fast.js';

/** What a condition can see: the community, maybe a member, maybe the event being processed. */
export interface EvalContext {
  community: CommunityState;
  member?: MemberState | undefined;
  event?: InputEvent | undefined;
  now: number;
  /** The event id or timer that is being handled: `random(…)` draws from it. */
  cause?: string;
}

/** What a `random(…)` draw is made from (src/stdlib/arithmetic.ts, drawInt). */
export function drawSalt(ctx: EvalContext, draw: string | undefined): string {
  return `${ctx.community.rng}|${ctx.cause ?? ''}|${draw ?? ''}|${ctx.member?.id ?? ''}`;
}

/**
 * Turns IR conditions into predicates once, when the runtime is built. Two implementations:
 * `FastConditions` (closures, the default) and `ReferenceConditions` (json-rules-engine).
 */
export interface ConditionEngine {
  compile(c: Cond): CondFn;
  /** A value outside a condition, e.g. the amount of `award amount / 10 points`. */
  compileValue(v: CondValue): ValueFn;
  close?(): void;
}

/** A counter's value in a context: its window count at `now`, or its running count (0 if none). */
export function counterValue(spec: Counter, ctx: EvalContext): number {
  const slot = (spec.scope === 'member' ? ctx.member?.counters : ctx.community.counters)?.[spec.id];
  if (slot === undefined) return 0;
  if (typeof slot === 'number') return slot;
  return spec.withinMs ? countWithin(slot, ctx.now, spec.withinMs) : slot.length;
}

/** `absences(S, D)` / `attended(S, D)`: ended sessions of S started within D where the member was expected. */
export function attendanceCount(ctx: EvalContext, schedule: string, kind: 'absences' | 'attended', withinMs: number): number {
  const m = ctx.member;
  if (!m) return 0;
  let n = 0;
  for (const s of ctx.community.sessions[schedule] ?? []) {
    if (s.start <= ctx.now - withinMs || s.end > ctx.now) continue;
    if (!s.present.includes(m.id)) continue;
    if (s.attended.includes(m.id) === (kind === 'attended')) n++;
  }
  return n;
}
