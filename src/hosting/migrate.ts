import type { IR } from '../ir/schema.js';
import {
  agendaTimerId,
  capPointsRule,
  machineTimerId,
  RITUAL_ACTIVE,
  ritualSteps,
  sessionTimerId,
  stageTimerId,
  STEP_DONE,
  STEP_PENDING,
} from '../ir/index.js';
import type { RuntimeSnapshot } from '../runtime/runtime.js';
import { emptyNetwork, usesNetwork } from '../runtime/network.js';
import type { CommunitySnapshot, MemberState, Timer } from '../runtime/state.js';
import { calendarSalt } from '../runtime/constructs/jobs.js';
import { localInstant, nextOccurrence } from '../stdlib/calendar.js';
import { copyDicts, dict, hasKey, own } from '../stdlib/dict.js';
import {
  calendarEntries,
  counterMap,
  humanDelay,
  keepKeys,
  machineInfos,
  remapCounters,
  same,
  scheduleShape,
  statePath,
  type MachineInfo,
} from './migrate-shapes.js';

/**
 * Carrying state over to a new version of a playbook (`POST /playbook`, SIGHUP, or a restart
 * with a changed FILE). Member state stays where its names still exist; what cannot carry over
 * is dropped and reported. The rules, so an operator can predict a reload:
 *
 * - A member in a ritual or lifecycle that was removed, or in a lifecycle state that was
 *   removed, loses that machine's state and its timers; a lifecycle then restarts at its initial
 *   state on the member's next event. A removed ritual step is dropped from members' progress; a
 *   new step is pending; a member whose remaining steps are all done is complete (the ritual's
 *   `done` actions do not run, and its reminder and deadline are cancelled).
 * - A pending reminder, deadline or `after` transition whose delay changed is re-timed from when
 *   the member entered the state (a 24h deadline made 48h moves 24h later); one that was
 *   removed is dropped. A reminder or `after` transition that is new is armed for members
 *   already in the state when their entry time is known (another pending timer of the state
 *   gives it) and it is still ahead; otherwise it applies from the next entry.
 * - Jobs, leaderboards and schedules keep their next run when their calendar (and the time zone)
 *   are unchanged, are rescheduled from the current clock when changed, armed when new, dropped
 *   when removed. A removed schedule's session history goes with it.
 * - A new or changed campaign finds its stage at the community's next event or advance (entering
 *   it then, with its `on enter` actions); a removed campaign's state is dropped, and a stage that
 *   no longer exists is left without running its `on exit`.
 * - Windows of counts (`count(...)`) carry over to a count of the same event, scope, window and
 *   campaign; cooldowns, caps, `once` and warnings carry over by rule, points entry and ladder;
 *   points, levels, badges and tags are history and always stay.
 *
 * This works on the runtime's snapshot JSON and the machine configs the compiler emits, so it
 * relies on the runtime's timer ids; test/serve.test.ts reloads across each kind of change.
 *
 * A pure module: (old IR, new IR, old snapshot) to (new snapshot, notes), with no store and no
 * I/O; reload.ts stores the result.
 */

export interface ReloadNote {
  /** What happened, e.g. "lifecycle member: state dormant removed; members restart at newcomer on their next event". */
  what: string;
  /** How many members, timers or communities it concerned. */
  count: number;
  /** A few of them, as community/member or community/timer. */
  examples: string[];
}

export interface Migration {
  snapshot: RuntimeSnapshot;
  dropped: ReloadNote[];
  changed: ReloadNote[];
}

const EXAMPLES = 5;

class Notes {
  private readonly map = new Map<string, ReloadNote>();
  add(what: string, example: string): void {
    let n = this.map.get(what);
    if (!n) this.map.set(what, (n = { what, count: 0, examples: [] }));
    n.count++;
    if (example && n.examples.length < EXAMPLES) n.examples.push(example);
  }
  list(): ReloadNote[] {
    return [...this.map.values()];
  }
}

/**
 * Migrate a runtime snapshot taken under `from` to the playbook `to`. The input is not changed.
 * The copy's tables are dicts: members, campaigns and schedules are looked up and added by name,
 * and a name may be `constructor` or `__proto__` (docs/runtime.md, "Hostile names").
 */
export function migrateSnapshot(from: IR, to: IR, input: RuntimeSnapshot): Migration {
  const snapshot = { ...input, communities: input.communities.map((c) => ({ ...copyDicts(c) })) };
  snapshot.playbook = to.name;
  const dropped = new Notes();
  const changed = new Notes();
  const oldMachines = machineInfos(from);
  const newMachines = machineInfos(to);
  const counters = counterMap(from, to);
  const zoneChanged = from.timezone !== to.timezone;
  const pointsIds = new Set(to.points.map((p) => p.id));
  const ruleIds = new Set(to.rules.map((r) => r.id));
  const ladders = new Set(to.ladders.map((l) => l.name));
  const badges = new Set(to.badges.map((b) => b.name));

  const unchangedCalendar = (kind: 'job' | 'leaderboard', id: string) => {
    const before = calendarEntries(from).find((x) => x.kind === kind && x.id === id);
    const now = calendarEntries(to).find((x) => x.kind === kind && x.id === id);
    return !zoneChanged && before !== undefined && now !== undefined && same(before.calendar, now.calendar);
  };
  const unchangedCampaign = (name: string) => {
    const before = from.campaigns.find((x) => x.name === name);
    const now = to.campaigns.find((x) => x.name === name);
    const shape = (x: IR['campaigns'][number]) => x.stages.map((s) => [s.name, s.from, s.to ?? null]);
    return !zoneChanged && before !== undefined && now !== undefined && same(shape(before), shape(now));
  };
  const hasCampaign = (name: string) => to.campaigns.some((x) => x.name === name && x.network === true);
  const unchangedAgenda = (id: string) => {
    const before = (from.agendas ?? []).find((x) => x.id === id);
    const now = (to.agendas ?? []).find((x) => x.id === id);
    const shape = (x: NonNullable<IR['agendas']>[number]) => [x.date, x.steps.map((s) => s.minutes)];
    return !zoneChanged && before !== undefined && now !== undefined && same(shape(before), shape(now));
  };
  for (const info of newMachines.values()) {
    if (!oldMachines.has(info.id)) changed.add(`${info.kind} ${info.name}: new; members enter it as its start says (from their next event)`, '');
  }

  for (const c of snapshot.communities) {
    // ------------------------------------------------------------ members
    for (const m of Object.values(c.members)) migrateMember(c, m);
    c.once = c.once.filter((id) => ruleIds.has(id));
    c.onceKeys = keepKeys(c.onceKeys, (id) => ruleIds.has(id));
    c.ruleFired = keepKeys(c.ruleFired, (id) => ruleIds.has(id));
    const communityCounters = remapCounters(c.counters, counters);
    c.counters = communityCounters.value ?? dict();

    // ------------------------------------------------------------ timers
    const timers: Timer[] = [];
    const entered = new Map<string, number>(); // member|machine -> instant the member entered its current state
    const seen = new Set<string>();
    for (const t of c.timers) {
      const kept = migrateTimer(c, t, entered);
      if (kept && !seen.has(kept.id)) {
        seen.add(kept.id);
        timers.push(kept);
      }
    }
    armNewAfters(c, timers, seen, entered);
    armCalendars(c, timers, seen);
    c.timers = timers.sort((a, b) => a.due - b.due || a.seq - b.seq);
  }
  // What the groups share (runtime/network.ts) keeps the counts that mean the same and the goals of campaigns still there.
  // A playbook that starts sharing finds the groups already served in the network, in id order.
  const net = input.network ? copyDicts(input.network) : usesNetwork(to) ? { ...emptyNetwork(), groups: snapshot.communities.map((c) => c.id) } : undefined;
  if (net) snapshot.network = { ...net, counters: remapCounters(net.counters, counters).value ?? dict(), goals: keepKeys(net.goals, hasCampaign) ?? dict() };
  return { snapshot, dropped: dropped.list(), changed: changed.list() };

  function migrateMember(c: CommunitySnapshot, m: MemberState): void {
    const who = `${c.id}/${m.id}`;
    if (m.machines) {
      const next = dict<unknown>();
      for (const [id, value] of Object.entries(m.machines)) {
        const old = oldMachines.get(id);
        const info = newMachines.get(id);
        if (!info) {
          dropped.add(`${old?.kind ?? 'machine'} ${old?.name ?? id} removed: members' progress in it dropped`, who);
          continue;
        }
        const migrated = info.kind === 'ritual' ? migrateRitualValue(info, value, who) : migrateLifecycleValue(info, value, who);
        if (migrated !== undefined) next[id] = migrated;
      }
      m.machines = Object.keys(next).length ? next : undefined;
    }
    const mc = remapCounters(m.counters, counters);
    m.counters = mc.value;
    if (mc.lost > 0) dropped.add('counts removed from the playbook: their windows dropped', who);
    m.lastAward = keepKeys(m.lastAward, (k) => pointsIds.has(k));
    m.caps = keepKeys(m.caps, (k) => pointsIds.has(capPointsRule(k)));
    m.warnings = keepKeys(m.warnings, (k) => {
      if (!ladders.has(k)) dropped.add(`ladder ${k} removed: members' warnings on it dropped`, who);
      return ladders.has(k);
    });
    m.streaks = keepKeys(m.streaks, (k) => badges.has(k));
    m.ruleFired = keepKeys(m.ruleFired, (id) => ruleIds.has(id));
    if (m.once) {
      const once = m.once.filter((id) => ruleIds.has(id));
      m.once = once.length ? once : undefined;
    }
  }

  function migrateRitualValue(info: MachineInfo, value: unknown, who: string): unknown {
    if (typeof value === 'string') return value === RITUAL_ACTIVE && info.states.length === 0 ? 'completed' : value;
    const regions = ritualSteps(value);
    if (!regions) {
      dropped.add(`ritual ${info.name}: a state this version cannot read was dropped`, who);
      return undefined;
    }
    const next = dict<string>();
    for (const [step, progress] of Object.entries(regions)) {
      if (info.states.includes(step)) next[step] = progress as string;
      else dropped.add(`ritual ${info.name}: step ${step} removed from members' progress`, who);
    }
    for (const step of info.states) {
      if (!hasKey(next, step)) {
        next[step] = STEP_PENDING;
        changed.add(`ritual ${info.name}: new step ${step} is pending for members in the ritual`, who);
      }
    }
    if (Object.values(next).every((p) => p === STEP_DONE)) {
      changed.add(`ritual ${info.name}: members with every remaining step done are complete (done actions not run)`, who);
      return 'completed';
    }
    return { active: next };
  }

  function migrateLifecycleValue(info: MachineInfo, value: unknown, who: string): unknown {
    if (typeof value === 'string' && info.states.includes(value)) return value;
    dropped.add(`lifecycle ${info.name}: state ${String(statePath(value))} removed; members restart at ${info.initial} on their next event`, who);
    return undefined;
  }

  function migrateTimer(c: CommunitySnapshot, t: Timer, entered: Map<string, number>): Timer | undefined {
    const label = `${c.id}/${t.id}`;
    switch (t.kind) {
      case 'machine': {
        const info = newMachines.get(t.ref);
        const m = t.member !== undefined ? own(c.members, t.member) : undefined;
        const value = own(m?.machines, t.ref);
        if (!info || !m || value === undefined || !t.event) return undefined; // reported with the member's state
        const path = statePath(value);
        const old = oldMachines.get(t.ref)?.afters.get(t.event.type);
        if (old && path === old.path) entered.set(`${m.id}|${t.ref}`, t.due - old.delay);
        const current = info.afters.get(t.event.type);
        if (current && (!old || old.key === current.key)) return path === current.path ? t : undefined;
        if (!old) {
          dropped.add(`${info.kind} ${info.name}: timers this version does not know dropped`, label);
          return undefined;
        }
        const replacement = [...info.afters].find(([, e]) => e.path === old.path && e.key === old.key);
        if (!replacement || path !== old.path) {
          dropped.add(`${info.kind} ${info.name}: ${old.label} removed; pending timers dropped`, label);
          return undefined;
        }
        const [event, entry] = replacement;
        changed.add(
          `${info.kind} ${info.name}: ${old.label} now ${humanDelay(entry.delay)} (was ${humanDelay(old.delay)}); pending timers re-timed from the member's entry`,
          label,
        );
        return { ...t, id: machineTimerId(m.id, t.ref, event), due: t.due - old.delay + entry.delay, event: { type: event } };
      }
      case 'job':
      case 'leaderboard': {
        if (!calendarEntries(to).some((x) => x.kind === t.kind && x.id === t.ref)) {
          dropped.add(`${t.kind} ${t.ref.slice(t.ref.indexOf(':') + 1)} removed: its next run dropped`, c.id);
          return undefined;
        }
        // Unchanged: keeps its next run; changed: re-armed by armCalendars.
        return unchangedCalendar(t.kind, t.ref) ? t : undefined;
      }
      case 'session.open':
      case 'session.hook':
      case 'session.close': {
        const now = to.schedules.find((s) => s.id === t.ref);
        const before = from.schedules.find((s) => s.id === t.ref);
        if (!now) {
          if (t.kind === 'session.open') dropped.add(`schedule ${before?.name ?? t.ref} removed: its sessions and history dropped`, c.id);
          return undefined;
        }
        if (before && same(scheduleShape(before), scheduleShape(now)) && !zoneChanged) return t;
        return undefined; // re-armed by armCalendars
      }
      case 'stage':
        return unchangedCampaign(t.ref) ? t : undefined;
      case 'agenda': {
        if (!(to.agendas ?? []).some((a) => a.id === t.ref)) {
          const name = (from.agendas ?? []).find((a) => a.id === t.ref)?.name ?? t.ref;
          dropped.add(`agenda ${name} removed: its steps still to come dropped`, c.id);
          return undefined;
        }
        return unchangedAgenda(t.ref) ? t : undefined; // re-armed by armCalendars
      }
    }
    return t;
  }

  /** Delayed transitions new in this version, for members already in their state. */
  function armNewAfters(c: CommunitySnapshot, timers: Timer[], seen: Set<string>, entered: Map<string, number>): void {
    for (const info of newMachines.values()) {
      const old = oldMachines.get(info.id);
      if (!old) continue;
      for (const [event, entry] of info.afters) {
        const existed = [...old.afters.values()].some((e) => e.path === entry.path && e.key === entry.key);
        if (existed) continue;
        for (const m of Object.values(c.members)) {
          if (!m.present || statePath(m.machines?.[info.id]) !== entry.path) continue;
          const id = machineTimerId(m.id, info.id, event);
          if (seen.has(id)) continue;
          const since = entered.get(`${m.id}|${info.id}`);
          const due = since === undefined ? undefined : since + entry.delay;
          if (due === undefined || due <= c.clock) {
            changed.add(
              `${info.kind} ${info.name}: new ${entry.label} applies from members' next entry (not armed for members already in ${entry.path})`,
              `${c.id}/${m.id}`,
            );
            continue;
          }
          seen.add(id);
          timers.push({ id, due, seq: c.timerSeq++, kind: 'machine', ref: info.id, member: m.id, event: { type: event } });
          changed.add(`${info.kind} ${info.name}: new ${entry.label} armed for members already in ${entry.path}`, `${c.id}/${m.id}`);
        }
      }
    }
  }

  /** Jobs, leaderboards, schedules and campaigns: arm what is new or changed, drop what is gone. */
  function armCalendars(c: CommunitySnapshot, timers: Timer[], seen: Set<string>): void {
    const zone = to.timezone;
    const from1 = c.clock + 1;
    const add = (t: Omit<Timer, 'seq'>) => {
      if (seen.has(t.id)) return;
      seen.add(t.id);
      timers.push({ ...t, seq: c.timerSeq++ });
    };
    for (const j of calendarEntries(to)) {
      if (unchangedCalendar(j.kind, j.id)) continue;
      const existed = calendarEntries(from).some((x) => x.kind === j.kind && x.id === j.id);
      // The same daily draw for `between` as the runtime makes (constructs/jobs.ts, calendarSalt).
      add({ id: j.id, due: nextOccurrence(j.calendar, zone, from1, calendarSalt(c, j.id)), kind: j.kind, ref: j.id });
      changed.add(`${j.kind} ${j.name}: ${existed ? 'calendar changed, rescheduled' : 'new, scheduled'} from the community's clock`, c.id);
    }
    for (const s of to.schedules) {
      if (timers.some((t) => t.kind === 'session.open' && t.ref === s.id)) continue;
      const existed = from.schedules.some((x) => x.id === s.id);
      // Drop what is left of the old shape's session, then arm the next one as the runtime does.
      for (let i = timers.length - 1; i >= 0; i--) if (timers[i]!.ref === s.id && timers[i]!.kind.startsWith('session.')) timers.splice(i, 1);
      c.sessions[s.name] ??= [];
      const start = nextOccurrence(s.calendar, zone, from1, calendarSalt(c, s.id));
      const end = start + (s.durationMs ?? 0);
      add({ id: sessionTimerId(s.id, start, { kind: 'open' }), due: start, kind: 'session.open', ref: s.id, session: start });
      s.hooks.forEach((h, i) => {
        const due = (h.anchor === 'start' ? start : end) + h.offsetMs;
        if (due >= from1) add({ id: sessionTimerId(s.id, start, { kind: 'hook', index: i }), due, kind: 'session.hook', ref: s.id, session: start, hook: i });
      });
      add({ id: sessionTimerId(s.id, start, { kind: 'close' }), due: end, kind: 'session.close', ref: s.id, session: start });
      changed.add(`schedule ${s.name}: ${existed ? 'changed, next session rescheduled' : 'new, next session scheduled'}`, c.id);
    }
    for (const name of Object.keys(c.sessions)) {
      // eslint-disable-next-line @typescript-eslint/no-dynamic-delete -- sessions is a dict of the stored snapshot (JSON), not a Map
      if (!to.schedules.some((s) => s.name === name)) delete c.sessions[name];
    }
    // Agendas new or re-timed in this version: the steps still to come are armed; a step whose
    // time has passed is not run late (as at a community's first event, constructs/agendas.ts).
    for (const a of to.agendas ?? []) {
      if (unchangedAgenda(a.id)) continue;
      const existed = (from.agendas ?? []).some((x) => x.id === a.id);
      let armed = 0;
      a.steps.forEach((step, i) => {
        const due = localInstant(a.date, step.minutes, zone);
        if (due < from1) return;
        add({ id: agendaTimerId(a.id, i), due, kind: 'agenda', ref: a.id, hook: i });
        armed++;
      });
      changed.add(`agenda ${a.name}: ${existed ? 'date or times changed' : 'new'}, ${armed} of ${a.steps.length} steps still to come armed`, c.id);
    }
    for (const camp of to.campaigns) {
      if (unchangedCampaign(camp.name)) continue;
      for (let i = timers.length - 1; i >= 0; i--) if (timers[i]!.kind === 'stage' && timers[i]!.ref === camp.name) timers.splice(i, 1);
      const st = (c.campaigns[camp.name] ??= { stage: null, goals: [] });
      if (st.stage !== null && !camp.stages.some((s) => s.name === st.stage)) {
        dropped.add(`campaign ${camp.name}: stage ${st.stage} removed (left without its on exit actions)`, c.id);
        st.stage = null;
      }
      st.goals = st.goals.filter((g) => camp.goals.some((x) => x.name === g));
      const existed = from.campaigns.some((x) => x.name === camp.name);
      // Due now: the runtime's stage timer finds the stage at the next event or advance.
      add({ id: stageTimerId(camp.name), due: c.clock, kind: 'stage', ref: camp.name });
      changed.add(`campaign ${camp.name}: ${existed ? 'stages changed' : 'new'}; its stage is set at the next event or advance`, c.id);
    }
    for (const name of Object.keys(c.campaigns)) {
      if (!to.campaigns.some((x) => x.name === name)) {
        dropped.add(`campaign ${name} removed: its stage and goals dropped`, c.id);
        // eslint-disable-next-line @typescript-eslint/no-dynamic-delete -- campaigns is a dict of the stored snapshot (JSON), not a Map
        delete c.campaigns[name];
        const i = timers.findIndex((t) => t.kind === 'stage' && t.ref === name);
        if (i >= 0) timers.splice(i, 1);
      }
    }
  }
}
