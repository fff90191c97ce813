import type * as A from '../../parser/ast.js';
import { D } from '../../parser/diagnostic-codes.js';
import type { Agenda, StageRef } from '../../ir/schema.js';
import { actions } from './actions.js';
import { calendarDate, wallMinutes } from './checks.js';
import { groupScope, type Checker, type Scope } from './scopes.js';
import { constructId } from '../../ir/index.js';

/** A stage's bounds as wall-clock minutes (checks.ts, wallMinutes): start included, end excluded. */
export interface StageWindow {
  ref: StageRef;
  start: number;
  end: number;
}

const hhmm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;

/**
 * `agenda NAME on DATE { TIME [NAME]: … }` and the one-off `on DATE at TIME: …`: steps in time
 * order on one date (docs/language.md, "Agendas"). Inside a stage, every step must fall while the
 * stage runs, or it could never run (E0313).
 */
export function agenda(cx: Checker, a: A.AgendaDecl, stage?: StageWindow, scope?: Scope): Agenda {
  const first = a.steps[0];
  const what = a.oneOff && first ? `the one-off on ${a.date.date} at ${hhmm(first.minutes)}` : `agenda \`${a.name.name}\``;
  const day = calendarDate(cx, a.date);
  if (a.steps.length === 0 && !a.oneOff) {
    cx.bag.report(D.E0312.noSteps(a.name.name), a.name.span, 'add timed steps: `19:00 签到: say "…"`, one per line, in time order');
  }
  let prev: A.AgendaStep | undefined;
  for (const step of a.steps) {
    if (prev && step.minutes < prev.minutes) {
      cx.bag.report(
        D.E0311.outOfOrder(hhmm(step.minutes), hhmm(prev.minutes)),
        step.timeSpan,
        'list the steps in time order; an agenda covers one date, so a step after midnight goes in an agenda on the next date',
      );
    }
    prev = step;
    if (stage && day) {
      const at = wallMinutes(day, step.minutes);
      if (at < stage.start || at >= stage.end) {
        const where = a.oneOff ? what : `step at ${hhmm(step.minutes)} of ${what}`;
        cx.bag.report(
          D.E0313.outsideStage(where, stage.ref.stage),
          step.timeSpan,
          "move it into the stage's dates and times, or out of the stage to run it anyway",
        );
      }
    }
  }
  const sc = scope ?? groupScope(what);
  const out: Agenda = {
    id: constructId('agenda', a.name.name),
    name: a.name.name,
    date: a.date.date,
    steps: a.steps.map((s) => {
      const step: Agenda['steps'][number] = { minutes: s.minutes, actions: actions(cx, s.actions, sc) };
      if (s.name) step.name = s.name.name;
      return step;
    }),
  };
  if (stage) out.stage = stage.ref;
  return out;
}
