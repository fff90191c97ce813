import { DateTime } from 'luxon';
import type * as A from '../../parser/ast.js';
import { D } from '../../parser/diagnostic-codes.js';
import type { IR } from '../../ir/schema.js';
import { actions } from './actions.js';
import { cond } from './conditions.js';
import { pointsEntry } from './points.js';
import { rule } from './rules.js';
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
  let prevEnd: DateTime | undefined;
  let prevName = '';
  c.stages.forEach((s, i) => {
    const from = date(cx, s.from);
    const to = s.to ? date(cx, s.to) : undefined;
    if (from && to && to < from) cx.bag.report(D.E0802.endsBeforeStart(s.name.name), s.to!.span);
    if (from && prevEnd && from <= prevEnd) {
      cx.bag.report(D.E0803.overlaps(s.name.name, prevName), s.from.span, 'stages of a campaign follow one another without overlap');
    }
    if (!s.to && i < c.stages.length - 1) cx.bag.report(D.E0804.openEnded(s.name.name), s.name.span);
    prevEnd = to;
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
    if (s.multiplier) {
      if (!(s.multiplier.factor > 0)) cx.bag.report(D.E0805.multiplier(), s.multiplier.span);
      else stage.multiplier = s.multiplier.factor;
    }
    stages.push(stage);
    s.points.forEach((p) => ir.points.push(pointsEntry(cx, p, stageRef)));
    s.rules.forEach((r) => ir.rules.push(rule(cx, r, stageRef)));
  });
  const goalSeen = new Map<string, A.Ident>();
  const goals = c.goals.map((g) => {
    const prev = goalSeen.get(g.name.name);
    if (prev) cx.bag.report(D.E0102.goalTwice(g.name.name, what), g.name.span);
    goalSeen.set(g.name.name, g.name);
    const scope: Scope = { ...groupScope(`goal \`${g.name.name}\``), campaign: c.name.name, extras: TEMPLATE_EXTRAS.goal };
    return { name: g.name.name, when: cond(cx, g.when, scope), actions: actions(cx, g.actions, scope) };
  });
  return { id: constructId('campaign', c.name.name), name: c.name.name, stages, goals };
}

function date(cx: Checker, d: { date: string; span: A.Span }): DateTime | undefined {
  const dt = DateTime.fromISO(d.date, { zone: 'UTC' });
  if (!dt.isValid) {
    cx.bag.report(D.E0302.notADate(d.date), d.span, dt.invalidExplanation ?? undefined);
    return undefined;
  }
  return dt;
}
