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
  /**
   * The member an action is aimed at when it names one (`warn author …`, docs/language.md,
   * "Targets"); its texts and values still read the event's member as `member`.
   */
  target?: MemberState | undefined;
}

/** Who an action acts on: its target, or the member. */
export function actor(ctx: Ctx): MemberState | undefined {
  return ctx.target ?? ctx.member;
}

/** The context the acted-on member's own constructs run in (ladder steps, points, badges): that member as the member. */
export function asActor(ctx: Ctx): Ctx {
  return ctx.target ? { ...ctx, member: ctx.target, target: undefined } : ctx;
}

/** Every Ctx is made here, so all of them share one shape (one hidden class on the hot path). */
export function newCtx(c: CommunityState, now: number, cause: string, source: string, out: OutputAction[], member?: MemberState, event?: InputEvent): Ctx {
  return { community: c, now, cause, source, out, member, event, extras: undefined, session: undefined, target: undefined };
}
