import type { Action, Campaign, IR, Ladder, Leaderboard, Lifecycle, LifecycleTrigger, PointsRule, Ritual, Rule } from '../ir/schema.js';
import { DiagramBuilder, type Diagram } from './model.js';
import { actionText, calendarText, clockText, condText, counterTable, durationText, eventMatchText, quote, valueText, type CounterTable } from './text.js';
import { closest } from '../stdlib/suggest.js';
import { constructId } from '../ir/ids.js';

/**
 * IR -> diagrams. Every lifecycle and ritual becomes a state diagram (the shape of its XState
 * machine in compiler/backends/xstate.ts), every campaign a timeline of its stages, and the event-driven
 * constructs three flowcharts: `rules` (rules and their ladders), `points` (points entries,
 * levels, badges, leaderboards) and `schedules` (sessions and periodic jobs). The writers for
 * Mermaid and Graphviz DOT live in mermaid.ts and dot.ts.
 */

export type { Diagram, GraphEdge, GraphGroup, GraphNode, NodeShape } from './model.js';
export { renderMermaid, renderMermaidAll, renderMarkdown, mermaidLabel } from './mermaid.js';
export { renderDot, dotString } from './dot.js';

const doLines = (actions: Action[], ct: CounterTable) => actions.map((a) => `do ${actionText(a, ct)}`);

function triggerText(t: LifecycleTrigger, ct: CounterTable): string {
  if ('on' in t) return `on ${eventMatchText(t.on, ct)}`;
  if ('when' in t) return `when ${condText(t.when, ct)}`;
  return `after ${durationText(t.afterMs)}${t.without ? ` without ${t.without}` : ''}`;
}

export function lifecycleDiagram(l: Lifecycle, ct: CounterTable): Diagram {
  const b = new DiagramBuilder({ key: `lifecycle:${l.name}`, name: l.name, title: `lifecycle ${l.name}`, kind: 'state', direction: 'LR' });
  const ids = new Map<string, string>();
  const state = (name: string): string => {
    let id = ids.get(name);
    if (id === undefined) ids.set(name, (id = b.node('s', name, 'state', [name])));
    return id;
  };
  for (const s of l.states) state(s);
  b.edge(b.node('i', '', 'initial', []), state(l.initial));
  for (const t of l.transitions) b.edge(state(t.from), state(t.to), [triggerText(t.trigger, ct), ...doLines(t.actions, ct)]);
  return b.diagram;
}

export function ritualDiagram(r: Ritual, ct: CounterTable): Diagram {
  const b = new DiagramBuilder({ key: `ritual:${r.name}`, name: r.name, title: `ritual ${r.name}`, kind: 'state', direction: 'TB' });
  let active: string;
  if (r.steps.length === 0) {
    active = b.node('s', 'active', 'state', ['active (no steps)']);
  } else {
    // The steps are the parallel regions of `active`, as in the XState config: any order.
    active = b.group('a', 'active', 'composite', [r.steps.length > 1 ? 'active: steps in any order' : 'active']);
    for (const step of r.steps) {
      const title = step.label === step.name ? step.name : `${step.label} (${step.name})`;
      const region = b.group('g', step.name, 'region', [`step ${title}`], active);
      const pending = b.node('p', step.name, 'state', [`${title}: to do`], region);
      const done = b.node('d', step.name, 'state', [`${title}: done`], region);
      b.edge(b.node('i', '', 'initial', [], region), pending);
      b.edge(pending, done, [`on ${eventMatchText(step.on, ct)}`]);
      b.edge(done, b.node('f', '', 'final', [], region));
    }
  }
  const end = b.node('f', '', 'final', []);
  b.edge(b.node('i', '', 'initial', []), active, [`on ${eventMatchText(r.startsOn, ct)}`, ...doLines(r.onStart, ct)]);
  const completed = b.node('s', 'completed', 'state', ['completed']);
  b.edge(active, completed, [r.steps.length > 0 ? 'all steps done' : 'at once', ...doLines(r.done, ct)]);
  b.edge(completed, end);
  for (const rem of r.reminders) b.edge(active, active, [`after ${durationText(rem.afterMs)}: reminder`, ...doLines(rem.actions, ct)]);
  if (r.deadline) {
    const expired = b.node('s', 'expired', 'state', ['expired']);
    b.edge(active, expired, [`after ${durationText(r.deadline.afterMs)}: deadline`, ...doLines(r.deadline.actions, ct)]);
    b.edge(expired, end);
  }
  if (r.cancelOn.length > 0) {
    const cancelled = b.node('s', 'cancelled', 'state', ['cancelled']);
    for (const c of r.cancelOn) b.edge(active, cancelled, [`on ${eventMatchText(c, ct)}`]);
    b.edge(cancelled, end);
  }
  return b.diagram;
}

/** A points entry as its line in a `points` block: `message.posted: +1 reason "发言"`. */
function pointsEntryLines(p: PointsRule): string[] {
  const lines = [`${p.on.event}: ${p.amount > 0 ? '+' : ''}${p.amount} points reason ${quote(p.reason)}`];
  if (p.cooldownMs !== undefined) lines.push(`cooldown ${durationText(p.cooldownMs)}`);
  for (const cap of p.caps) lines.push(`cap ${cap.limit}${cap.unit === 'points' ? ' points' : ''} per ${cap.per}`);
  return lines;
}

export function campaignDiagram(c: Campaign, ir: IR, ct: CounterTable): Diagram {
  const b = new DiagramBuilder({ key: `campaign:${c.name}`, name: c.name, title: `campaign ${c.name}`, kind: 'flow', direction: 'LR' });
  const start = b.node('c', c.name, 'event', [`campaign ${c.name}`, `dates in ${ir.timezone}`]);
  let previous = start;
  for (const s of c.stages) {
    const inStage = (ref: { campaign: string; stage: string } | undefined) => ref?.campaign === c.name && ref.stage === s.name;
    const lines = [`stage ${s.name}`, s.to ? `${s.from} to ${s.to}` : `from ${s.from}, no end date`];
    if (s.multiplier !== undefined && s.multiplier !== 1) lines.push(`points ×${s.multiplier}`);
    for (const a of s.onEnter) lines.push(`on enter: ${actionText(a, ct)}`);
    for (const a of s.onExit) lines.push(`on exit: ${actionText(a, ct)}`);
    for (const p of ir.points.filter((p) => inStage(p.stage))) lines.push(pointsEntryLines(p).join(' '));
    for (const r of ir.rules.filter((r) => inStage(r.stage))) lines.push(`rule ${r.name}`);
    const stage = b.node('t', s.name, 'box', lines);
    b.edge(previous, stage, [`starts ${s.from}`]);
    previous = stage;
  }
  const last = c.stages[c.stages.length - 1];
  if (last?.to) b.edge(previous, b.node('e', 'ended', 'event', ['campaign over']), [`after ${last.to}`]);
  for (const g of c.goals) {
    const goal = b.node('g', g.name, 'hexagon', [`goal ${g.name}`, `when ${condText(g.when, ct)}`, ...doLines(g.actions, ct)]);
    b.edge(start, goal, ['checked while it runs'], true);
  }
  return b.diagram;
}

function ruleLines(r: Rule, ct: CounterTable): string[] {
  const lines = [`rule ${r.name}`];
  if (r.stage) lines.push(`only during stage ${r.stage.campaign}.${r.stage.stage}`);
  if (r.priority !== 0) lines.push(`priority ${r.priority}`);
  if (r.once) lines.push(`once per ${r.once}`);
  if (r.when) lines.push(`when ${condText(r.when, ct)}`);
  for (const u of r.unless) lines.push(`unless ${condText(u, ct)}`);
  return lines;
}

export function rulesDiagram(ir: IR, ct: CounterTable): Diagram | undefined {
  if (ir.rules.length === 0 && ir.ladders.length === 0) return undefined;
  const b = new DiagramBuilder({ key: 'rules', name: 'rules', title: 'rules and ladders', kind: 'flow', direction: 'LR' });
  const events = new Map<string, string>();
  const event = (name: string): string => {
    let id = events.get(name);
    if (id === undefined) events.set(name, (id = b.node('e', name, 'event', [name])));
    return id;
  };
  const ladders = new Map<string, string>();
  const ladderEntry = (name: string): string => {
    let id = ladders.get(name);
    if (id === undefined) {
      const ladder = ir.ladders.find((l) => l.name === name);
      ladders.set(name, (id = drawLadder(b, ladder ?? { id: constructId('ladder', name), name, steps: [] }, ct)));
    }
    return id;
  };
  for (const r of ir.rules) {
    const rule = b.node('r', r.name, 'box', ruleLines(r, ct));
    for (const on of r.on) b.edge(event(on.event), rule, on.where ? [`where ${condText(on.where, ct)}`] : []);
    r.actions.forEach((a, i) => {
      const action = b.node('a', a.do, 'rounded', [actionText(a, ct)]);
      b.edge(rule, action, r.actions.length > 1 ? [`${i + 1}`] : []);
      if (a.do === 'warn') b.edge(action, ladderEntry(a.ladder));
    });
  }
  for (const l of ir.ladders) ladderEntry(l.name);
  return b.diagram;
}

/** A ladder's box: where warnings arrive, then its steps in escalating order. Returns the entry node. */
function drawLadder(b: DiagramBuilder, l: Ladder, ct: CounterTable): string {
  const cluster = b.group('l', l.name, 'cluster', [`ladder ${l.name}`]);
  const entry = b.node(
    'w',
    l.name,
    'event',
    ['warning added', l.expireMs !== undefined ? `warnings expire after ${durationText(l.expireMs)}` : 'warnings never expire'],
    cluster,
  );
  let previous = entry;
  const steps = [...l.steps].sort((x, y) => x.n - y.n);
  steps.forEach((s, i) => {
    const step = b.node('n', `step${s.n}`, 'box', [`step ${s.n}`, ...s.actions.map((a) => actionText(a, ct))], cluster);
    b.edge(previous, step, [`warning ${s.n}`]);
    // Past the last step, the last step runs again.
    if (i === steps.length - 1) b.edge(step, step, [`warning ${s.n + 1}, ${s.n + 2}, …`]);
    previous = step;
  });
  return entry;
}

export function pointsDiagram(ir: IR, ct: CounterTable): Diagram | undefined {
  if (ir.points.length + ir.levels.length + ir.badges.length + ir.leaderboards.length === 0) return undefined;
  const b = new DiagramBuilder({ key: 'points', name: 'points', title: 'points, levels, badges and leaderboards', kind: 'flow', direction: 'LR' });
  const events = new Map<string, string>();
  const event = (name: string): string => {
    let id = events.get(name);
    if (id === undefined) events.set(name, (id = b.node('e', name, 'event', [name])));
    return id;
  };
  const balance = b.node('b', 'balance', 'rounded', ['points balance']);
  for (const p of ir.points) {
    const lines = pointsEntryLines(p);
    if (p.stage) lines.push(`only during stage ${p.stage.campaign}.${p.stage.stage}`);
    const entry = b.node('p', p.on.event, 'box', lines);
    b.edge(event(p.on.event), entry, p.on.where ? [`where ${condText(p.on.where, ct)}`] : []);
    b.edge(entry, balance);
  }
  if (ir.levels.length > 0) {
    const cluster = b.group('v', 'levels', 'cluster', ['levels']);
    let previous = balance;
    for (const level of [...ir.levels].sort((x, y) => x.at - y.at)) {
      const node = b.node('v', level.name, 'hexagon', [`level ${level.name}`], cluster);
      b.edge(previous, node, [`reaches ${level.at}`]);
      previous = node;
    }
  }
  if (ir.badges.length > 0) {
    const cluster = b.group('x', 'badges', 'cluster', ['badges']);
    for (const badge of ir.badges) {
      const lines = [`badge ${badge.name}`];
      if (badge.streak) lines.push(`streak ${badge.streak.days} days of ${badge.streak.event}`);
      if (badge.when) lines.push(`when ${condText(badge.when, ct)}`);
      const node = b.node('x', badge.name, 'hexagon', [...lines, ...doLines(badge.actions, ct)], cluster);
      if (badge.streak) b.edge(event(badge.streak.event), node, ['every day, in a row'], true);
    }
  }
  for (const lb of ir.leaderboards) {
    const node = b.node('k', lb.name, 'box', [
      `leaderboard ${lb.name}`,
      `top ${lb.top} by ${rankText(lb, ct)}`,
      calendarText(lb.calendar) + (lb.skipIfEmpty ? ' skip if empty' : ''),
      ...doLines(lb.actions, ct),
      ...(lb.each ?? []).map((a) => `for each member: ${actionText(a, ct)}`),
    ]);
    b.edge(balance, node, [], true);
  }
  return b.diagram;
}

/** What a leaderboard ranks by, over which window (docs/language.md, "Leaderboards"). */
function rankText(lb: Leaderboard, ct: CounterTable): string {
  if (!lb.window) return `points (${lb.period === 'all' ? 'balance' : lb.period})`;
  const rank = lb.rank ?? { points: true };
  const window = lb.window.replace(/[A-Z]/g, (c) => ` ${c.toLowerCase()}`);
  if ('value' in rank) return valueText(rank.value, ct);
  return `${'count' in rank ? `count(${rank.count})` : 'points'} ${window}`;
}

/** `every_line_12`, the checker's name for an unnamed `every …` job, reads better as `job (line 12)`. */
function jobTitle(name: string): string {
  const line = /^every_line_(\d+)$/.exec(name);
  return line ? `job (line ${line[1]})` : `job ${name}`;
}

export function schedulesDiagram(ir: IR, ct: CounterTable): Diagram | undefined {
  if (ir.schedules.length + ir.jobs.length === 0) return undefined;
  const b = new DiagramBuilder({ key: 'schedules', name: 'schedules', title: 'schedules and jobs', kind: 'flow', direction: 'LR' });
  for (const s of ir.schedules) {
    const cluster = b.group('c', s.name, 'cluster', [`schedule ${s.name}`]);
    const lines = [calendarText(s.calendar, s.durationMs), `attendance by ${s.attendanceEvent}`];
    let previous = b.node('k', s.name, 'event', lines, cluster);
    const duration = s.durationMs ?? 0;
    const at = (h: (typeof s.hooks)[number]) => (h.anchor === 'start' ? h.offsetMs : duration + h.offsetMs);
    const single = s.calendar.times.length === 1 ? s.calendar.times[0]! : undefined;
    for (const hook of [...s.hooks].sort((x, y) => at(x) - at(y))) {
      let title = `at ${hook.anchor}`;
      if (hook.offsetMs !== 0) title += ` ${hook.offsetMs > 0 ? '+' : '-'} ${durationText(Math.abs(hook.offsetMs))}`;
      if (single !== undefined) title += ` (${clockText(single + Math.round(at(hook) / 60_000))})`;
      const node = b.node('h', hook.anchor, 'box', [title, ...hook.actions.map((a) => actionText(a, ct))], cluster);
      b.edge(previous, node);
      previous = node;
    }
  }
  for (const j of ir.jobs) {
    const tick = b.node('k', j.name, 'event', [calendarText(j.calendar)]);
    const when = j.when ? [`when ${condText(j.when, ct)}`] : [];
    b.edge(tick, b.node('j', j.name, 'box', [jobTitle(j.name), ...when, ...j.actions.map((a) => actionText(a, ct))]));
  }
  return b.diagram;
}

/** Every diagram of a playbook, in a stable order: lifecycles, rituals, campaigns, rules, points, schedules. */
export function buildDiagrams(ir: IR): Diagram[] {
  const ct = counterTable(ir.counters);
  const out: Diagram[] = [
    ...ir.lifecycles.map((l) => lifecycleDiagram(l, ct)),
    ...ir.rituals.map((r) => ritualDiagram(r, ct)),
    ...ir.campaigns.map((c) => campaignDiagram(c, ir, ct)),
  ];
  for (const d of [rulesDiagram(ir, ct), pointsDiagram(ir, ct), schedulesDiagram(ir, ct)]) if (d) out.push(d);
  return out;
}

export type Selection = { ok: true; diagrams: Diagram[] } | { ok: false; message: string };

/**
 * `--only NAME`: a construct's name (`member`, `onboarding`, `rules`) or, when two kinds share a
 * name, its key (`lifecycle:member`).
 */
export function selectDiagrams(diagrams: Diagram[], only: string): Selection {
  const byKey = diagrams.filter((d) => d.key === only);
  if (byKey.length > 0) return { ok: true, diagrams: byKey };
  const byName = diagrams.filter((d) => d.name === only);
  if (byName.length === 1) return { ok: true, diagrams: byName };
  if (byName.length > 1) {
    return { ok: false, message: `\`${only}\` names several diagrams; choose one of ${byName.map((d) => `\`${d.key}\``).join(', ')}` };
  }
  if (diagrams.length === 0) return { ok: false, message: `no diagram named \`${only}\`: the playbook has nothing to draw` };
  const suggestion = closest(only, [...diagrams.map((d) => d.name), ...diagrams.map((d) => d.key)]);
  return {
    ok: false,
    message:
      `no diagram named \`${only}\`${suggestion ? `; did you mean \`${suggestion}\`?` : ''}\n` +
      `available: ${diagrams.map((d) => (diagrams.filter((x) => x.name === d.name).length > 1 ? d.key : d.name)).join(', ')}`,
  };
}
