import type { Action, Audience, Cond, IR, MemberFilter, PointsRule, Rule } from '../compiler/ir.js';
import { endOfLocalDate, isoInZone, localDayNumber, nextOccurrence, periodKey, startOfLocalDate } from '../stdlib/calendar.js';
import { copyDicts, dict, hasKey, own } from '../stdlib/dict.js';
import { isoDuration } from '../stdlib/durations.js';
import { renderTemplate } from '../stdlib/templates.js';
import { pruneWindow } from '../stdlib/windows.js';
import type { ConditionEngine, EvalContext } from './conditions/engine.js';
import { ENVELOPE_KEYS, validateEvent, type InputEvent } from './events.js';
import { FastConditions, type CondFn } from './conditions/fast.js';
import { FastMachines } from './machines/fast.js';
import { pendingSteps, type LoadedMachine, type MachineEngine, type MachineStep } from './machines/engine.js';
import { XStateMachines } from './machines/reference.js';
import { addItem, hasItem, levelOf, memberFromJSON, memberToJSON, newMember } from './member.js';
import { ReferenceConditions } from './conditions/reference.js';
import type { CommunitySnapshot, CommunityState, MemberState, Timer } from './state.js';
import { cancelMemberTimers, cancelTimer, insertTimer, liveTimers, loadTimers, peekTimer, popTimer } from './timers.js';
import type { RunRef } from '../compiler/xstate-backend.js';

/** One action of DESIGN.md section 4. */
export interface OutputAction {
  at: string;
  type: string;
  community: string;
  member?: string;
  [field: string]: unknown;
}

export type DispatchStatus = 'processed' | 'duplicate' | 'invalid' | 'ignored';

export interface DispatchResult {
  status: DispatchStatus;
  actions: OutputAction[];
  late: boolean;
  reason?: string;
}

export interface Store {
  get(community: string): CommunityState | undefined;
  put(state: CommunityState): void;
  communities(): string[];
}

export class MemoryStore implements Store {
  private readonly map = new Map<string, CommunityState>();
  get(id: string) {
    return this.map.get(id);
  }
  put(state: CommunityState) {
    this.map.set(state.id, state);
  }
  communities() {
    return [...this.map.keys()];
  }
}

export interface RuntimeSnapshot {
  version: 1;
  playbook: string;
  communities: CommunitySnapshot[];
}

/**
 * `fast` (default): conditions as compiled closures, machines by the built-in interpreter.
 * `reference`: conditions by json-rules-engine, machines by XState's `transition()`; same
 * results, far slower, for checking the fast path end to end.
 */
export type EngineName = 'fast' | 'reference';

export interface RuntimeOptions {
  store?: Store;
  snapshot?: RuntimeSnapshot;
  seed?: number;
  engine?: EngineName;
  /** Record which communities and members each event changes, for `takeChanges()` (durable stores). */
  trackChanges?: boolean;
  /**
   * Refuse (status `invalid`) an event whose `at` is more than this many milliseconds ahead of its
   * community's clock: one event stamped years ahead would otherwise move time for everyone and
   * fire every pending deadline (docs/runtime.md, "Clock guards"). Unset: no bound.
   */
  maxSkewMs?: number;
}

interface Ctx extends EvalContext {
  cause: string;
  source: string;
  out: OutputAction[];
  /** Template values of the moment (count, ladder, ritual, missing, ...); copied before changing. */
  extras: Record<string, string | number> | undefined;
  /** The session a schedule hook runs in, for `silent members`. */
  session?: { schedule: string; start: number } | undefined;
}

interface CompiledRule {
  rule: Rule;
  on: { event: string; where: CondFn | undefined }[];
  when: CondFn | undefined;
  unless: CondFn[];
}

interface CompiledPoints {
  rule: PointsRule;
  where: CondFn | undefined;
  capIds: string[];
}

const DAY = 86_400_000;
const NO_RULES: CompiledRule[] = [];
const NO_POINTS: CompiledPoints[] = [];

/**
 * The deterministic runtime. Time comes only from event `at` and `advance`; all state is in the
 * store, timers included, and `snapshot()` turns it into plain JSON that resumes exactly.
 */
export class Runtime {
  readonly ir: IR;
  readonly engine: EngineName;
  private readonly store: Store;
  private readonly conditions: ConditionEngine;
  private readonly condFns = new Map<Cond, CondFn>();
  private readonly machines: MachineEngine;
  private readonly zone: string;
  private readonly seed: number;
  private readonly levels: { name: string; at: number }[];
  private readonly trackDaily: boolean;
  private readonly rulesByEvent = new Map<string, CompiledRule[]>();
  private readonly pointsByEvent = new Map<string, CompiledPoints[]>();
  private readonly countersByEvent = new Map<string, IR['counters']>();
  private readonly counterSpecs = new Map<string, IR['counters'][number]>();
  private readonly stepLabels = new Map<string, Map<string, string>>();
  private readonly rituals: { lm: LoadedMachine; ritual: IR['rituals'][number]; startsOn: CondFn | undefined }[] = [];
  /** Members whose state changed since the last `takeChanges()`, by community (for durable stores). */
  private changed = new Map<string, Set<string>>();
  private readonly tracking: boolean;
  private readonly maxSkewMs: number;
  /** The last instant formatted for actions, and its text (every action of an event shares it). */
  private isoMs = NaN;
  private isoText = '';

  constructor(ir: IR, options: RuntimeOptions = {}) {
    this.ir = ir;
    this.engine = options.engine ?? 'fast';
    if (this.engine !== 'fast' && this.engine !== 'reference') throw new RangeError(`unknown engine ${String(this.engine)}: fast or reference`);
    this.store = options.store ?? new MemoryStore();
    this.conditions = this.engine === 'reference' ? new ReferenceConditions(ir) : new FastConditions(ir);
    this.machines = this.engine === 'reference' ? new XStateMachines(ir) : new FastMachines(ir);
    this.zone = ir.timezone;
    this.seed = options.seed ?? 1;
    this.tracking = options.trackChanges === true;
    this.maxSkewMs = options.maxSkewMs ?? Infinity;
    if (!(this.maxSkewMs > 0)) throw new RangeError(`maxSkewMs must be a positive number of milliseconds, not ${String(options.maxSkewMs)}`);
    this.levels = [...ir.levels].sort((a, b) => a.at - b.at);
    this.trackDaily = ir.leaderboards.some((lb) => lb.period !== 'all');
    const order = new Map(ir.rules.map((r, i) => [r.id, i]));
    const sorted = [...ir.rules].sort((a, b) => b.priority - a.priority || order.get(a.id)! - order.get(b.id)!);
    for (const r of sorted) {
      const compiled: CompiledRule = {
        rule: r,
        on: r.on.map((m) => ({ event: m.event, where: m.where ? this.fn(m.where) : undefined })),
        when: r.when ? this.fn(r.when) : undefined,
        unless: r.unless.map((u) => this.fn(u)),
      };
      for (const m of r.on) {
        const list = this.rulesByEvent.get(m.event) ?? [];
        if (!list.some((x) => x.rule === r)) list.push(compiled);
        this.rulesByEvent.set(m.event, list);
      }
    }
    for (const p of ir.points) {
      const list = this.pointsByEvent.get(p.on.event) ?? [];
      list.push({ rule: p, where: p.on.where ? this.fn(p.on.where) : undefined, capIds: p.caps.map((cap) => `${p.id}|${cap.per}`) });
      this.pointsByEvent.set(p.on.event, list);
    }
    for (const c of ir.counters) {
      this.counterSpecs.set(c.id, c);
      const list = this.countersByEvent.get(c.event) ?? [];
      list.push(c);
      this.countersByEvent.set(c.event, list);
    }
    for (const r of ir.rituals) this.stepLabels.set(r.id, new Map(r.steps.map((s) => [s.name, s.label])));
    for (const lm of this.machines.rituals) {
      const ritual = ir.rituals.find((r) => r.id === lm.id)!;
      this.rituals.push({ lm, ritual, startsOn: ritual.startsOn.where ? this.fn(ritual.startsOn.where) : undefined });
    }
    if (options.snapshot) {
      for (const c of options.snapshot.communities) this.store.put(communityFromJSON(c));
    }
  }

  /** The compiled predicate of an IR condition (compiled once per condition object). */
  private fn(c: Cond): CondFn {
    let f = this.condFns.get(c);
    if (!f) {
      f = this.conditions.compile(c);
      this.condFns.set(c, f);
    }
    return f;
  }

  private test(c: Cond, ctx: EvalContext): boolean {
    return this.fn(c)(ctx);
  }

  // ------------------------------------------------------------------ public API

  /** Validate, dedupe, fire due timers, then process one event. */
  dispatch(raw: unknown): OutputAction[] {
    return this.dispatchDetailed(raw).actions;
  }

  dispatchDetailed(raw: unknown): DispatchResult {
    const v = validateEvent(raw, this.ir.events);
    if (!v.ok) return { status: 'invalid', actions: [], late: false, reason: v.reason };
    // Unknown types are ignored outright: they move no clock and fire no timer, so a stray
    // platform event with a future timestamp cannot trigger deadlines early.
    if (!v.known) return { status: 'ignored', actions: [], late: false };
    const ev = v.event;
    let c = this.store.get(ev.community);
    if (c && ev.atMs - c.clock > this.maxSkewMs) {
      return { status: 'invalid', actions: [], late: false, reason: `"at" is ${isoDuration(ev.atMs - c.clock)} ahead of the community's clock (${isoInZone(c.clock, this.zone)}); the limit is ${isoDuration(this.maxSkewMs)}` };
    }
    const out: OutputAction[] = [];
    if (!c) c = this.newCommunity(ev.community, ev.atMs);
    // One hash lookup instead of has() then add(): the set grows only for a new id.
    const seen = c.processed.size;
    c.processed.add(ev.id);
    if (c.processed.size === seen) return { status: 'duplicate', actions: [], late: false };
    const late = ev.atMs < c.clock;
    const now = late ? c.clock : ev.atMs;
    this.touch(c, ev.member);
    this.fireTimers(c, now, out);
    c.clock = now;
    this.processEvent(c, ev, now, out);
    this.store.put(c);
    return { status: 'processed', actions: out, late };
  }

  /** Fire every timer due at or before `iso` in every community. */
  advance(iso: string | number): OutputAction[] {
    const to = typeof iso === 'number' ? iso : Date.parse(iso);
    if (!Number.isFinite(to)) throw new RangeError(`advance: not an instant: ${String(iso)}`);
    const out: OutputAction[] = [];
    for (const id of this.store.communities().sort()) {
      const c = this.store.get(id)!;
      if (to <= c.clock) continue;
      this.touch(c);
      this.fireTimers(c, to, out);
      c.clock = to;
      this.store.put(c);
    }
    return out;
  }

  snapshot(): RuntimeSnapshot {
    return {
      version: 1,
      playbook: this.ir.name,
      communities: this.store.communities().sort().map((id) => communityToJSON(this.store.get(id)!)),
    };
  }

  /** The earliest pending timer of any community (for hosts that run a wall clock). */
  nextDue(): number | undefined {
    let best: number | undefined;
    for (const id of this.store.communities()) {
      const t = peekTimer(this.store.get(id)!);
      if (t && (best === undefined || t.due < best)) best = t.due;
    }
    return best;
  }

  community(id: string): CommunityState | undefined {
    return this.store.get(id);
  }

  /**
   * What changed since the last call: the communities touched (their clock, processed ids,
   * timers, counters...) and, in each, the members whose state changed. A durable store writes
   * those rows and nothing else, so an event costs a few row writes whatever the community's size.
   */
  takeChanges(): Map<string, Set<string>> {
    if (!this.tracking) throw new Error('takeChanges() needs createRuntime(ir, { trackChanges: true })');
    const out = this.changed;
    this.changed = new Map();
    return out;
  }

  private touch(c: CommunityState, member?: string): void {
    if (!this.tracking) return;
    let set = this.changed.get(c.id);
    if (!set) this.changed.set(c.id, (set = new Set()));
    if (member !== undefined) set.add(member);
  }

  /** Release what the engine holds (the reference engine's worker thread). */
  close(): void {
    this.conditions.close?.();
  }

  // ------------------------------------------------------------------ community set-up

  private newCommunity(id: string, now: number): CommunityState {
    const c: CommunityState = {
      id,
      clock: now,
      started: now,
      processed: new Set(),
      members: dict(),
      timers: [],
      timerIndex: new Map(),
      timerSeq: 0,
      counters: dict(),
      campaigns: dict(),
      sessions: dict(),
      once: [],
      rng: (this.seed ^ hash(id)) >>> 0,
    };
    for (const j of this.ir.jobs) insertTimer(c, { id: j.id, due: nextOccurrence(j.calendar, this.zone, now), kind: 'job', ref: j.id });
    for (const lb of this.ir.leaderboards) insertTimer(c, { id: lb.id, due: nextOccurrence(lb.calendar, this.zone, now), kind: 'leaderboard', ref: lb.id });
    for (const s of this.ir.schedules) {
      c.sessions[s.name] = [];
      this.scheduleSession(c, s.id, now);
    }
    for (const camp of this.ir.campaigns) {
      const bounds = this.stageBounds(camp.name);
      const current = bounds.find((b) => b.start < now && now < b.end);
      c.campaigns[camp.name] = { stage: current?.name ?? null, goals: [] };
      this.scheduleStageTimer(c, camp.name, now);
    }
    return c;
  }

  private stageBounds(campaign: string): { name: string; start: number; end: number }[] {
    const camp = this.ir.campaigns.find((x) => x.name === campaign)!;
    return camp.stages.map((s) => ({
      name: s.name,
      start: startOfLocalDate(s.from, this.zone),
      end: s.to ? endOfLocalDate(s.to, this.zone) : Infinity,
    }));
  }

  private scheduleStageTimer(c: CommunityState, campaign: string, from: number): void {
    let next = Infinity;
    for (const b of this.stageBounds(campaign)) {
      if (b.start >= from && b.start < next) next = b.start;
      if (b.end >= from && b.end < next) next = b.end;
    }
    if (next !== Infinity) insertTimer(c, { id: `campaign:${campaign}`, due: next, kind: 'stage', ref: campaign });
  }

  private scheduleSession(c: CommunityState, scheduleId: string, from: number): void {
    const s = this.ir.schedules.find((x) => x.id === scheduleId)!;
    const start = nextOccurrence(s.calendar, this.zone, from);
    const end = start + (s.durationMs ?? 0);
    insertTimer(c, { id: `${s.id}@${start}`, due: start, kind: 'session.open', ref: s.id, session: start });
    s.hooks.forEach((h, i) => {
      const due = (h.anchor === 'start' ? start : end) + h.offsetMs;
      if (due >= from) insertTimer(c, { id: `${s.id}@${start}#${i}`, due, kind: 'session.hook', ref: s.id, session: start, hook: i });
    });
    insertTimer(c, { id: `${s.id}@${start}/close`, due: end, kind: 'session.close', ref: s.id, session: start });
  }

  // ------------------------------------------------------------------ timers

  private fireTimers(c: CommunityState, upTo: number, out: OutputAction[]): void {
    for (let t = peekTimer(c); t && t.due <= upTo; t = peekTimer(c)) {
      popTimer(c);
      if (t.due > c.clock) c.clock = t.due;
      this.fireTimer(c, t, out);
    }
  }

  private ctx(c: CommunityState, now: number, cause: string, source: string, out: OutputAction[], member?: MemberState, event?: InputEvent): Ctx {
    return { community: c, now, cause, source, out, member, event, extras: undefined, session: undefined };
  }

  private guard(ctx: EvalContext): (c: Cond) => boolean {
    return (cond) => this.fn(cond)(ctx);
  }

  private fireTimer(c: CommunityState, t: Timer, out: OutputAction[]): void {
    const now = t.due;
    const cause = `timer:${t.id}`;
    switch (t.kind) {
      case 'machine': {
        const m = t.member ? c.members[t.member] : undefined;
        if (!m || !m.present) return;
        this.touch(c, m.id);
        const lm = this.machines.rituals.find((x) => x.id === t.ref) ?? this.machines.lifecycles.find((x) => x.id === t.ref);
        const value = m.machines?.[t.ref];
        if (!lm || value === undefined || !t.event) return;
        const ctx = this.ctx(c, now, cause, t.ref, out, m);
        const step = this.machines.send(lm, value, t.event, this.guard(ctx));
        this.applyStep(ctx, lm, value, step);
        return;
      }
      case 'job': {
        const job = this.ir.jobs.find((j) => j.id === t.ref);
        if (!job) return;
        const ctx = this.ctx(c, now, cause, job.id, out);
        this.runActions(ctx, job.actions);
        insertTimer(c, { id: job.id, due: nextOccurrence(job.calendar, this.zone, now + 60_000), kind: 'job', ref: job.id });
        return;
      }
      case 'leaderboard': {
        const lb = this.ir.leaderboards.find((x) => x.id === t.ref);
        if (!lb) return;
        const ctx = this.ctx(c, now, cause, lb.id, out);
        ctx.extras = { board: this.board(c, lb.period, lb.top, now) };
        this.runActions(ctx, lb.actions);
        insertTimer(c, { id: lb.id, due: nextOccurrence(lb.calendar, this.zone, now + 60_000), kind: 'leaderboard', ref: lb.id });
        return;
      }
      case 'session.open': {
        const s = this.ir.schedules.find((x) => x.id === t.ref)!;
        const present: string[] = [];
        for (const id in c.members) if (c.members[id]!.present) present.push(c.members[id]!.id);
        const sessions = (c.sessions[s.name] ??= []);
        sessions.push({ start: t.session!, end: t.session! + (s.durationMs ?? 0), present, attended: [] });
        // Keep what attendance windows can still look at (the longest window used is bounded).
        const horizon = now - 400 * DAY;
        while (sessions.length > 0 && sessions[0]!.start < horizon) sessions.shift();
        this.scheduleSession(c, s.id, now + 60_000);
        return;
      }
      case 'session.hook': {
        const s = this.ir.schedules.find((x) => x.id === t.ref)!;
        const hook = s.hooks[t.hook!];
        if (!hook) return;
        const ctx = this.ctx(c, now, cause, s.id, out);
        ctx.extras = { schedule: s.name, session: isoInZone(t.session!, this.zone) };
        ctx.session = { schedule: s.name, start: t.session! };
        this.runActions(ctx, hook.actions);
        return;
      }
      case 'session.close':
        return;
      case 'stage': {
        this.stageBoundary(c, t.ref, now, cause, out);
        return;
      }
    }
  }

  private stageBoundary(c: CommunityState, campaign: string, now: number, cause: string, out: OutputAction[]): void {
    const camp = this.ir.campaigns.find((x) => x.name === campaign)!;
    const st = (c.campaigns[campaign] ??= { stage: null, goals: [] });
    const desired = this.stageBounds(campaign).find((b) => b.start <= now && now < b.end)?.name ?? null;
    if (desired !== st.stage) {
      if (st.stage) {
        const stage = camp.stages.find((s) => s.name === st.stage)!;
        const ctx = this.ctx(c, now, cause, camp.id, out);
        this.emit(ctx, 'stage.exited', undefined, { campaign, stage: stage.name });
        ctx.extras = { campaign, stage: stage.name };
        this.runActions(ctx, stage.onExit);
      }
      st.stage = desired;
      if (desired) {
        const stage = camp.stages.find((s) => s.name === desired)!;
        const ctx = this.ctx(c, now, cause, camp.id, out);
        this.emit(ctx, 'stage.entered', undefined, { campaign, stage: stage.name });
        ctx.extras = { campaign, stage: stage.name };
        this.runActions(ctx, stage.onEnter);
      }
    }
    this.scheduleStageTimer(c, campaign, now + 1);
  }

  private board(c: CommunityState, period: 'daily' | 'weekly' | 'monthly' | 'all', top: number, now: number): string {
    const days = period === 'daily' ? 1 : period === 'weekly' ? 7 : period === 'monthly' ? 30 : 0;
    const today = localDayNumber(now, this.zone);
    const scored: { m: MemberState; score: number }[] = [];
    for (const id in c.members) {
      const m = c.members[id]!;
      if (!m.present) continue;
      let score = m.points;
      if (days > 0) {
        score = 0;
        for (const day in m.daily) if (Number(day) > today - days) score += m.daily[day]!;
      }
      if (score > 0) scored.push({ m, score });
    }
    scored.sort((a, b) => b.score - a.score || (a.m.name ?? a.m.id).localeCompare(b.m.name ?? b.m.id));
    return scored.slice(0, top).map((x, i) => `${i + 1}. ${x.m.name ?? x.m.id} ${x.score}`).join('\n');
  }

  // ------------------------------------------------------------------ events

  private processEvent(c: CommunityState, ev: InputEvent, now: number, out: OutputAction[]): void {
    let m: MemberState | undefined;
    if (ev.member !== undefined) {
      m = c.members[ev.member];
      if (ev.type === 'member.joined') {
        if (!m) {
          m = newMember(ev.member, now);
          c.members[ev.member] = m;
        } else if (!m.present) {
          // Rejoining starts fresh in rituals and lifecycles; points history stays.
          m.present = true;
          m.removed = false;
          m.joinedAt = now;
          m.machines = undefined;
          m.counters = undefined;
        }
        const name = ev.payload['name'];
        if (typeof name === 'string') m.name = name;
        const roles = ev.payload['roles'];
        if (Array.isArray(roles)) m.roles = roles.length ? [...new Set(roles as string[])] : undefined;
      } else if (!m) {
        m = newMember(ev.member, now);
        c.members[ev.member] = m;
      } else if (!m.present) {
        return; // a removed or departed member produces nothing more
      }
      if (ev.type === 'role.granted' && typeof ev.payload['role'] === 'string') m.roles = addItem(m.roles, ev.payload['role'] as string);
      if (ev.type === 'role.revoked' && m.roles) {
        const left = m.roles.filter((r) => r !== ev.payload['role']);
        m.roles = left.length ? left : undefined;
      }
    }
    this.recordCounters(c, m, ev, now);
    if (m) this.recordAttendance(c, m, ev, now);
    const ctx = this.ctx(c, now, ev.id, '', out, m, ev);

    // Rules: all evaluated on the state before any of their actions, then applied in order.
    const rules = this.rulesByEvent.get(ev.type) ?? NO_RULES;
    let firing: CompiledRule[] | undefined;
    for (const cr of rules) {
      const r = cr.rule;
      let matched = false;
      for (const o of cr.on) {
        if (o.event === ev.type && (!o.where || o.where(ctx))) {
          matched = true;
          break;
        }
      }
      if (!matched) continue;
      if (r.stage && c.campaigns[r.stage.campaign]?.stage !== r.stage.stage) continue;
      if (r.once === 'member' && hasItem(m?.once, r.id)) continue;
      if (r.once === 'community' && c.once.includes(r.id)) continue;
      if (cr.when && !cr.when(ctx)) continue;
      let vetoed = false;
      for (const u of cr.unless) {
        if (u(ctx)) {
          vetoed = true;
          break;
        }
      }
      if (vetoed) continue;
      (firing ??= []).push(cr);
    }
    if (firing) {
      for (const { rule: r } of firing) {
        for (const w of r.windows) {
          const spec = this.counterSpecs.get(w);
          if (!spec) continue;
          if (spec.scope === 'member' && m) {
            if (m.counters?.[w] !== undefined) m.counters[w] = [];
          } else if (spec.scope === 'community') c.counters[w] = [];
        }
        if (r.once === 'member' && m) m.once = addItem(m.once, r.id);
        if (r.once === 'community') c.once.push(r.id);
        ctx.source = r.id;
        this.runActions(ctx, r.actions);
      }
    }

    if (m && m.present) {
      const points = this.pointsByEvent.get(ev.type);
      if (points) this.awardPointsTable(ctx, points, now);
      if (this.rituals.length && m.present) this.stepRituals(ctx, m, ev);
      if (this.machines.lifecycles.length && m.present) this.stepLifecycles(ctx, m, ev);
      if (this.ir.badges.length && m.present) {
        ctx.source = 'badge';
        this.checkBadges(ctx, m, ev, now);
      }
    }
    if (this.ir.campaigns.length) this.checkGoals(c, now, ev.id, out);
    if (m && ev.type === 'member.left' && m.present) {
      m.present = false;
      cancelMemberTimers(c, m.id);
    }
  }

  private recordCounters(c: CommunityState, m: MemberState | undefined, ev: InputEvent, now: number): void {
    const specs = this.countersByEvent.get(ev.type);
    if (!specs) return;
    for (const spec of specs) {
      if (spec.campaign && !c.campaigns[spec.campaign]?.stage) continue;
      let store: Record<string, number[] | number>;
      if (spec.scope === 'member') {
        if (!m) continue;
        store = m.counters ??= dict();
      } else store = c.counters;
      if (spec.withinMs) {
        let arr = store[spec.id];
        if (!Array.isArray(arr)) arr = store[spec.id] = [];
        pruneWindow(arr, now, spec.withinMs);
        arr.push(now);
      } else {
        store[spec.id] = ((store[spec.id] as number | undefined) ?? 0) + 1;
      }
    }
  }

  private recordAttendance(c: CommunityState, m: MemberState, ev: InputEvent, now: number): void {
    for (const s of this.ir.schedules) {
      if (s.attendanceEvent !== ev.type) continue;
      const last = c.sessions[s.name]?.at(-1);
      if (last && last.start <= now && now < last.end && !last.attended.includes(m.id)) last.attended.push(m.id);
    }
  }

  private activeMultiplier(c: CommunityState): number {
    let k = 1;
    for (const camp of this.ir.campaigns) {
      const st = c.campaigns[camp.name]?.stage;
      const stage = st ? camp.stages.find((s) => s.name === st) : undefined;
      if (stage?.multiplier) k *= stage.multiplier;
    }
    return k;
  }

  private awardPointsTable(ctx: Ctx, points: CompiledPoints[], now: number): void {
    const m = ctx.member!;
    const c = ctx.community;
    for (const { rule: p, where, capIds } of points) {
      if (p.stage && c.campaigns[p.stage.campaign]?.stage !== p.stage.stage) continue;
      if (where && !where(ctx)) continue;
      const last = m.lastAward?.[p.id];
      if (p.cooldownMs !== undefined && last !== undefined && now - last < p.cooldownMs) continue;
      const amount = this.ir.campaigns.length ? p.amount * this.activeMultiplier(c) : p.amount;
      let capped = false;
      for (let i = 0; i < p.caps.length; i++) {
        const cap = p.caps[i]!;
        const key = this.periodNumber(now, cap.per);
        const slot = m.caps?.[capIds[i]!];
        const used = slot && slot.key === key ? (cap.unit === 'points' ? slot.points : slot.count) : 0;
        if (used + (cap.unit === 'points' ? amount : 1) > cap.limit) capped = true;
      }
      if (capped) continue;
      for (let i = 0; i < p.caps.length; i++) {
        const key = this.periodNumber(now, p.caps[i]!.per);
        const caps = (m.caps ??= dict());
        const slot = caps[capIds[i]!];
        if (slot && slot.key === key) {
          slot.count++;
          slot.points += amount;
        } else caps[capIds[i]!] = { key, count: 1, points: amount };
      }
      if (p.cooldownMs !== undefined) (m.lastAward ??= dict())[p.id] = now;
      ctx.source = p.id;
      this.award(ctx, amount, p.reason);
    }
  }

  /** The local day, ISO week or month containing `ms`, as one number (caps reset when it changes). */
  private periodNumber(ms: number, per: 'day' | 'week' | 'month'): number {
    const day = localDayNumber(ms, this.zone);
    if (per === 'day') return day;
    // Day 0 (1970-01-01) was a Thursday: +3 puts week boundaries on Mondays.
    if (per === 'week') return Math.floor((day + 3) / 7);
    const d = new Date(day * DAY);
    return d.getUTCFullYear() * 12 + d.getUTCMonth();
  }

  private award(ctx: Ctx, amount: number, reason: string): void {
    const m = ctx.member!;
    m.points += amount;
    if (this.trackDaily) {
      const today = localDayNumber(ctx.now, this.zone);
      const daily = (m.daily ??= dict());
      daily[today] = (daily[today] ?? 0) + amount;
      for (const k in daily) if (Number(k) < today - 40) delete daily[k];
    }
    ctx.out.push({ at: this.at(ctx.now), type: 'points.award', community: ctx.community.id, member: m.id, amount, balance: m.points, reason, cause: ctx.cause, source: ctx.source });
    for (const l of this.ir.levels) {
      if (l.at > 0 && m.points >= l.at && !hasItem(m.levels, l.name)) {
        m.levels = addItem(m.levels, l.name);
        this.emit({ ...ctx, source: 'levels' }, 'level.reached', m.id, { level: l.name });
      }
    }
  }

  private stepRituals(ctx: Ctx, m: MemberState, ev: InputEvent): void {
    for (const { lm, ritual, startsOn } of this.rituals) {
      const value = m.machines?.[lm.id];
      const running = value !== undefined && !isFinalRitual(value);
      const rctx: Ctx = { ...ctx, source: lm.id, extras: { ...ctx.extras, ritual: ritual.name } };
      if (running) {
        const step = this.machines.send(lm, value, { type: ev.type }, this.guard(rctx));
        this.applyStep(rctx, lm, value, step);
      } else if (ritual.startsOn.event === ev.type && (!startsOn || startsOn(rctx))) {
        const step = this.machines.start(lm, this.guard(rctx));
        this.applyStep(rctx, lm, undefined, step);
      }
      if (!m.present) return;
    }
  }

  private stepLifecycles(ctx: Ctx, m: MemberState, ev: InputEvent): void {
    for (const lm of this.machines.lifecycles) {
      const value = m.machines?.[lm.id];
      const lctx: Ctx = { ...ctx, source: lm.id };
      const step =
        value === undefined ? this.machines.start(lm, this.guard(lctx)) : this.machines.send(lm, value, { type: ev.type }, this.guard(lctx));
      this.applyStep(lctx, lm, value, step);
      if (!m.present) return;
    }
  }

  private applyStep(ctx: Ctx, lm: LoadedMachine, before: unknown, step: MachineStep): void {
    const m = ctx.member!;
    const c = ctx.community;
    if (step.value !== before) (m.machines ??= dict())[lm.id] = step.value;
    for (const id of step.cancels) cancelTimer(c, `${m.id}|${lm.id}|${id}`);
    for (const r of step.raises) {
      const tid = `${m.id}|${lm.id}|${r.id}`;
      insertTimer(c, { id: tid, due: ctx.now + r.delay, kind: 'machine', ref: lm.id, member: m.id, event: { type: r.event.type } });
    }
    for (const run of step.runs) this.run(ctx, lm, before, step, run);
  }

  private run(ctx: Ctx, lm: LoadedMachine, before: unknown, step: MachineStep, ref: RunRef): void {
    const m = ctx.member!;
    const rctx: Ctx = { ...ctx, source: ref.source, extras: { ...ctx.extras } };
    if (lm.kind === 'ritual') {
      const labels = this.stepLabels.get(lm.id) ?? new Map();
      const pending = pendingSteps(ref.ritual === 'reminder' || ref.ritual === 'expired' ? before : step.value, labels);
      rctx.extras!['missing'] = pending.join('、');
    }
    if (ref.changed) {
      rctx.extras!['lifecycle'] = ref.changed.lifecycle;
      rctx.extras!['from'] = ref.changed.from;
      rctx.extras!['to'] = ref.changed.to;
      this.emit(rctx, 'lifecycle.changed', m.id, { lifecycle: ref.changed.lifecycle, from: ref.changed.from, to: ref.changed.to });
    }
    this.runActions(rctx, ref.actions);
  }

  private checkBadges(ctx: Ctx, m: MemberState, ev: InputEvent, now: number): void {
    for (const b of this.ir.badges) {
      if (hasItem(m.badges, b.name)) continue;
      let earned = false;
      if (b.streak) {
        if (b.streak.event === ev.type) {
          const today = localDayNumber(now, this.zone);
          const streaks = (m.streaks ??= dict());
          const s = streaks[b.name];
          if (!s || s.day < today - 1) streaks[b.name] = { day: today, length: 1 };
          else if (s.day === today - 1) streaks[b.name] = { day: today, length: s.length + 1 };
          earned = (streaks[b.name]?.length ?? 0) >= b.streak.days;
        }
      } else if (b.when) {
        earned = this.test(b.when, ctx);
      }
      if (!earned) continue;
      m.badges = addItem(m.badges, b.name);
      const bctx: Ctx = { ...ctx, source: b.id, extras: { ...ctx.extras, badge: b.name } };
      this.emit(bctx, 'badge.granted', m.id, { badge: b.name });
      this.runActions(bctx, b.actions);
    }
  }

  private checkGoals(c: CommunityState, now: number, cause: string, out: OutputAction[]): void {
    for (const camp of this.ir.campaigns) {
      const st = c.campaigns[camp.name];
      if (!st || !st.stage) continue;
      for (const g of camp.goals) {
        if (st.goals.includes(g.name)) continue;
        const ctx = this.ctx(c, now, cause, camp.id, out);
        if (!this.test(g.when, ctx)) continue;
        st.goals.push(g.name);
        ctx.extras = { campaign: camp.name, goal: g.name };
        this.emit(ctx, 'goal.reached', undefined, { campaign: camp.name, goal: g.name });
        this.runActions(ctx, g.actions);
      }
    }
  }

  // ------------------------------------------------------------------ actions

  /** The `at` of actions produced at `ms`, formatted once per instant. */
  private at(ms: number): string {
    if (ms !== this.isoMs) {
      this.isoMs = ms;
      this.isoText = isoInZone(ms, this.zone);
    }
    return this.isoText;
  }

  /** One action, keys in the order of DESIGN.md section 4: at, type, community, member, fields, cause, source. */
  private emit(ctx: Ctx, type: string, member: string | undefined, fields?: Record<string, unknown>): void {
    const a: OutputAction = member === undefined
      ? { at: this.at(ctx.now), type, community: ctx.community.id }
      : { at: this.at(ctx.now), type, community: ctx.community.id, member };
    if (fields) for (const k in fields) a[k] = fields[k];
    a['cause'] = ctx.cause;
    a['source'] = ctx.source;
    ctx.out.push(a);
  }

  private text(ctx: Ctx, template: string, member?: MemberState): string {
    if (!template.includes('{')) return template;
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

  private runActions(ctx: Ctx, actions: Action[]): void {
    for (const a of actions) {
      if (ctx.member && !ctx.member.present) return;
      this.runAction(ctx, a);
    }
  }

  private members(ctx: Ctx, filter: MemberFilter): MemberState[] {
    const session = ctx.session;
    const out: MemberState[] = [];
    for (const id in ctx.community.members) {
      const m = ctx.community.members[id]!;
      if (!m.present) continue;
      if (filter.tagged && !hasItem(m.tags, filter.tagged)) continue;
      const mctx: Ctx = { ...ctx, member: m, event: undefined };
      if (filter.segment && !this.test({ op: 'inSegment', segment: filter.segment }, mctx)) continue;
      if (filter.silent) {
        const s = session ? ctx.community.sessions[session.schedule]?.find((x) => x.start === session.start) : undefined;
        if (!s || s.attended.includes(m.id)) continue;
      }
      if (filter.where && !this.test(filter.where, mctx)) continue;
      if (filter.unless && this.test(filter.unless, mctx)) continue;
      out.push(m);
    }
    return out.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  private say(ctx: Ctx, to: Audience, text: string): void {
    switch (to.kind) {
      case 'group':
        this.emit(ctx, 'message.send', undefined, { text: this.text(ctx, text) });
        return;
      case 'member':
        if (ctx.member) this.emit(ctx, 'message.send', ctx.member.id, { to: ctx.member.id, text: this.text(ctx, text) });
        return;
      case 'admins':
        this.emit(ctx, 'admin.notify', undefined, { text: this.text(ctx, text) });
        return;
      case 'channel':
        this.emit(ctx, 'message.send', undefined, { channel: to.channel, text: this.text(ctx, text) });
        return;
      case 'members':
        for (const m of this.members(ctx, to.filter)) {
          const mctx: Ctx = { ...ctx, member: m };
          this.emit(mctx, 'message.send', m.id, { to: m.id, text: this.text(mctx, text, m) });
        }
        return;
    }
  }

  private removeMember(ctx: Ctx, m: MemberState, reason: string | undefined): void {
    this.touch(ctx.community, m.id);
    this.emit({ ...ctx, member: m }, 'member.remove', m.id, { reason: reason ?? '' });
    m.present = false;
    m.removed = true;
    cancelMemberTimers(ctx.community, m.id);
  }

  private runAction(ctx: Ctx, a: Action): void {
    const m = ctx.member;
    switch (a.do) {
      case 'say':
        this.say(ctx, a.to, a.text);
        return;
      case 'notify':
        this.emit(ctx, 'admin.notify', undefined, { text: this.text(ctx, a.text) });
        return;
      case 'deleteMessage': {
        const id = ctx.event?.payload['messageId'];
        if (typeof id !== 'string') return;
        if (m) ctx.out.push({ at: this.at(ctx.now), type: 'message.delete', community: ctx.community.id, member: m.id, messageId: id, cause: ctx.cause, source: ctx.source });
        else this.emit(ctx, 'message.delete', undefined, { messageId: id });
        return;
      }
      case 'warn': {
        if (!m) return;
        const ladder = this.ir.ladders.find((l) => l.name === a.ladder);
        if (!ladder) return;
        const warnings = (m.warnings ??= dict());
        const list = (warnings[ladder.name] ??= []);
        // "Warnings older than expire no longer count": one exactly `expire` old still does.
        if (ladder.expireMs) pruneWindow(list, ctx.now, ladder.expireMs + 1);
        list.push(ctx.now);
        const count = list.length;
        const reason = a.reason ? this.text(ctx, a.reason) : '';
        ctx.out.push({ at: this.at(ctx.now), type: 'member.warn', community: ctx.community.id, member: m.id, ladder: ladder.name, count, reason, cause: ctx.cause, source: ctx.source });
        const last = ladder.steps[ladder.steps.length - 1];
        const step = ladder.steps.find((s) => s.n === count) ?? (last && count > last.n ? last : undefined);
        if (step) {
          const lctx: Ctx = { ...ctx, source: `ladder:${ladder.name}`, extras: { ...ctx.extras, count, ladder: ladder.name, reason } };
          this.runActions(lctx, step.actions);
        }
        return;
      }
      case 'mute': {
        if (!m) return;
        const fields: { duration: string; until: string; reason?: string } = { duration: isoDuration(a.durationMs), until: isoInZone(ctx.now + a.durationMs, this.zone) };
        if (a.reason) fields.reason = a.reason;
        this.emit(ctx, 'member.mute', m.id, fields);
        return;
      }
      case 'remove':
        if (m) this.removeMember(ctx, m, a.reason);
        return;
      case 'removeMembers':
        for (const target of this.members(ctx, a.filter)) this.removeMember({ ...ctx, member: target }, target, a.reason);
        return;
      case 'tag':
        if (!m) return;
        m.tags = addItem(m.tags, a.tag);
        this.emit(ctx, 'member.tag', m.id, { tag: a.tag });
        return;
      case 'untag':
        if (!m) return;
        if (m.tags) {
          const left = m.tags.filter((t) => t !== a.tag);
          m.tags = left.length ? left : undefined;
        }
        this.emit(ctx, 'member.untag', m.id, { tag: a.tag });
        return;
      case 'award':
        if (m) this.award(ctx, a.multiplied ? a.amount * this.activeMultiplier(ctx.community) : a.amount, a.reason ?? ctx.source);
        return;
    }
  }
}

function isFinalRitual(value: unknown): boolean {
  return value === 'completed' || value === 'expired' || value === 'cancelled';
}

function hash(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}

/**
 * A community's live state as plain JSON (a deep copy: later events do not change it). With
 * `members: false` the members are left out (a durable store keeps them as rows of their own).
 */
export function communityToJSON(c: CommunityState, options: { members?: boolean } = {}): CommunitySnapshot {
  const { processed, timers: _heap, timerIndex: _index, members, ...rest } = c;
  const json = copyFields(rest);
  const out = dict<MemberState>();
  if (options.members !== false) for (const id of Object.keys(members)) out[id] = memberToJSON(members[id]!);
  return { ...json, members: out, processed: [...processed], timers: structuredClone(liveTimers(c)) };
}

/**
 * Live state from its JSON form (the JSON is copied, not shared). Its tables are rebuilt as
 * dicts: `JSON.parse` gives objects that inherit from `Object.prototype`, where a lookup of a
 * member or campaign called `constructor` would find a function.
 */
export function communityFromJSON(json: CommunitySnapshot): CommunityState {
  const { processed, timers, members, ...rest } = json;
  const c: CommunityState = { ...copyFields(rest), members: dict(), processed: new Set(processed), timers: [], timerIndex: new Map() };
  for (const id of Object.keys(members)) c.members[id] = memberFromJSON(members[id]!);
  loadTimers(c, structuredClone(timers));
  return c;
}

/** The fields of a community (fixed names) copied, their tables as dicts. */
function copyFields<T extends object>(o: T): T {
  const out = { ...o };
  for (const k of Object.keys(out) as (keyof T)[]) out[k] = copyDicts(out[k]);
  return out;
}

export function createRuntime(ir: IR, options: RuntimeOptions = {}): Runtime {
  return new Runtime(ir, options);
}
