import type * as A from '../../parser/ast.js';
import { D } from '../../parser/diagnostic-codes.js';
import type { IR } from '../../ir/schema.js';
import { actions } from './actions.js';
import { cond } from './conditions.js';
import { eventRef, memberScope, type Checker } from './scopes.js';
import { constructId, TEMPLATE_EXTRAS } from '../../ir/index.js';

/** `level NAME at N` (sorted by threshold, each threshold once) and `badge NAME { when …; streak … }`. */
export function levels(cx: Checker): IR['levels'] {
  const ast = cx.ast;
  const out = ast.levels.map((l) => ({ name: l.name.name, at: l.at }));
  const sorted = [...ast.levels].sort((a, b) => a.at - b.at);
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i]!.at === sorted[i - 1]!.at) {
      cx.bag.report(D.E0603.sameThreshold(sorted[i - 1]!.name.name, sorted[i]!.name.name, sorted[i]!.at), sorted[i]!.span);
    }
  }
  for (let i = 1; i < ast.levels.length; i++) {
    if (ast.levels[i]!.at < ast.levels[i - 1]!.at) {
      cx.bag.report(D.W0601.levelsOrder(), ast.levels[i]!.span, 'list them from the lowest threshold up, so the file reads like the ladder it is');
      break;
    }
  }
  return out.sort((a, b) => a.at - b.at);
}

export function badge(cx: Checker, b: A.BadgeDecl): IR['badges'][number] {
  const out: IR['badges'][number] = {
    id: constructId('badge', b.name.name),
    name: b.name.name,
    actions: actions(cx, b.actions, { ...memberScope(`badge \`${b.name.name}\``), extras: TEMPLATE_EXTRAS.badge }),
  };
  if (b.when) out.when = cond(cx, b.when, { ...memberScope(`badge \`${b.name.name}\``), countScope: 'member' });
  if (b.streak) {
    const ev = eventRef(cx, b.streak.event);
    if (!Number.isInteger(b.streak.days) || b.streak.days < 1 || b.streak.days > 366) {
      cx.bag.report(D.E0604.streakDays(b.streak.days), b.streak.span);
    }
    out.streak = { days: Math.min(366, Math.max(1, Math.floor(b.streak.days))), event: ev ?? b.streak.event.name };
  }
  return out;
}
