import { IANAZone } from 'luxon';
import type * as A from '../../parser/ast.js';
import { D } from '../../parser/diagnostic-codes.js';
import type { DiagnosticBag } from '../../parser/diagnostics.js';
import { dict } from '../../stdlib/dict.js';
import { didYouMean } from '../../stdlib/suggest.js';
import { IR_VERSION, type IR } from '../../ir/schema.js';
import { campaign } from './campaigns.js';
import { declareEvents } from './events.js';
import { agenda } from './agendas.js';
import { job } from './jobs.js';
import { ladder } from './ladders.js';
import { leaderboard } from './leaderboards.js';
import { badge, levels } from './levels.js';
import { lifecycle } from './lifecycles.js';
import { pointsEntry } from './points.js';
import { ritual } from './rituals.js';
import { rule } from './rules.js';
import { schedule } from './schedules.js';
import { Checker, definedTwice } from './scopes.js';
import { duration } from './checks.js';
import { directMessages } from './direct-messages.js';
import { segments } from './segments.js';
import { endpoint } from './platform-actions.js';

/**
 * The semantic checker: resolves every name, checks types, durations, dates, time zones and
 * regexes, and lowers the tree to the IR in the same walk (so a name is resolved once, where the
 * diagnostic can point at it). Returns an IR even when there are errors; callers must not run it
 * then.
 *
 * This file orders the passes: the header, the declarations (every name into the symbol tables
 * of scopes.ts), then one lowering per construct, each in the file named by its word in the
 * language (rules.ts, ladders.ts, …), sharing scopes.ts, conditions.ts, actions.ts and
 * templates.ts. Diagnostics come out in the order the passes report them.
 */
export function checkPlaybook(ast: A.Playbook, bag: DiagnosticBag, file: string): IR {
  const cx = new Checker(ast, bag, file);
  const timezone = checkHeader(cx);
  declare(cx);
  const ir: IR = {
    version: IR_VERSION,
    name: ast.header?.name.value || file.replace(/^.*[\\/]/, '').replace(/\.playbook$/, ''),
    timezone,
    locale: ast.header?.locale?.value ?? 'zh-CN',
    ...(ast.header?.horizon ? { horizonMs: duration(cx, ast.header.horizon, 'horizon') } : {}),
    source: file,
    roles: [...cx.roles],
    events: cx.events,
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
    agendas: [],
  };
  ir.segments = segments(cx);
  ast.rules.forEach((r) => ir.rules.push(rule(cx, r)));
  exclusiveGroups(cx, [...ast.rules, ...ast.campaigns.flatMap((c) => c.stages.flatMap((s) => s.rules))]);
  for (const l of ast.ladders) ir.ladders.push(ladder(cx, l));
  ast.points.forEach((p) => ir.points.push(pointsEntry(cx, p)));
  ir.levels = levels(cx);
  ir.badges = ast.badges.map((b) => badge(cx, b));
  ir.leaderboards = ast.leaderboards.map((lb) => leaderboard(cx, lb));
  ir.rituals = ast.rituals.map((r) => ritual(cx, r));
  ir.lifecycles = ast.lifecycles.map((l) => lifecycle(cx, l));
  ir.schedules = ast.schedules.map((s) => schedule(cx, s));
  ir.jobs = ast.jobs.map((j) => job(cx, j));
  ir.agendas = ast.agendas.map((a) => agenda(cx, a));
  for (const c of ast.campaigns) ir.campaigns.push(campaign(cx, c, ir));
  for (const b of ast.badges) {
    if (!b.when && !b.streak && !cx.badgesAwarded.has(b.name.name)) {
      cx.bag.report(
        D.W0602.neverGranted(b.name.name),
        b.name.span,
        `grant it with \`award badge ${b.name.name}\` (in a leaderboard's \`for each member:\`, a rule…), or give it \`when CONDITION\``,
      );
    }
  }
  ir.counters = [...cx.counters.values()];
  if (cx.lotteries.size) ir.lotteries = [...cx.lotteries.values()];
  const dm = directMessages(cx);
  if (dm) ir.directMessages = dm;
  if (cx.endpoints.size) {
    ir.endpoints = dict();
    for (const [name, e] of cx.endpoints) ir.endpoints[name] = e;
  }
  return ir;
}

// ------------------------------------------------------------------ header and declarations

function firstSpan(cx: Checker): A.Span | undefined {
  const a = cx.ast;
  const spans = [
    a.roles[0]?.span,
    a.events[0]?.span,
    a.rules[0]?.span,
    a.rituals[0]?.span,
    a.ladders[0]?.span,
    a.points[0]?.span,
    a.levels[0]?.span,
    a.lifecycles[0]?.span,
    a.schedules[0]?.span,
    a.jobs[0]?.span,
    a.campaigns[0]?.span,
    a.agendas[0]?.span,
    a.badges[0]?.span,
    a.leaderboards[0]?.span,
    a.segments[0]?.span,
    a.templates[0]?.name.span,
    a.directMessages[0]?.span,
  ].filter((s): s is A.Span => s !== undefined);
  return spans.sort((x, y) => x.start - y.start)[0];
}

/** `playbook "Name" { timezone …; locale … }`: the time zone, UTC when missing or unknown. */
function checkHeader(cx: Checker): string {
  const h = cx.ast.header;
  if (!h) {
    const first = firstSpan(cx);
    if (first) cx.bag.report(D.W0101.noHeader(), first, 'start the file with `playbook "Name" { timezone "Asia/Shanghai" }`');
    return 'UTC';
  }
  const tz = h.timezone;
  if (!tz) {
    cx.bag.report(D.W0101.noTimezone(), h.span, 'add `timezone "Asia/Shanghai"` (or your zone) inside `playbook "…" { }`');
    return 'UTC';
  }
  if (!IANAZone.isValidZone(tz.value)) {
    const known = [
      'Asia/Shanghai',
      'Asia/Hong_Kong',
      'Asia/Taipei',
      'Asia/Tokyo',
      'Asia/Singapore',
      'Europe/London',
      'Europe/Berlin',
      'Europe/Paris',
      'America/New_York',
      'America/Los_Angeles',
      'America/Chicago',
      'UTC',
      'Australia/Sydney',
    ];
    cx.bag.report(D.E0301.unknownZone(tz.value), tz.span, didYouMean(tz.value, known) ?? 'use an IANA zone name such as "Asia/Shanghai"');
    return 'UTC';
  }
  return tz.value;
}

/** Every declared name into the symbol tables, before any use is resolved; a name twice is E0102. */
function declare(cx: Checker): void {
  const ast = cx.ast;
  const dup = (kind: string, seen: Map<string, A.Ident>, id: A.Ident) => definedTwice(cx, kind, seen, id);
  const roleSeen = new Map<string, A.Ident>();
  for (const r of ast.roles) {
    if (!dup('role', roleSeen, r)) cx.roles.add(r.name);
  }
  declareEvents(cx, ast.events);
  const tplSeen = new Map<string, A.Ident>();
  for (const t of ast.templates) if (!dup('template', tplSeen, t.name)) cx.templates.set(t.name.name, t);
  const segSeen = new Map<string, A.Ident>();
  for (const s of ast.segments) if (!dup('segment', segSeen, s.name)) cx.segments.add(s.name.name);
  const ladderSeen = new Map<string, A.Ident>();
  for (const l of ast.ladders) if (!dup('ladder', ladderSeen, l.name)) cx.ladders.add(l.name.name);
  const schedSeen = new Map<string, A.Ident>();
  const stages = ast.campaigns.flatMap((c) => c.stages);
  for (const s of [...ast.schedules, ...stages.flatMap((st) => st.schedules)]) if (!dup('schedule', schedSeen, s.name)) cx.schedules.add(s.name.name);
  const levelSeen = new Map<string, A.Ident>();
  for (const l of ast.levels) if (!dup('level', levelSeen, l.name)) cx.levels.add(l.name.name);
  const campSeen = new Map<string, A.Ident>();
  for (const c of ast.campaigns) {
    if (dup('campaign', campSeen, c.name)) continue;
    const stageSeen = new Map<string, A.Ident>();
    const stages = new Set<string>();
    for (const s of c.stages) if (!dup('stage', stageSeen, s.name)) stages.add(s.name.name);
    cx.campaigns.set(c.name.name, stages);
  }
  const ruleSeen = new Map<string, A.Ident>();
  for (const r of [...ast.rules, ...ast.campaigns.flatMap((c) => c.stages.flatMap((s) => s.rules))]) dup('rule', ruleSeen, r.name);
  const ritualSeen = new Map<string, A.Ident>();
  for (const r of ast.rituals) dup('ritual', ritualSeen, r.name);
  const lcSeen = new Map<string, A.Ident>();
  for (const l of ast.lifecycles) dup('lifecycle', lcSeen, l.name);
  const jobSeen = new Map<string, A.Ident>();
  for (const j of [...ast.jobs, ...stages.flatMap((st) => st.jobs)]) dup('job', jobSeen, j.name);
  const agendaSeen = new Map<string, A.Ident>();
  for (const a of [...ast.agendas, ...stages.flatMap((st) => st.agendas)]) dup('agenda', agendaSeen, a.name);
  const badgeSeen = new Map<string, A.Ident>();
  for (const b of ast.badges) if (!dup('badge', badgeSeen, b.name)) cx.badges.add(b.name.name);
  const lbSeen = new Map<string, A.Ident>();
  for (const lb of ast.leaderboards) dup('leaderboard', lbSeen, lb.name);
  const endpointSeen = new Map<string, A.Ident>();
  for (const e of ast.endpoints) if (!dup('endpoint', endpointSeen, e.name)) cx.endpoints.set(e.name.name, endpoint(cx, e));
}

/** `exclusive NAME` on one rule alone holds nothing back: probably a misspelt group (W0407). */
function exclusiveGroups(cx: Checker, rules: readonly A.RuleDecl[]): void {
  const byGroup = new Map<string, A.RuleDecl[]>();
  for (const r of rules) if (r.exclusive) byGroup.set(r.exclusive.name, [...(byGroup.get(r.exclusive.name) ?? []), r]);
  for (const [group, members] of byGroup) {
    if (members.length !== 1) continue;
    const r = members[0]!;
    cx.bag.report(
      D.W0407.alone(group, r.name.name),
      r.exclusive!.span,
      didYouMean(
        group,
        [...byGroup.keys()].filter((g) => g !== group),
      ) ?? 'give the rules that must not both run the same `exclusive NAME`',
    );
  }
}
