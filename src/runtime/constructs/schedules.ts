import { isoInZone, nextOccurrence } from '../../stdlib/calendar.js';
import type { Core } from '../core.js';
import { newCtx, type OutputAction } from '../context.js';
import type { InputEvent } from '../events.js';
import type { CommunityState, MemberState, Timer } from '../state.js';
import { insertTimer } from '../timers.js';
import { stageRunsAt } from './campaigns.js';
import { calendarSalt } from './jobs.js';
import { sessionTimerId, templateExtras } from '../../ir/index.js';

/**
 * `schedule`: sessions opened on a calendar, their hooks, and attendance (docs/runtime.md,
 * "Schedules and attendance"; docs/language.md, "Schedules"). A session's open, hooks and close
 * are timers; the next session is armed when one opens.
 */

const DAY = 86_400_000;

/** A new community: an empty session list per schedule and each schedule's next session armed. */
export function armSchedules(core: Core, c: CommunityState, now: number): void {
  for (const s of core.ir.schedules) {
    c.sessions[s.name] = [];
    scheduleSession(core, c, s.id, now);
  }
}

function scheduleSession(core: Core, c: CommunityState, scheduleId: string, from: number): void {
  const s = core.ir.schedules.find((x) => x.id === scheduleId)!;
  const start = nextOccurrence(s.calendar, core.zone, from, calendarSalt(c, s.id));
  const end = start + (s.durationMs ?? 0);
  insertTimer(c, { id: sessionTimerId(s.id, start, { kind: 'open' }), due: start, kind: 'session.open', ref: s.id, session: start });
  s.hooks.forEach((h, i) => {
    const due = (h.anchor === 'start' ? start : end) + h.offsetMs;
    if (due >= from)
      insertTimer(c, { id: sessionTimerId(s.id, start, { kind: 'hook', index: i }), due, kind: 'session.hook', ref: s.id, session: start, hook: i });
  });
  insertTimer(c, { id: sessionTimerId(s.id, start, { kind: 'close' }), due: end, kind: 'session.close', ref: s.id, session: start });
}

/** A session starts: members present now are expected. */
export function openSession(core: Core, c: CommunityState, t: Timer): void {
  const now = t.due;
  const s = core.ir.schedules.find((x) => x.id === t.ref)!;
  // A schedule written in a stage holds only the sessions that start while the stage runs.
  if (s.stage && !stageRunsAt(core, s.stage, t.session!)) {
    scheduleSession(core, c, s.id, now + 60_000);
    return;
  }
  const present: string[] = [];
  for (const id in c.members) if (c.members[id]!.present) present.push(c.members[id]!.id);
  const sessions = (c.sessions[s.name] ??= []);
  sessions.push({ start: t.session!, end: t.session! + (s.durationMs ?? 0), present, attended: [] });
  // Keep what attendance windows can still look at (the longest window used is bounded).
  const horizon = now - 400 * DAY;
  while (sessions.length > 0 && sessions[0]!.start < horizon) sessions.shift();
  scheduleSession(core, c, s.id, now + 60_000);
}

export function runHook(core: Core, c: CommunityState, t: Timer, cause: string, out: OutputAction[]): void {
  const s = core.ir.schedules.find((x) => x.id === t.ref)!;
  const hook = s.hooks[t.hook!];
  if (!hook || (s.stage && !stageRunsAt(core, s.stage, t.session!))) return;
  const ctx = newCtx(c, t.due, cause, s.id, out);
  // Stryker disable next-line StringLiteral: templateExtras uses its kind for types only (src/ir/template-extras.ts); docs/testing.md
  ctx.extras = templateExtras('session', { schedule: s.name, session: isoInZone(t.session!, core.zone) });
  ctx.session = { schedule: s.name, start: t.session! };
  core.runActions(ctx, hook.actions);
}

/** A member who posts (the `attendance by` event) during the open session attended it. */
export function recordAttendance(core: Core, c: CommunityState, m: MemberState, ev: InputEvent, now: number): void {
  for (const s of core.ir.schedules) {
    if (s.attendanceEvent !== ev.type) continue;
    const last = c.sessions[s.name]?.at(-1);
    if (last && last.start <= now && now < last.end && !last.attended.includes(m.id)) last.attended.push(m.id);
  }
}
