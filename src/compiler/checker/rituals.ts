import type * as A from '../../parser/ast.js';
import { D } from '../../parser/diagnostic-codes.js';
import type { IR } from '../../ir/schema.js';
import { actions } from './actions.js';
import { duration } from './checks.js';
import { eventMatch } from './conditions.js';
import { memberScope, type Checker, type Scope } from './scopes.js';
import { constructId, TEMPLATE_EXTRAS } from '../../ir/index.js';

/** `ritual NAME { starts on …; step …; remind after …; deadline …; cancel on …; done … }`. */
export function ritual(cx: Checker, r: A.RitualDecl): IR['rituals'][number] {
  const what = `ritual \`${r.name.name}\``;
  const scope = memberScope(what);
  if (!r.startsOn) cx.bag.report(D.E0402.noStartsOn(what), r.name.span, 'add `starts on member.joined`');
  const startsOn = r.startsOn ? eventMatch(cx, r.startsOn, scope) : { event: 'member.joined' };
  const startEvents = [startsOn.event];
  if (r.steps.length === 0 && r.done.length > 0) cx.bag.report(D.W0402.noSteps(what), r.name.span);
  const stepSeen = new Map<string, A.Ident>();
  const steps = r.steps.map((s) => {
    const prev = stepSeen.get(s.name.name);
    if (prev) cx.bag.report(D.E0102.ritualStepTwice(s.name.name, what), s.name.span, `the first is at line ${prev.span.line}`);
    stepSeen.set(s.name.name, s.name);
    return { name: s.name.name, label: s.label?.value ?? s.name.name, on: eventMatch(cx, s.on, scope) };
  });
  const timerScope: Scope = { ...scope, extras: TEMPLATE_EXTRAS.ritualPending };
  const reminders = r.reminders.map((rem) => ({ afterMs: duration(cx, rem.after, 'reminder delay'), actions: actions(cx, rem.actions, timerScope) }));
  const out: IR['rituals'][number] = {
    id: constructId('ritual', r.name.name),
    name: r.name.name,
    startsOn,
    onStart: actions(cx, r.onStart, { ...scope, events: startEvents, extras: TEMPLATE_EXTRAS.ritualPending }),
    steps,
    reminders,
    cancelOn: r.cancelOn.map((c) => eventMatch(cx, c, scope)),
    done: actions(cx, r.done, { ...scope, extras: TEMPLATE_EXTRAS.ritual }),
  };
  if (r.deadline) {
    const afterMs = duration(cx, r.deadline.after, 'deadline');
    out.deadline = { afterMs, actions: actions(cx, r.deadline.actions, timerScope) };
    r.reminders.forEach((rem, i) => {
      if (reminders[i]!.afterMs >= afterMs) {
        cx.bag.report(D.W0403.reminderTooLate(r.deadline!.after.text), rem.after.span);
      }
    });
  }
  return out;
}
