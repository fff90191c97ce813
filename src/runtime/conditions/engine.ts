import type { Cond, CondValue, Counter } from '../../ir/schema.js';
import { dict } from '../../stdlib/dict.js';
import { countWithin, firstWithin } from '../../stdlib/windows.js';
import type { CommunityState, CounterLog, CounterValue, MemberState } from '../state.js';
import type { InputEvent } from '../events.js';
import type { Network } from '../network.js';
import type { CondFn, ValueFn } from './fast.js';

/** What a condition can see: the community, maybe a member, maybe the event being processed. */
export interface EvalContext {
  community: CommunityState;
  member?: MemberState | undefined;
  event?: InputEvent | undefined;
  now: number;
  /** The event id or timer that is being handled: `random(…)` draws from it. */
  cause?: string;
  /** Inside a counter's `where` read at query time, `event` is the counted event and this the handled one (`this.F`). */
  outer?: InputEvent | undefined;
}

/** What a `random(…)` draw is made from (src/stdlib/arithmetic.ts, drawInt). */
export function drawSalt(ctx: EvalContext, draw: string | undefined): string {
  return `${ctx.community.rng}|${ctx.cause ?? ''}|${draw ?? ''}|${ctx.member?.id ?? ''}`;
}

/** `member.age`: milliseconds since the member joined; none for a member never seen joining. */
export function memberAge(ctx: EvalContext): number | undefined {
  const m = ctx.member;
  return m && !m.unjoined ? ctx.now - m.joinedAt : undefined;
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

/**
 * A counter's value in a context: its count, sum or number of distinct values at `now` (0 if it
 * has none). `filter` is the counter's `where` when it reads `this.` (`keep`): then each event of
 * the window is tested on its kept fields against the handled event. A count `across groups`
 * is read from the runtime's `network` (runtime/network.ts).
 */
export function counterValue(spec: Counter, ctx: EvalContext, filter?: CondFn, network?: Network): number {
  const slot = (spec.scope === 'member' ? ctx.member?.counters : spec.scope === 'network' ? network?.state.counters : ctx.community.counters)?.[spec.id];
  if (slot === undefined) return 0;
  if (typeof slot === 'number') return slot;
  if (Array.isArray(slot)) return spec.withinMs ? countWithin(slot, ctx.now, spec.withinMs) : slot.length;
  if ('seen' in slot) return slot.seen.length;
  return measureLog(spec, slot, ctx, filter);
}

function measureLog(spec: Counter, log: CounterLog, ctx: EvalContext, filter: CondFn | undefined): number {
  const start = spec.withinMs ? firstWithin(log.at, ctx.now, spec.withinMs) : 0;
  // Stryker disable next-line LogicalOperator: without `keep` the filter is undefined (FastConditions, ReferenceConditions)
  const keep = spec.keep && filter ? spec.keep : undefined;
  let n = 0;
  const distinct = spec.distinct ? new Set<CounterValue>() : undefined;
  // Oldest first, so that a sum adds in the order the events came (as a recount would).
  for (let i = start; i < log.at.length; i++) {
    const entry = log.val[i];
    const value = keep ? (entry as CounterValue[])[0] : entry;
    if (keep && !filter!(countedCtx(spec, keep, entry as CounterValue[], ctx))) continue;
    if (distinct) {
      if (value !== null && value !== undefined) distinct.add(value);
    } else if (spec.sum !== undefined) n += typeof value === 'number' ? value : 0;
    else n++;
  }
  return distinct ? distinct.size : n;
}

/** The context a counter's `where` is tested in when read: the counted event (its kept fields) as `event`, the handled one as `outer`. */
export function countedCtx(spec: Counter, keep: readonly string[], entry: readonly CounterValue[], ctx: EvalContext): EvalContext {
  const payload = dict<unknown>();
  for (let k = 0; k < keep.length; k++) {
    const v = entry[k + 1];
    // A field the event did not have is kept as null, and read back as absent.
    if (v !== null && v !== undefined) payload[keep[k]!] = v;
  }
  // Stryker disable next-line StringLiteral: a counted event's id and time are read by no condition
  const event: InputEvent = { id: '', type: spec.event, at: '', atMs: 0, community: ctx.community.id, payload };
  return { community: ctx.community, now: ctx.now, event, outer: ctx.event };
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
