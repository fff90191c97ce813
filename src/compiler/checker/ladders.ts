import type * as A from '../../parser/ast.js';
import { D } from '../../parser/diagnostic-codes.js';
import type { IR } from '../../ir/schema.js';
import { actions } from './actions.js';
import { duration } from './checks.js';
import { memberScope, type Checker } from './scopes.js';
import { constructId, TEMPLATE_EXTRAS } from '../../ir/index.js';

/** `ladder NAME { expire …; 1: …; 2: … }`: numbered steps, each once, sorted. */
export function ladder(cx: Checker, l: A.LadderDecl): IR['ladders'][number] {
  const expireMs = l.expire ? duration(cx, l.expire, 'ladder expiry') : undefined;
  const seen = new Set<number>();
  const steps = [];
  for (const st of l.steps) {
    if (!Number.isInteger(st.n) || st.n < 1) cx.bag.report(D.E0503.stepNumber(st.n), st.span);
    if (seen.has(st.n)) cx.bag.report(D.E0102.ladderStepTwice(l.name.name, st.n), st.span);
    seen.add(st.n);
    const scope = { ...memberScope(`ladder \`${l.name.name}\``), extras: TEMPLATE_EXTRAS.ladder };
    steps.push({ n: Math.max(1, Math.floor(st.n)), actions: actions(cx, st.actions, scope) });
  }
  if (steps.length === 0) cx.bag.report(D.E0504.noSteps(l.name.name), l.name.span, 'add steps like `1: say to member "…"; 2: remove member`');
  steps.sort((a, b) => a.n - b.n);
  const id = constructId('ladder', l.name.name);
  return expireMs ? { id, name: l.name.name, expireMs, steps } : { id, name: l.name.name, steps };
}
