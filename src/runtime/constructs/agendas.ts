import { localInstant } from '../../stdlib/calendar.js';
import type { Core } from '../core.js';
import { newCtx, type OutputAction } from '../context.js';
import type { CommunityState, Timer } from '../state.js';
import { insertTimer } from '../timers.js';
import { stageRunsAt } from './campaigns.js';
import { agendaTimerId } from '../../ir/index.js';

/**
 * `agenda` and the one-off `on DATE at TIME` (docs/language.md, "Agendas and one-off dates"):
 * each step is one timer, armed when a community's first event arrives. A step due before that
 * event is not armed, as a calendar's past occurrences are not; the others fire once each, in
 * time order and, at the same minute, in the order written (timers tie in creation order).
 */
export function armAgendas(core: Core, c: CommunityState, now: number): void {
  for (const a of core.ir.agendas ?? []) {
    a.steps.forEach((step, i) => {
      const due = localInstant(a.date, step.minutes, core.zone);
      if (due >= now) insertTimer(c, { id: agendaTimerId(a.id, i), due, kind: 'agenda', ref: a.id, hook: i });
    });
  }
}

export function fireAgendaStep(core: Core, c: CommunityState, t: Timer, cause: string, out: OutputAction[]): void {
  const a = core.ir.agendas?.find((x) => x.id === t.ref);
  const step = a?.steps[t.hook ?? -1];
  if (!a || !step) return;
  if (a.stage && !stageRunsAt(core, a.stage, t.due)) return;
  core.runActions(newCtx(c, t.due, cause, a.id, out), step.actions);
}
