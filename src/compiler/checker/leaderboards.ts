import type * as A from '../../parser/ast.js';
import type { IR } from '../../ir/schema.js';
import { actions } from './actions.js';
import { calendar, positiveInt } from './checks.js';
import { groupScope, type Checker } from './scopes.js';
import { constructId, TEMPLATE_EXTRAS } from '../../ir/index.js';

/** `leaderboard NAME { period …; top N; every …; do … }`: posted for the group, `{board}` in its text. */
export function leaderboard(cx: Checker, lb: A.LeaderboardDecl): IR['leaderboards'][number] {
  return {
    id: constructId('leaderboard', lb.name.name),
    name: lb.name.name,
    period: lb.period,
    top: positiveInt(cx, lb.top, lb.span, 'leaderboard size'),
    calendar: calendar(cx, lb.every),
    actions: actions(cx, lb.actions, { ...groupScope(`leaderboard \`${lb.name.name}\``), extras: TEMPLATE_EXTRAS.leaderboard }),
  };
}
