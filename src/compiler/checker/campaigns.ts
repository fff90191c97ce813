import type * as A from '../../parser/ast.js';
import { D } from '../../parser/diagnostic-codes.js';
import type { IR } from '../../ir/schema.js';
import { actions } from './actions.js';
import { cond } from './conditions.js';
import { pointsEntry } from './points.js';
import { rule } from './rules.js';
import { agenda } from './agendas.js';
import { calendarDate, wallMinutes } from './checks.js';
import { job } from './jobs.js';
import { schedule } from './schedules.js';
import { groupScope, type Checker, type Scope } from './scopes.js';
import { constructId, TEMPLATE_EXTRAS } from '../../ir/index.js';

/**
 * `campaign NAME { stage … from … to … { … }; goal … when … { … } }`: stages in order without
 * overlap; a stage's points and rules go into the IR's points and rules, tagged with the stage.
 */
export function campaign(cx: Checker, c: A.CampaignDecl, ir: IR): IR['campaigns'][number] {
  const what = `campaign \`${c.name.name}\``;
  if (c.stages.length === 0) cx.bag.report(D.E0801.noStages(what), c.name.span, 'add `stage NAME from YYYY-MM-DD to YYYY-MM-DD { … }`');
  const stages: IR['campaigns'][number]['stages'] = [];
  let prevEnd: number | undefined;
  let prevName = '';
  c.stages.forEach((s, i) => {
    const fromDay = calendarDate(cx, s.from);
    const toDay = s.to ? calendarDate(cx, s.to) : undefined;
    // Wall-clock minutes (checks.ts): `to D` without a time ends at the midnight after D.
    const start = fromDay ? wallMinutes(fromDay, s.from.minutes ?? 0) : undefined;
    const end = toDay && s.to ? wallMinutes(toDay, s.to.minutes ?? 24 * 60) : undefined;
    if (start !== undefined && end !== undefined && end <= start) {
      cx.bag.report(D.E0802.endsBeforeStart(s.name.name), s.to!.span, endHint(s));
    }
    if (start !== undefined && prevEnd !== undefined && start < prevEnd) {
      cx.bag.report(
        D.E0803.overlaps(s.name.name, prevName),
        s.from.span,
        'stages of a campaign follow one another without overlap; a stage ends just before its `to` time, so the next may start at that same time',
      );
    }
    if (!s.to && i < c.stages.length - 1) cx.bag.report(D.E0804.openEnded(s.name.name), s.name.span);
    prevEnd = end;
    prevName = s.name.name;
    const stageRef = { campaign: c.name.name, stage: s.name.name };
    const scope: Scope = { ...groupScope(`stage \`${s.name.name}\``), campaign: c.name.name, extras: TEMPLATE_EXTRAS.stage };
    const stage: IR['campaigns'][number]['stages'][number] = {
      name: s.name.name,
      from: s.from.date,
      onEnter: actions(cx, s.onEnter, scope),
      onExit: actions(cx, s.onExit, scope),
    };
    if (s.to) stage.to = s.to.date;
    if (s.from.minutes !== undefined) stage.fromMinutes = s.from.minutes;
    if (s.to?.minutes !== undefined) stage.toMinutes = s.to.minutes;
    if (s.multiplier) {
      if (!(s.multiplier.factor > 0)) cx.bag.report(D.E0805.multiplier(), s.multiplier.span);
      else stage.multiplier = s.multiplier.factor;
    }
    stages.push(stage);
    s.points.forEach((p) => ir.points.push(pointsEntry(cx, p, stageRef)));
    s.rules.forEach((r) => ir.rules.push(rule(cx, r, stageRef)));
    s.schedules.forEach((x) => ir.schedules.push({ ...schedule(cx, x), stage: stageRef }));
    s.jobs.forEach((x) => ir.jobs.push(job(cx, x, stageRef)));
    const window = { ref: stageRef, start: start ?? -Infinity, end: end ?? Infinity };
    s.agendas.forEach((x) => (ir.agendas ??= []).push(agenda(cx, x, window)));
  });
  const goalSeen = new Map<string, A.Ident>();
  const goals = c.goals.map((g) => {
    const prev = goalSeen.get(g.name.name);
    if (prev) cx.bag.report(D.E0102.goalTwice(g.name.name, what), g.name.span);
    goalSeen.set(g.name.name, g.name);
    const scope: Scope = {
      ...groupScope(`goal \`${g.name.name}\``),
      campaign: c.name.name,
      extras: TEMPLATE_EXTRAS.goal,
      goalNetwork: c.across !== undefined,
    };
    return { name: g.name.name, when: cond(cx, g.when, scope), actions: actions(cx, g.actions, scope) };
  });
  const out: IR['campaigns'][number] = { id: constructId('campaign', c.name.name), name: c.name.name, stages, goals };
  if (c.across) {
    out.network = true;
    if (goals.length === 0)
      cx.bag.report(D.W0440.noGoals(c.name.name), c.across.span, 'add `goal NAME when count(order.paid) >= 1000 { say "…" }`, or drop `across all groups`');
  }
  return out;
}

/** A stage that ends where it starts (or before) runs never: say that the end is excluded. */
function endHint(s: A.StageDecl): string {
  if (s.from.minutes === undefined && s.to?.minutes === undefined) return 'the end date must be on or after the start date';
  return 'the `to` time is excluded: `from 2026-11-11 10:00 to 2026-11-11 12:00` runs two hours; `to 2026-11-11` without a time runs to the end of that day';
}
