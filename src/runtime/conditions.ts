import type { Cond } from '../compiler/ir.js';
import type { CommunityState, MemberState } from './state.js';
import type { InputEvent } from './events.js';
import type { CondFn } from './fast-conditions.js';

/** What a condition can see: the community, maybe a member, maybe the event being processed. */
export interface EvalContext {
  community: CommunityState;
  member?: MemberState | undefined;
  event?: InputEvent | undefined;
  now: number;
}

/**
 * Turns IR conditions into predicates once, when the runtime is built. Two implementations:
 * `FastConditions` (closures, the default) and `ReferenceConditions` (json-rules-engine).
 */
export interface ConditionEngine {
  compile(c: Cond): CondFn;
  close?(): void;
}
