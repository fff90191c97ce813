import type { Action, Cond, CondValue, Counter, IR, Lottery } from '../ir/schema.js';
import { isoInZone } from '../stdlib/calendar.js';
import { hasKey, own } from '../stdlib/dict.js';
import { renderTemplate } from '../stdlib/templates.js';
import { ACTIONS, type ActionHandler } from './actions/index.js';
import type { ConditionEngine, EvalContext } from './conditions/engine.js';
import type { CondFn, ValueFn } from './conditions/fast.js';
import { compileCounters, type CounterTables } from './constructs/counters.js';
import { compileBoards, needsDailyPoints, type BoardTables } from './constructs/leaderboards.js';
import { compilePoints, type CompiledPoints } from './constructs/points.js';
import { compileRituals, compileStepLabels, type CompiledRitual } from './constructs/rituals.js';
import { compileRules, type CompiledRule } from './constructs/rules.js';
import { sendDirect } from './constructs/direct-messages.js';
import { resolveTarget } from './constructs/targets.js';
import type { Ctx, OutputAction } from './context.js';
import { ENVELOPE_KEYS } from './events.js';
import type { MachineEngine } from './machines/engine.js';
import { levelOf } from './member.js';
import { Network } from './network.js';
import { aimsAtMember } from '../ir/member-actions.js';
import type { CommunityState, MemberState } from './state.js';
import { LITERAL_CLOSE_BRACE, LITERAL_OPEN_BRACE } from '../stdlib/templates.js';

/** A placeholder, or an escaped brace stored as its marker: a text without any is sent as written. */
// Stryker disable next-line StringLiteral: an empty pattern sends every text through renderTemplate, which gives a text without braces or markers back as it is
const NEEDS_RENDER = new RegExp(`[{${LITERAL_OPEN_BRACE}${LITERAL_CLOSE_BRACE}]`);

const DAY = 86_400_000;

/**
 * What the construct modules (`constructs/`) and action handlers (`actions/`) share for one
 * runtime: the playbook, its conditions compiled once, each construct's tables indexed once by
 * event type, and the output helpers (`emit`, `text`). The `Runtime` class (runtime.ts) owns
 * one, so its own public surface stays as it was; everything per community lives in the store
 * (docs/runtime.md, "State and time").
 */
export class Core {
  readonly ir: IR;
  readonly zone: string;
  readonly machines: MachineEngine;
  /** Levels by threshold, for `{member.level}`. */
  readonly levels: { name: string; at: number }[];
  /** Daily point buckets are kept only when a leaderboard ranks by period (docs/runtime.md, "Memory"). */
  readonly trackDaily: boolean;
  /** The leaderboards that tally points or events as they happen. */
  readonly boards: BoardTables;
  /** `draw … as NAME` lotteries by name. */
  readonly lotteries: Map<string, Lottery>;
  readonly rules: Map<string, CompiledRule[]>;
  readonly points: Map<string, CompiledPoints[]>;
  readonly counters: CounterTables;
  readonly rituals: CompiledRitual[];
  /** Each ritual's step labels by step name, for `{missing}`. */
  readonly stepLabels: Map<string, Map<string, string>>;
  readonly tracking: boolean;
  /** Whether the playbook has a `direct messages` block. */
  readonly directMessages: boolean;
  /** Members whose state changed since the last `takeChanges()`, by community (for durable stores). */
  changed = new Map<string, Set<string>>();
  private readonly conditions: ConditionEngine;
  private readonly condFns = new Map<Cond, CondFn>();
  private readonly valueFns = new Map<CondValue, ValueFn>();
  /** The last instant formatted for actions, and its text (every action of an event shares it). */
  private isoMs = NaN;
  // Stryker disable next-line StringLiteral: never read before `at` sets it (`isoMs` starts as NaN, which equals no instant)
  private isoText = '';

  constructor(
    ir: IR,
    conditions: ConditionEngine,
    machines: MachineEngine,
    tracking: boolean,
    /** What the communities share (network.ts): counts `across groups`, network goals. */
    readonly network: Network = new Network(),
  ) {
    this.ir = ir;
    this.zone = ir.timezone;
    this.conditions = conditions;
    this.machines = machines;
    this.tracking = tracking;
    this.directMessages = ir.directMessages !== undefined;
    this.levels = [...ir.levels].sort((a, b) => a.at - b.at);
    this.trackDaily = needsDailyPoints(ir);
    this.boards = compileBoards(ir);
    this.lotteries = new Map((ir.lotteries ?? []).map((l) => [l.name, l]));
    this.rules = compileRules(this);
    this.points = compilePoints(this);
    this.counters = compileCounters(ir);
    this.stepLabels = compileStepLabels(ir);
    this.rituals = compileRituals(this);
  }

  /** A counter's `where`, as the condition engine tests it (constructs/counters.ts). */
  readonly counterFilter = (spec: Counter): CondFn | undefined => (spec.where ? this.fn(spec.where) : undefined);

  /** The compiled predicate of an IR condition (compiled once per condition object). */
  fn(c: Cond): CondFn {
    let f = this.condFns.get(c);
    if (!f) {
      f = this.conditions.compile(c);
      this.condFns.set(c, f);
    }
    return f;
  }

  /** The compiled reader of an IR value (compiled once per value object). */
  value(v: CondValue): ValueFn {
    let f = this.valueFns.get(v);
    if (!f) {
      f = this.conditions.compileValue(v);
      this.valueFns.set(v, f);
    }
    return f;
  }

  test(c: Cond, ctx: EvalContext): boolean {
    return this.fn(c)(ctx);
  }

  /** The guard a machine engine calls during one step of a member's machine. */
  guard(ctx: EvalContext): (c: Cond) => boolean {
    return (cond) => this.fn(cond)(ctx);
  }

  /** The `at` of actions produced at `ms`, formatted once per instant. */
  at(ms: number): string {
    if (ms !== this.isoMs) {
      this.isoMs = ms;
      this.isoText = isoInZone(ms, this.zone);
    }
    return this.isoText;
  }

  /** One action, keys in the order of docs/embedding.md, section 8: at, type, community, member, fields, cause, source. */
  emit(ctx: Ctx, type: string, member: string | undefined, fields?: Record<string, unknown>): void {
    const a: OutputAction =
      member === undefined ? { at: this.at(ctx.now), type, community: ctx.community.id } : { at: this.at(ctx.now), type, community: ctx.community.id, member };
    if (fields) for (const k in fields) a[k] = fields[k];
    a['cause'] = ctx.cause;
    a['source'] = ctx.source;
    // An action about a member may have changed them (`tag members` in a job, a network goal's actions in another group): their row is written.
    if (this.tracking && member !== undefined) this.touch(ctx.community, member);
    // A message to one member passes `direct messages` (constructs/direct-messages.ts).
    if (this.directMessages && type === 'message.send' && typeof a['to'] === 'string') sendDirect(this, ctx, a, a['to']);
    else ctx.out.push(a);
  }

  /** A message template filled in for the moment (docs/language.md, "Templates and placeholders"). */
  text(ctx: Ctx, template: string, member?: MemberState): string {
    // An escaped brace (`\{`) is stored as a marker character that rendering turns back into one.
    if (!NEEDS_RENDER.test(template)) return template;
    const m = member ?? ctx.member;
    return renderTemplate(template, (name) => {
      if (hasKey(ctx.extras, name)) return ctx.extras![name];
      if (name.startsWith('member.') && m) {
        const attr = name.slice(7);
        if (attr === 'id') return m.id;
        if (attr === 'name') return m.name ?? m.id;
        if (attr === 'points') return m.points;
        if (attr === 'level') return levelOf(this.levels, m);
        if (attr === 'joinedDays') return Math.floor((ctx.now - m.joinedAt) / DAY);
      }
      const other = otherMember(ctx, name);
      if (other !== undefined) return other;
      if (name === 'community') return ctx.community.id;
      if (name === 'date') return isoInZone(ctx.now, this.zone).slice(0, 10);
      if (name === 'time') return isoInZone(ctx.now, this.zone).slice(11, 16);
      const field = name.startsWith('event.') ? name.slice(6) : name;
      if (ENVELOPE_KEYS.has(field)) return undefined;
      const v = own(ctx.event?.payload, field);
      if (typeof v === 'string' || typeof v === 'number') return v;
      if (Array.isArray(v)) return v.join(', ');
      return undefined;
    });
  }

  /** Note a change for `takeChanges()` (a no-op unless `trackChanges`). */
  touch(c: CommunityState, member?: string): void {
    if (!this.tracking) return;
    let set = this.changed.get(c.id);
    if (!set) this.changed.set(c.id, (set = new Set()));
    if (member !== undefined) set.add(member);
  }

  /** Release what the condition engine holds (the reference engine's worker thread). */
  close(): void {
    this.conditions.close?.();
  }

  /**
   * Run a list of actions in order. Once the member is removed, actions aimed at them are dropped
   * and the others (group messages, admin notices, deletions) still run (docs/runtime.md, "Rules,
   * windows, ladders"). Each kind has its handler in `actions/`, looked up in one table.
   */
  runActions(ctx: Ctx, actions: Action[]): void {
    for (const a of actions) {
      if ('target' in a && a.target) {
        // Aimed at another member (constructs/targets.ts), if present; `member` stays the event's.
        const m = resolveTarget(this, ctx, a.target);
        if (m) (ACTIONS[a.do] as ActionHandler<Action>)(this, { ...ctx, target: m }, a);
        continue;
      }
      if (ctx.member && !ctx.member.present && aimsAtMember(a)) continue;
      (ACTIONS[a.do] as ActionHandler<Action> | undefined)?.(this, ctx, a);
    }
  }
}

/**
 * `{author.name}`, `{inviter.id}`: another member than the member, named by a field of the event
 * that holds a member id or by `inviter` (docs/language.md, "Targets"); a name not known yet is
 * the id. Undefined when the placeholder is not of this kind or names no one.
 */
function otherMember(ctx: Ctx, name: string): string | undefined {
  const dot = name.lastIndexOf('.');
  if (dot < 1) return undefined;
  const attr = name.slice(dot + 1);
  if (attr !== 'name' && attr !== 'id') return undefined;
  const who = name.slice(0, dot);
  const id = who === 'inviter' ? ctx.member?.invitedBy : own(ctx.event?.payload, who);
  if (typeof id !== 'string') return undefined;
  return attr === 'id' ? id : (ctx.community.members[id]?.name ?? id);
}
