import { DateTime, IANAZone } from 'luxon';
import type * as A from '../parser/ast.js';
import { D } from '../parser/diagnostic-codes.js';
import type { DiagnosticBag } from '../parser/diagnostics.js';
import { dict, dictFrom, own, type Dict } from '../stdlib/dict.js';
import { didYouMean } from '../stdlib/suggest.js';
import { placeholders } from '../stdlib/templates.js';
import { CORE_EVENTS } from './core-events.js';
import { reportRegex } from './regex-check.js';
import { IR_VERSION, type Action, type Audience, type Cond, type CondValue, type Counter, type EventMatch, type EventType, type IR, type MemberFilter, type StageRef } from './ir.js';

/**
 * The semantic checker: resolves every name, checks types, durations, dates, time zones and
 * regexes, and lowers the tree to the IR in the same walk (so a name is resolved once, where the
 * diagnostic can point at it). Returns an IR even when there are errors; callers must not run it
 * then.
 */

const MAX_DURATION_MS = 10 * 366 * 86_400_000;
const BUILTIN_ROLES = ['admin', 'owner'];
const MEMBER_ATTRS = ['id', 'name', 'points', 'level', 'joinedDays'] as const;

interface Scope {
  /** Event types whose payload fields are in scope; empty when no event is (timers, jobs). */
  events: string[];
  member: boolean;
  campaign?: string;
  /** What `count(E)` without `by member` counts here. */
  countScope: 'member' | 'community';
  /** Set for rules: windowed counters get their own copy, cleared when the rule fires. */
  owner?: string;
  windows?: string[];
  /** Extra placeholders allowed in messages here (`missing`, `board`, ...). */
  extras: string[];
  what: string;
}

export function checkPlaybook(ast: A.Playbook, bag: DiagnosticBag, file: string): IR {
  return new Checker(ast, bag, file).run();
}

class Checker {
  /** A dict, as are its field tables: `event constructor { }` is a custom event like any other (docs/runtime.md). */
  private readonly events: Dict<EventType> = coreEventTable();
  private readonly roles = new Set<string>(BUILTIN_ROLES);
  private readonly templates = new Map<string, A.TemplateDecl>();
  private readonly ladders = new Set<string>();
  private readonly schedules = new Set<string>();
  private readonly segments = new Set<string>();
  private readonly campaigns = new Map<string, Set<string>>();
  private readonly levels = new Set<string>();
  private readonly counters = new Map<string, Counter>();

  constructor(
    private readonly ast: A.Playbook,
    private readonly bag: DiagnosticBag,
    private readonly file: string,
  ) {}

  run(): IR {
    const ast = this.ast;
    const timezone = this.checkHeader();
    this.declare();
    const ir: IR = {
      version: IR_VERSION,
      name: ast.header?.name.value || this.file.replace(/^.*[\\/]/, '').replace(/\.playbook$/, ''),
      timezone,
      locale: ast.header?.locale?.value ?? 'zh-CN',
      source: this.file,
      roles: [...this.roles],
      events: this.events,
      segments: [],
      counters: [],
      rules: [],
      ladders: [],
      points: [],
      levels: [],
      badges: [],
      leaderboards: [],
      rituals: [],
      lifecycles: [],
      schedules: [],
      jobs: [],
      campaigns: [],
    };
    for (const s of ast.segments) {
      ir.segments.push({ name: s.name.name, where: this.cond(s.where, this.memberScope(`segment \`${s.name.name}\``)) });
    }
    this.checkSegmentCycles(ir.segments);
    ast.rules.forEach((r) => ir.rules.push(this.rule(r)));
    for (const l of ast.ladders) {
      const expireMs = l.expire ? this.duration(l.expire, 'ladder expiry') : undefined;
      const seen = new Set<number>();
      const steps = [];
      for (const st of l.steps) {
        if (!Number.isInteger(st.n) || st.n < 1) this.bag.report(D.E0503.stepNumber(st.n), st.span);
        if (seen.has(st.n)) this.bag.report(D.E0102.ladderStepTwice(l.name.name, st.n), st.span);
        seen.add(st.n);
        const scope = { ...this.memberScope(`ladder \`${l.name.name}\``), extras: ['count', 'ladder', 'reason'] };
        steps.push({ n: Math.max(1, Math.floor(st.n)), actions: this.actions(st.actions, scope) });
      }
      if (steps.length === 0) this.bag.report(D.E0504.noSteps(l.name.name), l.name.span, 'add steps like `1: say to member "…"; 2: remove member`');
      steps.sort((a, b) => a.n - b.n);
      ir.ladders.push(expireMs ? { name: l.name.name, expireMs, steps } : { name: l.name.name, steps });
    }
    ast.points.forEach((p) => ir.points.push(this.pointsEntry(p)));
    ir.levels = this.levelsIR();
    ir.badges = ast.badges.map((b) => this.badge(b));
    ir.leaderboards = ast.leaderboards.map((lb) => ({
      id: `leaderboard:${lb.name.name}`,
      name: lb.name.name,
      period: lb.period,
      top: this.positiveInt(lb.top, lb.span, 'leaderboard size'),
      calendar: this.calendar(lb.every),
      actions: this.actions(lb.actions, { ...this.groupScope(`leaderboard \`${lb.name.name}\``), extras: ['board'] }),
    }));
    ir.rituals = ast.rituals.map((r) => this.ritual(r));
    ir.lifecycles = ast.lifecycles.map((l) => this.lifecycle(l));
    ir.schedules = ast.schedules.map((s) => this.schedule(s));
    ir.jobs = ast.jobs.map((j) => ({
      id: `job:${j.name.name}`,
      name: j.name.name,
      calendar: this.calendar(j.every),
      actions: this.actions(j.actions, this.groupScope(`job \`${j.name.name}\``)),
    }));
    for (const c of ast.campaigns) ir.campaigns.push(this.campaign(c, ir));
    ir.counters = [...this.counters.values()];
    return ir;
  }

  // ------------------------------------------------------------------ header and declarations

  private firstSpan(): A.Span | undefined {
    const a = this.ast;
    const spans = [a.roles[0]?.span, a.events[0]?.span, a.rules[0]?.span, a.rituals[0]?.span, a.ladders[0]?.span, a.points[0]?.span,
      a.levels[0]?.span, a.lifecycles[0]?.span, a.schedules[0]?.span, a.jobs[0]?.span, a.campaigns[0]?.span, a.badges[0]?.span,
      a.leaderboards[0]?.span, a.segments[0]?.span, a.templates[0]?.name.span].filter((s): s is A.Span => s !== undefined);
    return spans.sort((x, y) => x.start - y.start)[0];
  }

  /** A segment defined through itself would recurse forever when evaluated. */
  private checkSegmentCycles(segments: IR['segments']): void {
    const refs = new Map(segments.map((s) => [s.name, segmentRefs(s.where)]));
    const state = new Map<string, 'visiting' | 'done'>();
    const visit = (name: string, path: string[]): void => {
      if (state.get(name) === 'done') return;
      if (state.get(name) === 'visiting') {
        const cycle = [...path.slice(path.indexOf(name)), name];
        const decl = this.ast.segments.find((s) => s.name.name === name)!;
        this.bag.report(D.E0214.segmentCycle(name, cycle), decl.name.span, 'define one of them without the other');
        return;
      }
      state.set(name, 'visiting');
      for (const r of refs.get(name) ?? []) visit(r, [...path, name]);
      state.set(name, 'done');
    };
    for (const s of segments) visit(s.name, []);
  }

  private checkHeader(): string {
    const h = this.ast.header;
    if (!h) {
      const first = this.firstSpan();
      if (first) this.bag.report(D.W0101.noHeader(), first, 'start the file with `playbook "Name" { timezone "Asia/Shanghai" }`');
      return 'UTC';
    }
    const tz = h.timezone;
    if (!tz) {
      this.bag.report(D.W0101.noTimezone(), h.span, 'add `timezone "Asia/Shanghai"` (or your zone) inside `playbook "…" { }`');
      return 'UTC';
    }
    if (!IANAZone.isValidZone(tz.value)) {
      const known = ['Asia/Shanghai', 'Asia/Hong_Kong', 'Asia/Taipei', 'Asia/Tokyo', 'Asia/Singapore', 'Europe/London', 'Europe/Berlin', 'Europe/Paris', 'America/New_York', 'America/Los_Angeles', 'America/Chicago', 'UTC', 'Australia/Sydney'];
      this.bag.report(D.E0301.unknownZone(tz.value), tz.span, didYouMean(tz.value, known) ?? 'use an IANA zone name such as "Asia/Shanghai"');
      return 'UTC';
    }
    return tz.value;
  }

  private declare(): void {
    const ast = this.ast;
    const dup = (kind: string, seen: Map<string, A.Ident>, id: A.Ident) => {
      const prev = seen.get(id.name);
      if (prev) {
        this.bag.report(D.E0102.definedTwice(kind, id.name), id.span, `the first definition is at line ${prev.span.line}`);
        return true;
      }
      seen.set(id.name, id);
      return false;
    };
    const roleSeen = new Map<string, A.Ident>();
    for (const r of ast.roles) {
      if (!dup('role', roleSeen, r)) this.roles.add(r.name);
    }
    const eventSeen = new Map<string, A.Ident>();
    for (const e of ast.events) {
      if (dup('event', eventSeen, e.name)) continue;
      const fields = dict<EventType['fields'][string]>();
      const fieldSeen = new Map<string, A.Ident>();
      for (const f of e.fields) {
        if (dup('field', fieldSeen, f.name)) continue;
        if (['id', 'type', 'at', 'community', 'member'].includes(f.name.name)) {
          this.bag.report(D.E0103.envelopeField(f.name.name), f.name.span);
          continue;
        }
        fields[f.name.name] = { type: f.type, optional: f.optional };
      }
      const core = own(CORE_EVENTS, e.name.name);
      if (core) {
        for (const [fname, fdef] of Object.entries(fields)) {
          const cf = own(core.fields, fname);
          if (cf && cf.type !== fdef.type) {
            const f = e.fields.find((x) => x.name.name === fname)!;
            this.bag.report(D.E0104.coreFieldType(e.name.name, fname, cf.type, fdef.type), f.typeSpan);
          }
        }
        this.events[e.name.name] = { ...core, fields: Object.assign(dict<EventType['fields'][string]>(), core.fields, fields) };
      } else {
        if (!/^[\p{L}_][\p{L}\p{N}_]*(\.[\p{L}_][\p{L}\p{N}_]*)+$/u.test(e.name.name)) {
          this.bag.report(D.W0102.noNamespace(e.name.name), e.name.span, 'name custom events like `quiz.answered` so they never clash with future core events');
        }
        this.events[e.name.name] = { core: false, memberLevel: true, fields };
      }
    }
    const tplSeen = new Map<string, A.Ident>();
    for (const t of ast.templates) if (!dup('template', tplSeen, t.name)) this.templates.set(t.name.name, t);
    const segSeen = new Map<string, A.Ident>();
    for (const s of ast.segments) if (!dup('segment', segSeen, s.name)) this.segments.add(s.name.name);
    const ladderSeen = new Map<string, A.Ident>();
    for (const l of ast.ladders) if (!dup('ladder', ladderSeen, l.name)) this.ladders.add(l.name.name);
    const schedSeen = new Map<string, A.Ident>();
    for (const s of ast.schedules) if (!dup('schedule', schedSeen, s.name)) this.schedules.add(s.name.name);
    const levelSeen = new Map<string, A.Ident>();
    for (const l of ast.levels) if (!dup('level', levelSeen, l.name)) this.levels.add(l.name.name);
    const campSeen = new Map<string, A.Ident>();
    for (const c of ast.campaigns) {
      if (dup('campaign', campSeen, c.name)) continue;
      const stageSeen = new Map<string, A.Ident>();
      const stages = new Set<string>();
      for (const s of c.stages) if (!dup('stage', stageSeen, s.name)) stages.add(s.name.name);
      this.campaigns.set(c.name.name, stages);
    }
    const ruleSeen = new Map<string, A.Ident>();
    for (const r of [...ast.rules, ...ast.campaigns.flatMap((c) => c.stages.flatMap((s) => s.rules))]) dup('rule', ruleSeen, r.name);
    const ritualSeen = new Map<string, A.Ident>();
    for (const r of ast.rituals) dup('ritual', ritualSeen, r.name);
    const lcSeen = new Map<string, A.Ident>();
    for (const l of ast.lifecycles) dup('lifecycle', lcSeen, l.name);
    const jobSeen = new Map<string, A.Ident>();
    for (const j of ast.jobs) dup('job', jobSeen, j.name);
    const badgeSeen = new Map<string, A.Ident>();
    for (const b of ast.badges) dup('badge', badgeSeen, b.name);
    const lbSeen = new Map<string, A.Ident>();
    for (const lb of ast.leaderboards) dup('leaderboard', lbSeen, lb.name);
  }

  // ------------------------------------------------------------------ scopes

  private memberScope(what: string, events: string[] = []): Scope {
    return { events, member: true, countScope: 'member', extras: [], what };
  }

  private groupScope(what: string): Scope {
    return { events: [], member: false, countScope: 'community', extras: [], what };
  }

  private eventRef(id: A.Ident): string | undefined {
    if (this.events[id.name]) return id.name;
    this.bag.report(D.E0201.unknownEvent(id.name), id.span, didYouMean(id.name, Object.keys(this.events)) ?? 'declare it with `event name.verb { field: type }`');
    return undefined;
  }

  private eventMatch(p: A.EventPattern, scope: Scope): EventMatch {
    const ev = this.eventRef(p.event);
    const inner: Scope = { ...scope, events: ev ? [ev] : [] };
    const m: EventMatch = { event: p.event.name };
    if (p.where) m.where = this.cond(p.where, inner);
    return m;
  }

  // ------------------------------------------------------------------ rules and points

  private rule(r: A.RuleDecl, stage?: StageRef): IR['rules'][number] {
    const id = `rule:${r.name.name}`;
    if (r.on.length === 0) this.bag.report(D.E0401.noTrigger(r.name.name), r.name.span, 'add a line like `on message.posted`');
    if (r.actions.length === 0) this.bag.report(D.W0401.noActions(r.name.name), r.name.span, 'add `do …` with at least one action');
    const base: Scope = { ...this.memberScope(`rule \`${r.name.name}\``), countScope: 'community' };
    if (stage) base.campaign = stage.campaign;
    const on = r.on.map((p) => this.eventMatch(p, base));
    const events = on.map((m) => m.event).filter((e) => this.events[e]);
    const windows: string[] = [];
    const scope: Scope = { ...base, events, owner: id, windows };
    const rule: IR['rules'][number] = {
      id,
      name: r.name.name,
      on,
      unless: r.unless.map((u) => this.cond(u, { ...scope, owner: undefined, windows: undefined })),
      priority: r.priority?.value ?? 0,
      windows,
      actions: this.actions(r.actions, scope),
    };
    if (r.when) rule.when = this.cond(r.when, scope);
    if (r.once) rule.once = r.once;
    if (stage) rule.stage = stage;
    return rule;
  }

  private pointsEntry(p: A.PointsEntry, stage?: StageRef): IR['points'][number] {
    const scope: Scope = this.memberScope('points');
    if (stage) scope.campaign = stage.campaign;
    const on = this.eventMatch(p.on, scope);
    if (!Number.isFinite(p.amount) || p.amount === 0) this.bag.report(D.E0601.zeroEntry(), p.span);
    const entry: IR['points'][number] = {
      id: this.uniquePointsId(stage ? `points:${stage.campaign}.${stage.stage}:${p.on.event.name}` : `points:${p.on.event.name}`),
      on,
      amount: p.amount,
      caps: p.caps.map((c) => {
        if (!Number.isInteger(c.limit) || c.limit < 1) this.bag.report(D.E0602.capLimit(c.limit), c.span);
        return { limit: Math.max(1, c.limit), per: c.per, unit: c.unit };
      }),
      reason: p.reason?.value ?? p.on.event.name,
    };
    if (p.cooldown) entry.cooldownMs = this.duration(p.cooldown, 'cooldown');
    if (stage) entry.stage = stage;
    return entry;
  }

  private readonly pointsIds = new Set<string>();
  /** Two entries for the same event keep separate cooldowns and caps. */
  private uniquePointsId(base: string): string {
    let id = base;
    for (let n = 2; this.pointsIds.has(id); n++) id = `${base}#${n}`;
    this.pointsIds.add(id);
    return id;
  }

  private levelsIR(): IR['levels'] {
    const out = this.ast.levels.map((l) => ({ name: l.name.name, at: l.at }));
    const sorted = [...this.ast.levels].sort((a, b) => a.at - b.at);
    for (let i = 1; i < sorted.length; i++) {
      if (sorted[i]!.at === sorted[i - 1]!.at) {
        this.bag.report(D.E0603.sameThreshold(sorted[i - 1]!.name.name, sorted[i]!.name.name, sorted[i]!.at), sorted[i]!.span);
      }
    }
    for (let i = 1; i < this.ast.levels.length; i++) {
      if (this.ast.levels[i]!.at < this.ast.levels[i - 1]!.at) {
        this.bag.report(D.W0601.levelsOrder(), this.ast.levels[i]!.span, 'list them from the lowest threshold up, so the file reads like the ladder it is');
        break;
      }
    }
    return out.sort((a, b) => a.at - b.at);
  }

  private badge(b: A.BadgeDecl): IR['badges'][number] {
    const out: IR['badges'][number] = {
      id: `badge:${b.name.name}`,
      name: b.name.name,
      actions: this.actions(b.actions, { ...this.memberScope(`badge \`${b.name.name}\``), extras: ['badge'] }),
    };
    if (b.when) out.when = this.cond(b.when, { ...this.memberScope(`badge \`${b.name.name}\``), countScope: 'member' });
    if (b.streak) {
      const ev = this.eventRef(b.streak.event);
      if (!Number.isInteger(b.streak.days) || b.streak.days < 1 || b.streak.days > 366) {
        this.bag.report(D.E0604.streakDays(b.streak.days), b.streak.span);
      }
      out.streak = { days: Math.min(366, Math.max(1, Math.floor(b.streak.days))), event: ev ?? b.streak.event.name };
    }
    return out;
  }

  // ------------------------------------------------------------------ rituals

  private ritual(r: A.RitualDecl): IR['rituals'][number] {
    const what = `ritual \`${r.name.name}\``;
    const scope = this.memberScope(what);
    if (!r.startsOn) this.bag.report(D.E0402.noStartsOn(what), r.name.span, 'add `starts on member.joined`');
    const startsOn = r.startsOn ? this.eventMatch(r.startsOn, scope) : { event: 'member.joined' };
    const startEvents = [startsOn.event];
    if (r.steps.length === 0 && r.done.length > 0) this.bag.report(D.W0402.noSteps(what), r.name.span);
    const stepSeen = new Map<string, A.Ident>();
    const steps = r.steps.map((s) => {
      const prev = stepSeen.get(s.name.name);
      if (prev) this.bag.report(D.E0102.ritualStepTwice(s.name.name, what), s.name.span, `the first is at line ${prev.span.line}`);
      stepSeen.set(s.name.name, s.name);
      return { name: s.name.name, label: s.label?.value ?? s.name.name, on: this.eventMatch(s.on, scope) };
    });
    const timerScope: Scope = { ...scope, extras: ['missing', 'ritual'] };
    const reminders = r.reminders.map((rem) => ({ afterMs: this.duration(rem.after, 'reminder delay'), actions: this.actions(rem.actions, timerScope) }));
    const out: IR['rituals'][number] = {
      id: `ritual:${r.name.name}`,
      name: r.name.name,
      startsOn,
      onStart: this.actions(r.onStart, { ...scope, events: startEvents, extras: ['missing', 'ritual'] }),
      steps,
      reminders,
      cancelOn: r.cancelOn.map((c) => this.eventMatch(c, scope)),
      done: this.actions(r.done, { ...scope, extras: ['ritual'] }),
    };
    if (r.deadline) {
      const afterMs = this.duration(r.deadline.after, 'deadline');
      out.deadline = { afterMs, actions: this.actions(r.deadline.actions, timerScope) };
      r.reminders.forEach((rem, i) => {
        if (reminders[i]!.afterMs >= afterMs) {
          this.bag.report(D.W0403.reminderTooLate(r.deadline!.after.text), rem.after.span);
        }
      });
    }
    return out;
  }

  // ------------------------------------------------------------------ lifecycles

  private lifecycle(l: A.LifecycleDecl): IR['lifecycles'][number] {
    const what = `lifecycle \`${l.name.name}\``;
    const states: string[] = [];
    const add = (s: string) => { if (!states.includes(s)) states.push(s); };
    for (const t of l.transitions) { add(t.from.name); add(t.to.name); }
    if (l.transitions.length === 0) this.bag.report(D.E0701.noTransitions(what), l.name.span, 'add lines like `newcomer -> active on message.posted`');
    let initial = l.initial?.name ?? l.transitions[0]?.from.name ?? 'start';
    if (l.initial && !states.includes(l.initial.name)) {
      this.bag.report(D.E0702.initialNotAState(l.initial.name, what), l.initial.span, didYouMean(l.initial.name, states));
      initial = states[0] ?? initial;
    }
    if (!states.includes(initial)) states.unshift(initial);
    const transitions = l.transitions.map((t) => {
      const scope = { ...this.memberScope(`${what} (${t.from.name} -> ${t.to.name})`), extras: ['lifecycle', 'from', 'to'] };
      let trigger: IR['lifecycles'][number]['transitions'][number]['trigger'];
      let events: string[] = [];
      if (t.trigger.kind === 'on') {
        const on = this.eventMatch(t.trigger.on, scope);
        trigger = { on };
        events = [on.event];
      } else if (t.trigger.kind === 'when') {
        trigger = { when: this.cond(t.trigger.when, scope) };
      } else {
        const afterMs = this.duration(t.trigger.after, 'delay');
        const without = t.trigger.without ? this.eventRef(t.trigger.without) : undefined;
        trigger = without ? { afterMs, without } : { afterMs };
      }
      if (t.from.name === t.to.name) this.bag.report(D.W0702.selfTransition(t.from.name), t.span);
      return { from: t.from.name, to: t.to.name, trigger, actions: this.actions(t.actions, { ...scope, events }) };
    });
    // Reachability from the initial state.
    const reach = new Set([initial]);
    let grew = true;
    while (grew) {
      grew = false;
      for (const t of transitions) if (reach.has(t.from) && !reach.has(t.to)) { reach.add(t.to); grew = true; }
    }
    for (const s of states) {
      if (!reach.has(s)) {
        const where = l.transitions.find((t) => t.from.name === s)?.from ?? l.transitions.find((t) => t.to.name === s)?.to;
        this.bag.report(D.W0701.unreachable(s, what, initial), where?.span ?? l.name.span, 'add a transition into it, or remove it');
      }
    }
    return { id: `lifecycle:${l.name.name}`, name: l.name.name, initial, states, transitions };
  }

  // ------------------------------------------------------------------ schedules, campaigns

  private calendar(c: A.Calendar): IR['jobs'][number]['calendar'] {
    if (c.times.length === 0) this.bag.report(D.E0304.noTime(), c.span, 'write e.g. `every mon-fri 19:20` or `every day at 09:00`');
    if (c.kind === 'weekly' && c.weekdays.length === 0) this.bag.report(D.E0308.noWeekday(), c.span);
    return {
      kind: c.kind,
      weekdays: c.weekdays,
      monthDays: [...new Set(c.monthDays)].filter((d) => d >= 1 && d <= 31).sort((a, b) => a - b),
      times: c.times.length ? [...new Set(c.times)].sort((a, b) => a - b) : [0],
    };
  }

  private schedule(s: A.ScheduleDecl): IR['schedules'][number] {
    const what = `schedule \`${s.name.name}\``;
    const attendanceEvent = s.attendance ? this.eventRef(s.attendance) ?? 'message.posted' : 'message.posted';
    const out: IR['schedules'][number] = {
      id: `schedule:${s.name.name}`,
      name: s.name.name,
      calendar: this.calendar(s.every),
      attendanceEvent,
      hooks: s.hooks.map((h) => {
        if (h.anchor === 'end' && s.untilMinutes === undefined) {
          this.bag.report(D.E0307.noEndTime(what), h.span, 'give the session an end: `every mon-fri 19:20 until 20:00`');
        }
        return { anchor: h.anchor, offsetMs: h.offsetMs, actions: this.actions(h.actions, { ...this.groupScope(what), extras: ['schedule', 'session'] }) };
      }),
    };
    if (s.untilMinutes !== undefined) out.durationMs = s.untilMinutes * 60_000;
    return out;
  }

  private date(d: { date: string; span: A.Span }): DateTime | undefined {
    const dt = DateTime.fromISO(d.date, { zone: 'UTC' });
    if (!dt.isValid) {
      this.bag.report(D.E0302.notADate(d.date), d.span, dt.invalidExplanation ?? undefined);
      return undefined;
    }
    return dt;
  }

  private campaign(c: A.CampaignDecl, ir: IR): IR['campaigns'][number] {
    const what = `campaign \`${c.name.name}\``;
    if (c.stages.length === 0) this.bag.report(D.E0801.noStages(what), c.name.span, 'add `stage NAME from YYYY-MM-DD to YYYY-MM-DD { … }`');
    const stages: IR['campaigns'][number]['stages'] = [];
    let prevEnd: DateTime | undefined;
    let prevName = '';
    c.stages.forEach((s, i) => {
      const from = this.date(s.from);
      const to = s.to ? this.date(s.to) : undefined;
      if (from && to && to < from) this.bag.report(D.E0802.endsBeforeStart(s.name.name), s.to!.span);
      if (from && prevEnd && from <= prevEnd) {
        this.bag.report(D.E0803.overlaps(s.name.name, prevName), s.from.span, 'stages of a campaign follow one another without overlap');
      }
      if (!s.to && i < c.stages.length - 1) this.bag.report(D.E0804.openEnded(s.name.name), s.name.span);
      prevEnd = to;
      prevName = s.name.name;
      const stageRef = { campaign: c.name.name, stage: s.name.name };
      const scope: Scope = { ...this.groupScope(`stage \`${s.name.name}\``), campaign: c.name.name, extras: ['campaign', 'stage'] };
      const stage: IR['campaigns'][number]['stages'][number] = {
        name: s.name.name,
        from: s.from.date,
        onEnter: this.actions(s.onEnter, scope),
        onExit: this.actions(s.onExit, scope),
      };
      if (s.to) stage.to = s.to.date;
      if (s.multiplier) {
        if (!(s.multiplier.factor > 0)) this.bag.report(D.E0805.multiplier(), s.multiplier.span);
        else stage.multiplier = s.multiplier.factor;
      }
      stages.push(stage);
      s.points.forEach((p) => ir.points.push(this.pointsEntry(p, stageRef)));
      s.rules.forEach((r) => ir.rules.push(this.rule(r, stageRef)));
    });
    const goalSeen = new Map<string, A.Ident>();
    const goals = c.goals.map((g) => {
      const prev = goalSeen.get(g.name.name);
      if (prev) this.bag.report(D.E0102.goalTwice(g.name.name, what), g.name.span);
      goalSeen.set(g.name.name, g.name);
      const scope: Scope = { ...this.groupScope(`goal \`${g.name.name}\``), campaign: c.name.name, extras: ['campaign', 'goal'] };
      return { name: g.name.name, when: this.cond(g.when, scope), actions: this.actions(g.actions, scope) };
    });
    return { id: `campaign:${c.name.name}`, name: c.name.name, stages, goals };
  }

  // ------------------------------------------------------------------ conditions

  private cond(c: A.Condition, scope: Scope): Cond {
    switch (c.kind) {
      case 'and':
        return { all: c.items.map((i) => this.cond(i, scope)) };
      case 'or':
        return { any: c.items.map((i) => this.cond(i, scope)) };
      case 'not':
        return { not: this.cond(c.item, scope) };
      case 'hasRole':
        if (!scope.member) this.noMember(c.span, scope);
        if (!this.roles.has(c.role.name)) {
          this.bag.report(D.E0202.unknownRole(c.role.name), c.role.span, didYouMean(c.role.name, this.roles) ?? 'declare it with `roles admin, kol, …`');
        }
        return { op: 'hasRole', role: c.role.name };
      case 'hasTag':
        if (!scope.member) this.noMember(c.span, scope);
        return { op: 'hasTag', tag: c.tag.value };
      case 'inSegment':
        if (!scope.member) this.noMember(c.span, scope);
        if (!this.segments.has(c.segment.name)) {
          this.bag.report(D.E0203.unknownSegment(c.segment.name), c.segment.span, didYouMean(c.segment.name, this.segments) ?? 'declare it with `segment NAME where …`');
        }
        return { op: 'inSegment', segment: c.segment.name };
      case 'inStage': {
        const stages = this.campaigns.get(c.campaign.name);
        if (!stages) this.bag.report(D.E0204.unknownCampaign(c.campaign.name), c.campaign.span, didYouMean(c.campaign.name, this.campaigns.keys()));
        else if (c.stage && !stages.has(c.stage.name)) this.bag.report(D.E0205.unknownStage(c.campaign.name, c.stage.name), c.stage.span, didYouMean(c.stage.name, stages));
        return c.stage ? { op: 'inStage', campaign: c.campaign.name, stage: c.stage.name } : { op: 'inStage', campaign: c.campaign.name };
      }
      case 'truth': {
        const v = this.value(c.subject, scope);
        if (v.type !== 'boolean' && v.type !== 'unknown') {
          this.bag.report(D.E0405.notACondition(describeOperand(c.subject), v.type), c.span, 'compare it, e.g. `amount >= 5`');
        }
        return { op: 'truthy', left: v.ir };
      }
      case 'compare': {
        const l = this.value(c.left, scope);
        const r = this.value(c.right, scope);
        const ordered = c.op !== '==' && c.op !== '!=';
        if (l.type !== 'unknown' && r.type !== 'unknown' && l.type !== r.type) {
          this.bag.report(D.E0404.compare(l.type, describeOperand(c.left), r.type, describeOperand(c.right)), c.span);
        } else if (ordered && (l.type === 'boolean' || l.type === 'string[]')) {
          this.bag.report(D.E0404.order(c.op, describeOperand(c.left), l.type), c.span);
        }
        if ('member' in l.ir && l.ir.member === 'level' && ordered) {
          this.bag.report(D.E0404.orderLevels(c.op), c.span, 'compare points instead, e.g. `member.points >= 50`, or test one level with `member.level == "活跃"`');
        } else if ('member' in l.ir && l.ir.member === 'level' && c.right.kind === 'string' && !this.levels.has(c.right.value)) {
          this.bag.report(D.E0206.unknownLevel(c.right.value), c.right.span, didYouMean(c.right.value, this.levels));
        }
        const op = ({ '==': 'eq', '!=': 'ne', '>': 'gt', '>=': 'gte', '<': 'lt', '<=': 'lte' } as const)[c.op];
        return { op, left: l.ir, right: r.ir };
      }
      case 'matches': {
        const v = this.value(c.subject, scope);
        if (v.type !== 'string' && v.type !== 'unknown' && v.type !== 'string[]') {
          this.bag.report(D.E0404.matchesNeedsText(describeOperand(c.subject), v.type), c.subject.span);
        }
        if (c.patterns.length === 0) this.bag.report(D.E0406.noPatterns(), c.span);
        const patterns = c.patterns.map((p) => {
          if (p.kind === 'text') {
            if (p.value === '') this.bag.report(D.E0406.emptyPattern(), p.span);
            return { text: p.value };
          }
          reportRegex(this.bag, p);
          return { regex: p.source, flags: p.flags };
        });
        return { op: 'matches', left: v.ir, patterns };
      }
      case 'contains': {
        const v = this.value(c.subject, scope);
        if (v.type !== 'string' && v.type !== 'string[]' && v.type !== 'unknown') {
          this.bag.report(D.E0404.containsNeedsText(describeOperand(c.subject), v.type), c.subject.span);
        }
        return { op: 'contains', left: v.ir, value: c.value.value };
      }
    }
  }

  private noMember(span: A.Span, scope: Scope): void {
    this.bag.report(D.E0407.noMember(scope.what), span, 'use `remove members where …` or `say to members where …` to test each member');
  }

  private value(o: A.Operand, scope: Scope): { ir: CondValue; type: string } {
    switch (o.kind) {
      case 'number':
        return { ir: { const: o.value }, type: 'number' };
      case 'string':
        return { ir: { const: o.value }, type: 'string' };
      case 'boolean':
        return { ir: { const: o.value }, type: 'boolean' };
      case 'duration':
        return { ir: { const: o.ms }, type: 'number' };
      case 'count': {
        const ev = this.eventRef(o.event);
        let within: number | undefined;
        if (o.within) within = this.duration(o.within, 'window');
        const memberScoped = o.byMember || scope.countScope === 'member';
        if (o.byMember && !scope.member) this.noMember(o.span, scope);
        const counter: Counter = { id: '', event: ev ?? o.event.name, scope: memberScoped ? 'member' : 'community' };
        if (within) counter.withinMs = within;
        if (scope.campaign) counter.campaign = scope.campaign;
        const owner = within && scope.owner ? scope.owner : '';
        const key = JSON.stringify([counter.event, counter.scope, counter.withinMs ?? 0, counter.campaign ?? '', owner]);
        let existing = this.counters.get(key);
        if (!existing) {
          existing = { ...counter, id: `n${this.counters.size + 1}` };
          this.counters.set(key, existing);
        }
        if (within && scope.windows && !scope.windows.includes(existing.id)) scope.windows.push(existing.id);
        return { ir: { counter: existing.id }, type: 'number' };
      }
      case 'absences':
      case 'attended': {
        if (!this.schedules.has(o.schedule.name)) {
          this.bag.report(D.E0207.unknownSchedule(o.schedule.name), o.schedule.span, didYouMean(o.schedule.name, this.schedules) ?? 'declare it with `schedule NAME every …`');
        }
        if (!scope.member) this.noMember(o.span, scope);
        const withinMs = o.within ? this.duration(o.within, 'window') : 30 * 86_400_000;
        return { ir: { attendance: { schedule: o.schedule.name, kind: o.kind, withinMs } }, type: 'number' };
      }
      case 'path':
        return this.path(o, scope);
    }
  }

  private path(o: Extract<A.Operand, { kind: 'path' }>, scope: Scope): { ir: CondValue; type: string } {
    const parts = o.path.map((p) => p.name);
    if (parts[0] === 'member' && parts.length === 2) {
      if (!scope.member) this.noMember(o.span, scope);
      const attr = parts[1]!;
      if (!(MEMBER_ATTRS as readonly string[]).includes(attr)) {
        this.bag.report(D.E0208.noMemberAttribute(attr), o.path[1]!.span, didYouMean(attr, MEMBER_ATTRS) ?? `member attributes are ${MEMBER_ATTRS.join(', ')}`);
        return { ir: { member: 'id' }, type: 'unknown' };
      }
      const type = attr === 'points' || attr === 'joinedDays' ? 'number' : 'string';
      return { ir: { member: attr as (typeof MEMBER_ATTRS)[number] }, type };
    }
    if (parts[0] === 'member' && parts.length === 1) {
      if (!scope.member) this.noMember(o.span, scope);
      return { ir: { member: 'id' }, type: 'string' };
    }
    const fieldParts = parts[0] === 'event' && parts.length > 1 ? parts.slice(1) : parts;
    const name = fieldParts.join('.');
    const nameSpan = parts[0] === 'event' && parts.length > 1 ? o.path[1]!.span : o.span;
    if (scope.events.length === 0) {
      this.bag.report(D.E0209.noEventHere(parts.join('.'), scope.what), nameSpan, 'member values are written `member.points`, `member.name`…');
      return { ir: { field: name }, type: 'unknown' };
    }
    let type: string | undefined;
    for (const ev of scope.events) {
      const f = this.events[ev]?.fields[name];
      if (!f) {
        const known = Object.keys(this.events[ev]?.fields ?? {});
        this.bag.report(D.E0210.noSuchField(ev, name), nameSpan, didYouMean(name, [...known, 'member.points', 'member.name']) ?? (known.length ? `its fields are ${known.join(', ')}` : 'it has no fields'));
        return { ir: { field: name }, type: 'unknown' };
      }
      if (type && type !== f.type) type = 'unknown';
      else type = f.type;
    }
    return { ir: { field: name }, type: type ?? 'unknown' };
  }

  // ------------------------------------------------------------------ actions

  private actions(list: A.Action[], scope: Scope): Action[] {
    return list.map((a) => this.action(a, scope));
  }

  private text(t: A.MessageText, scope: Scope, memberInScope: boolean): string {
    let value: string;
    let span: A.Span;
    if (t.kind === 'template') {
      const tpl = this.templates.get(t.name.name);
      if (!tpl) {
        this.bag.report(D.E0211.unknownTemplate(t.name.name), t.name.span, didYouMean(t.name.name, this.templates.keys()) ?? 'declare it with `template NAME "text"`');
        return '';
      }
      value = tpl.text.value;
      span = t.name.span;
    } else {
      value = t.text.value;
      span = t.text.span;
    }
    const allowed = new Set<string>(scope.extras);
    if (memberInScope) for (const a of MEMBER_ATTRS) allowed.add(`member.${a}`);
    // With several triggering events, only fields every one of them has can be filled.
    const fieldSets = scope.events.map((ev) => Object.keys(this.events[ev]?.fields ?? {}));
    const shared = fieldSets.length ? fieldSets.reduce((a, b) => a.filter((f) => b.includes(f))) : [];
    for (const f of shared) { allowed.add(f); allowed.add(`event.${f}`); }
    allowed.add('community');
    allowed.add('date');
    allowed.add('time');
    for (const p of placeholders(value)) {
      if (!allowed.has(p.name)) {
        const at = t.kind === 'inline' ? offsetSpan(span, value, p.offset, p.name.length + 2) : span;
        const groupScope = p.name.startsWith('member.') && !memberInScope ? scope.what : undefined;
        this.bag.report(D.E0212.unknownPlaceholder(p.name, groupScope), at, didYouMean(p.name, allowed) ?? `placeholders here: ${[...allowed].sort().map((x) => `{${x}}`).join(' ')}`);
      }
    }
    return value;
  }

  private audience(to: A.Audience, scope: Scope, span: A.Span): { audience: Audience; memberInText: boolean } {
    switch (to.kind) {
      case 'group':
        return { audience: { kind: 'group' }, memberInText: scope.member };
      case 'admins':
        return { audience: { kind: 'admins' }, memberInText: scope.member };
      case 'member':
        if (!scope.member) this.noMember(span, scope);
        return { audience: { kind: 'member' }, memberInText: true };
      case 'channel':
        return { audience: { kind: 'channel', channel: to.channel.value }, memberInText: scope.member };
      case 'members':
        return { audience: { kind: 'members', filter: this.filter(to, scope, span) }, memberInText: true };
    }
  }

  private filter(f: { silent: boolean; tagged?: A.StringLit; segment?: A.Ident; where?: A.Condition; unless?: A.Condition }, scope: Scope, span: A.Span): MemberFilter {
    const each: Scope = { ...scope, member: true, countScope: 'member', events: [], owner: undefined, windows: undefined, what: `${scope.what}, for each member` };
    const out: MemberFilter = { silent: f.silent };
    if (f.silent && !scope.extras.includes('session')) {
      // Silent means "has not spoken in the current session": only schedules have sessions.
      this.bag.report(D.E0408.silentOutsideSchedule(), span);
    }
    if (f.tagged) out.tagged = f.tagged.value;
    if (f.segment) {
      if (!this.segments.has(f.segment.name)) this.bag.report(D.E0203.unknownSegment(f.segment.name), f.segment.span, didYouMean(f.segment.name, this.segments));
      out.segment = f.segment.name;
    }
    if (f.where) out.where = this.cond(f.where, each);
    if (f.unless) out.unless = this.cond(f.unless, each);
    return out;
  }

  private action(a: A.Action, scope: Scope): Action {
    switch (a.kind) {
      case 'say': {
        const { audience, memberInText } = this.audience(a.to, scope, a.span);
        return { do: 'say', to: audience, text: this.text(a.text, scope, memberInText) };
      }
      case 'notify':
        return { do: 'notify', text: this.text(a.text, scope, scope.member) };
      case 'deleteMessage':
        if (!scope.events.includes('message.posted') && !scope.events.some((e) => this.events[e]?.fields['messageId'])) {
          this.bag.report(D.E0409.deleteNeedsMessage(scope.what), a.span, 'trigger the rule `on message.posted`');
        }
        return { do: 'deleteMessage' };
      case 'warn': {
        if (!scope.member) this.noMember(a.span, scope);
        if (!this.ladders.has(a.ladder.name)) {
          this.bag.report(D.E0213.unknownLadder(a.ladder.name), a.ladder.span, didYouMean(a.ladder.name, this.ladders) ?? 'declare it with `ladder NAME { 1: …; 2: … }`');
        }
        const out: Action = { do: 'warn', ladder: a.ladder.name };
        if (a.reason) out.reason = this.text(a.reason, scope, true);
        return out;
      }
      case 'mute': {
        if (!scope.member) this.noMember(a.span, scope);
        const out: Action = { do: 'mute', durationMs: Math.max(1, this.duration(a.duration, 'mute')) };
        if (a.reason) out.reason = a.reason.value;
        return out;
      }
      case 'remove': {
        if (!scope.member) this.noMember(a.span, scope);
        return a.reason ? { do: 'remove', reason: a.reason.value } : { do: 'remove' };
      }
      case 'removeMembers': {
        const out: Action = { do: 'removeMembers', filter: this.filter(a, scope, a.span) };
        if (!a.where && !a.tagged && !a.segment) {
          this.bag.report(D.W0404.removeEveryone(), a.span, 'add `where …` or `tagged "…"`');
        }
        if (a.reason) out.reason = a.reason.value;
        return out;
      }
      case 'tag':
      case 'untag':
        if (!scope.member) this.noMember(a.span, scope);
        if (a.tag.value.trim() === '') this.bag.report(D.E0410.emptyTag(), a.tag.span);
        return { do: a.kind, tag: a.tag.value };
      case 'award':
        if (!scope.member) this.noMember(a.span, scope);
        if (a.amount === 0) this.bag.report(D.E0601.zeroAward(), a.span);
        return a.reason ? { do: 'award', amount: a.amount, reason: a.reason.value, multiplied: a.multiplied } : { do: 'award', amount: a.amount, multiplied: a.multiplied };
    }
  }

  // ------------------------------------------------------------------ small checks

  private duration(d: A.Duration, what: string): number {
    if (!(d.ms > 0)) {
      this.bag.report(D.E0303.zero(what, d.text), d.span);
      return 1;
    }
    if (d.ms > MAX_DURATION_MS) {
      this.bag.report(D.E0303.overTenYears(what, d.text), d.span, 'durations use s, m, h, d and w; did you mean a smaller unit?');
      return MAX_DURATION_MS;
    }
    if (!Number.isInteger(d.ms)) return Math.round(d.ms);
    return d.ms;
  }

  private positiveInt(n: number, span: A.Span, what: string): number {
    if (!Number.isInteger(n) || n < 1) {
      this.bag.report(D.E0604.notPositive(what), span);
      return 1;
    }
    return n;
  }
}

/** The core events as the dicts the IR holds (the table in core-events.ts is a plain literal). */
function coreEventTable(): Dict<EventType> {
  const out = dict<EventType>();
  for (const [name, def] of Object.entries(CORE_EVENTS)) out[name] = { ...def, fields: dictFrom(def.fields) };
  return out;
}

function segmentRefs(c: Cond): string[] {
  if ('all' in c) return c.all.flatMap(segmentRefs);
  if ('any' in c) return c.any.flatMap(segmentRefs);
  if ('not' in c) return segmentRefs(c.not);
  return c.op === 'inSegment' ? [c.segment] : [];
}

function describeOperand(o: A.Operand): string {
  switch (o.kind) {
    case 'number':
      return String(o.value);
    case 'string':
      return JSON.stringify(o.value);
    case 'boolean':
      return String(o.value);
    case 'duration':
      return `${o.ms}ms`;
    case 'count':
      return `count(${o.event.name}${o.byMember ? ' by member' : ''}${o.within ? ` within ${o.within.text}` : ''})`;
    case 'absences':
    case 'attended':
      return `${o.kind}(${o.schedule.name})`;
    case 'path':
      return o.path.map((p) => p.name).join('.');
  }
}

/** Span of a placeholder inside a string literal (the literal's span includes its quote). */
function offsetSpan(span: A.Span, value: string, offset: number, length: number): A.Span {
  // Escapes make literal offsets differ from value offsets; only adjust when none are present.
  const literalLength = span.end - span.start - 2;
  if (literalLength !== value.length) return span;
  return { start: span.start + 1 + offset, end: span.start + 1 + offset + length, line: span.line, column: span.column + 1 + offset };
}
