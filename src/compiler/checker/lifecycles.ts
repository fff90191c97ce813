import type * as A from '../../parser/ast.js';
import { D } from '../../parser/diagnostic-codes.js';
import { didYouMean } from '../../stdlib/suggest.js';
import type { IR } from '../../ir/schema.js';
import { actions } from './actions.js';
import { duration } from './checks.js';
import { cond, eventMatch } from './conditions.js';
import { eventRef, memberScope, type Checker } from './scopes.js';
import { constructId, TEMPLATE_EXTRAS } from '../../ir/index.js';

/** `lifecycle NAME { initial …; A -> B on … / when … / after … }`: states, triggers, reachability. */
export function lifecycle(cx: Checker, l: A.LifecycleDecl): IR['lifecycles'][number] {
  const what = `lifecycle \`${l.name.name}\``;
  const states: string[] = [];
  const add = (s: string) => {
    if (!states.includes(s)) states.push(s);
  };
  for (const t of l.transitions) {
    add(t.from.name);
    add(t.to.name);
  }
  if (l.transitions.length === 0) cx.bag.report(D.E0701.noTransitions(what), l.name.span, 'add lines like `newcomer -> active on message.posted`');
  let initial = l.initial?.name ?? l.transitions[0]?.from.name ?? 'start';
  if (l.initial && !states.includes(l.initial.name)) {
    cx.bag.report(D.E0702.initialNotAState(l.initial.name, what), l.initial.span, didYouMean(l.initial.name, states));
    initial = states[0] ?? initial;
  }
  if (!states.includes(initial)) states.unshift(initial);
  const transitions = l.transitions.map((t) => {
    const scope = { ...memberScope(`${what} (${t.from.name} -> ${t.to.name})`), extras: TEMPLATE_EXTRAS.lifecycle };
    let trigger: IR['lifecycles'][number]['transitions'][number]['trigger'];
    let events: string[] = [];
    if (t.trigger.kind === 'on') {
      const on = eventMatch(cx, t.trigger.on, scope);
      trigger = { on };
      events = [on.event];
    } else if (t.trigger.kind === 'when') {
      trigger = { when: cond(cx, t.trigger.when, scope) };
    } else {
      const afterMs = duration(cx, t.trigger.after, 'delay');
      const without = t.trigger.without ? eventRef(cx, t.trigger.without) : undefined;
      trigger = without ? { afterMs, without } : { afterMs };
    }
    if (t.from.name === t.to.name) cx.bag.report(D.W0702.selfTransition(t.from.name), t.span);
    return { from: t.from.name, to: t.to.name, trigger, actions: actions(cx, t.actions, { ...scope, events }) };
  });
  // Reachability from the initial state.
  const reach = new Set([initial]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const t of transitions)
      if (reach.has(t.from) && !reach.has(t.to)) {
        reach.add(t.to);
        grew = true;
      }
  }
  for (const s of states) {
    if (!reach.has(s)) {
      const where = l.transitions.find((t) => t.from.name === s)?.from ?? l.transitions.find((t) => t.to.name === s)?.to;
      cx.bag.report(D.W0701.unreachable(s, what, initial), where?.span ?? l.name.span, 'add a transition into it, or remove it');
    }
  }
  return { id: constructId('lifecycle', l.name.name), name: l.name.name, initial, states, transitions };
}
