import type * as A from '../../parser/ast.js';
import { D } from '../../parser/diagnostic-codes.js';
import type { IR } from '../../ir/schema.js';
import { actions } from './actions.js';
import { calendar } from './checks.js';
import { eventRef, groupScope, type Checker } from './scopes.js';
import { constructId, TEMPLATE_EXTRAS } from '../../ir/index.js';

/** `schedule NAME every … until …`: sessions with attendance and hooks at their start or end. */
export function schedule(cx: Checker, s: A.ScheduleDecl): IR['schedules'][number] {
  const what = `schedule \`${s.name.name}\``;
  const attendanceEvent = s.attendance ? (eventRef(cx, s.attendance) ?? 'message.posted') : 'message.posted';
  const out: IR['schedules'][number] = {
    id: constructId('schedule', s.name.name),
    name: s.name.name,
    calendar: calendar(cx, s.every),
    attendanceEvent,
    hooks: s.hooks.map((h) => {
      if (h.anchor === 'end' && s.untilMinutes === undefined) {
        cx.bag.report(D.E0307.noEndTime(what), h.span, 'give the session an end: `every mon-fri 19:20 until 20:00`');
      }
      return { anchor: h.anchor, offsetMs: h.offsetMs, actions: actions(cx, h.actions, { ...groupScope(what), extras: TEMPLATE_EXTRAS.session }) };
    }),
  };
  if (s.untilMinutes !== undefined) out.durationMs = s.untilMinutes * 60_000;
  return out;
}
