import type { IR } from '../ir/schema.js';
import { createRuntime, type OutputAction, type Runtime } from '../runtime/runtime.js';
import { formatOffset } from './clock.js';
import { isoDuration } from '../stdlib/durations.js';
import type { CoverageRecorder } from './coverage.js';
import { explainExpectation, type Produced } from './explain.js';
import type { TestPlan } from './plan.js';
import { messageOf } from '../stdlib/errors.js';

/**
 * Runs one planned test on a fresh runtime through the public API (createRuntime, dispatch,
 * advance). The test stops at its first failing expectation: later ones usually fail because
 * of it and would only bury the real cause.
 *
 * Which actions an expect sees: the actions produced by the events and waits since the previous
 * *block* of expects (a run of consecutive expect lines), or since the start. All expects of one
 * block see the same actions, so several expects can describe what one event did.
 */

export interface TestRunResult {
  passed: boolean;
  /** Indented lines explaining the failure, ready to print under `FAIL name`. */
  failure?: string;
}

export function runPlan(plan: TestPlan, ir: IR, file: string, coverage?: CoverageRecorder): TestRunResult {
  let rt: Runtime;
  try {
    rt = createRuntime(ir, { seed: 1 });
  } catch (e) {
    return { passed: false, failure: `  ${file}: the runtime could not start: ${(e as Error).message}` };
  }
  const all: Produced[] = [];
  let fresh: Produced[] = [];
  let freshLines: { from: number; to: number } | undefined;
  let window: Produced[] = [];
  let windowLines: { from: number; to: number } | undefined;
  let earlier: Produced[] = [];
  let inExpectBlock = false;

  const take = (actions: OutputAction[], line: number) => {
    for (const action of actions) {
      const at = Date.parse(action.at);
      const p: Produced = { action, line, offset: formatOffset((Number.isFinite(at) ? at : plan.start) - plan.start) };
      all.push(p);
      fresh.push(p);
    }
    freshLines = freshLines ? { from: freshLines.from, to: line } : { from: line, to: line };
    inExpectBlock = false;
  };
  const observe = (line: number, step: () => OutputAction[]) => {
    const before = coverage?.ritualStates(rt, plan.community);
    const actions = step();
    if (coverage) coverage.record(rt, plan.community, before!, actions);
    take(actions, line);
  };

  for (const s of plan.steps) {
    const location = `${file}:${s.span.line}:${s.span.column}`;
    try {
      switch (s.kind) {
        case 'advance':
          observe(s.span.line, () => rt.advance(s.at));
          break;
        case 'event': {
          let rejected: string | undefined;
          observe(s.span.line, () => {
            const r = rt.dispatchDetailed(s.event);
            if (r.status === 'invalid') rejected = r.reason ?? 'invalid event';
            else if (r.status === 'ignored') rejected = `the playbook ignores ${String(s.event['type'])} events`;
            else if (r.status === 'duplicate') rejected = 'the runtime saw this event id already';
            else if (r.status === 'stale') rejected = `it is older than the clock minus the horizon (${isoDuration(rt.horizonMs)})`;
            return r.actions;
          });
          if (rejected) return { passed: false, failure: `  ${location}: the runtime rejected this event: ${rejected}` };
          break;
        }
        case 'expect': {
          if (!inExpectBlock) {
            earlier = all.slice(0, all.length - fresh.length);
            window = fresh;
            windowLines = freshLines;
            fresh = [];
            freshLines = undefined;
            inExpectBlock = true;
          }
          const failure = explainExpectation(s.expectation, { location, window, earlier, ...(windowLines ? { windowLines } : {}) });
          if (failure) return { passed: false, failure };
          break;
        }
      }
    } catch (e) {
      // The runtime promises not to throw on valid input; if it does, the test says where.
      return { passed: false, failure: `  ${location}: the runtime failed: ${messageOf(e)}` };
    }
  }
  return { passed: true };
}
