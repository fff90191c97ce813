import type * as A from '../../parser/ast.js';
import type { IR, StageRef } from '../../ir/schema.js';
import { actions } from './actions.js';
import { calendar } from './checks.js';
import { cond } from './conditions.js';
import { groupScope, type Checker, type Scope } from './scopes.js';
import { constructId } from '../../ir/index.js';

/**
 * `job NAME every … [when …] { … }`: actions on a calendar, with no member or event in scope.
 * Written in a stage, its counts are the campaign's, as in the stage's rules (docs/language.md,
 * "Periodic jobs").
 */
export function job(cx: Checker, j: A.JobDecl, stage?: StageRef): IR['jobs'][number] {
  const scope: Scope = groupScope(`job \`${j.name.name}\``);
  if (stage) scope.campaign = stage.campaign;
  const out: IR['jobs'][number] = {
    id: constructId('job', j.name.name),
    name: j.name.name,
    calendar: calendar(cx, j.every),
    actions: actions(cx, j.actions, scope),
  };
  if (j.when) out.when = cond(cx, j.when, scope);
  if (stage) out.stage = stage;
  return out;
}
