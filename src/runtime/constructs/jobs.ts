import { nextOccurrence } from '../../stdlib/calendar.js';
import type { Core } from '../core.js';
import { newCtx, type OutputAction } from '../context.js';
import type { CommunityState, Timer } from '../state.js';
import { insertTimer } from '../timers.js';
import { stageRunsAt } from './campaigns.js';

/**
 * `job` (periodic jobs): actions on a calendar, armed when a community's first event arrives,
 * for occurrences at or after it (docs/runtime.md, "State and time"; docs/language.md,
 * "Periodic jobs").
 */

export function armJobs(core: Core, c: CommunityState, now: number): void {
  for (const j of core.ir.jobs) insertTimer(c, { id: j.id, due: nextOccurrence(j.calendar, core.zone, now, calendarSalt(c, j.id)), kind: 'job', ref: j.id });
}

/** What a `between` window's daily draw is made from: the community's seed and the construct. */
export function calendarSalt(c: Pick<CommunityState, 'rng'>, id: string): string {
  return `${c.rng}|${id}`;
}

export function fireJob(core: Core, c: CommunityState, t: Timer, cause: string, out: OutputAction[]): void {
  const now = t.due;
  const job = core.ir.jobs.find((j) => j.id === t.ref);
  if (!job) return;
  // A job written in a stage runs only at occurrences while the stage runs; it stays armed, and
  // so does a job whose `when` does not hold at this occurrence.
  if (!job.stage || stageRunsAt(core, job.stage, now)) {
    const ctx = newCtx(c, now, cause, job.id, out);
    if (!job.when || core.test(job.when, ctx)) core.runActions(ctx, job.actions);
  }
  insertTimer(c, { id: job.id, due: nextOccurrence(job.calendar, core.zone, now + 60_000, calendarSalt(c, job.id)), kind: 'job', ref: job.id });
}
