import type { EvalContext } from './conditions/engine.js';
import type { InputEvent } from './events.js';
import type { CommunityState, MemberState } from './state.js';
import type { TemplateExtras } from '../ir/index.js';

/** One action (docs/embedding.md, section 8). */
export interface OutputAction {
  at: string;
  type: string;
  community: string;
  member?: string;
  [field: string]: unknown;
}

/** What one event (or timer) sees while it runs: the condition context plus where actions go. */
export interface Ctx extends EvalContext {
  cause: string;
  source: string;
  out: OutputAction[];
  /** Template extras of the running block (ir/template-extras.ts); copied before changing. */
  extras: TemplateExtras | undefined;
  /** The session a schedule hook runs in, for `silent members`. */
  session?: { schedule: string; start: number } | undefined;
}

/** Every Ctx is made here, so all of them share one shape (one hidden class on the hot path). */
export function newCtx(c: CommunityState, now: number, cause: string, source: string, out: OutputAction[], member?: MemberState, event?: InputEvent): Ctx {
  return { community: c, now, cause, source, out, member, event, extras: undefined, session: undefined };
}
