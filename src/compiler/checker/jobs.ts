import type * as A from '../../parser/ast.js';
import type { IR } from '../../ir/schema.js';
import { actions } from './actions.js';
import { calendar } from './checks.js';
import { groupScope, type Checker } from './scopes.js';
import { constructId } from '../../ir/index.js';

/** `job NAME every … { … }`: actions on a calendar, with no member or event in scope. */
export function job(cx: Checker, j: A.JobDecl): IR['jobs'][number] {
  return {
    id: constructId('job', j.name.name),
    name: j.name.name,
    calendar: calendar(cx, j.every),
    actions: actions(cx, j.actions, groupScope(`job \`${j.name.name}\``)),
  };
}
