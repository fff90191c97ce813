import type { IR } from '../ir/schema.js';
import { isoInZone } from '../stdlib/calendar.js';
import { isoDuration } from '../stdlib/durations.js';
import { FastConditions } from './conditions/fast.js';
import { GeneratedConditions } from './generated/conditions.js';
import { EventPlans } from './generated/plans.js';
import { compileValidator, type FastValidator } from './generated/validate.js';
import { ReferenceConditions } from './conditions/reference.js';
import { armAgendas, fireAgendaStep } from './constructs/agendas.js';
import { armCampaigns, checkGoals, stageBoundary } from './constructs/campaigns.js';
import { recordCounters } from './constructs/counters.js';
import { armJobs, fireJob } from './constructs/jobs.js';
import { fireLeaderboard, armLeaderboards, tallyEvent } from './constructs/leaderboards.js';
import { checkBadges } from './constructs/levels.js';
import { stepLifecycles } from './constructs/lifecycles.js';
import { fireMachineTimer } from './constructs/machine-steps.js';
import { admitMember, leave } from './constructs/members.js';
import { directMessageTotals, releaseHeld } from './constructs/direct-messages.js';
import { recordInviter } from './constructs/targets.js';
import { awardPointsTable } from './constructs/points.js';
import { stepRituals } from './constructs/rituals.js';
import { runRules } from './constructs/rules.js';
import { armSchedules, openSession, recordAttendance, runHook } from './constructs/schedules.js';
import { newCtx, type OutputAction } from './context.js';
import { Core } from './core.js';
import { validateEvent, type InputEvent } from './events.js';
import { FastMachines } from './machines/fast.js';
import { XStateMachines } from './machines/reference.js';
import { isPresent } from './member.js';
import type { CommunitySnapshot, CommunityState, Timer } from './state.js';
import { peekTimer, popTimer } from './timers.js';
import { admit, DEFAULT_HORIZON_MS, forget } from './remembered.js';
import { newCommunity } from './community.js';
import { communityFromJSON, communityToJSON } from './community-json.js';

export { communityFromJSON, communityToJSON } from './community-json.js';
import { MemoryStore, type Store } from './community-store.js';
import { checkSnapshotStates } from './machines/stored.js';
export { MemoryStore, type Store } from './community-store.js';
import { timerCause } from '../ir/index.js';
import { Network, usesNetwork, type NetworkState } from './network.js';

/**
 * The runtime's own work: validate, dedupe, move the clock and fire due timers, then hand the
 * event to each construct in turn (`constructs/`, one module per construct of the language;
 * their actions in `actions/`, one file per kind). docs/runtime.md, "Path of a construct".
 */

export type { OutputAction } from './context.js';

/** `stale`: older than the community's clock minus the horizon, refused (remembered.ts). */
export type DispatchStatus = 'processed' | 'duplicate' | 'stale' | 'invalid' | 'ignored';

export interface DispatchResult {
  status: DispatchStatus;
  actions: OutputAction[];
  late: boolean;
  reason?: string;
}

export interface RuntimeSnapshot {
  version: 1;
  playbook: string;
  communities: CommunitySnapshot[];
  /** What the communities share, when the playbook counts across groups (network.ts); restored once. */
  network?: NetworkState;
}

/**
 * `fast` (default): conditions as compiled closures, machines by the built-in interpreter.
 * `generated`: one JavaScript function generated per event type, conditions inline (generated/);
 * machines as `fast`. `reference`: conditions by json-rules-engine, machines by XState's
 * `transition()`; same results, far slower, for checking the fast paths end to end.
 */
export type EngineName = 'fast' | 'generated' | 'reference';
export const ENGINES: readonly EngineName[] = ['fast', 'generated', 'reference'];

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
  /**
   * How long event ids are remembered, in milliseconds of event time; an event older than the
   * clock minus this is refused as stale. Default: the playbook's `horizon`, else 7 days
   * (docs/runtime.md, "Duplicates and the horizon").
   */
  horizonMs?: number;
  /** Where the shared state of the network is held (network.ts); the snapshot's `network` is loaded into it. */
  network?: Network;
}

/**
 * The deterministic runtime. Time comes only from event `at` and `advance`; all state is in the
 * store, timers included, and `snapshot()` turns it into plain JSON that resumes exactly.
 */
export class Runtime {
  readonly ir: IR;
  readonly engine: EngineName;
  private readonly store: Store;
  /** The playbook's compiled tables and the helpers constructs share (core.ts). */
  private readonly core: Core;
  private readonly zone: string;
  private readonly seed: number;
  private readonly maxSkewMs: number;
  readonly horizonMs: number;
  /** Whether the playbook shares anything between communities: only then is `network` kept. */
  private readonly networked: boolean;
  /** The `generated` engine's function per event type (generated/plans.ts). */
  private readonly plans: EventPlans | undefined;
  /** The `generated` engine's validator (generated/validate.ts): valid events of known types, else undefined. */
  private readonly validate: FastValidator | undefined;
  /** Whether the last processed event was late, and why the last invalid one was refused (`step`). */
  private late = false;
  // Stryker disable next-line StringLiteral: read only after `step` has set it for an invalid event
  private reason = '';

  constructor(ir: IR, options: RuntimeOptions = {}) {
    this.ir = ir;
    // A JavaScript caller may pass anything: the type does not hold until checked.
    const engine: string = options.engine ?? 'fast';
    if (!(ENGINES as readonly string[]).includes(engine)) throw new RangeError(`unknown engine ${engine}: ${ENGINES.join(', ')}`);
    this.engine = engine as EngineName;
    this.store = options.store ?? new MemoryStore();
    const network = options.network ?? new Network();
    if (options.snapshot?.network) network.load(options.snapshot.network);
    this.networked = usesNetwork(ir);
    // Stryker disable all: the engines give the same actions and state by design (test/differential.test.ts, test/generated-engine.test.ts); choosing another changes only the speed
    const generated = this.engine === 'generated' ? new GeneratedConditions(ir, network) : undefined;
    const conditions = this.engine === 'reference' ? new ReferenceConditions(ir, network) : (generated ?? new FastConditions(ir, network));
    const machines = this.engine === 'reference' ? new XStateMachines(ir) : new FastMachines(ir);
    // Stryker restore all
    this.zone = ir.timezone;
    this.seed = options.seed ?? 1;
    this.maxSkewMs = options.maxSkewMs ?? Infinity;
    if (!(this.maxSkewMs > 0)) throw new RangeError(`maxSkewMs must be a positive number of milliseconds, not ${String(options.maxSkewMs)}`);
    this.horizonMs = options.horizonMs ?? ir.horizonMs ?? DEFAULT_HORIZON_MS;
    if (!(this.horizonMs > 0)) throw new RangeError(`horizonMs must be a positive number of milliseconds, not ${String(options.horizonMs)}`);
    this.core = new Core(ir, conditions, machines, options.trackChanges === true, network);
    this.plans = generated && new EventPlans(this.core, generated.writer);
    this.validate = generated && compileValidator(ir.events);
    if (options.snapshot) {
      // Refused before anything runs: found at a member's next event, the error would leave that event half applied (docs/runtime.md, "Stored machine states").
      checkSnapshotStates(ir, options.snapshot);
      for (const c of options.snapshot.communities) this.store.put(communityFromJSON(c));
    }
  }

  // ------------------------------------------------------------------ public API

  /** Validate, dedupe, fire due timers, then process one event. */
  dispatch(raw: unknown): OutputAction[] {
    const out: OutputAction[] = [];
    this.step(raw, out);
    return out;
  }

  dispatchDetailed(raw: unknown): DispatchResult {
    const out: OutputAction[] = [];
    const status = this.step(raw, out);
    if (status === 'processed') return { status, actions: out, late: this.late };
    return status === 'invalid' ? { status, actions: out, late: false, reason: this.reason } : { status, actions: out, late: false };
  }

  /**
   * One event, its actions into `out` (left empty unless processed); `late` and, for an invalid
   * event, `reason` are left in fields, so `dispatch` allocates no result object per event.
   */
  private step(raw: unknown, out: OutputAction[]): DispatchStatus {
    // The generated engine's validator says yes to valid events of known types; anything else
    // goes through validateEvent, which explains what is wrong (generated/validate.ts).
    let ev = this.validate?.(raw);
    if (ev === undefined) {
      const v = validateEvent(raw, this.ir.events);
      if (!v.ok) {
        this.reason = v.reason;
        return 'invalid';
      }
      // Unknown types are ignored outright: they move no clock and fire no timer, so a stray
      // platform event with a future timestamp cannot trigger deadlines early.
      if (!v.known) return 'ignored';
      ev = v.event;
    }
    let c = this.store.get(ev.community);
    if (c && ev.atMs - c.clock > this.maxSkewMs) {
      this.reason = `"at" is ${isoDuration(ev.atMs - c.clock)} ahead of the community's clock (${isoInZone(c.clock, this.zone)}); the limit is ${isoDuration(this.maxSkewMs)}`;
      return 'invalid';
    }
    if (!c) c = this.startCommunity(ev.community, ev.atMs);
    const late = ev.atMs < c.clock;
    const now = late ? c.clock : ev.atMs;
    const admission = admit(c, ev.id, ev.atMs, now, this.horizonMs);
    if (admission !== 'new') return admission;
    if (now > c.clock) forget(c, now, this.horizonMs);
    this.core.touch(c, ev.member);
    this.fireTimers(c, now, out);
    c.clock = now;
    this.processEvent(c, ev, now, out);
    this.store.put(c);
    this.late = late;
    return 'processed';
  }

  /**
   * Fire every timer due at or before `iso` in every community, or in `only` (a cluster owner
   * holding other groups of a network for a goal's actions, docs/scaling.md, moves only its own).
   */
  advance(iso: string | number, only?: string): OutputAction[] {
    const to = typeof iso === 'number' ? iso : Date.parse(iso);
    if (!Number.isFinite(to)) throw new RangeError(`advance: not an instant: ${String(iso)}`);
    const out: OutputAction[] = [];
    for (const id of only === undefined ? this.store.communities().sort() : this.store.get(only) ? [only] : []) {
      const c = this.store.get(id)!;
      if (to <= c.clock) continue;
      this.core.touch(c);
      this.fireTimers(c, to, out);
      c.clock = to;
      this.store.put(c);
    }
    return out;
  }

  snapshot(): RuntimeSnapshot {
    const communities = this.store
      .communities()
      .sort()
      .map((id) => communityToJSON(this.store.get(id)!));
    return this.networked
      ? { version: 1, playbook: this.ir.name, communities, network: this.core.network.toJSON() }
      : { version: 1, playbook: this.ir.name, communities };
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
   * What `direct messages` did in every community: messages held, released, dropped by a `drop`
   * clause, dropped because their member left first, and still held (`waiting`).
   */
  directMessages(): ReturnType<typeof directMessageTotals> {
    return directMessageTotals(this.store.communities().map((id) => this.store.get(id)!));
  }

  /**
   * What changed since the last call: the communities touched (their clock, processed ids,
   * timers, counters...) and, in each, the members whose state changed. A durable store writes
   * those rows and nothing else, so an event costs a few row writes whatever the community's size.
   */
  takeChanges(): Map<string, Set<string>> {
    if (!this.core.tracking) throw new Error('takeChanges() needs createRuntime(ir, { trackChanges: true })');
    const out = this.core.changed;
    this.core.changed = new Map();
    return out;
  }

  /** Release what the engine holds (the reference engine's worker thread). */
  close(): void {
    this.core.close();
  }

  // ------------------------------------------------------------------ community set-up

  private startCommunity(id: string, now: number): CommunityState {
    const c = newCommunity(id, now, (this.seed ^ hash(id)) >>> 0);
    // Calendars are armed for occurrences at or after the first event (docs/runtime.md, "State
    // and time"); this order is the timers' creation order, which breaks ties between equal dues.
    armJobs(this.core, c, now);
    armLeaderboards(this.core, c, now);
    armSchedules(this.core, c, now);
    armCampaigns(this.core, c, now);
    armAgendas(this.core, c, now);
    if (this.networked) this.core.network.see(id);
    return c;
  }

  // ------------------------------------------------------------------ timers

  private fireTimers(c: CommunityState, upTo: number, out: OutputAction[]): void {
    for (let t = peekTimer(c); t && t.due <= upTo; t = peekTimer(c)) {
      popTimer(c);
      // Stryker disable next-line all: no construct reads `c.clock` while a timer fires (they are given its due), and it is set to `upTo` after the loop
      if (t.due > c.clock) c.clock = t.due;
      this.fireTimer(c, t, out);
    }
  }

  /** A due timer, handed to the construct that armed it. */
  private fireTimer(c: CommunityState, t: Timer, out: OutputAction[]): void {
    const cause = timerCause(t.id);
    switch (t.kind) {
      case 'machine': {
        fireMachineTimer(this.core, c, t, cause, out);
        return;
      }
      case 'job': {
        fireJob(this.core, c, t, cause, out);
        return;
      }
      case 'leaderboard': {
        fireLeaderboard(this.core, c, t, cause, out);
        return;
      }
      case 'session.open': {
        openSession(this.core, c, t);
        return;
      }
      case 'session.hook': {
        runHook(this.core, c, t, cause, out);
        return;
      }
      case 'session.close':
        return;
      case 'stage': {
        stageBoundary(this.core, c, t.ref, t.due, cause, out);
        return;
      }
      case 'agenda': {
        fireAgendaStep(this.core, c, t, cause, out);
        return;
      }
      case 'direct': {
        releaseHeld(this.core, c, t, out);
        return;
      }
    }
  }

  // ------------------------------------------------------------------ events

  /** One event through every construct, in the order docs/runtime.md gives. */
  private processEvent(c: CommunityState, ev: InputEvent, now: number, out: OutputAction[]): void {
    const core = this.core;
    const admitted = admitMember(c, ev, now);
    if (admitted === null) return; // a removed or departed member produces nothing more
    const m = admitted;
    if (m && (ev.type === 'member.joined' || ev.type === 'invite.accepted')) recordInviter(c, ev, m);
    const ctx = newCtx(c, now, ev.id, '', out, m, ev);
    // The generated engine's plan does the same four steps and the points table (generated/plans.ts).
    const plan = this.plans?.get(ev.type);
    if (plan) plan(ctx, c, m, ev, now);
    else {
      recordCounters(core.counters, core.counterFilter, ctx, c, m, ev, now, core.network);
      if (m) tallyEvent(core, c, m, ev.type, now);
      if (m) recordAttendance(core, c, m, ev, now);
      runRules(core, ctx, c, m, ev);
    }
    // A roster entry runs rules and counters only: no points, ritual, lifecycle or badge (constructs/members.ts).
    if (m && m.present && ev.type !== 'member.seen') {
      const points = plan ? undefined : core.points.get(ev.type);
      if (points) awardPointsTable(core, ctx, points, now);
      // Each step re-reads `present`: the actions of the one before may have removed the member.
      if (core.rituals.length && isPresent(m)) stepRituals(core, ctx, m, ev);
      if (core.machines.lifecycles.length && isPresent(m)) stepLifecycles(core, ctx, m, ev);
      if (this.ir.badges.length && isPresent(m)) {
        ctx.source = 'badge';
        checkBadges(core, ctx, m, ev, now);
      }
    }
    if (this.ir.campaigns.length) checkGoals(core, c, now, ev.id, out, this.store);
    if (m && ev.type === 'member.left' && m.present) leave(c, m);
    if (m && ev.type === 'message.posted') m.lastPosted = now; // after the rules: `member has never posted` is true on a first post
  }
}

function hash(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}

export function createRuntime(ir: IR, options: RuntimeOptions = {}): Runtime {
  return new Runtime(ir, options);
}
