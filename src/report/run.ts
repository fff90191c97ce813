import type { IR } from '../ir/schema.js';
import { createRuntime, type OutputAction } from '../index.js';
import { ReportCollector, type ReportOptions } from './collector.js';
import type { ReportData, RunSummary } from './model.js';

export interface SimulateToReportOptions extends ReportOptions {
  seed?: number;
  /** Like `simulate --until`: after the events, fire every timer due up to this instant. */
  until?: string;
}

export interface SimulatedReport {
  html: string;
  data: ReportData;
  actions: OutputAction[];
  summary: Required<Omit<RunSummary, 'until' | 'seed'>>;
}

/**
 * Runs a playbook on events the way `simulate` does and returns the report: for tests, and for
 * hosts that embed the runtime and want the same page. Events are parsed objects (or anything
 * `dispatch` accepts: invalid ones are counted as bad lines).
 */
export function simulateToReport(ir: IR, events: Iterable<unknown>, options: SimulateToReportOptions = {}): SimulatedReport {
  const { seed, until, ...reportOptions } = options;
  const rt = createRuntime(ir, seed === undefined ? {} : { seed });
  const report = new ReportCollector(ir, reportOptions);
  const actions: OutputAction[] = [];
  const summary = { read: 0, processed: 0, ignored: 0, bad: 0, duplicates: 0, stale: 0, late: 0, actions: 0 };
  let line = 0;
  for (const raw of events) {
    line++;
    summary.read++;
    const r = rt.dispatchDetailed(raw);
    report.observeEvent(raw, r.actions, r.status, r.late);
    if (r.status === 'invalid') {
      summary.bad++;
      report.noteInputProblem(line, `skipped: ${r.reason ?? 'invalid event'}`);
    } else if (r.status === 'duplicate') summary.duplicates++;
    else if (r.status === 'stale') {
      summary.stale++;
      report.noteInputProblem(line, 'skipped: stale: older than the clock minus the horizon');
    } else if (r.status === 'ignored') summary.ignored++;
    else summary.processed++;
    if (r.late) {
      summary.late++;
      report.noteInputProblem(line, "late: older than the clock; processed at the clock's time");
    }
    for (const a of r.actions) actions.push(a);
  }
  if (until !== undefined) {
    const due = rt.advance(until);
    report.observeTimerActions(due, until);
    // A loop, not push(...due): the timers due at once can be one per member.
    for (const a of due) actions.push(a);
  }
  summary.actions = actions.length;
  const runSummary: RunSummary = { ...summary };
  if (until !== undefined) runSummary.until = until;
  if (seed !== undefined) runSummary.seed = seed;
  const data = report.aggregate(rt, runSummary);
  return { html: report.render(rt, runSummary), data, actions, summary };
}
